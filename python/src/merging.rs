//! `merge()`: maps written in parts made into one, as `geomention merge`
//! does it — the library's merge, writing through the same atomic output
//! file. What a sharded job (Spark, a process pool) ends with.

use std::path::PathBuf;

use pyo3::prelude::*;

use geomention::map::DEFAULT_LISTED;
use geomention::output::{self, Destination, Format};

use crate::errors;

/// Merges maps written in parts into one map, as `geomention merge` does,
/// and returns how many features it wrote.
///
/// maps: the parts, in order: per-document GeoJSON text sequences (what
///     Geoparser.map_arrow() or `geomention map --format geojsonseq`
///     writes), or aggregated maps of different documents.
/// output: the map to write; its extension names the format (.geojson:
///     one aggregated FeatureCollection, .geojsons: a per-document
///     sequence). It appears only once it is whole.
/// mentions: how many mentions (and documents) each place lists (None:
///     all); the counts are exact either way.
/// per_document: one feature per place and document rather than one per
///     place.
///
/// Merging the per-document parts of a run taken in order gives the same
/// bytes as one `geomention map` over the same documents in the same order.
#[pyfunction]
#[pyo3(
    signature = (maps, output, *, mentions=Some(DEFAULT_LISTED), per_document=false),
    text_signature = "(maps, output, *, mentions=50, per_document=False)"
)]
pub fn merge(
    py: Python<'_>,
    maps: Vec<PathBuf>,
    output: PathBuf,
    mentions: Option<usize>,
    per_document: bool,
) -> PyResult<usize> {
    let merged = py.detach(|| {
        let format = Format::choose(None, Some(&output));
        let options = output::Options {
            per_document: per_document || format.streams_documents(),
            listed: mentions,
            ..output::Options::default()
        };
        let writer = output::create(format, Destination::create(Some(&output))?, &options);
        geomention::merge::merge(&maps, writer, &options)
    });
    Ok(merged.map_err(errors::to_py)?.features)
}
