//! The map's colours and marker sizes, one palette for every format: the
//! simplestyle properties of GeoJSON (drawn by geojson.io and GitHub) use
//! it today; the HTML page and the QGIS styles will read the same.

use crate::claims::Verdict;
use crate::gazetteer::PlaceKind;

/// A place marker's colour: by kind, grey for an outlier.
pub fn marker_color(kind: PlaceKind, outlier: bool) -> &'static str {
    if outlier {
        return OUTLIER;
    }
    kind_color(kind)
}

/// The colour of a kind of place.
pub fn kind_color(kind: PlaceKind) -> &'static str {
    match kind {
        PlaceKind::Continent => "#b15928",
        PlaceKind::Country => "#6a3d9a",
        PlaceKind::Region => "#1f78b4",
        PlaceKind::City => "#e31a1c",
        PlaceKind::Poi => "#33a02c",
    }
}

/// The colour of an outlier: a place far from its document's others.
pub const OUTLIER: &str = "#999999";

/// simplestyle's marker size for a kind of place.
pub fn marker_size(kind: PlaceKind) -> &'static str {
    match kind {
        PlaceKind::Continent | PlaceKind::Country => "large",
        PlaceKind::Region => "medium",
        _ => "small",
    }
}

/// A claim's colour: by verdict (colour-blind readers get the verdict
/// from line style or an icon too, where the format allows).
pub fn verdict_color(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Consistent => "#1a9850",
        Verdict::Inconsistent => "#d73027",
        Verdict::Unverifiable => "#7f7f7f",
    }
}

/// Every kind of place, in the order a legend lists them.
pub const KINDS: [PlaceKind; 4] = [
    PlaceKind::Country,
    PlaceKind::Region,
    PlaceKind::City,
    PlaceKind::Poi,
];

/// Every verdict, in the order a legend lists them.
pub const VERDICTS: [Verdict; 3] = [
    Verdict::Consistent,
    Verdict::Inconsistent,
    Verdict::Unverifiable,
];
