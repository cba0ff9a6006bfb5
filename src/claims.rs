//! Stated distances and areas ("just 500 kilometers from Vladivostok"),
//! extracted as claims and checked against the gazetteer.
//!
//! (Being written: see issue 3.)

use crate::document::Document;
use crate::gazetteer::Gazetteer;
use crate::resolve::ResolvedMention;

/// A spatial claim stated in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {}

/// The claims of one document.
pub fn extract(
    _doc: &Document,
    _mentions: &[ResolvedMention],
    _gazetteer: &Gazetteer,
) -> Vec<Claim> {
    Vec::new()
}

impl Claim {
    /// The claim as a GeoJSON feature.
    pub fn to_feature(&self, _doc: &Document, _gazetteer: &Gazetteer) -> geojson::Feature {
        geojson::Feature::default()
    }
}
