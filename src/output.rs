//! Writes what geomention found as RFC 7946 GeoJSON: one Point feature per
//! place (aggregated over every document, or per document), one feature per
//! claim, with the provenance of every mention, and simplestyle properties
//! so geojson.io and GitHub draw it readably.
//!
//! Two formats: a GeoJSON `FeatureCollection`, and GeoJSON text sequences
//! (RFC 8142: each feature prefixed by RS, 0x1E, and ended by LF) that a
//! consumer can read while the run goes on. [`FeatureWriter`] writes either
//! one feature at a time, so per-document maps stream with flat memory.
//!
//! Output files are written to a temporary file beside the target and
//! renamed into place, so an interrupted run never leaves half a map.

// A fast hasher for maps that are only looked up, never iterated: output
// does not depend on it.
use foldhash::HashMap;
use std::borrow::{Borrow, Cow};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use geojson::{FeatureCollection, Geometry, Value};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::gazetteer::{Gazetteer, PlaceIdx, PlaceKind};
use crate::pipeline::Analysis;

mod destination;
pub(crate) mod json;

use json::{key, Json, Object, Plain, Raw};

pub use destination::{write_atomically, Destination};

/// Rounds a coordinate to 6 decimals (about 10 cm).
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A GeoJSON point at (`lat`, `lon`), as `[lon, lat]`.
pub fn point(lat: f64, lon: f64) -> Geometry {
    Geometry::new(Value::Point(vec![round6(lon), round6(lat)]))
}

/// The sentence around byte range `start..end`, or about 160 characters
/// around it when the sentence is longer, on one line.
pub fn snippet(text: &str, start: usize, end: usize) -> String {
    let (from, to) = snippet_bounds(text, start, end);
    collapse_whitespace(&text[from..to])
}

/// [`snippet`] as a JSON string.
pub fn snippet_json(text: &str, start: usize, end: usize) -> Box<RawValue> {
    let (from, to) = snippet_bounds(text, start, end);
    json::collapsed(&text[from..to])
}

/// How many characters a snippet reaches on each side of its mention when
/// the sentence is longer.
const REACH: usize = 160;

/// Where [`snippet`] cuts `text` around `start..end`.
///
/// Scans bytes rather than decoding characters: the marks that end a
/// sentence are ASCII, and every character starts at a byte that is not a
/// UTF-8 continuation byte, so characters can be counted without decoding.
fn snippet_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let char_start = |i: usize| bytes[i] & 0xC0 != 0x80;
    let space_at = |i: usize| text[i..].starts_with(char::is_whitespace);
    let mut from = start;
    let mut steps = 0;
    for i in (0..start).rev().filter(|&i| char_start(i)) {
        steps += 1;
        if steps > REACH {
            break;
        }
        let b = bytes[i];
        let ends_sentence = matches!(b, b'.' | b'!' | b'?' | b'\n')
            && i + 1 < start
            && (b == b'\n' || space_at(i + 1));
        if ends_sentence {
            break;
        }
        from = i;
    }
    let mut to = end;
    let mut steps = 0;
    for i in (end..bytes.len()).filter(|&i| char_start(i)) {
        steps += 1;
        let b = bytes[i];
        to = i + utf8_width(b);
        if steps > REACH
            || (matches!(b, b'.' | b'!' | b'?') && (to == bytes.len() || space_at(to)))
            || b == b'\n'
        {
            if b == b'\n' {
                to -= 1;
            }
            break;
        }
    }
    (from, to)
}

/// The sentence stops of one text, found once, so that the snippets of its
/// many mentions are cut without walking the text around each of them.
struct Sentences<'t> {
    text: &'t str,
    /// Byte positions of line breaks, and of `.`, `!` and `?` followed by
    /// white space or the end: where [`snippet_bounds`] stops, either way.
    stops: Vec<usize>,
}

impl<'t> Sentences<'t> {
    fn new(text: &'t str) -> Sentences<'t> {
        let bytes = text.as_bytes();
        let stops = memchr::memchr3_iter(b'.', b'!', b'?', bytes)
            .filter(|&i| i + 1 == bytes.len() || text[i + 1..].starts_with(char::is_whitespace));
        let mut stops: Vec<usize> = stops.chain(memchr::memchr_iter(b'\n', bytes)).collect();
        stops.sort_unstable();
        Sentences { text, stops }
    }

    /// [`snippet_bounds`], from the stops: the sentence when it is within
    /// reach on both sides (nearly always); else, on a side where it is
    /// not, the reach itself, counted in bytes where the text there is
    /// ASCII; else by walking the text.
    fn bounds(&self, start: usize, end: usize) -> (usize, usize) {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let within_reach = |span: &str| span.len() <= REACH || span.chars().count() <= REACH;
        // The last stop that is not right before the mention.
        let k = self.stops.partition_point(|&i| i + 1 < start);
        let mut from = if k > 0 { self.stops[k - 1] + 1 } else { 0 };
        if !within_reach(&text[from..start]) {
            // No stop within reach: `snippet_bounds` walks REACH
            // characters back.
            match start.checked_sub(REACH) {
                Some(f) if bytes[f..start].is_ascii() => from = f,
                _ => return snippet_bounds(text, start, end),
            }
        }
        // The first stop at or after its end.
        let k = self.stops.partition_point(|&i| i < end);
        let to = match self.stops.get(k) {
            Some(&j) if within_reach(&text[end..j]) => {
                if bytes[j] == b'\n' {
                    j
                } else {
                    j + 1
                }
            }
            None if within_reach(&text[end..]) => text.len(),
            // No stop within reach: `snippet_bounds` takes REACH + 1
            // characters forward, none of them a line break.
            _ => match bytes.get(end..end + REACH + 1) {
                Some(after) if after.is_ascii() => end + REACH + 1,
                _ => return snippet_bounds(text, start, end),
            },
        };
        (from, to)
    }
}

/// The length of the UTF-8 character whose first byte is `b`.
fn utf8_width(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// `s` with every run of whitespace made one space, and none at either end.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn marker_color(kind: PlaceKind, outlier: bool) -> &'static str {
    if outlier {
        return "#999999";
    }
    match kind {
        PlaceKind::Country => "#6a3d9a",
        PlaceKind::Region => "#1f78b4",
        PlaceKind::City => "#e31a1c",
        PlaceKind::Poi => "#33a02c",
    }
}

fn marker_size(kind: PlaceKind) -> &'static str {
    match kind {
        PlaceKind::Country => "large",
        PlaceKind::Region => "medium",
        _ => "small",
    }
}

