//! The documents of an input record batch: which columns hold the text,
//! the id and the date, and each row read as `geomention map --jsonl`
//! reads a record — or the reason it cannot be mapped.
//!
//! A bad row is not an error of the batch: its text null, not a string,
//! not UTF-8 or empty, or its id null, it becomes a row with a reason,
//! which the output reports and the job goes on. A missing column or an id
//! or date column of a type no document could use is an error of the call.
//! Nothing here knows Python or maps anything.

use std::fmt;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowTimestampType, Date32Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};

use geomention::document::{date_field, Document};

/// The names of the columns a batch's documents are read from.
#[derive(Debug, Clone)]
pub struct Columns {
    pub text: String,
    pub id: String,
    /// `None`: every document's date is the one its text states.
    pub date: Option<String>,
}

/// One input row: its id and date (the document's: the date column's, else
/// the one its text states) as far as they could be read, and the
/// document, or why the row cannot be mapped.
#[derive(Debug)]
pub struct Row {
    pub id: Option<String>,
    pub date: Option<String>,
    pub document: Result<Document, String>,
}

/// Why a whole batch cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchError {
    /// A named column is not in the batch.
    Missing { column: String, found: Vec<String> },
    /// An id or date column of a type no document could use.
    Type {
        column: String,
        found: DataType,
        expected: &'static str,
    },
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            BatchError::Missing { column, found } => write!(
                f,
                "no column {column:?} in the batch (its columns: {})",
                found.join(", ")
            ),
            BatchError::Type {
                column,
                found,
                expected,
            } => write!(f, "column {column:?} holds {found}, not {expected}"),
        }
    }
}

/// Reads every row of `batch` as a document, in order.
pub fn documents(batch: &RecordBatch, columns: &Columns) -> Result<Vec<Row>, BatchError> {
    let column = |name: &str| {
        batch
            .column_by_name(name)
            .ok_or_else(|| BatchError::Missing {
                column: name.to_string(),
                found: (batch.schema().fields().iter())
                    .map(|f| f.name().clone())
                    .collect(),
            })
    };
    let texts = Texts::new(column(&columns.text)?.as_ref());
    let ids = Ids::new(column(&columns.id)?.as_ref(), &columns.id)?;
    let dates = match &columns.date {
        Some(name) => Some(Dates::new(column(name)?.as_ref(), name)?),
        None => None,
    };
    let rows = (0..batch.num_rows()).map(|i| {
        let id = ids.get(i);
        let date = dates.as_ref().and_then(|d| d.get(i));
        match (&id, texts.get(i, &columns.text)) {
            (None, _) => Row {
                document: Err(format!("column {:?} is null", columns.id)),
                id,
                date,
            },
            (_, Err(reason)) => Row {
                document: Err(reason),
                id,
                date,
            },
            (Some(name), Ok(text)) => {
                // As a JSON Lines record is read: a date column wins over
                // a date line in the text.
                let mut doc = Document::new(name.clone(), text);
                doc.date = date.or(doc.date);
                Row {
                    date: doc.date.clone(),
                    document: Ok(doc),
                    id,
                }
            }
        }
    });
    Ok(rows.collect())
}

