//! One document as a map: its places in order of first mention, each with
//! its mentions and their sentences, and its claims with their geometry.
//!
//! Made on the worker thread that analysed the document (cutting snippets
//! and grouping mentions is most of the work a map needs, and it runs in
//! parallel there); written as it is in a per-document map, or folded into
//! a [`super::CorpusMap`]. A document read in segments gives one map per
//! segment; [`DocumentMap::extend`] joins them.

use std::borrow::Cow;

use foldhash::HashMap;

use crate::document::Document;
use crate::gazetteer::{Gazetteer, Place};
use crate::pipeline::Analysis;

use super::claim_record::ClaimRecord;
use super::snippet::{collapse_whitespace, Sentences};
use super::view::{MentionView, PlaceView};

/// One document's places and claims.
#[derive(Debug, Clone, Default)]
pub struct DocumentMap<'p> {
    /// The document's id: the path relative to the input, or the JSON id.
    pub id: String,
    /// `YYYY-MM-DD`, when the document states its date.
    pub date: Option<String>,
    /// The headline and the address, when the input gives them.
    pub title: Option<String>,
    pub url: Option<String>,
    /// False for a later segment of a document read in segments: it
    /// continues the document of the map before it.
    pub starts_document: bool,
    /// In order of first mention.
    pub places: Vec<DocumentPlace<'p>>,
    /// In text order.
    pub claims: Vec<ClaimRecord<'p>>,
    /// Each sentence once, on one line; mentions and claims name theirs by
    /// number. Consecutive mentions of one sentence share it.
    pub snippets: Vec<String>,
}

/// One place of a document, with its mentions there.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentPlace<'p> {
    pub place: Cow<'p, Place>,
    /// The highest confidence of its mentions.
    pub confidence: f64,
    /// Every mention of it is an outlier: far from the document's other places.
    pub outlier: bool,
    /// How many times the document mentions it: the length of `mentions`
    /// for a document just analysed, more when the map was read back from
    /// a file that listed only the first ones.
    pub mention_count: u64,
    /// In text order.
    pub mentions: Vec<MentionRecord>,
}

/// One mention in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionRecord {
    /// Code-point offsets into the document's text.
    pub start: usize,
    pub end: usize,
    /// The mention as written.
    pub text: String,
    /// Its sentence, as a number into the document map's snippets.
    pub snippet: u32,
    /// In [0, 1].
    pub confidence: f64,
    /// A nationality word standing for the country ("Russian troops").
    pub demonym: bool,
}

impl<'p> DocumentMap<'p> {
    /// The map of `doc`, or of one segment of it (`starts_document` false
    /// for a later one), from what the pipeline found in it. The mentions'
    /// and claims' code-point offsets are taken as they are; their byte
    /// offsets point into `doc.text`, where the snippets are cut.
    pub fn new(
        doc: &Document,
        analysis: Analysis,
        gazetteer: &'p Gazetteer,
        starts_document: bool,
    ) -> DocumentMap<'p> {
        let sentences = Sentences::new(&doc.text);
        let mut map = DocumentMap {
            id: doc.id.clone(),
            date: doc.date.clone(),
            title: doc.title.clone(),
            url: doc.url.clone(),
            starts_document,
            ..DocumentMap::default()
        };
        // Where each snippet was cut, and its number.
        let mut cuts: Vec<((usize, usize), u32)> = Vec::new();
        let mut snippet_of = |map: &mut DocumentMap, bounds: (usize, usize), any: bool| {
            let found = if any {
                cuts.iter().find(|cut| cut.0 == bounds)
            } else {
                cuts.last().filter(|cut| cut.0 == bounds)
            };
            if let Some(&(_, id)) = found {
                return id;
            }
            let id = snippet_number(map.snippets.len());
            map.snippets
                .push(collapse_whitespace(&doc.text[bounds.0..bounds.1]));
            cuts.push((bounds, id));
            id
        };
        let mut index: HashMap<u32, usize> =
            HashMap::with_capacity_and_hasher(analysis.mentions.len(), Default::default());
        for m in analysis.mentions {
            // Mentions come in text order: a new sentence is a new snippet.
            let snippet = snippet_of(&mut map, sentences.bounds(m.byte_start, m.byte_end), false);
            let i = *index.entry(m.place).or_insert_with(|| {
                map.places.push(DocumentPlace {
                    place: Cow::Borrowed(gazetteer.place(m.place)),
                    confidence: 0.0,
                    outlier: true,
                    mention_count: 0,
                    mentions: Vec::new(),
                });
                map.places.len() - 1
            });
            let place = &mut map.places[i];
            place.confidence = place.confidence.max(m.confidence);
            place.outlier &= m.outlier;
            place.mention_count += 1;
            place.mentions.push(MentionRecord {
                start: m.start,
                end: m.end,
                text: m.text,
                snippet,
                confidence: m.confidence,
                demonym: m.demonym,
            });
        }
        for c in analysis.claims {
            // Most claims are in a sentence that mentions a place.
            let snippet = snippet_of(&mut map, sentences.bounds(c.byte_start, c.byte_end), true);
            map.claims.push(ClaimRecord::new(c, gazetteer, snippet));
        }
        map
    }

    /// Appends `part`, the next segment of this document: its places join
    /// this map's (new ones after them), its claims follow.
    pub fn extend(&mut self, part: DocumentMap<'p>) {
        let base = snippet_number(self.snippets.len());
        self.snippets.extend(part.snippets);
        for mut p in part.places {
            for m in &mut p.mentions {
                m.snippet += base;
            }
            let same = |q: &&mut DocumentPlace| q.place.place_id == p.place.place_id;
            match self.places.iter_mut().find(same) {
                Some(q) => {
                    q.confidence = q.confidence.max(p.confidence);
                    q.outlier &= p.outlier;
                    q.mention_count += p.mention_count;
                    q.mentions.append(&mut p.mentions);
                }
                None => self.places.push(p),
            }
        }
        self.claims.extend(part.claims.into_iter().map(|mut c| {
            c.snippet += base;
            c
        }));
    }

    /// The snippet numbered `n`.
    pub fn snippet(&self, n: u32) -> &str {
        &self.snippets[n as usize]
    }

    /// The places as a per-document map lists them: each with this
    /// document alone, and its first `listed` mentions (`None`: all).
    pub fn place_views(&self, listed: Option<usize>) -> impl Iterator<Item = PlaceView<'_>> {
        let cap = listed.unwrap_or(usize::MAX);
        self.places.iter().map(move |p| PlaceView {
            place: &p.place,
            confidence: p.confidence,
            outlier: p.outlier,
            mention_count: p.mention_count,
            document_count: 1,
            first_date: self.date.as_deref(),
            last_date: self.date.as_deref(),
            documents: vec![&self.id],
            mentions: (p.mentions.iter().take(cap))
                .map(|m| MentionView {
                    doc: &self.id,
                    date: self.date.as_deref(),
                    start: m.start,
                    end: m.end,
                    text: &m.text,
                    snippet: self.snippet(m.snippet),
                    confidence: m.confidence,
                    demonym: m.demonym,
                })
                .collect(),
        })
    }
}

/// `n`, a snippet's position, as the `u32` snippets are named by.
fn snippet_number(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 sentences in a document")
}
