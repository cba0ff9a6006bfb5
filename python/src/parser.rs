//! The `Geoparser` class Python sees: its arguments, its docstrings (what
//! `help(Geoparser)` shows), and the conversions between Python values and
//! what the other files compute. Every call copies its input out of
//! Python, releases the GIL while the text is mapped, and takes the GIL
//! back only to build what it returns.

use std::path::PathBuf;

use arrow_array::RecordBatch;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3::{intern, IntoPyObjectExt};

use geomention::batch::{map_document, ReadOptions};
use geomention::document::{date_field, Document};
use geomention::map::{DocumentMap, DEFAULT_LISTED};

use crate::errors;
use crate::rows::{self, BatchError, Columns};
use crate::shared::{self, Shared};
use crate::spread::map_rows;
use crate::tables::{self, Outcome};
use crate::yields::{claim_features, geojson_sequence, mention_rows, MentionRow};

/// Finds the places a news text mentions, resolves them with a GeoNames
/// gazetteer, extracts the distances and areas it states and checks them,
/// and writes the document's GeoJSON features, exactly as the
/// `geomention map` command does.
///
/// Geoparser(gazetteer=None, *, min_confidence=0.05)
///
/// gazetteer: a gazetteer directory (made by `geomention gazetteer
///     refresh`); None uses the one `geomention map` would: the directory
///     in $GEOMENTION_GAZETTEER, else a refreshed one in the user's data
///     directory, else the built-in one.
/// min_confidence: mentions resolved with less confidence are dropped.
///
/// The gazetteer is loaded once per process, on first use, and shared by
/// every Geoparser over the same directory: making one is cheap after the
/// first. A Geoparser can be used from many threads at once; every call
/// releases the GIL while it maps text.
///
/// Text in, dicts out: mentions(), claims(), map(). Arrow record batches in
/// and out, a row per document (for Spark's mapInArrow, or any batch job):
/// mentions_arrow(), claims_arrow(), map_arrow().
///
/// >>> from geomention import Geoparser
/// >>> gp = Geoparser()
/// >>> [m["name"] for m in gp.mentions("Shelling hit Kharkiv, 30 km from the Russian border.")]
/// ['Kharkiv']
#[pyclass(frozen, module = "geomention", name = "Geoparser")]
pub struct Geoparser {
    shared: Shared,
}

#[pymethods]
impl Geoparser {
    #[new]
    #[pyo3(signature = (gazetteer=None, *, min_confidence=0.05))]
    fn new(py: Python<'_>, gazetteer: Option<PathBuf>, min_confidence: f64) -> PyResult<Self> {
        if !(0.0..=1.0).contains(&min_confidence) {
            return Err(PyValueError::new_err(format!(
                "min_confidence must be between 0 and 1, not {min_confidence}"
            )));
        }
        let shared = py
            .detach(|| shared::parser(gazetteer, min_confidence))
            .map_err(errors::to_py)?;
        Ok(Geoparser { shared })
    }

    /// Where the gazetteer in use came from: its directory, or "built-in".
    #[getter]
    fn gazetteer(&self) -> String {
        self.shared.origin.to_string()
    }

    fn __repr__(&self) -> String {
        format!("Geoparser(gazetteer={:?})", self.gazetteer())
    }

    /// The place mentions of `text`, in text order: a list of dicts with
    /// start, end (code-point offsets: text[start:end] == text of the
    /// mention), text, place_id ("gn:706483"), name, kind ("country",
    /// "region", "city" or "poi"), country (ISO 3166-1 alpha-2, or None),
    /// lat, lon (of the place, to six decimals), confidence (0-1) and
    /// outlier (the place is far from every other place of the text).
    #[pyo3(signature = (text))]
    fn mentions<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyList>> {
        let doc = document(text, "", None)?;
        let rows = py.detach(|| self.map_one(doc, mention_rows))?;
        let list = PyList::empty(py);
        for m in rows {
            list.append(mention_dict(py, &m)?)?;
        }
        Ok(list)
    }

