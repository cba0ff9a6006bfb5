//! Many documents as one map: one entry per place over the corpus, built
//! incrementally from [`DocumentMap`]s in input order, so that the same
//! documents in the same order give the same map however they were split
//! between threads, processes or machines.
//!
//! What an entry keeps does not grow with the corpus: its counts and first
//! and last dates are exact, but it lists only its first mentions and
//! documents (up to the cap, in input order). Memory grows with the number
//! of distinct places, not with the number of mentions. The listed
//! mentions' strings are interned ([`Interner`]): mentions of one sentence
//! share it, and names and ids recur.

use std::borrow::Cow;

use foldhash::HashMap;

use crate::gazetteer::Place;

use super::document_map::DocumentMap;
use super::intern::Interner;
use super::view::{MentionView, PlaceView};

/// How many mentions and documents a place lists by default.
pub const DEFAULT_LISTED: usize = 50;

/// The places of many documents, aggregated.
pub struct CorpusMap<'p> {
    entries: Vec<PlaceEntry<'p>>,
    /// Entries by place id.
    index: HashMap<Box<str>, usize>,
    strings: Interner,
    /// Documents added so far, whether or not they mention a place; also
    /// the number of the document being added.
    documents: u64,
    /// How many mentions and documents each place lists (`None`: all).
    listed: Option<usize>,
}

/// One listed mention, compactly: strings are numbers in the map's
/// [`Interner`].
struct Mention {
    doc: u32,
    date: Option<u32>,
    text: u32,
    snippet: u32,
    start: usize,
    end: usize,
    confidence: f64,
    demonym: bool,
}

/// What the corpus says of one place.
struct PlaceEntry<'p> {
    place: Cow<'p, Place>,
    /// Its first mentions, up to the cap.
    mentions: Vec<Mention>,
    /// Interned ids of its first documents, up to the cap.
    documents: Vec<u32>,
    mention_count: u64,
    document_count: u64,
    /// The number of the last document that mentioned it.
    last_document: u64,
    /// Interned dates, earliest and latest.
    first_date: Option<u32>,
    last_date: Option<u32>,
    confidence: f64,
    outlier: bool,
}

impl Default for CorpusMap<'_> {
    fn default() -> Self {
        CorpusMap::new(Some(DEFAULT_LISTED))
    }
}

