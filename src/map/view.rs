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
    /// How many times it is mentioned.
    pub mention_count: usize,
    /// In how many documents.
    pub document_count: usize,
    /// The ids of the documents that mention it, in input order.
    pub documents: Vec<&'a str>,
    /// The distinct dates of those documents, sorted.
    pub dates: Vec<&'a str>,
    /// Its mentions, in input order.
    pub mentions: Vec<MentionView<'a>>,
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
}