    /// The distances and areas `text` states ("500 kilometers from
    /// Vladivostok"), checked against the map, in text order: a list of
    /// dicts with the properties of the claim features `geomention map`
    /// writes (value, unit, subject_name, reference_name, measured_km,
    /// verdict, verdict_reason, ...; see the README), `doc` being `id`.
    ///
    /// date: the document's date, YYYY-MM-DD; None: the date its first
    ///     lines state ("date 2024-05-17"), if any.
    #[pyo3(signature = (text, *, id="", date=None))]
    fn claims<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        id: &str,
        date: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let doc = document(text, id, date)?;
        let features = py.detach(|| self.map_one(doc, claim_features))?;
        let features = json_loads(py, &format!("[{}]", features.join(",")))?;
        let list = PyList::empty(py);
        for feature in features.cast::<PyList>()?.iter() {
            list.append(feature.get_item(intern!(py, "properties"))?)?;
        }
        Ok(list)
    }

    /// The document's GeoJSON features, as dicts: one Point per place (with
    /// its listed mentions, their sentences and the document's date), then
    /// one per claim; exactly the features `geomention map --per-document`
    /// writes for this document.
    ///
    /// id: the document id the features carry.
    /// date: the document's date, YYYY-MM-DD; None: the date its first
    ///     lines state, if any.
    /// mentions: how many mentions each place lists (None: all); the counts
    ///     are exact either way.
    #[pyo3(
        signature = (text, *, id="", date=None, mentions=Some(DEFAULT_LISTED)),
        text_signature = "(self, text, *, id='', date=None, mentions=50)"
    )]
    fn map<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        id: &str,
        date: Option<&str>,
        mentions: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let doc = document(text, id, date)?;
        let collection = py.detach(|| {
            self.map_one(doc, |map| {
                geomention::output::geojson::document_collection(map, mentions)
            })
        })?;
        json_loads(py, &collection)?.get_item(intern!(py, "features"))
    }

    /// Mentions of every document of an Arrow record batch: a
    /// pyarrow.RecordBatch with one row per mention, in input order, with
    /// columns id, date, start, end, text, place_id, name, kind, country,
    /// lat, lon, confidence, outlier (as mentions() gives them) and error.
    ///
    /// batch: a pyarrow.RecordBatch (or any object with the Arrow PyCapsule
    ///     interface) with a text column, an id column (text or integers)
    ///     and optionally a date column (text or dates).
    /// text_col, id_col, date_col: their names; date_col None: each
    ///     document's date is the one its text states.
    /// threads: None (or 0): one per core; 1: this thread only.
    ///
    /// A row that cannot be mapped (its text null, not text, not UTF-8 or
    /// empty, its id null) is one row with its id, date and error, and
    /// nulls elsewhere; every other row has a null error.
    #[pyo3(signature = (batch, *, text_col="text", id_col="id", date_col=None, threads=None))]
    fn mentions_arrow<'py>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
        text_col: &str,
        id_col: &str,
        date_col: Option<&str>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let columns = columns(text_col, id_col, date_col);
        self.map_batch(py, batch, columns, threads, mention_rows, tables::mentions)
    }

    /// Claims of every document of an Arrow record batch: a
    /// pyarrow.RecordBatch with one row per claim, in input order, with
    /// columns id, date, start, end, text, claim, value, value_max, unit,
    /// qualifier, qualifier_text, bearing, bearing_deg, subject_name,
    /// subject_place_id, reference_name, reference_place_id, border_of,
    /// anchor_name, anchor_place_id, value_km, value_max_km, value_km2,
    /// value_max_km2, measured_km, measured_bearing_deg, difference_km,
    /// tolerance_km, verdict, verdict_reason, illustrative, radius_km,
    /// title, snippet (the claim features' properties of those names),
    /// geometry (the feature's geometry as GeoJSON text, or null) and
    /// error. Arguments and bad rows as in mentions_arrow().
    #[pyo3(signature = (batch, *, text_col="text", id_col="id", date_col=None, threads=None))]
    fn claims_arrow<'py>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
        text_col: &str,
        id_col: &str,
        date_col: Option<&str>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let columns = columns(text_col, id_col, date_col);
        self.map_batch(py, batch, columns, threads, claim_features, tables::claims)
    }

    /// The GeoJSON features of every document of an Arrow record batch: a
    /// pyarrow.RecordBatch with one row per input row, in input order, with
    /// columns id, date, features (how many) and geojsonseq (the features
    /// as `geomention map --format geojsonseq` writes this document: each
    /// is RS, the feature's JSON, LF), and error. Written one after the
    /// other in input order, the geojsonseq values are that command's
    /// output, which `geomention merge` turns into the aggregated map.
    ///
    /// mentions: how many mentions each place lists (None: all).
    /// Other arguments and bad rows as in mentions_arrow(); a bad row's
    /// features and geojsonseq are null.
    #[pyo3(
        signature = (batch, *, text_col="text", id_col="id", date_col=None, threads=None, mentions=Some(DEFAULT_LISTED)),
        text_signature = "(self, batch, *, text_col='text', id_col='id', date_col=None, threads=None, mentions=50)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn map_arrow<'py>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
        text_col: &str,
        id_col: &str,
        date_col: Option<&str>,
        threads: Option<usize>,
        mentions: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let columns = columns(text_col, id_col, date_col);
        let sequence = move |map: &DocumentMap<'_>| geojson_sequence(map, mentions);
        self.map_batch(py, batch, columns, threads, sequence, tables::documents)
    }
}

