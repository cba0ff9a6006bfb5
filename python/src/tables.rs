//! The record batches the batch calls return: one row per mention, per
//! claim or per document, in input order; an input row that could not be
//! mapped is one row with its `error` and nulls elsewhere, so the job
//! that made it goes on. The schemas are fixed here, and declared again
//! for Spark in `geomention/spark.py` (a test holds the two together).
//! Nothing here maps text or knows Python.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::yields::MentionRow;

/// What became of one input row: its id and date, and what it yielded or
/// why it could not be mapped.
pub struct Outcome<T> {
    pub id: Option<String>,
    pub date: Option<String>,
    pub result: Result<T, String>,
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Float,
    Bool,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Kind::Text => DataType::Utf8,
            Kind::Int => DataType::Int64,
            Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
        }
    }
}

/// The columns of a mentions batch.
pub const MENTION_COLUMNS: &[(&str, Kind)] = &[
    ("id", Kind::Text),
    ("date", Kind::Text),
    ("start", Kind::Int),
    ("end", Kind::Int),
    ("text", Kind::Text),
    ("place_id", Kind::Text),
    ("name", Kind::Text),
    ("kind", Kind::Text),
    ("country", Kind::Text),
    ("lat", Kind::Float),
    ("lon", Kind::Float),
    ("confidence", Kind::Float),
    ("outlier", Kind::Bool),
    ("error", Kind::Text),
];

/// The columns of a claims batch: `id` and `date`, the properties of a
/// claim's feature under their own names, its geometry as GeoJSON text,
/// `error`. Left out: the drawing style (simplestyle), the feature type,
/// the roles as objects (their places' names and ids are columns), and
/// the document and date (the `id` and `date` columns); the Python tests
/// hold this list to the claim features.
pub const CLAIM_COLUMNS: &[(&str, Kind)] = &[
    ("id", Kind::Text),
    ("date", Kind::Text),
    ("start", Kind::Int),
    ("end", Kind::Int),
    ("text", Kind::Text),
    ("claim", Kind::Text),
    ("value", Kind::Float),
    ("value_max", Kind::Float),
    ("unit", Kind::Text),
    ("qualifier", Kind::Text),
    ("qualifier_text", Kind::Text),
    ("bearing", Kind::Text),
    ("bearing_deg", Kind::Float),
    ("subject_name", Kind::Text),
    ("subject_place_id", Kind::Text),
    ("reference_name", Kind::Text),
    ("reference_place_id", Kind::Text),
    ("border_of", Kind::Text),
    ("anchor_name", Kind::Text),
    ("anchor_place_id", Kind::Text),
    ("value_km", Kind::Float),
    ("value_max_km", Kind::Float),
    ("value_km2", Kind::Float),
    ("value_max_km2", Kind::Float),
    ("measured_km", Kind::Float),
    ("measured_bearing_deg", Kind::Float),
    ("difference_km", Kind::Float),
    ("tolerance_km", Kind::Float),
    ("verdict", Kind::Text),
    ("verdict_reason", Kind::Text),
    ("illustrative", Kind::Bool),
    ("radius_km", Kind::Float),
    ("title", Kind::Text),
    ("snippet", Kind::Text),
    ("geometry", Kind::Text),
    ("error", Kind::Text),
];

/// The columns of a documents batch: each document's features as
/// `geomention map --format geojsonseq` writes them.
pub const DOCUMENT_COLUMNS: &[(&str, Kind)] = &[
    ("id", Kind::Text),
    ("date", Kind::Text),
    ("features", Kind::Int),
    ("geojsonseq", Kind::Text),
    ("error", Kind::Text),
];

/// The schema of a batch with `columns`, every column nullable.
pub fn schema(columns: &[(&str, Kind)]) -> Schema {
    Schema::new(
        (columns.iter())
            .map(|(name, kind)| Field::new(*name, kind.data_type(), true))
            .collect::<Vec<_>>(),
    )
}

/// One row per mention; one per input row that could not be mapped.
pub fn mentions(outcomes: Vec<Outcome<Vec<MentionRow>>>) -> RecordBatch {
    let mut table = Table::new(MENTION_COLUMNS);
    for o in outcomes {
        match o.result {
            Err(error) => table.error_row(o.id, o.date, error),
            Ok(rows) => {
                for m in rows {
                    table.row(|name| match name {
                        "id" => Cell::Text(o.id.clone()),
                        "date" => Cell::Text(o.date.clone()),
                        "start" => Cell::Int(Some(m.start as i64)),
                        "end" => Cell::Int(Some(m.end as i64)),
                        "text" => Cell::Text(Some(m.text.clone())),
                        "place_id" => Cell::Text(Some(m.place_id.clone())),
                        "name" => Cell::Text(Some(m.name.clone())),
                        "kind" => Cell::Text(Some(m.kind.to_string())),
                        "country" => Cell::Text(m.country.clone()),
                        "lat" => Cell::Float(Some(m.lat)),
                        "lon" => Cell::Float(Some(m.lon)),
                        "confidence" => Cell::Float(Some(m.confidence)),
                        "outlier" => Cell::Bool(Some(m.outlier)),
                        _ => Cell::Null,
                    });
                }
            }
        }
    }
    table.finish()
}

