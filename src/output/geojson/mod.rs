//! GeoJSON: one RFC 7946 `FeatureCollection`, or an RFC 8142 GeoJSON text
//! sequence (each feature prefixed by RS, 0x1E, and ended by LF) that a
//! consumer can read while the run goes on.
//!
//! One Point feature per place (over the corpus, or per document), with
//! the provenance of every mention, then one feature per claim
//! ([`place`], [`claim`]); simplestyle properties so geojson.io and GitHub
//! draw it readably. Features are written by the hand-made JSON writer of
//! [`super::json`], which is where writing them stopped being slow.
//!
//! In a per-document map each document's features are encoded on the
//! worker thread that mapped it ([`GeoJsonEncoder`]); in an aggregated map
//! its claims are, and held back (in memory, then in a temporary file:
//! [`Spill`]) until the places are written at the end.

mod claim;
mod place;
pub mod read;
mod rings;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::map::{CorpusMap, DocumentMap};
use crate::output::spill::Spill;
use crate::output::writer::{Encode, Encoded, MapWriter, Options, Target};

pub use claim::write_claim;
pub use place::{write_place, write_point};

/// How features are put together in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `{"type":"FeatureCollection","features":[…]}`.
    Collection,
    /// RS, a feature, LF; repeated.
    Sequence,
}

/// The same bytes serde writes before the features of a `FeatureCollection`,
/// so a streamed collection is identical to one built in memory.
const COLLECTION_HEAD: &[u8] = br#"{"type":"FeatureCollection","features":["#;

/// The record separator that starts each feature of a GeoJSON text
/// sequence.
const RS: u8 = 0x1E;

/// About what a feature takes, so buffers grow seldom: a place per mention
/// it lists, a claim whole.
const BYTES_PER_MENTION: usize = 1024;
const BYTES_PER_CLAIM: usize = 1536;

/// Writes a map as GeoJSON to a [`Target`].
pub struct GeoJsonWriter<T: Target> {
    target: T,
    framing: Framing,
    options: Options,
    written: usize,
    /// An aggregated map's claim features, each with a comma before it,
    /// written after its places.
    claims: Spill,
    claim_count: usize,
    scratch: Vec<u8>,
}

impl<T: Target> GeoJsonWriter<T> {
    /// A writer that has written nothing yet: a run that fails before its
    /// first feature leaves not even the collection's opening behind.
    pub fn new(target: T, framing: Framing, options: Options) -> GeoJsonWriter<T> {
        GeoJsonWriter {
            target,
            framing,
            options,
            written: 0,
            claims: Spill::default(),
            claim_count: 0,
            scratch: Vec::new(),
        }
    }

    /// From now on, places list at most `listed` mentions and documents
    /// (a page that must stay small lists fewer than the run asked for).
    pub(crate) fn relist(&mut self, listed: Option<usize>) {
        self.options.listed = listed;
    }

    /// The target written to.
    pub(crate) fn target_mut(&mut self) -> &mut T {
        &mut self.target
    }

    fn encoder(&self) -> GeoJsonEncoder {
        GeoJsonEncoder {
            per_document: self.options.per_document,
            listed: self.options.listed,
        }
    }

    /// What goes before and after the next feature.
    fn frame(&self) -> (&'static [u8], &'static [u8]) {
        match self.framing {
            Framing::Collection if self.written > 0 => (b",", b""),
            Framing::Collection => (COLLECTION_HEAD, b""),
            Framing::Sequence => (&[RS], b"\n"),
        }
    }

    fn write_out(&mut self, bytes: &[u8]) -> Result<()> {
        let target = &mut self.target;
        target
            .write_all(bytes)
            .map_err(|e| Error::io(target.label(), e))
    }