/// An interned string as a map key, found by its text.
struct Key(Arc<str>);

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes, for lookups by `&str`.
        (*self.0).hash(state);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Key {}

impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Strings kept once however often they recur (snippets shared by the
/// mentions of one sentence or by documents quoting the same sentence, the
/// same place name, document ids and dates), by number.
#[derive(Default)]
struct Interner {
    strings: Vec<Arc<str>>,
    ids: HashMap<Key, u32>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.strings.len()).expect("fewer than 2^32 distinct strings");
        let s: Arc<str> = Arc::from(s);
        self.strings.push(Arc::clone(&s));
        self.ids.insert(Key(s), id);
        id
    }

    fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
}

/// A document as its mentions name it: interned id and date.
#[derive(Clone, Copy, PartialEq, Eq)]
struct DocRef {
    id: u32,
    date: Option<u32>,
}

/// One mention, compactly: strings are numbers in the builder's
/// [`Interner`], the document a number in its list of documents.
struct Mention {
    doc: u32,
    text: u32,
    snippet: u32,
    start: usize,
    end: usize,
    confidence: f64,
}

/// The mentions of one place, gathered over documents.
struct PlaceEntry {
    place: PlaceIdx,
    mentions: Vec<Mention>,
    /// Interned document ids.
    documents: Vec<u32>,
    /// Interned dates, in order of appearance.
    dates: Vec<u32>,
    confidence: f64,
    outlier: bool,
}

/// Collects the analyses of many documents into one map.
///
/// Mentions are kept as small structs over interned strings and serialized
/// straight to the output at the end, never as `serde_json::Value` trees:
/// an aggregated map of a large corpus holds every mention until then.
pub struct MapBuilder<'g> {
    gazetteer: &'g Gazetteer,
    per_document: bool,
    entries: Vec<PlaceEntry>,
    index: HashMap<(PlaceIdx, Option<usize>), usize>,
    strings: Interner,
    /// Snippets, escaped as JSON strings.
    snippets: Interner,
    docs: Vec<DocRef>,
    /// Claim features, already serialized: far smaller than their values.
    claims: RenderedFeatures,
    documents: usize,
}

impl<'g> MapBuilder<'g> {
    /// A map with one feature per place over all documents, or per place and
    /// document when `per_document`.
    pub fn new(gazetteer: &'g Gazetteer, per_document: bool) -> Self {
        MapBuilder {
            gazetteer,
            per_document,
            entries: Vec::new(),
            index: HashMap::default(),
            strings: Interner::default(),
            snippets: Interner::default(),
            docs: Vec::new(),
            claims: RenderedFeatures::default(),
            documents: 0,
        }
    }

    /// Adds one document's findings. Documents must be added in a stable
    /// order for the output to be stable.
    pub fn add(&mut self, doc: &Document, analysis: &Analysis) {
        self.add_part(doc, analysis, true);
    }

    /// Adds the findings of one part of a document that was read in
    /// segments (see [`crate::batch`]): `first` starts a new document, a
    /// later part continues the document added last. The mentions' code-point
    /// offsets must already count from the start of the whole document; their
    /// byte offsets point into `doc.text`, the part, for the snippet.
    pub fn add_part(&mut self, doc: &Document, analysis: &Analysis, first: bool) {
        let prepared = PreparedPart::new(doc, analysis, self.gazetteer);
        self.add_prepared(doc, analysis, prepared, first);
    }

    /// [`MapBuilder::add_part`] with the part's snippets and claim features
    /// already made, by [`PreparedPart::new`] on another thread.
    pub fn add_prepared(
        &mut self,
        doc: &Document,
        analysis: &Analysis,
        prepared: PreparedPart,
        first: bool,
    ) {
        if first || self.documents == 0 {
            self.documents += 1;
        }
        let doc_no = self.documents - 1;
        if !analysis.mentions.is_empty() {
            let r = DocRef {
                id: self.strings.intern(&doc.id),
                date: doc.date.as_deref().map(|d| self.strings.intern(d)),
            };
            if self.docs.last() != Some(&r) {
                self.docs.push(r);
            }
        }
        let doc_ix = self.docs.len().saturating_sub(1) as u32;
        // Interned once for the consecutive mentions that share a snippet.
        let mut last: Option<((u32, u32), u32)> = None;
        let snippets: Vec<u32> = (prepared.snippets.iter().zip(prepared.snippets()))
            .map(|(&at, text)| match last {
                Some((a, id)) if a == at => id,
                _ => {
                    let id = self.snippets.intern(text);
                    last = Some((at, id));
                    id
                }
            })
            .collect();
        for (m, snippet) in analysis.mentions.iter().zip(snippets) {
            let key = (m.place, self.per_document.then_some(doc_no));
            let i = *self.index.entry(key).or_insert_with(|| {
                self.entries.push(PlaceEntry {
                    place: m.place,
                    mentions: Vec::new(),
                    documents: Vec::new(),
                    dates: Vec::new(),
                    confidence: 0.0,
                    outlier: true,
                });
                self.entries.len() - 1
            });
            let r = self.docs[doc_ix as usize];
            let mention = Mention {
                doc: doc_ix,
                text: self.strings.intern(&m.text),
                snippet,
                start: m.start,
                end: m.end,
                confidence: m.confidence,
            };
            let e = &mut self.entries[i];
            e.mentions.push(mention);
            if e.documents.last() != Some(&r.id) {
                e.documents.push(r.id);
                if let Some(d) = r.date {
                    if !e.dates.contains(&d) {
                        e.dates.push(d);
                    }
                }
            }
            e.confidence = e.confidence.max(m.confidence);
            e.outlier &= m.outlier;
        }
        self.claims.append(&prepared.claims);
    }

    /// Writes the features added so far to `out`, places first, then claims,
    /// one at a time.
    pub fn write_to(self, out: &mut FeatureWriter) -> Result<()> {
        for entries in self.entries.chunks(WARMED) {
            warm(entries.iter().map(|e| self.gazetteer.place(e.place)));
            for e in entries {
                let f = place_feature(self.gazetteer, &self.strings, &self.snippets, &self.docs, e);
                out.write_with(|buf| {
                    f.write_json(buf);
                    Ok(())
                })?;
            }
        }
        out.write_rendered(&self.claims)
    }
}

