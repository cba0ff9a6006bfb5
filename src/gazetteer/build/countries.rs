//! Country places: each country of `countryInfo.txt` placed at its
//! GeoNames row when there is one, else at the representative point of its
//! Natural Earth outline, else at its capital.
//!
//! The outlines are read here only to place countries; the gazetteer
//! carries the file over unchanged (see `carried`), and measuring against
//! outlines is [`crate::gazetteer::outlines`]' job.

use std::path::Path;

use super::draft::{Draft, DraftPlace};
use crate::error::{Error, Result};
use crate::gazetteer::{Outlines, Place, PlaceKind, Posting};

/// Reads the country outlines of `path`, for [`add_countries`].
pub(super) fn read_outlines(path: &Path) -> Result<Outlines> {
    let outlines_bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Outlines::parse(&outlines_bytes).map_err(|m| Error::Gazetteer {
        path: path.to_path_buf(),
        message: m,
    })
}

/// Adds a place for every country of `draft.country_rows` that can be
/// placed, or makes the country's own GeoNames row, when it was kept as a
/// place, the country.
pub(super) fn add_countries(draft: &mut Draft, outlines: &Outlines) {
    let mut derived: Vec<(&str, String)> = Vec::new();
    for c in &draft.country_rows {
        let point = draft
            .country_points
            .get(&c.iso)
            .map(|&(lat, lon, ref code)| (lat, lon, code.clone(), None))
            .or_else(|| {
                outlines
                    .representative_point(&c.iso)
                    .map(|(lat, lon)| (lat, lon, "PCLI".into(), Some("outline")))
            })
            .or_else(|| {
                draft
                    .places
                    .iter()
                    .find(|d| d.place.country == c.iso && d.place.feature_code == "PPLC")
                    .map(|d| (d.place.lat, d.place.lon, "PCLI".into(), Some("capital")))
            });
        let Some((lat, lon, code, rule)) = point else {
            continue;
        };
        if let Some(rule) = rule {
            let id = c
                .geonameid
                .map_or(format!("country:{}", c.iso), |g| format!("gn:{g}"));
            derived.push((rule, id));
        }
        if let Some(g) = c.geonameid {
            if let Some(&i) = draft.by_geonameid.get(&g) {
                // A PCL row kept as a place already: make it the country.
                draft.places[i].place.kind = PlaceKind::Country;
                continue;
            }
            draft.by_geonameid.insert(g, draft.places.len());
        }
        draft.places.push(DraftPlace {
            place: Place {
                place_id: c
                    .geonameid
                    .map_or(format!("country:{}", c.iso), |g| format!("gn:{g}")),
                geonameid: c.geonameid,
                name: c.name.clone(),
                kind: PlaceKind::Country,
                feature_code: code,
                country: c.iso.clone(),
                admin1: String::new(),
                lat,
                lon,
                population: (c.population > 0).then_some(c.population),
            },
            names: vec![(c.name.clone(), Posting::PREFERRED)],
        });
    }
    for (rule, id) in derived {
        draft.derived(rule, &id);
    }
}