    /// Appends one feature, written as compact JSON by `write` to a
    /// scratch buffer, framed there and written out in one call.
    fn write_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let (before, after) = self.frame();
        scratch.extend_from_slice(before);
        write(&mut scratch);
        scratch.extend_from_slice(after);
        let result = self.write_out(&scratch);
        self.scratch = scratch;
        result?;
        self.written += 1;
        Ok(())
    }

    /// Appends encoded features: in a sequence, all in one call, as they
    /// are framed already; in a collection, one at a time.
    fn write_encoded(&mut self, features: &Encoded) -> Result<()> {
        match self.framing {
            Framing::Sequence => {
                self.write_out(&features.bytes)?;
                self.written += features.len();
            }
            Framing::Collection => {
                for f in records(features) {
                    // Straight to the target's buffer, not through the
                    // scratch buffer: this is most of what a batch run's
                    // writing thread copies.
                    let (before, after) = self.frame();
                    self.write_out(before)?;
                    self.write_out(f)?;
                    self.write_out(after)?;
                    self.written += 1;
                }
            }
        }
        Ok(())
    }
}

impl<T: Target> MapWriter for GeoJsonWriter<T> {
    fn encoder(&self) -> Option<Arc<dyn Encode>> {
        Some(Arc::new(GeoJsonWriter::encoder(self)))
    }