/// What a [`MapBuilder`] needs from one part beyond its [`Analysis`], made
/// where the part was analysed: every mention's snippet and every claim's
/// feature, serialized. Batch workers prepare parts so that the one thread
/// that puts them in order does little more than count.
#[derive(Default)]
pub struct PreparedPart {
    /// For every mention, where its snippet is in `snippet_texts`.
    snippets: Vec<(u32, u32)>,
    /// Each snippet once, escaped as a JSON string, back to back (one
    /// buffer, not one allocation each): consecutive mentions of one
    /// sentence share it.
    snippet_texts: String,
    claims: RenderedFeatures,
}

impl PreparedPart {
    pub fn new(doc: &Document, analysis: &Analysis, gazetteer: &Gazetteer) -> PreparedPart {
        let sentences = Sentences::new(&doc.text);
        let mut part = PreparedPart {
            snippets: Vec::with_capacity(analysis.mentions.len()),
            ..PreparedPart::default()
        };
        // Where each snippet was cut, and where it is in `snippet_texts`.
        let mut cuts: Vec<((usize, usize), (u32, u32))> = Vec::new();
        for m in &analysis.mentions {
            let bounds = sentences.bounds(m.byte_start, m.byte_end);
            if cuts.last().map(|c| c.0) != Some(bounds) {
                let start = part.snippet_texts.len();
                json::push_collapsed(&mut part.snippet_texts, &doc.text[bounds.0..bounds.1]);
                let at = (offset(start), offset(part.snippet_texts.len()));
                cuts.push((bounds, at));
            }
            part.snippets
                .push(cuts.last().expect("a snippet was cut").1);
        }
        // About what a claim feature takes, so the buffer grows seldom.
        const BYTES_PER_CLAIM: usize = 1536;
        let claims = &mut part.claims;
        claims
            .bytes
            .reserve(analysis.claims.len() * BYTES_PER_CLAIM);
        for c in &analysis.claims {
            // Most claims are in a sentence that mentions a place.
            let bounds = sentences.bounds(c.byte_start, c.byte_end);
            let snippet = match cuts.iter().find(|cut| cut.0 == bounds) {
                Some(&(_, (a, b))) => Cow::Borrowed(&part.snippet_texts[a as usize..b as usize]),
                None => Cow::Owned(json::escape_collapsed(&doc.text[bounds.0..bounds.1])),
            };
            claims.push_with(|out| c.write_feature(doc, gazetteer, &snippet, out));
        }
        part
    }

    /// The snippet of every mention, escaped, in order; consecutive ones
    /// of one sentence are the same slice.
    fn snippets(&self) -> impl Iterator<Item = &str> {
        (self.snippets.iter()).map(|&(a, b)| &self.snippet_texts[a as usize..b as usize])
    }
}

/// `i`, a position in a part's snippets, as the `u32` they are kept in.
fn offset(i: usize) -> u32 {
    u32::try_from(i).expect("a part's snippets take less than 4 GiB")
}

/// Features serialized as compact JSON, back to back, each framed as a
/// record of a GeoJSON text sequence (RS, the feature, LF): a sequence
/// writes them all in one call ([`FeatureWriter::write_rendered`]).
#[derive(Debug, Default)]
pub struct RenderedFeatures {
    bytes: Vec<u8>,
    /// Where each record ends in `bytes`.
    ends: Vec<usize>,
}

impl RenderedFeatures {
    /// Appends one feature, written by `write` to the buffer it is given.
    fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        self.bytes.push(RS);
        write(&mut self.bytes);
        self.bytes.push(b'\n');
        self.ends.push(self.bytes.len());
    }

    /// Appends the features of `other`.
    fn append(&mut self, other: &RenderedFeatures) {
        let base = self.bytes.len();
        self.bytes.extend_from_slice(&other.bytes);
        self.ends.extend(other.ends.iter().map(|&e| base + e));
    }

    /// The features, one slice of compact JSON each.
    pub fn features(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(a, &b)| &self.bytes[a + 1..b - 1])
    }
}

/// One place's feature, written as a [`geojson::Feature`] with these
/// properties would be serialized (same keys, same order: `type`,
/// `geometry`, then the properties sorted by key, as in a `JsonObject`)
/// but straight from borrowed strings, without building a map of JSON
/// values per feature.
struct PlaceFeature<'a> {
    place: &'a crate::gazetteer::Place,
    confidence: f64,
    outlier: bool,
    documents: Cow<'a, [JsonStr<'a>]>,
    /// Sorted.
    dates: Cow<'a, [JsonStr<'a>]>,
    mentions: Vec<MentionView<'a>>,
}

/// A string to write: text, or text already escaped as a JSON string
/// (written once per document, used by each of its mentions).
#[derive(Clone, Copy)]
enum JsonStr<'a> {
    Text(&'a str),
    Json(&'a str),
}

impl Json for JsonStr<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match *self {
            JsonStr::Text(s) => s.write_json(out),
            JsonStr::Json(s) => Raw(s).write_json(out),
        }
    }
}

/// Writes a GeoJSON point at (`lat`, `lon`) as [`point`]'s serializes.
fn write_point(out: &mut Vec<u8>, lat: f64, lon: f64) {
    let mut map = Object::start(out);
    map.field(key!("type"), &Plain("Point"));
    map.field(key!("coordinates"), &[round6(lon), round6(lat)][..]);
    map.end();
}

/// One mention as the output writes it.
struct MentionView<'a> {
    confidence: f64,
    date: Option<JsonStr<'a>>,
    doc: JsonStr<'a>,
    start: usize,
    end: usize,
    /// Escaped as a JSON string.
    snippet: &'a str,
    text: &'a str,
}

