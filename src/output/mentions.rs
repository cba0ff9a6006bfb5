//! The mentions table (`--mentions-out FILE`): every mention of a run, one
//! row each, whatever the map lists — for a corpus whose aggregated map
//! lists only each place's first mentions. CSV (`.csv`) for spreadsheets
//! and pandas, or a GeoJSON text sequence of points (`.geojsons`) for GIS.
//!
//! Rows are written as documents are done, so memory does not grow with
//! the corpus. Columns: place_id, name, kind, country, lat, lon, doc,
//! date, start, end, text, snippet, confidence, demonym.

use std::path::Path;

use crate::error::{Error, Result};
use crate::gazetteer::Place;
use crate::map::{CorpusMap, DocumentMap, MentionView};
use crate::output::geojson::write_point;
use crate::output::json::{key, Object, Plain};
use crate::output::precision::round6;
use crate::output::writer::{Encoded, MapWriter, Target};

/// How the table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    GeoJsonSeq,
}

impl TableFormat {
    /// The format `path`'s extension names.
    pub fn from_path(path: &Path) -> Result<TableFormat> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Ok(TableFormat::Csv),
            "geojsons" | "geojsonseq" => Ok(TableFormat::GeoJsonSeq),
            _ => Err(Error::Invalid(format!(
                "{}: a mentions table is .csv or .geojsons",
                path.display()
            ))),
        }
    }
}

const COLUMNS: [&str; 14] = [
    "place_id",
    "name",
    "kind",
    "country",
    "lat",
    "lon",
    "doc",
    "date",
    "start",
    "end",
    "text",
    "snippet",
    "confidence",
    "demonym",
];

/// Writes every mention of every document to a table.
pub struct MentionsWriter<T: Target> {
    sink: Sink<T>,
    rows: usize,
    scratch: Vec<u8>,
}

enum Sink<T: Target> {
    Csv(Box<csv::Writer<T>>),
    Sequence(T),
}

/// A CSV error as the library reports it, naming the table.
fn csv_error<T: Target>(csv: &csv::Writer<T>, e: csv::Error) -> Error {
    Error::Invalid(format!("{}: {e}", csv.get_ref().label().display()))
}

impl<T: Target> MentionsWriter<T> {
    pub fn new(target: T, format: TableFormat) -> Result<MentionsWriter<T>> {
        let sink = match format {
            TableFormat::Csv => {
                let mut csv = csv::Writer::from_writer(target);
                csv.write_record(COLUMNS).map_err(|e| csv_error(&csv, e))?;
                Sink::Csv(Box::new(csv))
            }
            TableFormat::GeoJsonSeq => Sink::Sequence(target),
        };
        Ok(MentionsWriter {
            sink,
            rows: 0,
            scratch: Vec::new(),
        })
    }
}

impl<T: Target> MapWriter for MentionsWriter<T> {
    fn document(&mut self, doc: &DocumentMap<'_>, _: Option<Encoded>) -> Result<()> {
        for p in &doc.places {
            for m in &p.mentions {
                let mention = MentionView {
                    doc: &doc.id,
                    date: doc.date.as_deref(),
                    start: m.start,
                    end: m.end,
                    text: &m.text,
                    snippet: doc.snippet(m.snippet),
                    confidence: m.confidence,
                    demonym: m.demonym,
                };
                self.rows += 1;
                match &mut self.sink {
                    Sink::Csv(csv) => {
                        let row = csv_row(&p.place, &mention);
                        csv.write_record(&row).map_err(|e| csv_error(csv, e))?;
                    }
                    Sink::Sequence(target) => {
                        self.scratch.clear();
                        point_record(&mut self.scratch, &p.place, &mention);
                        target
                            .write_all(&self.scratch)
                            .map_err(|e| Error::io(target.label(), e))?;
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>, _: Option<&CorpusMap<'_>>) -> Result<usize> {
        let rows = self.rows;
        let target = match self.sink {
            Sink::Csv(csv) => csv
                .into_inner()
                .map_err(|e| Error::io("<mentions table>", e.into_error()))?,
            Sink::Sequence(raw) => raw,
        };
        target.commit()?;
        Ok(rows)
    }
}

/// A mention's row, in the order of [`COLUMNS`].
fn csv_row(place: &Place, m: &MentionView) -> [String; 14] {
    [
        place.place_id.clone(),
        place.name.clone(),
        place.kind.as_str().to_string(),
        place.country.clone(),
        round6(place.lat).to_string(),
        round6(place.lon).to_string(),
        m.doc.to_string(),
        m.date.unwrap_or_default().to_string(),
        m.start.to_string(),
        m.end.to_string(),
        m.text.to_string(),
        m.snippet.to_string(),
        m.confidence.to_string(),
        m.demonym.to_string(),
    ]
}

/// A mention as a record of a GeoJSON text sequence: a point at its
/// place, with the columns as properties.
fn point_record(out: &mut Vec<u8>, place: &Place, m: &MentionView) {
    out.push(0x1E);
    let mut feature = Object::start(out);
    feature.field(key!("type"), &Plain("Feature"));
    write_point(feature.key(key!("geometry")), place.lat, place.lon);
    let mut props = Object::start(feature.key(key!("properties")));
    props.field(key!("confidence"), &m.confidence);
    let country = Some(place.country.as_str()).filter(|c| !c.is_empty());
    props.field(key!("country"), &country);
    props.field(key!("date"), &m.date);
    props.field(key!("demonym"), &m.demonym);
    props.field(key!("doc"), m.doc);
    props.field(key!("end"), &m.end);
    props.field(key!("kind"), &Plain(place.kind.as_str()));
    props.field(key!("name"), &place.name);
    props.field(key!("place_id"), &place.place_id);
    props.field(key!("snippet"), m.snippet);
    props.field(key!("start"), &m.start);
    props.field(key!("text"), m.text);
    props.end();
    feature.end();
    out.push(b'\n');
}

/// Two writers fed the same documents: a map and its mentions table.
pub struct WithTable<'t> {
    pub map: Box<dyn MapWriter + 't>,
    pub table: Box<dyn MapWriter + 't>,
}

impl MapWriter for WithTable<'_> {
    fn encoder(&self) -> Option<std::sync::Arc<dyn crate::output::Encode>> {
        self.map.encoder()
    }

    fn document(&mut self, doc: &DocumentMap<'_>, encoded: Option<Encoded>) -> Result<()> {
        self.map.document(doc, encoded)?;
        self.table.document(doc, None)
    }

    fn finish(self: Box<Self>, corpus: Option<&CorpusMap<'_>>) -> Result<usize> {
        let written = self.map.finish(corpus)?;
        self.table.finish(None)?;
        Ok(written)
    }
}
