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
use crate::map::{CorpusMap, DocumentMap};
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
        let date = doc.date.as_deref().unwrap_or("");
        for p in &doc.places {
            let place = &p.place;
            for m in &p.mentions {
                let snippet = doc.snippet(m.snippet);
                self.rows += 1;
                let raw = match &mut self.sink {
                    Sink::Csv(csv) => {
                        let row = [
                            place.place_id.as_str(),
                            &place.name,
                            place.kind.as_str(),
                            &place.country,
                            &round6(place.lat).to_string(),
                            &round6(place.lon).to_string(),
                            &doc.id,
                            date,
                            &m.start.to_string(),
                            &m.end.to_string(),
                            &m.text,
                            snippet,
                            &m.confidence.to_string(),
                            if m.demonym { "true" } else { "false" },
                        ];
                        csv.write_record(row).map_err(|e| csv_error(csv, e))?;
                        continue;
                    }
                    Sink::Sequence(raw) => raw,
                };
                let out = &mut self.scratch;
                out.clear();
                out.push(0x1E);
                let mut feature = Object::start(out);
                feature.field(key!("type"), &Plain("Feature"));
                let mut point = Object::start(feature.key(key!("geometry")));
                point.field(key!("type"), &Plain("Point"));
                point.field(
                    key!("coordinates"),
                    &[round6(place.lon), round6(place.lat)][..],
                );
                point.end();
                let mut props = Object::start(feature.key(key!("properties")));
                props.field(key!("confidence"), &m.confidence);
                let country = Some(place.country.as_str()).filter(|c| !c.is_empty());
                props.field(key!("country"), &country);
                props.field(key!("date"), &doc.date);
                props.field(key!("demonym"), &m.demonym);
                props.field(key!("doc"), &doc.id);
                props.field(key!("end"), &m.end);
                props.field(key!("kind"), &Plain(place.kind.as_str()));
                props.field(key!("name"), &place.name);
                props.field(key!("place_id"), &place.place_id);
                props.field(key!("snippet"), snippet);
                props.field(key!("start"), &m.start);
                props.field(key!("text"), &m.text);
                props.end();
                feature.end();
                out.push(b'\n');
                raw.write_all(out).map_err(|e| Error::io(raw.label(), e))?;
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