    fn document(&mut self, doc: &DocumentMap<'_>, encoded: Option<Encoded>) -> Result<()> {
        let encoded = encoded.unwrap_or_else(|| GeoJsonWriter::encoder(self).encode(doc));
        if !self.options.per_document {
            for f in records(&encoded) {
                let held = self.claims.write(b",").and_then(|()| self.claims.write(f));
                held.map_err(|e| Error::io("a temporary file", e))?;
                self.claim_count += 1;
            }
            return Ok(());
        }
        self.write_encoded(&encoded)?;
        if self.target.is_stream() {
            let target = &mut self.target;
            target.flush().map_err(|e| Error::io(target.label(), e))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, corpus: Option<&CorpusMap<'_>>) -> Result<usize> {
        if let Some(corpus) = corpus {
            let mut views: Vec<_> = corpus.place_views().collect();
            let listed = self.options.listed;
            for chunk in views.chunks_mut(place::WARMED) {
                place::warm(chunk.iter().map(|v| v.place));
                for view in chunk {
                    view.list_at_most(listed);
                    self.write_with(|out| write_place(out, view))?;
                }
            }
        }
        if !self.claims.is_empty() {
            // The comma before the first claim opens the collection when
            // there was no place.
            let skip = if self.written == 0 {
                self.write_out(COLLECTION_HEAD)?;
                1
            } else {
                0
            };
            let claims = std::mem::take(&mut self.claims);
            let target = &mut self.target;
            (claims.copy_to(skip, target)).map_err(|e| Error::io(target.label(), e))?;
            self.written += self.claim_count;
        }
        if self.framing == Framing::Collection {
            if self.written == 0 {
                self.write_out(COLLECTION_HEAD)?;
            }
            self.write_out(b"]}\n")?;
        }
        let written = self.written;
        self.target.commit()?;
        Ok(written)
    }
}

/// Encodes a document's features on a worker thread: a per-document map's
/// places and claims, or an aggregated map's claims (its places are
/// written from the corpus map at the end).
pub struct GeoJsonEncoder {
    pub per_document: bool,
    /// How many mentions a place lists.
    pub listed: Option<usize>,
}

impl Encode for GeoJsonEncoder {
    fn encode(&self, doc: &DocumentMap<'_>) -> Encoded {
        let mut out = Encoded::default();
        if self.per_document {
            let mentions: usize = doc.places.iter().map(|p| p.mentions.len()).sum();
            out.bytes
                .reserve(mentions * BYTES_PER_MENTION + doc.claims.len() * BYTES_PER_CLAIM);
            let views: Vec<_> = doc.place_views(self.listed).collect();
            for chunk in views.chunks(place::WARMED) {
                place::warm(chunk.iter().map(|v| v.place));
                for view in chunk {
                    push_record(&mut out, |buf| write_place(buf, view));
                }
            }
        } else {
            out.bytes.reserve(doc.claims.len() * BYTES_PER_CLAIM);
        }
        for c in &doc.claims {
            push_record(&mut out, |buf| {
                write_claim(buf, c, &doc.id, doc.date.as_deref(), doc.snippet(c.snippet))
            });
        }
        out
    }
}

/// The GeoJSON features of one document, one per place and then one per
/// claim, as a `FeatureCollection`: what a per-document map holds of it,
/// each place listing its first `listed` mentions.
pub fn document_collection(doc: &DocumentMap<'_>, listed: Option<usize>) -> String {
    let mut out = Vec::new();
    let options = Options {
        per_document: true,
        listed,
        ..Options::default()
    };
    let mut writer: Box<dyn MapWriter> =
        Box::new(GeoJsonWriter::new(&mut out, Framing::Collection, options));
    // Writing to memory cannot fail.
    let _ = writer.document(doc, None);
    let _ = writer.finish(None);
    String::from_utf8(out).expect("GeoJSON is UTF-8")
}

/// Appends one feature, written by `write`, framed as a record of a GeoJSON
/// text sequence (RS, the feature, LF): a sequence writes them all in one
/// call.
fn push_record(out: &mut Encoded, write: impl FnOnce(&mut Vec<u8>)) {
    out.bytes.push(RS);
    write(&mut out.bytes);
    out.bytes.push(b'\n');
    out.ends.push(out.bytes.len());
}

/// The features of `encoded`, one slice of compact JSON each.
fn records(encoded: &Encoded) -> impl Iterator<Item = &[u8]> {
    let starts = std::iter::once(0).chain(encoded.ends.iter().copied());
    starts
        .zip(&encoded.ends)
        .map(|(a, &b)| &encoded.bytes[a + 1..b - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::gazetteer::Gazetteer;
    use crate::map::{MentionView, PlaceView};
    use crate::output::Destination;
    use crate::pipeline::Geoparser;

    /// Documents with places, claims, dates, repeats and awkward strings.
    fn documents(parser: &Geoparser) -> Vec<(Document, crate::pipeline::Analysis)> {
        let texts = [
            ("a", "date 2024-05-21\nShelling hit Kharkiv and Kyiv on Friday. Kharkiv is 30 km from the border.\nKharkiv again."),
            ("a", "date 2024-05-20\nKyiv and Lviv, about 470 km west of Kyiv, were quiet."),
            ("b", "Officials in Kyiv said talks with Warsaw would resume. Kharkiv, \"quoted\" \\ here."),
            ("c", "No place here."),
            ("d", "date 2024-05-30\nShelling hit Kharkiv and Kyiv on Friday."),
        ];
        let mut docs: Vec<_> = texts
            .iter()
            .map(|(id, text)| {
                let doc = Document::new(*id, *text);
                let analysis = parser.parse(&doc);
                (doc, analysis)
            })
            .collect();
        let mut doc = Document::new(
            "e \"quoted\" \\ \u{2028}\u{1}é",
            "Kyiv\u{2028}\"said\" \\ \u{7}Kharkiv\t is\u{a0}about 40 km from Kyiv.\r\nЛьвів, Lviv.",
        );
        doc.date = Some("2024-05-2\"1\\\u{2028}".into());
        let analysis = parser.parse(&doc);
        assert!(analysis.mentions.len() >= 3 && !analysis.claims.is_empty());
        docs.push((doc, analysis));
        docs
    }

    /// The oracle of a whole map: places aggregated by a plain scan over
    /// every document's mentions, listing the first `listed` of each, each
    /// feature built as a value. With `segments`, `docs` are the parts of
    /// one document.
    fn reference(
        g: &Gazetteer,
        docs: &[(Document, crate::pipeline::Analysis)],
        per_document: bool,
        listed: Option<usize>,
        segments: bool,
    ) -> Vec<String> {
        struct Entry<'a> {
            place: &'a crate::gazetteer::Place,
            mentions: Vec<(usize, &'a crate::resolve::ResolvedMention)>,
            /// Documents by number.
            documents: Vec<usize>,
            confidence: f64,
            outlier: bool,
        }
        let cap = listed.unwrap_or(usize::MAX);
        let snippet = |k: usize, m: &crate::resolve::ResolvedMention| {
            crate::map::snippet::snippet(&docs[k].0.text, m.byte_start, m.byte_end)
        };
        let mut features = Vec::new();
        let mut claims = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let flush = |entries: &mut Vec<Entry>, features: &mut Vec<String>| {
            for e in entries.drain(..) {
                let dates: Vec<&str> = (e.documents.iter())
                    .filter_map(|&k| docs[k].0.date.as_deref())
                    .collect();
                let listed_mentions = &e.mentions[..e.mentions.len().min(cap)];
                let snippets: Vec<String> = listed_mentions
                    .iter()
                    .map(|&(k, m)| snippet(k, m))
                    .collect();
                let view = PlaceView {
                    place: e.place,
                    confidence: e.confidence,
                    outlier: e.outlier,
                    mention_count: e.mentions.len() as u64,
                    document_count: e.documents.len() as u64,
                    first_date: dates.iter().min().copied(),
                    last_date: dates.iter().max().copied(),
                    documents: (e.documents.iter().take(cap))
                        .map(|&k| docs[k].0.id.as_str())
                        .collect(),
                    mentions: (listed_mentions.iter().zip(&snippets))
                        .map(|(&(k, m), s)| MentionView {
                            doc: &docs[k].0.id,
                            date: docs[k].0.date.as_deref(),
                            start: m.start,
                            end: m.end,
                            text: &m.text,
                            snippet: s,
                            confidence: m.confidence,
                            demonym: m.demonym,
                        })
                        .collect(),
                };
                features.push(place::tests::feature_value(&view));
            }
        };
        for (k, (doc, analysis)) in docs.iter().enumerate() {
            for m in &analysis.mentions {
                let place = g.place(m.place);
                let i = match entries
                    .iter()
                    .position(|e| e.place.place_id == place.place_id)
                {
                    Some(i) => i,
                    None => {
                        entries.push(Entry {
                            place,
                            mentions: Vec::new(),
                            documents: Vec::new(),
                            confidence: 0.0,
                            outlier: true,
                        });
                        entries.len() - 1
                    }
                };
                let e = &mut entries[i];
                e.mentions.push((k, m));
                let number = if segments { 0 } else { k };
                if e.documents.last() != Some(&number) {
                    e.documents.push(number);
                }
                e.confidence = e.confidence.max(m.confidence);
                e.outlier &= m.outlier;
            }
            let map = DocumentMap::new(doc, analysis.clone(), g, true);
            // Claims are held to their oracle in `claim`'s tests.
            let mut doc_claims: Vec<String> = (map.claims.iter())
                .map(|c| {
                    let mut out = Vec::new();
                    write_claim(
                        &mut out,
                        c,
                        &doc.id,
                        doc.date.as_deref(),
                        map.snippet(c.snippet),
                    );
                    String::from_utf8(out).unwrap()
                })
                .collect();
            if per_document {
                flush(&mut entries, &mut features);
                features.append(&mut doc_claims);
            } else {
                claims.append(&mut doc_claims);
            }
        }
        flush(&mut entries, &mut features);
        features.extend(claims);
        features
    }

    fn write_map(
        g: &Gazetteer,
        docs: &[(Document, crate::pipeline::Analysis)],
        framing: Framing,
        options: Options,
        encode_ahead: bool,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let per_document = options.per_document;
        let listed = options.listed;
        let mut writer: Box<dyn MapWriter> =
            Box::new(GeoJsonWriter::new(&mut out, framing, options));
        let encoder = writer.encoder().unwrap();
        let mut corpus = (!per_document).then(|| CorpusMap::new(listed));
        for (doc, analysis) in docs {
            let map = DocumentMap::new(doc, analysis.clone(), g, true);
            if let Some(corpus) = &mut corpus {
                corpus.add(&map);
            }
            let encoded = encode_ahead.then(|| encoder.encode(&map));
            writer.document(&map, encoded).unwrap();
        }
        writer.finish(corpus.as_ref()).unwrap();
        out
    }

    /// Aggregated and per document, as a collection and a sequence, encoded
    /// ahead or not: the features the oracle builds, framed as RFC 7946 and
    /// RFC 8142 frame them.
    #[test]
    fn maps_are_the_features_the_oracle_builds() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let docs = documents(&parser);
        let runs = [
            (false, None),
            (false, Some(1)),
            (true, None),
            (true, Some(1)),
        ];
        for (per_document, listed) in runs {
            let want = reference(&g, &docs, per_document, listed, false);
            assert!(want.len() >= 7, "{}", want.len());
            let options = Options {
                per_document,
                listed,
                ..Options::default()
            };
            for encode_ahead in [false, true] {
                let collection = write_map(
                    &g,
                    &docs,
                    Framing::Collection,
                    options.clone(),
                    encode_ahead,
                );
                let fc = format!(
                    r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                    want.join(",")
                );
                assert_eq!(String::from_utf8(collection).unwrap(), format!("{fc}\n"));
                if per_document {
                    let sequence =
                        write_map(&g, &docs, Framing::Sequence, options.clone(), encode_ahead);
                    let records: String = want.iter().map(|f| format!("\u{1e}{f}\n")).collect();
                    assert_eq!(String::from_utf8(sequence).unwrap(), records);
                }
            }
        }
    }

    /// A document read in segments and joined has one feature per place,
    /// with the mentions of every segment in order, then every claim: the
    /// oracle's aggregation of the segments.
    #[test]
    fn a_document_joined_from_segments_lists_each_place_once() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let first =
            "Shelling hit Kharkiv and Kyiv on Friday. Kharkiv is 30 km from the border.\n\n";
        let second = "Lviv, about 470 km west of Kyiv, was quiet. Kharkiv again.";
        let mut parts = Vec::new();
        let mut joined: Option<DocumentMap> = None;
        for (k, text) in [first, second].into_iter().enumerate() {
            let part = Document::new("doc", text);
            let mut analysis = parser.parse(&part);
            // Code-point offsets count from the start of the whole document.
            let offset = if k == 0 { 0 } else { first.chars().count() };
            analysis.mentions.iter_mut().for_each(|m| {
                m.start += offset;
                m.end += offset;
            });
            analysis.claims.iter_mut().for_each(|c| {
                c.start += offset;
                c.end += offset;
            });
            let map = DocumentMap::new(&part, analysis.clone(), &g, k == 0);
            match &mut joined {
                Some(whole) => whole.extend(map),
                None => joined = Some(map),
            }
            parts.push((part, analysis));
        }
        let want = reference(&g, &parts, false, None, true);
        let fc = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            want.join(",")
        );
        assert_eq!(
            document_collection(&joined.unwrap(), None),
            format!("{fc}\n")
        );
        let kharkiv = want
            .iter()
            .filter(|f| f.contains(r#""title":"Kharkiv (city)"#));
        assert_eq!(kharkiv.count(), 1);
    }

    #[test]
    fn an_empty_collection_is_valid() {
        let mut out = Vec::new();
        Box::new(GeoJsonWriter::new(
            &mut out,
            Framing::Collection,
            Options::default(),
        ))
        .finish(Some(&CorpusMap::default()))
        .unwrap();
        assert_eq!(out, b"{\"type\":\"FeatureCollection\",\"features\":[]}\n");
    }

    #[test]
    fn an_uncommitted_map_leaves_no_file() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.geojson");
        {
            let dest = Destination::create(Some(&path)).unwrap();
            let options = Options {
                per_document: true,
                listed: None,
                ..Options::default()
            };
            let mut writer = GeoJsonWriter::new(dest, Framing::Sequence, options);
            let doc = Document::new("a", "Shelling hit Kharkiv.");
            let map = DocumentMap::new(&doc, parser.parse(&doc), &g, true);
            writer.document(&map, None).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
