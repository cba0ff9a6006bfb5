//! Places for regions that have no row of their own to keep: first-level
//! regions and second-level units from the GeoNames code tables, and the
//! composite regions of `composite_regions.tsv` (Donbas, Crimea ...), each
//! placed at its own GeoNames point when it has one, else from the places
//! inside it, with their summed population.
//!
//! This file decides where a region is and how many live there; the
//! names a region answers to beyond its own are `names`' business.

use std::collections::HashMap;
use std::path::Path;

use super::draft::{Draft, DraftPlace};
use super::inputs::Filters;
use super::tsv::each_row;
use crate::error::{Error, Result};
use crate::gazetteer::{unit_vector, Place, PlaceKind, Posting};

/// Adds a place for every first-level region with a GeoNames point or a
/// town inside it, and records where each is in `draft.admin1_index`.
pub(super) fn add_admin1_places(draft: &mut Draft) {
    let mut members: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, d) in draft.places.iter().enumerate() {
        if d.place.kind == PlaceKind::City && !d.place.admin1.is_empty() {
            members
                .entry((d.place.country.clone(), d.place.admin1.clone()))
                .or_default()
                .push(i);
        }
    }
    let mut derived = Vec::new();
    for ((cc, code), (name, geonameid)) in &draft.admin1_rows {
        let key = (cc.clone(), code.clone());
        let in_region = members.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        let summed: u64 = in_region
            .iter()
            .filter_map(|&i| draft.places[i].place.population)
            .sum();
        let own = draft.admin1_points.get(&key);
        let (lat, lon, population) = match own {
            Some(&(lat, lon, pop)) => (lat, lon, if pop > 0 { pop } else { summed }),
            None => match extent_centre(
                in_region
                    .iter()
                    .map(|&i| (draft.places[i].place.lat, draft.places[i].place.lon)),
            ) {
                Some((lat, lon)) => (lat, lon, summed),
                None => continue,
            },
        };
        if let Some(g) = geonameid {
            if draft.by_geonameid.contains_key(g) {
                continue;
            }
        }
        let place_id = geonameid.map_or(format!("adm1:{cc}.{code}"), |g| format!("gn:{g}"));
        if own.is_none() {
            derived.push(place_id.clone());
        }
        draft.admin1_index.insert(key, draft.places.len());
        if let Some(g) = geonameid {
            draft.by_geonameid.insert(*g, draft.places.len());
        }
        draft.places.push(DraftPlace {
            place: Place {
                place_id,
                geonameid: *geonameid,
                name: name.clone(),
                kind: PlaceKind::Region,
                feature_code: "ADM1".into(),
                country: cc.clone(),
                admin1: code.clone(),
                lat,
                lon,
                population: (population > 0).then_some(population),
            },
            names: vec![(name.clone(), Posting::PREFERRED)],
        });
    }
    for id in derived {
        draft.derived("towns", &id);
    }
}

/// Adds a place for every second-level unit with a GeoNames point or a
/// town inside it.
pub(super) fn add_admin2_places(draft: &mut Draft) {
    let mut derived = Vec::new();
    for ((cc, a1, a2), (name, geonameid)) in &draft.admin2_rows {
        let key = (cc.clone(), a1.clone(), a2.clone());
        let towns = draft
            .admin2_members
            .get(&key)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let summed: u64 = towns.iter().map(|t| t.2).sum();
        let own = draft.admin2_points.get(&key);
        let (lat, lon, population) = match own {
            Some(&(lat, lon, pop)) => (lat, lon, if pop > 0 { pop } else { summed }),
            None => match extent_centre(towns.iter().map(|t| (t.0, t.1))) {
                Some((lat, lon)) => (lat, lon, summed),
                None => continue,
            },
        };
        if geonameid.is_some_and(|g| draft.by_geonameid.contains_key(&g)) {
            continue;
        }
        let place_id = geonameid.map_or(format!("adm2:{cc}.{a1}.{a2}"), |g| format!("gn:{g}"));
        if own.is_none() {
            derived.push(place_id.clone());
        }
        if let Some(g) = geonameid {
            draft.by_geonameid.insert(*g, draft.places.len());
        }
        draft.places.push(DraftPlace {
            place: Place {
                place_id,
                geonameid: *geonameid,
                name: name.clone(),
                kind: PlaceKind::Region,
                feature_code: "ADM2".into(),
                country: cc.clone(),
                admin1: a1.clone(),
                lat,
                lon,
                population: (population > 0).then_some(population),
            },
            names: vec![(name.clone(), Posting::PREFERRED)],
        });
    }
    for id in derived {
        draft.derived("towns", &id);
    }
}

