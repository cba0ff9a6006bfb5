//! Reading the tab-separated source files of a build (the GeoNames dumps
//! and `composite_regions.tsv`): one row at a time, comments and a byte
//! order mark skipped, the column count checked, and fields parsed into
//! numbers with the file and line in any error.
//!
//! What the columns mean is for the stage that reads them.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::error::{Error, Result};

/// Opens a source file for reading through a large buffer (the dumps run
/// to gigabytes).
pub(super) fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|e| Error::io(path, e))
}

/// Calls `row` with the tab-separated fields of every non-comment line of
/// `path`, checking the column count.
pub(super) fn each_row(
    path: &Path,
    columns: std::ops::RangeInclusive<usize>,
    mut row: impl FnMut(&[&str], usize) -> Result<()>,
) -> Result<()> {
    let mut reader = open(path)?;
    let mut line = String::new();
    let mut n = 0;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| Error::format(path, n + 1, format!("unreadable: {e}")))?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        let l = line.trim_end_matches(['\n', '\r']);
        let l = l.strip_prefix('\u{feff}').unwrap_or(l);
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        if !columns.contains(&fields.len()) {
            return Err(Error::format(
                path,
                n,
                format!(
                    "expected {} columns, found {}",
                    if columns.start() == columns.end() {
                        columns.start().to_string()
                    } else {
                        format!("{}-{}", columns.start(), columns.end())
                    },
                    fields.len()
                ),
            ));
        }
        row(&fields, n)?;
    }
}

/// A finite number in the field `field` (named in the error).
pub(super) fn parse_f64(path: &Path, line: usize, field: &str, s: &str) -> Result<f64> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| Error::format(path, line, format!("bad {field} {s:?}")))
}

/// A count in the field `field`: 0 when empty, and a negative count
/// (GeoNames has a few) read as 0.
pub(super) fn parse_u64_or_zero(path: &Path, line: usize, field: &str, s: &str) -> Result<u64> {
    if s.is_empty() {
        return Ok(0);
    }
    s.parse::<u64>()
        .or_else(|_| s.parse::<i64>().map(|v| v.max(0) as u64))
        .map_err(|_| Error::format(path, line, format!("bad {field} {s:?}")))
}
