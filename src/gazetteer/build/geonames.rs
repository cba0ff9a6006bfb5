//! The first stages of a build: the GeoNames tables read into the
//! [`Draft`] as GeoNames gives them. Countries from `countryInfo.txt`,
//! division codes from `admin1CodesASCII.txt` and `admin2Codes.txt`, and
//! places from the geoname tables (`cities500.txt`, `XX.txt` ...), with
//! the points of the countries and divisions those tables hold rows for.
//!
//! Nothing here is derived from other places; placing regions and
//! countries that lack a row comes after, in `regions` and `countries`.

use std::path::{Path, PathBuf};

use super::draft::{CountryRow, Draft, DraftPlace};
use super::inputs::Filters;
use super::tsv::{each_row, parse_f64, parse_u64_or_zero};
use crate::error::{Error, Result};
use crate::gazetteer::{Place, PlaceKind, Posting};

/// Adds the kept countries of `countryInfo.txt` to `draft.country_rows`.
pub(super) fn read_countries(draft: &mut Draft, path: &Path, filters: &Filters) -> Result<()> {
    each_row(path, 16..=19, |f, n| {
        if !filters.keeps_country(f[0]) {
            return Ok(());
        }
        draft.country_rows.push(CountryRow {
            iso: f[0].to_string(),
            name: f[4].to_string(),
            geonameid: f.get(16).and_then(|g| g.parse().ok()),
            population: parse_u64_or_zero(path, n, "population", f[7])?,
        });
        Ok(())
    })
}

/// Adds the kept first-level regions of `admin1CodesASCII.txt` to
/// `draft.admin1_rows`.
pub(super) fn read_admin1_codes(draft: &mut Draft, path: &Path, filters: &Filters) -> Result<()> {
    each_row(path, 4..=4, |f, n| {
        let Some((cc, code)) = f[0].split_once('.') else {
            return Err(Error::format(path, n, format!("bad code {:?}", f[0])));
        };
        if filters.keeps_country(cc) {
            draft.admin1_rows.insert(
                (cc.into(), code.into()),
                (f[1].to_string(), f[3].parse().ok()),
            );
        }
        Ok(())
    })
}

/// Adds the kept second-level units of `admin2Codes.txt` whose name says
/// what they are to `draft.admin2_rows`.
pub(super) fn read_admin2_codes(draft: &mut Draft, path: &Path, filters: &Filters) -> Result<()> {
    each_row(path, 4..=4, |f, n| {
        let mut parts = f[0].splitn(3, '.');
        let (Some(cc), Some(a1), Some(a2)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Error::format(path, n, format!("bad code {:?}", f[0])));
        };
        if filters.keeps_country(cc) && is_unit_name(f[1]) {
            draft.admin2_rows.insert(
                (cc.into(), a1.into(), a2.into()),
                (f[1].to_string(), f[3].parse().ok()),
            );
        }
        Ok(())
    })
}

/// Adds the places of the geoname tables that are kept (towns of at least
/// the minimum population, capitals, and regions with many names) to
/// `draft.places`, each with its own and alternate names; and records the
/// rows of countries and divisions as their points, and every town by its
/// second-level unit.
pub(super) fn read_places(draft: &mut Draft, tables: &[PathBuf], filters: &Filters) -> Result<()> {
    for path in tables {
        each_row(path, 19..=19, |f, n| {
            let (class, code, cc) = (f[6], f[7], f[8]);
            if !filters.keeps_country(cc) {
                return Ok(());
            }
            let geonameid: u32 = f[0]
                .parse()
                .map_err(|_| Error::format(path, n, format!("bad geonameid {:?}", f[0])))?;
            let lat = parse_f64(path, n, "latitude", f[4])?;
            let lon = parse_f64(path, n, "longitude", f[5])?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(Error::format(path, n, "coordinates out of range"));
            }
            let population = parse_u64_or_zero(path, n, "population", f[14])?;
            let alternates = f[3];
            if !draft.admin2_rows.is_empty() && !f[11].is_empty() {
                let key = (cc.to_string(), f[10].to_string(), f[11].to_string());
                match (class, code) {
                    ("P", _) => draft
                        .admin2_members
                        .entry(key)
                        .or_default()
                        .push((lat, lon, population)),
                    ("A", "ADM2") => {
                        draft.admin2_points.insert(key, (lat, lon, population));
                    }
                    _ => {}
                }
            }
            let keep = match (class, code) {
                ("P", _) => population >= filters.min_population || code == "PPLC",
                ("A", "ADM1") => {
                    draft
                        .admin1_points
                        .insert((cc.into(), f[10].into()), (lat, lon, population));
                    false
                }
                ("A", c) if c.starts_with("PCL") => {
                    draft
                        .country_points
                        .insert(cc.into(), (lat, lon, c.to_string()));
                    false
                }
                ("L", "RGN" | "RGNE" | "RGNH") => alternates.split(',').count() >= 8,
                ("L", "CONT") => true,
                _ => false,
            };
            if !keep || draft.by_geonameid.contains_key(&geonameid) {
                return Ok(());
            }
            let mut names: Vec<(String, u32)> = vec![
                (f[1].to_string(), Posting::PREFERRED),
                (f[2].to_string(), Posting::PREFERRED),
            ];
            names.extend(
                alternates
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(|a| (a.to_string(), 0)),
            );
            draft.by_geonameid.insert(geonameid, draft.places.len());
            draft.places.push(DraftPlace {
                place: Place {
                    place_id: format!("gn:{geonameid}"),
                    geonameid: Some(geonameid),
                    name: f[1].to_string(),
                    kind: PlaceKind::from_feature(class, code),
                    feature_code: code.to_string(),
                    country: cc.to_string(),
                    admin1: f[10].to_string(),
                    lat,
                    lon,
                    population: (population > 0).then_some(population),
                },
                names,
            });
            Ok(())
        })?;
    }
    Ok(())
}

/// True when a second-level unit's name ends with what kind of unit it is
/// ("Fulton County", "Orleans Parish", "Kupiansk Raion"). Only such names
/// are indexed (see the documentation of [`super`]).
fn is_unit_name(name: &str) -> bool {
    const UNIT_WORDS: &[&str] = &[
        "county",
        "parish",
        "borough",
        "raion",
        "rayon",
        "district",
        "prefecture",
        "municipality",
    ];
    let mut words = name.split_whitespace();
    let last = words.next_back().map(str::to_lowercase);
    words.next().is_some() && last.is_some_and(|w| UNIT_WORDS.contains(&w.as_str()))
}