impl PlaceFeature<'_> {
    /// Writes the feature as compact JSON.
    fn write_json(&self, out: &mut Vec<u8>) {
        let p = self.place;
        let mut feature = Object::start(out);
        feature.field(key!("type"), &Plain("Feature"));
        write_point(feature.key(key!("geometry")), p.lat, p.lon);
        // Keys in byte order, as `JsonObject` (a BTreeMap) would write them.
        let mut map = Object::start(feature.key(key!("properties")));
        map.field(key!("confidence"), &self.confidence);
        map.field(key!("country"), &p.country);
        map.field(key!("date"), &self.dates.first());
        if self.dates.len() > 1 {
            map.field(key!("dates"), &*self.dates);
        }
        map.field(key!("documents"), &*self.documents);
        map.field(key!("feature_code"), &p.feature_code);
        map.field(key!("geonameid"), &p.geonameid);
        map.field(key!("kind"), &Plain(p.kind.as_str()));
        map.field(
            key!("marker-color"),
            &Plain(marker_color(p.kind, self.outlier)),
        );
        map.field(key!("marker-size"), &Plain(marker_size(p.kind)));
        map.field(key!("mention_count"), &self.mentions.len());
        map.field(key!("mentions"), &*self.mentions);
        map.field(key!("name"), &p.name);
        map.field(key!("outlier"), &self.outlier);
        map.field(key!("place_id"), &p.place_id);
        map.field(key!("population"), &p.population);
        // `name (kind)`, escaped as one string without being built as one
        // (the kind needs no escaping).
        let title = map.key(key!("title"));
        title.push(b'"');
        json::push_escaped(title, &p.name);
        for part in [" (", p.kind.as_str(), ")\""] {
            title.extend_from_slice(part.as_bytes());
        }
        map.field(key!("type"), &Plain("place"));
        map.end();
        feature.end();
    }
}

impl Json for MentionView<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        // Sorted keys, as the `JsonObject` this replaced had.
        let mut map = Object::start(out);
        map.field(key!("confidence"), &self.confidence);
        if let Some(d) = &self.date {
            map.field(key!("date"), d);
        }
        map.field(key!("doc"), &self.doc);
        map.field(key!("end"), &self.end);
        map.field(key!("snippet"), &Raw(self.snippet));
        map.field(key!("start"), &self.start);
        map.field(key!("text"), self.text);
        map.end();
    }
}

/// An aggregated entry's feature, its strings read from the builder.
fn place_feature<'a>(
    gazetteer: &'a Gazetteer,
    strings: &'a Interner,
    snippets: &'a Interner,
    docs: &'a [DocRef],
    e: &'a PlaceEntry,
) -> PlaceFeature<'a> {
    let mut dates: Vec<&str> = e.dates.iter().map(|&d| strings.get(d)).collect();
    dates.sort();
    let text = |d: u32| JsonStr::Text(strings.get(d));
    PlaceFeature {
        place: gazetteer.place(e.place),
        confidence: e.confidence,
        outlier: e.outlier,
        documents: e.documents.iter().map(|&d| text(d)).collect(),
        dates: dates.into_iter().map(JsonStr::Text).collect(),
        mentions: e
            .mentions
            .iter()
            .map(|m| {
                let doc = docs[m.doc as usize];
                MentionView {
                    confidence: m.confidence,
                    date: doc.date.map(text),
                    doc: text(doc.id),
                    start: m.start,
                    end: m.end,
                    snippet: snippets.get(m.snippet),
                    text: strings.get(m.text),
                }
            })
            .collect(),
    }
}

/// How many places [`warm`] reads at a time: enough that their misses
/// overlap, few enough that they stay in the cache until written.
const WARMED: usize = 32;

/// Reads what a place's feature writes of `places` into the cache, all of
/// them in one pass before any is written (some [`WARMED`] at a time).
///
/// The gazetteer is far larger than the cache, and a feature's place and
/// each of its strings are apart on the heap: read as the feature is
/// written, each of them is a miss that the writing waits for (in a
/// profile, most of the time spent writing place features). Read here,
/// the places do not wait on one another, and the processor fetches many
/// of them at once.
fn warm<'p>(places: impl Iterator<Item = &'p crate::gazetteer::Place>) {
    let first = |s: &str| s.as_bytes().first().copied().unwrap_or(0);
    let read = places.fold(0u8, |acc, p| {
        let strings = [&p.place_id, &p.name, &p.feature_code, &p.country];
        let bytes = strings.iter().fold(0, |acc, s| acc ^ first(s));
        acc ^ bytes ^ (p.lat.to_bits() as u8)
    });
    std::hint::black_box(read);
}

/// The features of one whole document, one per place in order of first
/// mention and then its claims, serialized: what a [`MapBuilder`] with one
/// document gives in per-document mode, without interning anything.
pub fn render_document(
    gazetteer: &Gazetteer,
    doc: &Document,
    analysis: &Analysis,
    prepared: &PreparedPart,
) -> Result<RenderedFeatures> {
    // The document's id and date, escaped once for all its mentions.
    let id = json::escape(&doc.id);
    let date = doc.date.as_deref().map(json::escape);
    let id = [JsonStr::Json(&id)];
    let date = date.as_deref().map(JsonStr::Json);
    let mut features: Vec<PlaceFeature> = Vec::new();
    let mut index: HashMap<PlaceIdx, usize> =
        HashMap::with_capacity_and_hasher(analysis.mentions.len(), Default::default());
    for (m, snippet) in analysis.mentions.iter().zip(prepared.snippets()) {
        let i = *index.entry(m.place).or_insert_with(|| {
            features.push(PlaceFeature {
                place: gazetteer.place(m.place),
                confidence: 0.0,
                outlier: true,
                documents: Cow::Borrowed(&id[..]),
                dates: Cow::Borrowed(date.as_slice()),
                mentions: Vec::new(),
            });
            features.len() - 1
        });
        let f = &mut features[i];
        f.mentions.push(MentionView {
            confidence: m.confidence,
            date,
            doc: id[0],
            start: m.start,
            end: m.end,
            snippet,
            text: &m.text,
        });
        f.confidence = f.confidence.max(m.confidence);
        f.outlier &= m.outlier;
    }
    let mut rendered = RenderedFeatures::default();
    // About what a place feature takes per mention, so the buffer grows
    // seldom.
    const BYTES_PER_MENTION: usize = 1024;
    rendered
        .bytes
        .reserve(analysis.mentions.len() * BYTES_PER_MENTION + prepared.claims.bytes.len());
    for features in features.chunks(WARMED) {
        warm(features.iter().map(|f| f.place));
        for f in features {
            rendered.push_with(|out| f.write_json(out));
        }
    }
    rendered.append(&prepared.claims);
    Ok(rendered)
}

/// Writes `fc` to `path` through a temporary file renamed into place, or to
/// standard output when `path` is `None` or `-`. A reader that closed the
/// pipe early is not an error.
pub fn write_geojson(fc: &FeatureCollection, path: Option<&Path>) -> Result<()> {
    let mut out = FeatureWriter::new(Destination::create(path)?, Format::GeoJson)?;
    for f in &fc.features {
        out.write(f)?;
    }
    match out.finish() {
        Err(e) if e.is_broken_pipe() => Ok(()),
        r => r,
    }
}

