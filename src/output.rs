//! Writes what geomention found as RFC 7946 GeoJSON: one Point feature per
//! place (aggregated over every document, or per document), one feature per
//! claim, with the provenance of every mention, and simplestyle properties
//! so geojson.io and GitHub draw it readably.
//!
//! Output files are written to a temporary file beside the target and
//! renamed into place, so an interrupted run never leaves half a map.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, JsonValue, Value};
use serde_json::json;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::gazetteer::{Gazetteer, PlaceIdx, PlaceKind};
use crate::pipeline::Analysis;
use crate::resolve::ResolvedMention;

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
    let s: String = text[from..to]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    s
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

/// The mentions of one place, gathered over documents.
struct PlaceEntry {
    place: PlaceIdx,
    mentions: Vec<JsonValue>,
    documents: Vec<String>,
    dates: Vec<String>,
    confidence: f64,
    outlier: bool,
}

/// Collects the analyses of many documents into one map.
pub struct MapBuilder<'g> {
    gazetteer: &'g Gazetteer,
    per_document: bool,
    entries: Vec<PlaceEntry>,
    index: HashMap<(PlaceIdx, Option<usize>), usize>,
    claims: Vec<Feature>,
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
            index: HashMap::new(),
            claims: Vec::new(),
            documents: 0,
        }
    }

    /// Adds one document's findings. Documents must be added in a stable
    /// order for the output to be stable.
    pub fn add(&mut self, doc: &Document, analysis: &Analysis) {
        let doc_no = self.documents;
        self.documents += 1;
        for m in &analysis.mentions {
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
            let e = &mut self.entries[i];
            e.mentions.push(mention_json(doc, m));
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
            self.claims.push(c.to_feature(doc, self.gazetteer));
        }
    }

    /// The features added so far, places first, then claims.
    pub fn finish(self) -> FeatureCollection {
        let mut features: Vec<Feature> = self
            .entries
            .iter()
            .map(|e| place_feature(self.gazetteer, e))
            .collect();
        features.extend(self.claims);
        FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        }
    }
}

fn mention_json(doc: &Document, m: &ResolvedMention) -> JsonValue {
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
    v
}

fn place_feature(gazetteer: &Gazetteer, e: &PlaceEntry) -> Feature {
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
}

/// Writes `fc` to `path` through a temporary file renamed into place, or to
/// standard output when `path` is `None` or `-`.
pub fn write_geojson(fc: &FeatureCollection, path: Option<&Path>) -> Result<()> {
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        serde_json::to_writer(&mut *w, fc).map_err(std::io::Error::other)?;
        w.write_all(b"\n")?;
        w.flush()
    };
    match path.filter(|p| p.as_os_str() != "-") {
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            match write(&mut lock) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| Error::io("<stdout>", e)),
            }
        }
        Some(path) => write_atomically(path, |w| write(w)),
    }
}

/// Writes a file through a temporary sibling that is renamed over `path`
/// only once everything was written and flushed.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".geomention-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w).map_err(|e| Error::io(path, e))?;
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn coordinates_are_rounded_lon_first() {
        let g = point(49.981_774_4, 36.254_753_3);
        assert_eq!(g.value, Value::Point(vec![36.254753, 49.981774]));
    }
}
