//! What one document yields, read from its [`DocumentMap`] — the map
//! `geomention map` writes — so that Python sees exactly what the command
//! line writes: its mentions in text order, each with its place as the
//! map's place features give it; its claims' features; and its features as
//! a per-document GeoJSON text sequence, written by the library's GeoJSON
//! writer. Nothing here knows Python or Arrow.

use geomention::map::DocumentMap;
use geomention::output::geojson::{write_claim, GeoJsonEncoder};
use geomention::output::{round6, Encode};

/// One mention with its place: the fields of a mention dict and of a
/// mentions record batch's row.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionRow {
    /// Code-point offsets into the document's text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub place_id: String,
    pub name: String,
    pub kind: &'static str,
    /// ISO 3166-1 alpha-2; `None` for a place in no country.
    pub country: Option<String>,
    /// Rounded to six decimals, as the map's coordinates are.
    pub lat: f64,
    pub lon: f64,
    pub confidence: f64,
    /// The place is far from every other place of the document.
    pub outlier: bool,
}

/// The mentions of `map`, in text order.
pub fn mention_rows(map: &DocumentMap<'_>) -> Vec<MentionRow> {
    let mut rows: Vec<MentionRow> = (map.places.iter())
        .flat_map(|p| {
            let place = p.place.as_ref();
            p.mentions.iter().map(move |m| MentionRow {
                start: m.start,
                end: m.end,
                text: m.text.clone(),
                place_id: place.place_id.clone(),
                name: place.name.clone(),
                kind: place.kind.as_str(),
                country: Some(place.country.clone()).filter(|c| !c.is_empty()),
                lat: round6(place.lat),
                lon: round6(place.lon),
                confidence: m.confidence,
                outlier: p.outlier,
            })
        })
        .collect();
    // Places list their mentions grouped; a mention starts where no other
    // does, so this order is total.
    rows.sort_by_key(|r| r.start);
    rows
}

/// Each claim of `map` as its GeoJSON feature, in text order: compact
/// JSON, the bytes the map holds.
pub fn claim_features(map: &DocumentMap<'_>) -> Vec<String> {
    (map.claims.iter())
        .map(|c| {
            let mut out = Vec::new();
            write_claim(
                &mut out,
                c,
                &map.id,
                map.date.as_deref(),
                map.snippet(c.snippet),
            );
            String::from_utf8(out).expect("the GeoJSON writer writes UTF-8")
        })
        .collect()
}

/// The document's features (one per place, then one per claim) as a
/// GeoJSON text sequence — RS, a feature, LF, repeated — exactly as
/// `geomention map --format geojsonseq` writes this document; and how
/// many features that is. Places list their first `listed` mentions
/// (`None`: all).
pub fn geojson_sequence(map: &DocumentMap<'_>, listed: Option<usize>) -> (String, usize) {
    let encoded = GeoJsonEncoder {
        per_document: true,
        listed,
    }
    .encode(map);
    let text =
        String::from_utf8(encoded.bytes().to_vec()).expect("the GeoJSON writer writes UTF-8");
    (text, encoded.len())
}
