//! A place as writers read it, from a per-document map or the corpus map
//! alike: the place, what the documents say of it, and its listed
//! mentions, all borrowed from the map.

use crate::gazetteer::Place;

/// A place as a map lists it: the place, and what the documents say of it.
#[derive(Debug, Clone)]
pub struct PlaceView<'a> {
    pub place: &'a Place,
    /// The highest confidence of its mentions.
    pub confidence: f64,
    /// Every mention of it is an outlier.
    pub outlier: bool,
    /// How many times it is mentioned: exact, however many are listed.
    pub mention_count: u64,
    /// In how many documents: exact.
    pub document_count: u64,
    /// The earliest and latest dates of those documents (`YYYY-MM-DD`).
    pub first_date: Option<&'a str>,
    pub last_date: Option<&'a str>,
    /// The ids of the first documents that mention it, in input order.
    pub documents: Vec<&'a str>,
    /// Its first mentions, in input order.
    pub mentions: Vec<MentionView<'a>>,
}

impl PlaceView<'_> {
    /// Keeps the first `listed` mentions and documents (all when `None`);
    /// the counts stay as they are.
    pub fn list_at_most(&mut self, listed: Option<usize>) {
        if let Some(n) = listed {
            self.mentions.truncate(n);
            self.documents.truncate(n);
        }
    }

    /// A label for a hover or a list: "Kharkiv (city) — 13 mentions in 4
    /// documents".
    pub fn title(&self) -> String {
        let plural =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} ({}) — {} in {}",
            self.place.name,
            self.place.kind.as_str(),
            plural(self.mention_count, "mention", "mentions"),
            plural(self.document_count, "document", "documents")
        )
    }
}

/// One mention as a map lists it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MentionView<'a> {
    /// The document's id.
    pub doc: &'a str,
    /// The document's date.
    pub date: Option<&'a str>,
    /// Code-point offsets into the document's text.
    pub start: usize,
    pub end: usize,
    /// The mention as written.
    pub text: &'a str,
    /// The sentence, on one line.
    pub snippet: &'a str,
    pub confidence: f64,
    /// A nationality word standing for the country ("Russian troops").
    pub demonym: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::PlaceKind;

    #[test]
    fn the_title_counts_mentions_and_documents() {
        let place = Place {
            place_id: "gn:706483".into(),
            geonameid: Some(706483),
            name: "Kharkiv".into(),
            kind: PlaceKind::City,
            feature_code: "PPLA".into(),
            country: "UA".into(),
            admin1: "07".into(),
            lat: 49.98,
            lon: 36.25,
            population: None,
        };
        let mut view = PlaceView {
            place: &place,
            confidence: 1.0,
            outlier: false,
            mention_count: 13,
            document_count: 4,
            first_date: None,
            last_date: None,
            documents: Vec::new(),
            mentions: Vec::new(),
        };
        assert_eq!(view.title(), "Kharkiv (city) — 13 mentions in 4 documents");
        view.mention_count = 1;
        view.document_count = 1;
        assert_eq!(view.title(), "Kharkiv (city) — 1 mention in 1 document");
    }
}