/// A claim's feature, as far as a claims batch reads it.
#[derive(serde::Deserialize)]
struct ClaimFeature<'a> {
    #[serde(borrow)]
    geometry: &'a RawValue,
    properties: Map<String, Value>,
}

/// One row per claim, from each claim's GeoJSON feature; one per input
/// row that could not be mapped.
pub fn claims(outcomes: Vec<Outcome<Vec<String>>>) -> RecordBatch {
    let mut table = Table::new(CLAIM_COLUMNS);
    for o in outcomes {
        match o.result {
            Err(error) => table.error_row(o.id, o.date, error),
            Ok(features) => {
                let read: Result<Vec<ClaimFeature>, _> =
                    features.iter().map(|f| serde_json::from_str(f)).collect();
                let read = match read {
                    Ok(read) => read,
                    Err(e) => {
                        let error = format!("internal error reading a claim's feature: {e}");
                        table.error_row(o.id, o.date, error);
                        continue;
                    }
                };
                for f in read {
                    let geometry = Some(f.geometry.get()).filter(|g| *g != "null");
                    table.row(|name| match name {
                        "id" => Cell::Text(o.id.clone()),
                        "date" => Cell::Text(o.date.clone()),
                        "geometry" => Cell::Text(geometry.map(str::to_string)),
                        "error" => Cell::Null,
                        property => Cell::Json(f.properties.get(property)),
                    });
                }
            }
        }
    }
    table.finish()
}

/// One row per input row: its features as a GeoJSON text sequence, or
/// why it could not be mapped.
pub fn documents(outcomes: Vec<Outcome<(String, usize)>>) -> RecordBatch {
    let mut table = Table::new(DOCUMENT_COLUMNS);
    for o in outcomes {
        match o.result {
            Err(error) => table.error_row(o.id, o.date, error),
            Ok((sequence, features)) => table.row(|name| match name {
                "id" => Cell::Text(o.id.clone()),
                "date" => Cell::Text(o.date.clone()),
                "features" => Cell::Int(Some(features as i64)),
                "geojsonseq" => Cell::Text(Some(sequence.clone())),
                _ => Cell::Null,
            }),
        }
    }
    table.finish()
}

/// One value of a row.
enum Cell<'v> {
    Null,
    Text(Option<String>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
    /// A property of a feature, read as its column's type.
    Json(Option<&'v Value>),
}

/// A column being built.
enum Column {
    Text(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
}

/// A batch being built, row by row.
struct Table {
    columns: &'static [(&'static str, Kind)],
    builders: Vec<Column>,
}

impl Table {
    fn new(columns: &'static [(&'static str, Kind)]) -> Table {
        let builders = (columns.iter())
            .map(|(_, kind)| match kind {
                Kind::Text => Column::Text(StringBuilder::new()),
                Kind::Int => Column::Int(Int64Builder::new()),
                Kind::Float => Column::Float(Float64Builder::new()),
                Kind::Bool => Column::Bool(BooleanBuilder::new()),
            })
            .collect();
        Table { columns, builders }
    }

    /// Appends a row whose cell in each column `cell` gives.
    fn row<'v>(&mut self, cell: impl Fn(&str) -> Cell<'v>) {
        for ((name, _), builder) in self.columns.iter().zip(&mut self.builders) {
            match (builder, cell(name)) {
                (Column::Text(b), Cell::Text(v)) => b.append_option(v),
                (Column::Int(b), Cell::Int(v)) => b.append_option(v),
                (Column::Float(b), Cell::Float(v)) => b.append_option(v),
                (Column::Bool(b), Cell::Bool(v)) => b.append_option(v),
                (Column::Text(b), Cell::Json(v)) => b.append_option(v.and_then(Value::as_str)),
                (Column::Int(b), Cell::Json(v)) => b.append_option(v.and_then(Value::as_i64)),
                (Column::Float(b), Cell::Json(v)) => b.append_option(v.and_then(Value::as_f64)),
                (Column::Bool(b), Cell::Json(v)) => b.append_option(v.and_then(Value::as_bool)),
                (Column::Text(b), _) => b.append_null(),
                (Column::Int(b), _) => b.append_null(),
                (Column::Float(b), _) => b.append_null(),
                (Column::Bool(b), _) => b.append_null(),
            }
        }
    }

    /// Appends the row of an input row that could not be mapped.
    fn error_row(&mut self, id: Option<String>, date: Option<String>, error: String) {
        self.row(|name| match name {
            "id" => Cell::Text(id.clone()),
            "date" => Cell::Text(date.clone()),
            "error" => Cell::Text(Some(error.clone())),
            _ => Cell::Null,
        });
    }

    fn finish(self) -> RecordBatch {
        let arrays: Vec<ArrayRef> = (self.builders.into_iter())
            .map(|b| -> ArrayRef {
                match b {
                    Column::Text(mut b) => Arc::new(b.finish()),
                    Column::Int(mut b) => Arc::new(b.finish()),
                    Column::Float(mut b) => Arc::new(b.finish()),
                    Column::Bool(mut b) => Arc::new(b.finish()),
                }
            })
            .collect();
        RecordBatch::try_new(Arc::new(schema(self.columns)), arrays)
            .expect("every column has a value for every row, of its type")
    }
}