/// Adds the composite regions of `path` (unions of first-level regions,
/// or of whole countries, whose members are ISO codes: "the Balkans"),
/// each at the spherical mean of its members' points.
pub(super) fn add_composite_regions(
    draft: &mut Draft,
    path: &Path,
    filters: &Filters,
) -> Result<()> {
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    each_row(path, 5..=6, |f, n| {
        if f[0] == "place_id" {
            return Ok(());
        }
        rows.push((n, f.iter().map(|s| s.to_string()).collect()));
        Ok(())
    })?;
    'rows: for (n, f) in rows {
        let mut points = Vec::new();
        let mut population = 0;
        let mut country = String::new();
        let mut countries = 0;
        for member in f[3].split('|').filter(|m| !m.is_empty()) {
            let Some((cc, code)) = member.split_once('.') else {
                // A whole country.
                let is_code = member.len() == 2 && member.bytes().all(|b| b.is_ascii_uppercase());
                if !is_code {
                    return Err(Error::format(path, n, format!("bad member {member:?}")));
                }
                // A country this build does not keep (`--country UA`) adds
                // nothing; a region with no member kept is left out.
                if let Some(c) = draft
                    .places
                    .iter()
                    .find(|d| d.place.kind == PlaceKind::Country && d.place.country == member)
                {
                    points.push((c.place.lat, c.place.lon));
                    population += c.place.population.unwrap_or(0);
                    countries += 1;
                }
                continue;
            };
            if !filters.keeps_country(cc) {
                continue;
            }
            let key = (cc.to_string(), code.to_string());
            let Some(&i) = draft.admin1_index.get(&key) else {
                // A region GeoNames lists but that has no point in this
                // extract (no place of it in cities15000, say) is left out;
                // one GeoNames does not list is a mistake in the file.
                if draft.admin1_rows.contains_key(&key) {
                    continue;
                }
                // One the sources do not list at all (a trimmed
                // admin1CodesASCII.txt): the region would be placed
                // without part of itself, so it is left out, and said so.
                draft.warnings.push(format!(
                    "{}:{n}: composite region {} ({}) left out: its member {member} is not \
                     in admin1CodesASCII.txt",
                    path.display(),
                    f[1],
                    f[0]
                ));
                continue 'rows;
            };
            points.push((draft.places[i].place.lat, draft.places[i].place.lon));
            population += draft.places[i].place.population.unwrap_or(0);
            if country.is_empty() {
                country = cc.to_string();
            }
        }
        let Some((lat, lon)) = spherical_mean(points.into_iter()) else {
            continue;
        };
        let mut names = vec![(f[1].clone(), Posting::PREFERRED)];
        names.extend(
            f[2].split('|')
                .filter(|s| !s.is_empty())
                .map(|s| (s.to_string(), 0)),
        );
        if countries > 1 {
            // Across borders: in no one country.
            country.clear();
        } else if countries == 1 && country.is_empty() {
            country = f[3].split('|').next().unwrap_or_default().to_string();
        }
        draft.derived("members", &f[0]);
        draft.places.push(DraftPlace {
            place: Place {
                place_id: f[0].clone(),
                geonameid: None,
                name: f[1].clone(),
                kind: PlaceKind::Region,
                feature_code: f[4].clone(),
                country,
                admin1: String::new(),
                lat,
                lon,
                population: (population > 0).then_some(population),
            },
            names,
        });
    }
    Ok(())
}

/// The centre of the extent of a region's places: the middle of the 5th to
/// 95th percentile of their latitudes and longitudes, which lands near the
/// middle of the region's area however its towns cluster (the mean would
/// be pulled towards the densely settled part). Falls back to the spherical
/// mean for regions that straddle the antimeridian.
fn extent_centre(points: impl Iterator<Item = (f64, f64)>) -> Option<(f64, f64)> {
    let points: Vec<(f64, f64)> = points.collect();
    if points.is_empty() {
        return None;
    }
    let mut lats: Vec<f64> = points.iter().map(|p| p.0).collect();
    let mut lons: Vec<f64> = points.iter().map(|p| p.1).collect();
    lats.sort_by(f64::total_cmp);
    lons.sort_by(f64::total_cmp);
    let pick = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    if pick(&lons, 0.95) - pick(&lons, 0.05) > 180.0 {
        return spherical_mean(points.into_iter());
    }
    Some((
        (pick(&lats, 0.05) + pick(&lats, 0.95)) / 2.0,
        (pick(&lons, 0.05) + pick(&lons, 0.95)) / 2.0,
    ))
}

/// The mean direction of points on the sphere, as (lat, lon).
fn spherical_mean(points: impl Iterator<Item = (f64, f64)>) -> Option<(f64, f64)> {
    let (mut x, mut y, mut z, mut n) = (0.0, 0.0, 0.0, 0usize);
    for (lat, lon) in points {
        let [ux, uy, uz] = unit_vector(lat, lon);
        x += ux;
        y += uy;
        z += uz;
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let hyp = (x * x + y * y).sqrt();
    Some((z.atan2(hyp).to_degrees(), y.atan2(x).to_degrees()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spherical_mean_handles_the_antimeridian() {
        let (lat, lon) = spherical_mean([(10.0, 179.0), (10.0, -179.0)].into_iter()).unwrap();
        assert!((lon.abs() - 180.0).abs() < 1e-9, "{lon}");
        assert!((lat - 10.0).abs() < 0.01);
    }
}
