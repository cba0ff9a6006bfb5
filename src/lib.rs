//! geomention turns news text into maps.
//!
//! It finds the places an article mentions with a GeoNames gazetteer,
//! resolves each to coordinates from the article's context, extracts the
//! distances and areas the article states and checks them against the map,
//! and writes GeoJSON that opens in QGIS or a web map.
//!
//! Data flows one way:
//! [`document`] (text) → [`matcher`] (candidate names) → [`recognize`]
//! (which are place mentions) → [`resolve`] (which place) → [`claims`]
//! (stated distances) → [`output`] (GeoJSON). [`pipeline`] runs that chain on
//! one document; [`gazetteer`] holds the data every step reads, and
//! [`refresh`] rebuilds it from GeoNames' published dumps; [`eval`]
//! measures the chain on annotated corpora.
//!
//! ```no_run
//! use geomention::{gazetteer::Gazetteer, document::Document, pipeline::Geoparser};
//! let gazetteer = Gazetteer::locate_and_load(None)?;
//! let parser = Geoparser::new(&gazetteer);
//! let doc = Document::new("example", "Shelling hit Kharkiv, 30 km from the Russian border.");
//! for m in parser.parse(&doc).mentions {
//!     println!("{} -> {}", m.text, gazetteer.place(m.place).name);
//! }
//! # Ok::<(), geomention::error::Error>(())
//! ```

pub mod batch;
pub mod claims;
pub mod document;
pub mod error;
pub mod eval;
pub mod gazetteer;
pub mod map;
pub mod matcher;
pub mod output;
pub mod pipeline;
pub mod recognize;
pub mod refresh;
pub mod resolve;
pub mod text;

#[cfg(test)]
mod sample_texts;

pub use error::{Error, Result};
