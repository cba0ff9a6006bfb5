//! A document: its id, its text as read, and the date it states.
//!
//! The id is how every output feature points back at its source (the path
//! relative to the input argument, or a JSON id). Offsets elsewhere are
//! code points into `text` exactly as read, so `text[start:end]` in Python
//! gives back the mention.

/// One article.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: String,
    pub text: String,
    /// `YYYY-MM-DD`, when the document states its date.
    pub date: Option<String>,
    /// The headline and the address, when the input gives them (JSON
    /// Lines fields): carried to the map's list of documents.
    pub title: Option<String>,
    pub url: Option<String>,
}

impl Document {
    /// A document whose date is read from its first lines (see [`stated_date`]).
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let date = stated_date(&text);
        Document {
            id: id.into(),
            text,
            date,
            title: None,
            url: None,
        }
    }
}

/// The date a document states at its top: a line that starts with
/// `date YYYY-MM-DD` or `Date: YYYY-MM-DD` (case-insensitive) within the first
/// five lines. Dates elsewhere in the text are events, not the document's date.
pub fn stated_date(text: &str) -> Option<String> {
    for line in text.lines().take(5) {
        let l = line.trim_start();
        let lower = l.get(..5)?.to_ascii_lowercase();
        if lower != "date " && lower != "date:" {
            continue;
        }
        let rest = l[5..].trim_start_matches([' ', ':', '\t']);
        let candidate = rest.get(..10)?;
        if is_iso_date(candidate) && !rest[10..].starts_with(|c: char| c.is_ascii_digit()) {
            return Some(candidate.to_string());
        }
    }
    None
}

/// The date a date field gives (a JSON Lines field, a DataFrame column):
/// `YYYY-MM-DD`, or a timestamp that starts with one (`2024-05-17T08:00Z`);
/// `None` for anything else.
pub fn date_field(value: &str) -> Option<String> {
    stated_date(&format!("date {value}"))
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_leading_date_line() {
        assert_eq!(
            stated_date(" date 2024-05-17 Russian leader Vladimir Putin said"),
            Some("2024-05-17".into())
        );
        assert_eq!(
            stated_date("Title\nDate: 2023-01-02\n\nText"),
            Some("2023-01-02".into())
        );
    }

    #[test]
    fn a_date_field_is_a_date_or_a_timestamp_that_starts_with_one() {
        assert_eq!(date_field("2024-05-17"), Some("2024-05-17".into()));
        assert_eq!(
            date_field("2024-05-17T08:00:00Z"),
            Some("2024-05-17".into())
        );
        assert_eq!(date_field("17 May 2024"), None);
        assert_eq!(date_field("2024-05-170"), None);
    }

    #[test]
    fn ignores_dates_that_are_not_the_documents() {
        assert_eq!(stated_date("The date 2024-13-01 is not a date"), None);
        assert_eq!(stated_date("Fighting resumed on 2024-05-10."), None);
        assert_eq!(stated_date(""), None);
    }
}
