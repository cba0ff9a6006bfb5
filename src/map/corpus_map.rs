//! Many documents as one map: one entry per place over the corpus, built
//! incrementally from [`DocumentMap`]s in input order, so that the same
//! documents in the same order give the same map however they were split
//! between threads, processes or machines.
//!
//! Mentions are kept small, their strings interned ([`Interner`]): an
//! aggregated map holds every listed mention until it is written.

use std::borrow::Cow;

use foldhash::HashMap;

use crate::gazetteer::Place;

use super::document_map::DocumentMap;
use super::intern::Interner;
use super::view::{MentionView, PlaceView};

/// The places of many documents, aggregated.
pub struct CorpusMap<'p> {
    entries: Vec<PlaceEntry<'p>>,
    /// Entries by place id.
    index: HashMap<Box<str>, usize>,
    strings: Interner,
    docs: Vec<DocRef>,
    /// Documents added, whether or not they mention a place.
    documents: usize,
}

/// A document as its mentions name it: interned id and date.
#[derive(Clone, Copy, PartialEq, Eq)]
struct DocRef {
    id: u32,
    date: Option<u32>,
}

/// One mention, compactly: strings are numbers in the map's [`Interner`],
/// the document a number in its list of documents.
struct Mention {
    doc: u32,
    text: u32,
    snippet: u32,
    start: usize,
    end: usize,
    confidence: f64,
}

/// The mentions of one place, gathered over documents.
struct PlaceEntry<'p> {
    place: Cow<'p, Place>,
    mentions: Vec<Mention>,
    /// Interned document ids.
    documents: Vec<u32>,
    /// Interned dates, in order of appearance.
    dates: Vec<u32>,
    confidence: f64,
    outlier: bool,
}

impl Default for CorpusMap<'_> {
    fn default() -> Self {
        CorpusMap::new()
    }
}

impl<'p> CorpusMap<'p> {
    /// An empty map.
    pub fn new() -> CorpusMap<'p> {
        CorpusMap {
            entries: Vec::new(),
            index: HashMap::default(),
            strings: Interner::default(),
            docs: Vec::new(),
            documents: 0,
        }
    }

    /// Adds one document's places (or one segment's: see
    /// [`DocumentMap::starts_document`]). Documents must be added in a
    /// stable order for the map to be stable.
    pub fn add(&mut self, doc: &DocumentMap<'p>) {
        if doc.starts_document || self.documents == 0 {
            self.documents += 1;
        }
        if !doc.places.is_empty() {
            let r = DocRef {
                id: self.strings.intern(&doc.id),
                date: doc.date.as_deref().map(|d| self.strings.intern(d)),
            };
            if self.docs.last() != Some(&r) {
                self.docs.push(r);
            }
        }
        let Some(&r) = self.docs.last() else {
            return;
        };
        let doc_ix = u32::try_from(self.docs.len() - 1).expect("fewer than 2^32 documents");
        // Each snippet interned once, when a mention first needs it.
        let mut snippets: Vec<Option<u32>> = vec![None; doc.snippets.len()];
        for p in &doc.places {
            let i = match self.index.get(p.place.place_id.as_str()) {
                Some(&i) => i,
                None => {
                    self.entries.push(PlaceEntry {
                        place: p.place.clone(),
                        mentions: Vec::new(),
                        documents: Vec::new(),
                        dates: Vec::new(),
                        confidence: 0.0,
                        outlier: true,
                    });
                    let i = self.entries.len() - 1;
                    self.index.insert(p.place.place_id.as_str().into(), i);
                    i
                }
            };
            let e = &mut self.entries[i];
            for m in &p.mentions {
                let strings = &mut self.strings;
                let snippet = *snippets[m.snippet as usize]
                    .get_or_insert_with(|| strings.intern(doc.snippet(m.snippet)));
                e.mentions.push(Mention {
                    doc: doc_ix,
                    text: strings.intern(&m.text),
                    snippet,
                    start: m.start,
                    end: m.end,
                    confidence: m.confidence,
                });
            }
            if e.documents.last() != Some(&r.id) {
                e.documents.push(r.id);
                if let Some(d) = r.date {
                    if !e.dates.contains(&d) {
                        e.dates.push(d);
                    }
                }
            }
            e.confidence = e.confidence.max(p.confidence);
            e.outlier &= p.outlier;
        }
    }

    /// How many documents were added.
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// How many places the map has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The places, in order of first mention over the corpus.
    pub fn place_views(&self) -> impl Iterator<Item = PlaceView<'_>> {
        self.entries.iter().map(move |e| self.view(e))
    }

    fn view<'a>(&'a self, e: &'a PlaceEntry<'p>) -> PlaceView<'a> {
        let s = |id: u32| self.strings.get(id);
        let mut dates: Vec<&str> = e.dates.iter().map(|&d| s(d)).collect();
        dates.sort_unstable();
        PlaceView {
            place: &e.place,
            confidence: e.confidence,
            outlier: e.outlier,
            mention_count: e.mentions.len(),
            document_count: e.documents.len(),
            documents: e.documents.iter().map(|&d| s(d)).collect(),
            dates,
            mentions: (e.mentions.iter())
                .map(|m| {
                    let doc = self.docs[m.doc as usize];
                    MentionView {
                        doc: s(doc.id),
                        date: doc.date.map(s),
                        start: m.start,
                        end: m.end,
                        text: s(m.text),
                        snippet: s(m.snippet),
                        confidence: m.confidence,
                    }
                })
                .collect(),
        }
    }
}