/// The shape of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One RFC 7946 `FeatureCollection`.
    GeoJson,
    /// RFC 8142 GeoJSON text sequence: RS, one feature, LF; repeated.
    GeoJsonSeq,
}

/// The same bytes serde writes before the features of a `FeatureCollection`,
/// so a streamed collection is identical to one built in memory.
const COLLECTION_HEAD: &[u8] = br#"{"type":"FeatureCollection","features":["#;

/// The record separator that starts each feature of a GeoJSON text
/// sequence.
const RS: u8 = 0x1E;

/// Writes features one at a time in either [`Format`]. Nothing is kept:
/// memory does not grow with the number of features.
pub struct FeatureWriter {
    dest: Destination,
    format: Format,
    written: usize,
    scratch: Vec<u8>,
}

impl FeatureWriter {
    /// A writer that has written nothing yet: a run that fails before its
    /// first feature leaves not even the collection's opening on standard
    /// output.
    pub fn new(dest: Destination, format: Format) -> Result<FeatureWriter> {
        Ok(FeatureWriter {
            dest,
            format,
            written: 0,
            scratch: Vec::new(),
        })
    }

    /// Appends one feature: a [`geojson::Feature`], or anything that serializes as
    /// one.
    pub fn write<F: Serialize + ?Sized>(&mut self, feature: &F) -> Result<()> {
        self.write_with(|out| {
            json::to_writer(out, feature)
                .map_err(|e| Error::Invalid(format!("cannot serialize a feature: {e}")))
        })
    }

    /// Appends one feature, written as compact JSON by `write` to the
    /// buffer it is given, framed there and written out in one call; or
    /// nothing, if `write` fails.
    fn write_with(&mut self, write: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let (before, after) = self.frame();
        scratch.extend_from_slice(before);
        let result = write(&mut scratch).and_then(|()| {
            scratch.extend_from_slice(after);
            self.write_out(&scratch)
        });
        self.scratch = scratch;
        result?;
        self.written += 1;
        Ok(())
    }

    /// Appends one feature already serialized as compact JSON.
    pub fn write_json(&mut self, feature: &[u8]) -> Result<()> {
        // Straight to the destination's buffer, not through a scratch
        // buffer of our own: this is most of what the writing thread of a
        // batch run copies.
        let (before, after) = self.frame();
        self.write_out(before)?;
        self.write_out(feature)?;
        self.write_out(after)?;
        self.written += 1;
        Ok(())
    }

    /// Appends rendered features: in a sequence, all in one call, as they
    /// are framed already; in a collection, one at a time.
    pub fn write_rendered(&mut self, features: &RenderedFeatures) -> Result<()> {
        match self.format {
            Format::GeoJsonSeq => {
                self.write_out(&features.bytes)?;
                self.written += features.ends.len();
            }
            Format::GeoJson => {
                for f in features.features() {
                    self.write_json(f)?;
                }
            }
        }
        Ok(())
    }

    /// What goes before and after the next feature.
    fn frame(&self) -> (&'static [u8], &'static [u8]) {
        match self.format {
            Format::GeoJson if self.written > 0 => (b",", b""),
            Format::GeoJson => (COLLECTION_HEAD, b""),
            Format::GeoJsonSeq => (&[RS], b"\n"),
        }
    }

    fn write_out(&mut self, bytes: &[u8]) -> Result<()> {
        let dest = &mut self.dest;
        dest.writer().write_all(bytes).map_err(|e| dest.io(e))
    }

    /// How many features were written.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Flushes to standard output so a reader gets what is done; a no-op
    /// for a file, which nobody sees before it is renamed.
    pub fn flush_if_streaming(&mut self) -> Result<()> {
        if self.dest.is_stdout() {
            self.dest.flush()?;
        }
        Ok(())
    }