impl<'p> CorpusMap<'p> {
    /// An empty map whose places list up to `listed` mentions and
    /// documents each (`None`: every one).
    pub fn new(listed: Option<usize>) -> CorpusMap<'p> {
        CorpusMap {
            entries: Vec::new(),
            index: HashMap::default(),
            strings: Interner::default(),
            documents: 0,
            listed,
        }
    }

    /// Adds one document's places (or one segment's: see
    /// [`DocumentMap::starts_document`]). Documents must be added in a
    /// stable order for the map to be stable.
    pub fn add(&mut self, doc: &DocumentMap<'p>) {
        if doc.starts_document || self.documents == 0 {
            self.documents += 1;
        }
        let cap = self.listed.unwrap_or(usize::MAX);
        // The document's id and date, and each snippet, interned once and
        // only if a listed mention needs them.
        let mut id: Option<u32> = None;
        let mut date: Option<Option<u32>> = None;
        let mut snippets: Vec<Option<u32>> = vec![None; doc.snippets.len()];
        for p in &doc.places {
            let i = self.entry(p.place.as_ref(), || p.place.clone());
            let e = &mut self.entries[i];
            let strings = &mut self.strings;
            if e.last_document != self.documents {
                e.last_document = self.documents;
                e.document_count += 1;
                if e.documents.len() < cap {
                    e.documents
                        .push(*id.get_or_insert_with(|| strings.intern(&doc.id)));
                }
                if let Some(d) = doc.date.as_deref() {
                    let later = |x: &Option<u32>, s: &Interner| x.is_none_or(|x| d > s.get(x));
                    let earlier = |x: &Option<u32>, s: &Interner| x.is_none_or(|x| d < s.get(x));
                    if earlier(&e.first_date, strings) || later(&e.last_date, strings) {
                        let d = strings.intern(d);
                        if earlier(&e.first_date, strings) {
                            e.first_date = Some(d);
                        }
                        if later(&e.last_date, strings) {
                            e.last_date = Some(d);
                        }
                    }
                }
            }
            e.mention_count += p.mention_count;
            let room = cap.saturating_sub(e.mentions.len());
            for m in p.mentions.iter().take(room) {
                let snippet = *snippets[m.snippet as usize]
                    .get_or_insert_with(|| strings.intern(doc.snippet(m.snippet)));
                let doc_id = *id.get_or_insert_with(|| strings.intern(&doc.id));
                let date =
                    *date.get_or_insert_with(|| doc.date.as_deref().map(|d| strings.intern(d)));
                e.mentions.push(Mention {
                    doc: doc_id,
                    date,
                    text: strings.intern(&m.text),
                    snippet,
                    start: m.start,
                    end: m.end,
                    confidence: m.confidence,
                    demonym: m.demonym,
                });
            }
            e.confidence = e.confidence.max(p.confidence);
            e.outlier &= p.outlier;
        }
    }

    /// Adds a place as another aggregated map listed it (a map of other
    /// documents than those added so far): its counts are added, its
    /// dates widen the entry's, its listed mentions and documents follow
    /// the entry's up to the cap.
    pub fn add_view(&mut self, v: &PlaceView<'_>) {
        let cap = self.listed.unwrap_or(usize::MAX);
        let i = self.entry(v.place, || Cow::Owned(v.place.clone()));
        let e = &mut self.entries[i];
        let strings = &mut self.strings;
        e.mention_count += v.mention_count;
        e.document_count += v.document_count;
        let (first, last) = (&mut e.first_date, &mut e.last_date);
        for d in v.first_date.iter().chain(&v.last_date) {
            if first.is_none_or(|x| *d < strings.get(x)) {
                *first = Some(strings.intern(d));
            }
            if last.is_none_or(|x| *d > strings.get(x)) {
                *last = Some(strings.intern(d));
            }
        }
        let room = cap.saturating_sub(e.documents.len());
        for d in v.documents.iter().take(room) {
            e.documents.push(strings.intern(d));
        }
        let room = cap.saturating_sub(e.mentions.len());
        for m in v.mentions.iter().take(room) {
            e.mentions.push(Mention {
                doc: strings.intern(m.doc),
                date: m.date.map(|d| strings.intern(d)),
                text: strings.intern(m.text),
                snippet: strings.intern(m.snippet),
                start: m.start,
                end: m.end,
                confidence: m.confidence,
                demonym: m.demonym,
            });
        }
        e.confidence = e.confidence.max(v.confidence);
        e.outlier &= v.outlier;
    }

    /// The entry of `place`, made from `owned` if it is new.
    fn entry(&mut self, place: &Place, owned: impl FnOnce() -> Cow<'p, Place>) -> usize {
        if let Some(&i) = self.index.get(place.place_id.as_str()) {
            return i;
        }
        self.entries.push(PlaceEntry {
            place: owned(),
            mentions: Vec::new(),
            documents: Vec::new(),
            mention_count: 0,
            document_count: 0,
            last_document: 0,
            first_date: None,
            last_date: None,
            confidence: 0.0,
            outlier: true,
        });
        let i = self.entries.len() - 1;
        self.index.insert(place.place_id.as_str().into(), i);
        i
    }

    /// How many documents were added.
    pub fn documents(&self) -> u64 {
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
        PlaceView {
            place: &e.place,
            confidence: e.confidence,
            outlier: e.outlier,
            mention_count: e.mention_count,
            document_count: e.document_count,
            first_date: e.first_date.map(s),
            last_date: e.last_date.map(s),
            documents: e.documents.iter().map(|&d| s(d)).collect(),
            mentions: (e.mentions.iter())
                .map(|m| MentionView {
                    doc: s(m.doc),
                    date: m.date.map(s),
                    start: m.start,
                    end: m.end,
                    text: s(m.text),
                    snippet: s(m.snippet),
                    confidence: m.confidence,
                    demonym: m.demonym,
                })
                .collect(),
        }
    }
}