/// A text column of any of Arrow's string or binary layouts.
enum Texts<'a> {
    Utf8(&'a dyn Array, fn(&dyn Array, usize) -> &str),
    Binary(&'a dyn Array, fn(&dyn Array, usize) -> &[u8]),
    /// Not text at all: every row says so.
    Other(&'a dyn Array),
}

impl<'a> Texts<'a> {
    fn new(array: &'a dyn Array) -> Texts<'a> {
        match array.data_type() {
            DataType::Utf8 => Texts::Utf8(array, |a, i| a.as_string::<i32>().value(i)),
            DataType::LargeUtf8 => Texts::Utf8(array, |a, i| a.as_string::<i64>().value(i)),
            DataType::Utf8View => Texts::Utf8(array, |a, i| a.as_string_view().value(i)),
            DataType::Binary => Texts::Binary(array, |a, i| a.as_binary::<i32>().value(i)),
            DataType::LargeBinary => Texts::Binary(array, |a, i| a.as_binary::<i64>().value(i)),
            DataType::BinaryView => Texts::Binary(array, |a, i| a.as_binary_view().value(i)),
            _ => Texts::Other(array),
        }
    }

    /// The text of row `i`, or why it has none a map could use.
    fn get(&self, i: usize, name: &str) -> Result<String, String> {
        let array = match self {
            Texts::Utf8(a, _) | Texts::Binary(a, _) | Texts::Other(a) => *a,
        };
        if array.is_null(i) {
            return Err(format!("column {name:?} is null"));
        }
        let text = match self {
            Texts::Utf8(a, value) => value(*a, i).to_string(),
            Texts::Binary(a, value) => match std::str::from_utf8(value(*a, i)) {
                Ok(t) => t.to_string(),
                Err(e) => {
                    let at = e.valid_up_to();
                    return Err(format!(
                        "column {name:?} is not UTF-8 (invalid byte at offset {at})"
                    ));
                }
            },
            Texts::Other(a) => {
                let found = a.data_type();
                return Err(format!("column {name:?} holds {found}, not text"));
            }
        };
        if text.trim().is_empty() {
            return Err("empty text".to_string());
        }
        Ok(text)
    }
}

/// An id column: text, or whole numbers (written in decimal, as a JSON
/// Lines record's numeric id is).
struct Ids<'a>(&'a dyn Array, fn(&dyn Array, usize) -> String);

impl<'a> Ids<'a> {
    fn new(array: &'a dyn Array, name: &str) -> Result<Ids<'a>, BatchError> {
        let read: fn(&dyn Array, usize) -> String = match array.data_type() {
            DataType::Utf8 => |a, i| a.as_string::<i32>().value(i).to_string(),
            DataType::LargeUtf8 => |a, i| a.as_string::<i64>().value(i).to_string(),
            DataType::Utf8View => |a, i| a.as_string_view().value(i).to_string(),
            DataType::Int32 => |a, i| a.as_primitive::<Int32Type>().value(i).to_string(),
            DataType::Int64 => |a, i| a.as_primitive::<Int64Type>().value(i).to_string(),
            DataType::UInt32 => |a, i| a.as_primitive::<UInt32Type>().value(i).to_string(),
            DataType::UInt64 => |a, i| a.as_primitive::<UInt64Type>().value(i).to_string(),
            found => {
                return Err(BatchError::Type {
                    column: name.to_string(),
                    found: found.clone(),
                    expected: "a string or an integer",
                })
            }
        };
        Ok(Ids(array, read))
    }

    fn get(&self, i: usize) -> Option<String> {
        (!self.0.is_null(i)).then(|| (self.1)(self.0, i))
    }
}

/// A date column: text (`YYYY-MM-DD`, or a timestamp that starts with
/// one; anything else is no date, as in a JSON Lines record), dates or
/// timestamps.
struct Dates<'a>(&'a dyn Array, fn(&dyn Array, usize) -> Option<String>);

impl<'a> Dates<'a> {
    fn new(array: &'a dyn Array, name: &str) -> Result<Dates<'a>, BatchError> {
        let read: fn(&dyn Array, usize) -> Option<String> = match array.data_type() {
            DataType::Utf8 => |a, i| date_field(a.as_string::<i32>().value(i)),
            DataType::LargeUtf8 => |a, i| date_field(a.as_string::<i64>().value(i)),
            DataType::Utf8View => |a, i| date_field(a.as_string_view().value(i)),
            DataType::Date32 => |a, i| {
                let date = a.as_primitive::<Date32Type>().value_as_date(i)?;
                date_field(&date.to_string())
            },
            // What pyarrow makes of "2024-05-17" in JSON; an instant with
            // a time zone is taken on its UTC date.
            DataType::Timestamp(unit, _) => match unit {
                TimeUnit::Second => |a, i| timestamp_date::<TimestampSecondType>(a, i),
                TimeUnit::Millisecond => |a, i| timestamp_date::<TimestampMillisecondType>(a, i),
                TimeUnit::Microsecond => |a, i| timestamp_date::<TimestampMicrosecondType>(a, i),
                TimeUnit::Nanosecond => |a, i| timestamp_date::<TimestampNanosecondType>(a, i),
            },
            found => {
                return Err(BatchError::Type {
                    column: name.to_string(),
                    found: found.clone(),
                    expected: "a string, a date or a timestamp",
                })
            }
        };
        Ok(Dates(array, read))
    }

    fn get(&self, i: usize) -> Option<String> {
        if self.0.is_null(i) {
            return None;
        }
        (self.1)(self.0, i)
    }
}

/// The (UTC) date of row `i` of a timestamp column.
fn timestamp_date<T: ArrowTimestampType>(a: &dyn Array, i: usize) -> Option<String> {
    let at = a.as_primitive::<T>().value_as_datetime(i)?;
    date_field(&at.date().to_string())
}