    /// Closes the output and commits it (see [`Destination::commit`]).
    pub fn finish(mut self) -> Result<()> {
        if self.format == Format::GeoJson {
            let dest = &mut self.dest;
            if self.written == 0 {
                dest.writer()
                    .write_all(COLLECTION_HEAD)
                    .map_err(|e| dest.io(e))?;
            }
            dest.writer().write_all(b"]}\n").map_err(|e| dest.io(e))?;
        }
        self.dest.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geojson::{Feature, JsonObject, JsonValue};
    use serde::ser::{SerializeMap, Serializer};
    use serde_json::json;

    /// The serde path that [`PlaceFeature::write_json`] replaced, kept as
    /// its oracle: a typed `Serialize` impl writing through serde_json.
    mod serde_path {
        use super::*;

        /// An escaped string as serde writes it: as it is.
        fn raw(json: &str) -> &RawValue {
            serde_json::from_str(json).expect("an escaped string is JSON")
        }

        impl Serialize for JsonStr<'_> {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                match *self {
                    JsonStr::Text(s) => s.serialize(serializer),
                    JsonStr::Json(s) => raw(s).serialize(serializer),
                }
            }
        }

        struct PointJson {
            lat: f64,
            lon: f64,
        }

        impl Serialize for PointJson {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("type", "Point")?;
                map.serialize_entry("coordinates", &[round6(self.lon), round6(self.lat)])?;
                map.end()
            }
        }

        impl Serialize for PlaceFeature<'_> {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                let p = self.place;
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("type", "Feature")?;
                map.serialize_entry(
                    "geometry",
                    &PointJson {
                        lat: p.lat,
                        lon: p.lon,
                    },
                )?;
                map.serialize_entry("properties", &Properties(self))?;
                map.end()
            }
        }

        struct Properties<'p, 'a>(&'p PlaceFeature<'a>);

        impl Serialize for Properties<'_, '_> {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                let f = self.0;
                let p = f.place;
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("confidence", &f.confidence)?;
                map.serialize_entry("country", &p.country)?;
                map.serialize_entry("date", &f.dates.first())?;
                if f.dates.len() > 1 {
                    map.serialize_entry("dates", &*f.dates)?;
                }
                map.serialize_entry("documents", &*f.documents)?;
                map.serialize_entry("feature_code", &p.feature_code)?;
                map.serialize_entry("geonameid", &p.geonameid)?;
                map.serialize_entry("kind", p.kind.as_str())?;
                map.serialize_entry("marker-color", marker_color(p.kind, f.outlier))?;
                map.serialize_entry("marker-size", marker_size(p.kind))?;
                map.serialize_entry("mention_count", &f.mentions.len())?;
                map.serialize_entry("mentions", &f.mentions)?;
                map.serialize_entry("name", &p.name)?;
                map.serialize_entry("outlier", &f.outlier)?;
                map.serialize_entry("place_id", &p.place_id)?;
                map.serialize_entry("population", &p.population)?;
                let title = format!("{} ({})", p.name, p.kind.as_str());
                map.serialize_entry("title", &title)?;
                map.serialize_entry("type", "place")?;
                map.end()
            }
        }

        impl Serialize for MentionView<'_> {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("confidence", &self.confidence)?;
                if let Some(d) = &self.date {
                    map.serialize_entry("date", d)?;
                }
                map.serialize_entry("doc", &self.doc)?;
                map.serialize_entry("end", &self.end)?;
                map.serialize_entry("snippet", raw(self.snippet))?;
                map.serialize_entry("start", &self.start)?;
                map.serialize_entry("text", self.text)?;
                map.end()
            }
        }
    }

    /// Strings that test an escaper: quotes, backslashes, control
    /// characters, DEL, U+2028, non-ASCII, long and short.
    const AWKWARD: &[&str] = &[
        "",
        "Kharkiv",
        "Kharkiv Oblast, a longer name",
        "\"quoted\" \\ back\\slash\\",
        "tab\tnew\nline\rcr\u{8}\u{c}\u{1}\u{1f}\u{7f}",
        "line\u{2028}sep\u{2029}",
        "Харків — “mayor”\u{a0}é 🚀",
        "\\",
        "\"",
        "1234567\"",
    ];

    /// A place with `s` in every string.
    fn awkward_place(s: &str, k: usize) -> crate::gazetteer::Place {
        let kinds = [
            PlaceKind::City,
            PlaceKind::Country,
            PlaceKind::Region,
            PlaceKind::Poi,
        ];
        crate::gazetteer::Place {
            place_id: format!("gn:{s}"),
            geonameid: (k % 2 == 0).then_some(706_483 + k as u32),
            name: s.to_string(),
            kind: kinds[k % kinds.len()],
            feature_code: s.chars().take(4).collect(),
            country: s.chars().take(2).collect(),
            admin1: String::new(),
            lat: 49.981_774_4 - k as f64 * 7.3,
            lon: 36.254_753_3 - k as f64 * 11.1,
            population: (k % 3 != 0).then_some(1_430_885 * k as u64),
        }
    }

    #[test]
    fn place_features_are_written_as_serde_writes_them() {
        let places: Vec<_> = (AWKWARD.iter().enumerate())
            .map(|(k, s)| awkward_place(s, k))
            .collect();
        let escaped: Vec<String> = AWKWARD.iter().map(|s| json::escape(s)).collect();
        let mut compared = 0;
        for (k, place) in places.iter().enumerate() {
            let s = AWKWARD[k];
            let t = AWKWARD[(k + 3) % AWKWARD.len()];
            let (es, et) = (&escaped[k], &escaped[(k + 3) % AWKWARD.len()]);
            // Strings as text and as escaped text; no date, one, several.
            let docs = [
                [JsonStr::Text(s), JsonStr::Text(t)],
                [JsonStr::Json(es), JsonStr::Json(et)],
            ];
            for (d, doc) in docs.iter().enumerate() {
                for dates in [&doc[..0], &doc[..1], &doc[..]] {
                    let mentions = (0..k % 4)
                        .map(|i| MentionView {
                            confidence: [0.853, 1.0, 0.1 + 0.2, 1e-7][i],
                            date: dates.first().copied(),
                            doc: doc[i % 2],
                            start: i * 1000,
                            end: i * 1000 + k,
                            snippet: &escaped[(k + i) % AWKWARD.len()],
                            text: AWKWARD[(k + i + 1) % AWKWARD.len()],
                        })
                        .collect();
                    let f = PlaceFeature {
                        place,
                        confidence: [0.0, 0.5, 0.853, 1.0 / 3.0][k % 4],
                        outlier: (k + d) % 2 == 0,
                        documents: Cow::Borrowed(&doc[..1 + k % 2]),
                        dates: Cow::Borrowed(dates),
                        mentions,
                    };
                    let mut want = Vec::new();
                    json::to_writer(&mut want, &f).unwrap();
                    let mut got = Vec::new();
                    f.write_json(&mut got);
                    assert_eq!(
                        String::from_utf8(got).unwrap(),
                        String::from_utf8(want).unwrap()
                    );
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, AWKWARD.len() * 6);
    }

    /// The character-by-character snippet that [`snippet`] replaced.
    fn snippet_by_chars(text: &str, start: usize, end: usize) -> String {
        const REACH: usize = 160;
        let mut from = start;
        let mut steps = 0;
        for (i, c) in text[..start].char_indices().rev() {
            steps += 1;
            if steps > REACH {
                break;
            }
            let ends_sentence = matches!(c, '.' | '!' | '?' | '\n')
                && i + c.len_utf8() < start
                && (c == '\n' || text[i + c.len_utf8()..].starts_with(char::is_whitespace));
            if ends_sentence {
                break;
            }
            from = i;
        }
        let mut to = end;
        let mut steps = 0;
        for (i, c) in text[end..].char_indices() {
            steps += 1;
            to = end + i + c.len_utf8();
            if steps > REACH
                || (matches!(c, '.' | '!' | '?')
                    && text[to..].chars().next().is_none_or(char::is_whitespace))
                || c == '\n'
            {
                if c == '\n' {
                    to -= 1;
                }
                break;
            }
        }
        text[from..to]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn snippet_by_bytes_equals_snippet_by_chars() {
        let long = "слово ".repeat(60);
        let text = format!(
            "Харків.\u{a0}Kharkiv’s “mayor” said.\n\nU.S. troops?! In Kyiv\u{2009}now. {long}Sumy. \
             Tail without a stop — Вовчанськ 10.5\u{a0}km away\r\n. End.\n"
        );
        let exact = format!("{}. Word{}", "x".repeat(159), "y".repeat(158));
        let long = format!(
            "Short one. {} Kyiv, {}\nthen {}é{}",
            "word ".repeat(40),
            "more words ".repeat(20),
            "ascii ".repeat(30),
            "z".repeat(170)
        );
        for text in [text, exact, long] {
            let sentences = Sentences::new(&text);
            let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            starts.push(text.len());
            for (k, &s) in starts.iter().enumerate() {
                for &e in starts[k..].iter().take(8) {
                    let want = snippet_by_chars(&text, s, e);
                    assert_eq!(snippet(&text, s, e), want, "{s}..{e}");
                    let (from, to) = sentences.bounds(s, e);
                    assert_eq!(collapse_whitespace(&text[from..to]), want, "{s}..{e}");
                }
            }
        }
    }

    #[test]
    fn snippet_is_the_sentence() {
        let text = "First one. Shelling hit Kharkiv on Friday. Next sentence.";
        let s = text.find("Kharkiv").unwrap();
        assert_eq!(snippet(text, s, s + 7), "Shelling hit Kharkiv on Friday.");
    }

    #[test]
    fn snippet_stays_on_its_line() {
        let text = "Headline about Kyiv\nBody starts here.";
        let s = text.find("Kyiv").unwrap();
        assert_eq!(snippet(text, s, s + 4), "Headline about Kyiv");
    }

    #[test]
    fn interner_keeps_each_string_once() {
        let mut strings = Interner::default();
        let a = strings.intern("Shelling hit Kharkiv.");
        let b = strings.intern("Kharkiv");
        assert_ne!(a, b);
        assert_eq!(strings.intern("Shelling hit Kharkiv."), a);
        assert_eq!(strings.get(a), "Shelling hit Kharkiv.");
        assert_eq!(strings.get(b), "Kharkiv");
        assert_eq!(strings.strings.len(), 2);
    }

    /// The features as `MapBuilder` built them before it stored mentions
    /// compactly: every mention a `serde_json::Value`.
    fn reference_features(
        gazetteer: &Gazetteer,
        docs: &[(Document, Analysis)],
        per_document: bool,
    ) -> Vec<Feature> {
        struct Entry {
            place: PlaceIdx,
            mentions: Vec<JsonValue>,
            documents: Vec<String>,
            dates: Vec<String>,
            confidence: f64,
            outlier: bool,
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut index = HashMap::default();
        let mut claims = Vec::new();
        for (doc_no, (doc, analysis)) in docs.iter().enumerate() {
            for m in &analysis.mentions {
                let key = (m.place, per_document.then_some(doc_no));
                let i = *index.entry(key).or_insert_with(|| {
                    entries.push(Entry {
                        place: m.place,
                        mentions: Vec::new(),
                        documents: Vec::new(),
                        dates: Vec::new(),
                        confidence: 0.0,
                        outlier: true,
                    });
                    entries.len() - 1
                });
                let e = &mut entries[i];
                let mut v = json!({
                    "doc": doc.id,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "snippet": snippet(&doc.text, m.byte_start, m.byte_end),
                    "confidence": m.confidence,
                });
                if let Some(d) = &doc.date {
                    v["date"] = json!(d);
                }
                e.mentions.push(v);
                if e.documents.last() != Some(&doc.id) {
                    e.documents.push(doc.id.clone());
                    if let Some(d) = &doc.date {
                        if !e.dates.contains(d) {
                            e.dates.push(d.clone());
                        }
                    }
                }
                e.confidence = e.confidence.max(m.confidence);
                e.outlier &= m.outlier;
            }
            for c in &analysis.claims {
                claims.push(c.to_feature(doc, gazetteer));
            }
        }
        let mut features: Vec<Feature> = entries
            .iter()
            .map(|e| {
                let p = gazetteer.place(e.place);
                let mut props = JsonObject::new();
                let mut set = |k: &str, v: JsonValue| {
                    props.insert(k.to_string(), v);
                };
                set("type", json!("place"));
                set("name", json!(p.name));
                set("geonameid", json!(p.geonameid));
                set("place_id", json!(p.place_id));
                set("kind", json!(p.kind.as_str()));
                set("feature_code", json!(p.feature_code));
                set("country", json!(p.country));
                set("population", json!(p.population));
                set("confidence", json!(e.confidence));
                set("outlier", json!(e.outlier));
                set("mention_count", json!(e.mentions.len()));
                set("documents", json!(e.documents));
                let mut dates = e.dates.clone();
                dates.sort();
                set("date", json!(dates.first()));
                if dates.len() > 1 {
                    set("dates", json!(dates));
                }
                set("mentions", JsonValue::Array(e.mentions.clone()));
                set("title", json!(format!("{} ({})", p.name, p.kind.as_str())));
                set("marker-color", json!(marker_color(p.kind, e.outlier)));
                set("marker-size", json!(marker_size(p.kind)));
                Feature {
                    bbox: None,
                    geometry: Some(point(p.lat, p.lon)),
                    id: None,
                    properties: Some(props),
                    foreign_members: None,
                }
            })
            .collect();
        features.extend(claims);
        features
    }

    #[test]
    fn compact_map_writes_the_bytes_of_the_value_map() {
        let Ok(gazetteer) = Gazetteer::embedded() else {
            return;
        };
        let parser = crate::pipeline::Geoparser::new(&gazetteer);
        let texts = [
            ("a", "date 2024-05-21\nShelling hit Kharkiv and Kyiv on Friday. Kharkiv is 30 km from the border.\nKharkiv again."),
            ("a", "date 2024-05-20\nKyiv and Lviv, about 470 km west of Kyiv, were quiet."),
            ("b", "Officials in Kyiv said talks with Warsaw would resume. Kharkiv, \"quoted\" \\ here."),
            ("c", "No place here."),
            ("d", "date 2024-05-30\nShelling hit Kharkiv and Kyiv on Friday."),
        ];
        let mut docs: Vec<(Document, Analysis)> = texts
            .iter()
            .map(|(id, text)| {
                let doc = Document::new(*id, *text);
                let analysis = parser.parse(&doc);
                (doc, analysis)
            })
            .collect();
        // Every string the map writes from a document, awkward.
        let mut doc = Document::new(
            "e \"quoted\" \\ \u{2028}\u{1}é",
            "Kyiv\u{2028}\"said\" \\ \u{7}Kharkiv\t is\u{a0}about 40 km from Kyiv.\r\nЛьвів, Lviv.",
        );
        doc.date = Some("2024-05-2\"1\\\u{2028}".into());
        let analysis = parser.parse(&doc);
        assert!(analysis.mentions.len() >= 3 && !analysis.claims.is_empty());
        docs.push((doc, analysis));
        assert!(docs.iter().map(|(_, a)| a.mentions.len()).sum::<usize>() > 5);
        assert!(docs.iter().any(|(_, a)| !a.claims.is_empty()));
        let dir = tempfile::tempdir().unwrap();
        for per_document in [false, true] {
            for format in [Format::GeoJson, Format::GeoJsonSeq] {
                let path = dir.path().join("new");
                let mut out =
                    FeatureWriter::new(Destination::create(Some(&path)).unwrap(), format).unwrap();
                let mut map = MapBuilder::new(&gazetteer, per_document);
                for (doc, analysis) in &docs {
                    map.add(doc, analysis);
                }
                map.write_to(&mut out).unwrap();
                out.finish().unwrap();
                if per_document {
                    // A batch run maps each document with a builder of its
                    // own, or renders it directly: the same bytes.
                    let paths = [dir.path().join("built"), dir.path().join("rendered")];
                    for (k, path) in paths.iter().enumerate() {
                        let mut out =
                            FeatureWriter::new(Destination::create(Some(path)).unwrap(), format)
                                .unwrap();
                        for (doc, analysis) in &docs {
                            if k == 0 {
                                let mut map = MapBuilder::new(&gazetteer, true);
                                map.add(doc, analysis);
                                map.write_to(&mut out).unwrap();
                                continue;
                            }
                            let prepared = PreparedPart::new(doc, analysis, &gazetteer);
                            let rendered =
                                render_document(&gazetteer, doc, analysis, &prepared).unwrap();
                            for f in rendered.features() {
                                out.write_json(f).unwrap();
                            }
                        }
                        out.finish().unwrap();
                    }
                    assert_eq!(
                        std::fs::read_to_string(&paths[0]).unwrap(),
                        std::fs::read_to_string(&paths[1]).unwrap(),
                        "{format:?}"
                    );
                }
                let expected_path = dir.path().join("old");
                let mut out =
                    FeatureWriter::new(Destination::create(Some(&expected_path)).unwrap(), format)
                        .unwrap();
                for f in reference_features(&gazetteer, &docs, per_document) {
                    out.write(&f).unwrap();
                }
                out.finish().unwrap();
                assert_eq!(
                    std::fs::read_to_string(&path).unwrap(),
                    std::fs::read_to_string(&expected_path).unwrap(),
                    "per_document: {per_document}, {format:?}"
                );
            }
        }
    }

    fn sample_features() -> Vec<Feature> {
        (0..3)
            .map(|i| Feature {
                bbox: None,
                geometry: Some(point(50.0 + i as f64, 36.0)),
                id: None,
                properties: Some(JsonObject::from_iter([("n".to_string(), json!(i))])),
                foreign_members: None,
            })
            .collect()
    }

    #[test]
    fn streamed_collection_is_byte_identical_to_serde() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.geojson");
        let features = sample_features();
        let mut w =
            FeatureWriter::new(Destination::create(Some(&path)).unwrap(), Format::GeoJson).unwrap();
        for f in &features {
            w.write(f).unwrap();
        }
        w.finish().unwrap();
        let fc = FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        };
        let expected = format!("{}\n", serde_json::to_string(&fc).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    }

    #[test]
    fn rendered_features_write_the_bytes_of_features_written_one_by_one() {
        let features = sample_features();
        let mut rendered = RenderedFeatures::default();
        for f in &features {
            rendered.push_with(|out| json::to_writer(out, f).unwrap());
        }
        for (got, f) in rendered.features().zip(&features) {
            assert_eq!(got, serde_json::to_vec(f).unwrap());
        }
        assert_eq!(rendered.features().count(), features.len());
        let dir = tempfile::tempdir().unwrap();
        for format in [Format::GeoJson, Format::GeoJsonSeq] {
            let texts: Vec<String> = (0..4)
                .map(|way| {
                    let path = dir.path().join(format!("{way}"));
                    let dest = Destination::create(Some(&path)).unwrap();
                    let mut w = FeatureWriter::new(dest, format).unwrap();
                    match way {
                        0 => features.iter().for_each(|f| w.write(f).unwrap()),
                        1 => (rendered.features()).for_each(|f| w.write_json(f).unwrap()),
                        2 => {
                            w.write_rendered(&RenderedFeatures::default()).unwrap();
                            w.write_rendered(&rendered).unwrap();
                        }
                        _ => {
                            // Rendered after a feature written alone.
                            w.write(&features[0]).unwrap();
                            let mut rest = RenderedFeatures::default();
                            for f in &features[1..] {
                                rest.push_with(|out| json::to_writer(out, f).unwrap());
                            }
                            w.write_rendered(&rest).unwrap();
                        }
                    }
                    assert_eq!(w.written(), features.len());
                    w.finish().unwrap();
                    std::fs::read_to_string(&path).unwrap()
                })
                .collect();
            for text in &texts[1..] {
                assert_eq!(text, &texts[0], "{format:?}");
            }
        }
    }

    #[test]
    fn empty_streamed_collection_is_valid() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.geojson");
        let w =
            FeatureWriter::new(Destination::create(Some(&path)).unwrap(), Format::GeoJson).unwrap();
        w.finish().unwrap();
        let v: JsonValue = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["features"], json!([]));
    }

    #[test]
    fn sequence_frames_each_feature_with_rs_and_lf() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.geojsons");
        let mut w = FeatureWriter::new(
            Destination::create(Some(&path)).unwrap(),
            Format::GeoJsonSeq,
        )
        .unwrap();
        for f in &sample_features() {
            w.write(f).unwrap();
        }
        w.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.split_terminator('\n').collect();
        assert_eq!(lines.len(), 3);
        for l in lines {
            let body = l.strip_prefix('\u{1e}').expect("RS first");
            serde_json::from_str::<Feature>(body).unwrap();
        }
    }

    #[test]
    fn uncommitted_output_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.geojson");
        {
            let mut w =
                FeatureWriter::new(Destination::create(Some(&path)).unwrap(), Format::GeoJson)
                    .unwrap();
            w.write(&sample_features()[0]).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn coordinates_are_rounded_lon_first() {
        let g = point(49.981_774_4, 36.254_753_3);
        assert_eq!(g.value, Value::Point(vec![36.254753, 49.981774]));
    }
}
