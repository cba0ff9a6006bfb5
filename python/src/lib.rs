//! `geomention._native`: the geomention library for Python, the module the
//! `geomention` package (python/geomention/) is built around.
//!
//! It exposes the library, not the command line: a [`Geoparser`] over a
//! gazetteer loaded once per process ([`shared`]), whose calls map one text
//! (lists of dicts) or a whole Arrow record batch at once (a record batch
//! back, so that Spark's `mapInArrow` moves no Python object per row).
//! Every call releases the GIL while text is mapped. [`merging`] makes
//! maps written in parts into one, as `geomention merge` does.
//!
//! What a document yields is read from the same [`geomention::map::DocumentMap`]
//! and written by the same GeoJSON writer as in `geomention map`
//! ([`yields`]); input batches are read into documents by [`rows`], mapped
//! on one thread or several by [`spread`], and the output batches built
//! by [`tables`]. Nothing here finds, resolves or
//! measures places, and nothing here knows Spark: `geomention.spark` is
//! plain Python over this module.

mod errors;
mod merging;
mod parser;
mod rows;
mod shared;
mod spread;
mod tables;
mod yields;

use pyo3::prelude::*;

/// The geomention library: place mentions, checked distance claims and
/// GeoJSON maps of news text. Use it through the `geomention` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<parser::Geoparser>()?;
    m.add_function(wrap_pyfunction!(merging::merge, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_LISTED", geomention::map::DEFAULT_LISTED)?;
    Ok(())
}
