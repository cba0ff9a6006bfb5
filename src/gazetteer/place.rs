//! What a place is: the [`Place`] record the gazetteer keeps for each one,
//! its coarse [`PlaceKind`], and the packed [`PlaceFacts`] resolution scores
//! it by.
//!
//! These are plain values. This file knows nothing of files, of the name
//! index or of how a gazetteer is found; `places_tsv` reads and writes them.

/// Index of a place in its gazetteer.
pub type PlaceIdx = u32;

/// The coarse kind of a place, as the GeoJSON contract names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    /// A continent (GeoNames feature code `CONT`).
    Continent,
    Country,
    Region,
    City,
    Poi,
}

impl PlaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Continent => "continent",
            PlaceKind::Country => "country",
            PlaceKind::Region => "region",
            PlaceKind::City => "city",
            PlaceKind::Poi => "poi",
        }
    }

    /// A country or a continent: a place whose point is a label, not where
    /// things happen, so it pulls no namesake near it and is never an
    /// outlier.
    pub fn is_country_or_larger(self) -> bool {
        matches!(self, PlaceKind::Continent | PlaceKind::Country)
    }

    /// The kind of a GeoNames feature class and code.
    pub fn from_feature(class: &str, code: &str) -> PlaceKind {
        if code == "CONT" {
            PlaceKind::Continent
        } else if code.starts_with("PCL") || code == "TERR" {
            PlaceKind::Country
        } else if class == "A" || code.starts_with("RGN") || code == "AREA" {
            PlaceKind::Region
        } else if class == "P" {
            PlaceKind::City
        } else {
            PlaceKind::Poi
        }
    }

    /// The kind `places.tsv` writes as `s` (the inverse of [`PlaceKind::as_str`]).
    /// The kind the output names `s` ([`PlaceKind::as_str`]).
    pub fn parse(s: &str) -> Option<PlaceKind> {
        Some(match s {
            "continent" => PlaceKind::Continent,
            "country" => PlaceKind::Country,
            "region" => PlaceKind::Region,
            "city" => PlaceKind::City,
            "poi" => PlaceKind::Poi,
            _ => return None,
        })
    }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Place {
    /// Unique in the gazetteer: `gn:<geonameid>` for GeoNames places, else a slug such as `rgn:donbas`.
    pub place_id: String,
    pub geonameid: Option<u32>,
    /// The preferred English name.
    pub name: String,
    pub kind: PlaceKind,
    /// The GeoNames feature code (`PCLI`, `ADM1`, `PPLA`, `RGN` ...).
    pub feature_code: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// GeoNames first-level administrative code within the country (`07` for Kharkiv Oblast), or empty.
    pub admin1: String,
    pub lat: f64,
    pub lon: f64,
    pub population: Option<u64>,
}

/// What resolution reads about a place, packed small and apart from
/// [`Place`], whose strings each live elsewhere on the heap. Scoring one
/// document touches thousands of candidate places; reading them from this
/// dense table rather than chasing strings is most of what makes it fast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceFacts {
    /// The place on the unit sphere: x, y, z from its latitude and longitude.
    pub unit: [f64; 3],
    pub population: u64,
    pub kind: PlaceKind,
    pub rank: Rank,
    /// The country, as a number: equal numbers, equal ISO codes.
    pub country: u16,
    /// The country and first-level division together, as a number: equal
    /// numbers, equal pairs (the division may be empty).
    pub region: u32,
    /// The first-level division is known (not empty).
    pub has_admin1: bool,
}

/// The feature codes resolution treats apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// A first-level division (state, oblast): `ADM1`.
    Adm1,
    /// A second-level division (county, raion): `ADM2`.
    Adm2,
    /// A capital: `PPLC`.
    Capital,
    /// The seat of a first-level division: `PPLA`.
    Seat1,
    /// The seat of a second-level division: `PPLA2`.
    Seat2,
    Other,
}

impl Rank {
    /// The rank of a GeoNames feature code.
    pub(super) fn of(feature_code: &str) -> Rank {
        match feature_code {
            "ADM1" => Rank::Adm1,
            "ADM2" => Rank::Adm2,
            "PPLC" => Rank::Capital,
            "PPLA" => Rank::Seat1,
            "PPLA2" => Rank::Seat2,
            _ => Rank::Other,
        }
    }
}

/// The unit-sphere point of (`lat`, `lon`) in degrees.
pub fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in [
            PlaceKind::Continent,
            PlaceKind::Country,
            PlaceKind::Region,
            PlaceKind::City,
            PlaceKind::Poi,
        ] {
            assert_eq!(PlaceKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PlaceKind::from_feature("L", "CONT"), PlaceKind::Continent);
        assert_eq!(PlaceKind::from_feature("A", "PCLI"), PlaceKind::Country);
        assert_eq!(PlaceKind::from_feature("L", "RGN"), PlaceKind::Region);
    }
}