impl Geoparser {
    /// Maps one document as `geomention map` would and returns `yields` of
    /// its map. Call without the GIL.
    fn map_one<T>(&self, doc: Document, yields: impl FnOnce(&DocumentMap<'_>) -> T) -> PyResult<T> {
        let segment_bytes = ReadOptions::default().segment_bytes;
        let map = map_document(&self.shared.parser, doc, segment_bytes)
            .map_err(|p| PyRuntimeError::new_err(p.to_string()))?;
        Ok(yields(&map))
    }

    /// Reads `batch`'s documents, maps them without the GIL, and returns
    /// the record batch `table` makes of what each yielded.
    fn map_batch<'py, T: Send>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
        columns: Columns,
        threads: Option<usize>,
        yields: impl Fn(&DocumentMap<'_>) -> T + Sync + Send,
        table: impl FnOnce(Vec<Outcome<T>>) -> RecordBatch + Send,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = RecordBatch::from_pyarrow_bound(batch)?;
        let parser = &self.shared.parser;
        let output = py.detach(|| -> Result<RecordBatch, PyErrText> {
            let rows = rows::documents(&input, &columns).map_err(PyErrText::Batch)?;
            let outcomes = map_rows(parser, rows, threads, &yields).map_err(PyErrText::Runtime)?;
            Ok(table(outcomes))
        });
        match output {
            Ok(batch) => batch.to_pyarrow(py),
            Err(PyErrText::Batch(e @ BatchError::Missing { .. })) => {
                Err(PyKeyError::new_err(e.to_string()))
            }
            Err(PyErrText::Batch(e @ BatchError::Type { .. })) => {
                Err(PyTypeError::new_err(e.to_string()))
            }
            Err(PyErrText::Runtime(e)) => Err(PyRuntimeError::new_err(e)),
        }
    }
}

/// An error made without the GIL, to be raised once it is held again.
enum PyErrText {
    Batch(BatchError),
    Runtime(String),
}

fn columns(text: &str, id: &str, date: Option<&str>) -> Columns {
    Columns {
        text: text.to_string(),
        id: id.to_string(),
        date: date.map(str::to_string),
    }
}

/// The document of one text given to a call: its date `date`, else the
/// one its first lines state.
fn document(text: &str, id: &str, date: Option<&str>) -> PyResult<Document> {
    let mut doc = Document::new(id, text);
    if let Some(d) = date {
        doc.date = Some(date_field(d).ok_or_else(|| {
            PyValueError::new_err(format!(
                "date {d:?} is not YYYY-MM-DD (nor a timestamp starting with one)"
            ))
        })?);
    }
    Ok(doc)
}

/// A mention as a dict.
fn mention_dict<'py>(py: Python<'py>, m: &MentionRow) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "start"), m.start)?;
    d.set_item(intern!(py, "end"), m.end)?;
    d.set_item(intern!(py, "text"), &m.text)?;
    d.set_item(intern!(py, "place_id"), &m.place_id)?;
    d.set_item(intern!(py, "name"), &m.name)?;
    d.set_item(intern!(py, "kind"), m.kind)?;
    d.set_item(intern!(py, "country"), m.country.as_deref())?;
    d.set_item(intern!(py, "lat"), m.lat)?;
    d.set_item(intern!(py, "lon"), m.lon)?;
    d.set_item(intern!(py, "confidence"), m.confidence)?;
    d.set_item(intern!(py, "outlier"), m.outlier)?;
    Ok(d)
}

/// `json.loads(text)`: the writer's JSON as Python values, read by the
/// same parser a user of the map's files would use.
fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let json = py.import(intern!(py, "json"))?;
    json.call_method1(intern!(py, "loads"), (text.into_bound_py_any(py)?,))
}
