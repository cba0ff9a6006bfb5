//! geomention turns news text into maps.
//!
//! It finds the places an article mentions with a GeoNames gazetteer,
//! resolves each to coordinates from the article's context, extracts the
//! distances and areas the article states and checks them against the map,
//! and writes maps: GeoJSON that opens in QGIS or a web map.
//!
//! ```no_run
//! use geomention::{Document, Gazetteer, Geoparser};
//! let gazetteer = Gazetteer::locate_and_load(None)?;
//! let parser = Geoparser::new(&gazetteer);
//! let doc = Document::new("example", "Shelling hit Kharkiv, 30 km from the Russian border.");
//! let analysis = parser.parse(&doc);
//! for m in &analysis.mentions {
//!     println!("{} -> {}", m.text, gazetteer.place(m.place).name);
//! }
//! for c in &analysis.claims {
//!     println!("{}: {}", c.text, c.check.verdict.as_str());
//! }
//! # Ok::<(), geomention::Error>(())
//! ```
//!
//! Data flows one way, each module using only those before it:
//! [`document`] (text) → `matcher` (candidate names) → `recognize` (which
//! are place mentions) → [`resolve`] (which place) → [`claims`] (stated
//! distances) → [`pipeline`] (the chain on one document) → [`map`] (what a
//! run found, in no format) → [`output`] (writers: GeoJSON …) →
//! [`batch`] (whole corpora on every core), [`merge`] (maps written in
//! parts made into one) and [`eval`] (scores on annotated corpora). [`gazetteer`] holds the data every step reads;
//! `refresh` (Cargo feature `refresh`) rebuilds it from GeoNames' dumps.
//! The stage modules (`text`, `matcher`, `recognize`) are public only for
//! the benchmark and examples, and not part of the supported surface.

pub mod batch;
pub mod claims;
pub mod document;
pub mod error;
pub mod eval;
pub mod gazetteer;
pub mod map;
#[doc(hidden)]
pub mod matcher;
pub mod merge;
pub mod output;
pub mod pipeline;
#[doc(hidden)]
pub mod recognize;
#[cfg(feature = "refresh")]
pub mod refresh;
pub mod resolve;
#[doc(hidden)]
pub mod text;

#[cfg(test)]
mod sample_texts;

pub use claims::Claim;
pub use document::Document;
pub use error::{Error, Result};
pub use gazetteer::{Gazetteer, Place, PlaceKind};
pub use pipeline::{Analysis, Geoparser};
pub use resolve::ResolvedMention;
