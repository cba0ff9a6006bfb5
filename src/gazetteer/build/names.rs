//! The names a place answers to beyond those of its own row: GeoNames'
//! alternate names, and the forms a first-level region takes from its
//! capital ("Kharkiv region", "Belgorod Oblast").
//!
//! Names are only gathered here, each with its [`Posting`] flags. Which
//! of them are indexed, and how, is decided when the index is written
//! (`index`); where places are is not this file's business.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::draft::{Draft, DraftPlace};
use super::inputs::Filters;
use super::tsv::each_row;
use crate::error::{Error, Result};
use crate::gazetteer::{Place, PlaceKind, Posting};
use crate::text::fold;

/// Alternate-name "languages" that are not names (links, codes, postcodes).
const NOT_NAMES: &[&str] = &[
    "link", "wkdt", "post", "iata", "icao", "faac", "tcid", "unlc", "phon", "piny", "fr_1793",
];

/// Adds the alternate names of the `alternateNamesV2` files `paths` to
/// the places kept, in the languages `filters` keeps; abbreviations are
/// flagged as such.
pub(super) fn add_alternate_names(
    draft: &mut Draft,
    paths: &[PathBuf],
    filters: &Filters,
) -> Result<()> {
    let languages: HashSet<&str> = filters.languages.iter().map(String::as_str).collect();
    for path in paths {
        each_row(path, 4..=10, |f, n| {
            let geonameid: u32 = f[1]
                .parse()
                .map_err(|_| Error::format(path, n, format!("bad geonameid {:?}", f[1])))?;
            let Some(&i) = draft.by_geonameid.get(&geonameid) else {
                return Ok(());
            };
            let lang = f[2];
            if NOT_NAMES.contains(&lang) {
                return Ok(());
            }
            if !languages.is_empty() && !lang.is_empty() {
                let base = lang.split(['-', '_']).next().unwrap_or(lang);
                if !languages.contains(lang) && !languages.contains(base) {
                    return Ok(());
                }
            }
            let flags = if lang == "abbr" || (f.get(5) == Some(&"1") && f[3].len() <= 3) {
                Posting::ABBREVIATION
            } else if f.get(6) == Some(&"1") || f.get(7) == Some(&"1") {
                // isColloquial, isHistoric: "Berea" for Aleppo.
                Posting::WEAK
            } else {
                0
            };
            draft.places[i].names.push((f[3].to_string(), flags));
            Ok(())
        })?;
    }
    Ok(())
}

/// True when every letter of `s` is Latin.
fn is_latin(s: &str) -> bool {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| (c as u32) < 0x0250 || (0x1E00..0x1F00).contains(&(c as u32)))
}

/// Words that name a kind of first-level unit.
const ADMIN_WORDS: &[&str] = &[
    "oblast",
    "oblast'",
    "region",
    "province",
    "krai",
    "kray",
    "governorate",
    "prefecture",
    "state",
    "county",
    "voivodeship",
    "okrug",
    "republic",
    "vilayeti",
    "district",
    "territory",
];

/// Suffixes added to a capital's names to name its region.
const REGION_SUFFIXES: &[&str] = &["region", "oblast", "province", "governorate", "krai"];

/// Adds "<capital> region" names to the first-level regions named after
/// a city, and an English name to those that only have a native one.
pub(super) fn add_region_forms(draft: &mut Draft) {
    let drafts = &mut draft.places[..];
    let admin1_index = &draft.admin1_index;
    // Cities by country and folded Latin name, most populous first.
    let mut cities: HashMap<(&str, String), usize> = HashMap::new();
    for (i, d) in drafts.iter().enumerate() {
        if d.place.kind != PlaceKind::City {
            continue;
        }
        for (name, _) in &d.names {
            if !is_latin(name) {
                continue;
            }
            let key = (d.place.country.as_str(), fold(name));
            let better = cities
                .get(&key)
                .is_none_or(|&j| drafts[j].place.population < d.place.population);
            if better {
                cities.insert(key, i);
            }
        }
    }
    let mut members: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, d) in drafts.iter().enumerate() {
        if d.place.kind == PlaceKind::City {
            members
                .entry((d.place.country.clone(), d.place.admin1.clone()))
                .or_default()
                .push(i);
        }
    }
    let mut additions: Vec<(usize, Vec<String>, Option<String>)> = Vec::new();
    for (key, &r) in admin1_index {
        let region = &drafts[r];
        let mut capital: Option<usize> = None;
        for (name, _) in &region.names {
            if !is_latin(name) {
                continue;
            }
            let folded = fold(name);
            let Some(first) = folded.split(' ').next() else {
                continue;
            };
            let first = first.trim_end_matches('\'');
            let chars: Vec<char> = first.chars().collect();
            // "kharkivska" → "kharkiv", "kurskaya" → "kursk", "moscow" → "moscow".
            for cut in 0..=6.min(chars.len().saturating_sub(4)) {
                let stem: String = chars[..chars.len() - cut].iter().collect();
                // Every stem is tried: "kurskaya" is also a village far
                // away; the region's capital is the largest town nearby.
                if let Some(&c) = cities.get(&(key.0.as_str(), stem)) {
                    let near = haversine_km(&drafts[c].place, &region.place) < 300.0;
                    if near
                        && capital
                            .is_none_or(|k| drafts[k].place.population < drafts[c].place.population)
                    {
                        capital = Some(c);
                    }
                }
            }
        }
        let Some(c) = capital else { continue };
        let city = &drafts[c];
        let in_region = members.get(key).map(Vec::as_slice).unwrap_or(&[]);
        if is_city_state(drafts, in_region, city) {
            continue; // "Kyiv region" is Kyiv Oblast, not Kyiv City
        }
        let mut stems: HashSet<String> = city
            .names
            .iter()
            .filter(|(n, _)| is_latin(n))
            .map(|(n, _)| fold(n))
            .collect();
        for (name, _) in &region.names {
            if !is_latin(name) {
                continue;
            }
            let folded = fold(name);
            let words: Vec<&str> = folded.split(' ').collect();
            if words.len() > 1 && ADMIN_WORDS.contains(&words[words.len() - 1]) {
                stems.insert(words[..words.len() - 1].join(" "));
            }
        }
        let names = stems
            .into_iter()
            .filter(|s| s.chars().count() >= 3)
            .flat_map(|s| {
                REGION_SUFFIXES
                    .iter()
                    .map(move |suffix| format!("{s} {suffix}"))
            })
            .collect();
        // Only a real regional capital lends its name (not a village that
        // happens to be called "Altayskoye").
        let english = (city.place.population.unwrap_or(0) >= 50_000)
            .then(|| english_region_name(&region.place.name, &city.place.name))
            .flatten();
        additions.push((r, names, english));
    }
    for (r, names, english) in additions {
        drafts[r]
            .names
            .extend(names.into_iter().map(|n| (n, Posting::REGION_FORM)));
        if let Some(english) = english {
            drafts[r].names.push((english.clone(), Posting::PREFERRED));
            drafts[r].place.name = english;
        }
    }
}

/// The English name of a region that only has its romanized native name,
/// built the way English names these units: the capital's name and the kind
/// of unit ("Belgorodskaya oblast'" → "Belgorod Oblast", "Stavropol'skiy
/// kray" → "Stavropol Krai", "Rivnenska oblast" → "Rivne Oblast"). `None`
/// when the name is not of that form or is English already.
fn english_region_name(name: &str, capital: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let (adjective, kind) = lower.rsplit_once(' ')?;
    let kind = match kind.trim_end_matches(['\'', '’']) {
        "oblast" if name.contains(" oblast") => "Oblast",
        "kray" | "krai" if !name.contains(" Krai") => "Krai",
        _ => return None,
    };
    // The adjective must be made from the capital's name: "belgorodskaya"
    // from "Belgorod", "rivnenska" from "Rivne" (stem "rivn").
    let stem: String = fold(capital).chars().take(4).collect();
    if adjective.contains(' ') || !fold(adjective).starts_with(&stem) || !is_latin(capital) {
        return None;
    }
    Some(format!("{capital} {kind}"))
}

/// The great-circle distance between two places, in kilometres.
fn haversine_km(a: &Place, b: &Place) -> f64 {
    geo::Distance::distance(
        &geo::Haversine,
        geo::Point::new(a.lon, a.lat),
        geo::Point::new(b.lon, b.lat),
    ) / 1000.0
}

/// True when a first-level region is its capital city and little more
/// (Kyiv City, Moscow, Sevastopol): nine in ten of its places lie within
/// 60 km of the capital, where a province spans hundreds of kilometres.
fn is_city_state(drafts: &[DraftPlace], members: &[usize], capital: &DraftPlace) -> bool {
    let mut distances: Vec<f64> = members
        .iter()
        .map(|&i| &drafts[i])
        .map(|d| haversine_km(&capital.place, &d.place))
        .collect();
    if distances.is_empty() {
        return false;
    }
    distances.sort_by(f64::total_cmp);
    distances[(distances.len() * 9 / 10).min(distances.len() - 1)] < 60.0
}

/// Flags as [`Posting::WEAK`] the alternate names that name another place
/// more properly: a place's alternate that is the own name of a continent,
/// country or region other than its own first-level region ("England" for
/// the United Kingdom, "Missouri" for a Montana town, but not "New York"
/// for New York City); a town's alternate that is another town's own name
/// of another country ("Berea" for Aleppo); and an alternate made of some of the words of
/// the place's own name ("Hall" for Schwäbisch Hall, "Man" for the Isle
/// of Man). GeoNames' historic and
/// colloquial names are flagged when the alternate names are read.
pub(super) fn mark_weak_names(draft: &mut Draft) {
    let own = |d: &DraftPlace| {
        d.names
            .iter()
            .filter(|(_, f)| f & Posting::PREFERRED != 0)
            .map(|(n, _)| fold(n))
            .collect::<Vec<String>>()
    };
    // Own names of large units, with the places that hold them.
    let mut unit_names: HashMap<String, Vec<usize>> = HashMap::new();
    let mut town_names: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, d) in draft.places.iter().enumerate() {
        let unit = matches!(
            d.place.kind,
            PlaceKind::Continent | PlaceKind::Country | PlaceKind::Region
        ) && d.place.feature_code != "ADM2";
        for n in own(d) {
            if unit {
                unit_names.entry(n).or_default().push(i);
            } else if matches!(d.place.kind, PlaceKind::City | PlaceKind::Poi) {
                town_names.entry(n).or_default().push(i);
            }
        }
    }
    let admin1_index = &draft.admin1_index;
    let places = &draft.places;
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for (i, d) in places.iter().enumerate() {
        let own_region = admin1_index
            .get(&(d.place.country.clone(), d.place.admin1.clone()))
            .copied();
        // The own names of the place's first-level region: "New York" is
        // New York City's, whatever village abroad is also called so.
        let region_names: Vec<String> = own_region
            .filter(|&r| r != i)
            .map(|r| own(&places[r]))
            .unwrap_or_default();
        let own_words: Vec<String> = fold(&d.place.name).split(' ').map(str::to_string).collect();
        let town = matches!(d.place.kind, PlaceKind::City | PlaceKind::Poi);
        for (k, (name, flags)) in d.names.iter().enumerate() {
            if flags & (Posting::PREFERRED | Posting::REGION_FORM | Posting::WEAK) != 0 {
                continue;
            }
            let folded = fold(name);
            if region_names.contains(&folded) {
                continue;
            }
            let other_unit = unit_names.get(&folded).is_some_and(|holders| {
                holders.iter().any(|&h| {
                    h != i && Some(h) != own_region && !is_own_country(&places[h].place, &d.place)
                })
            });
            // Another country's town: a town's own name in the same country
            // is more often a second spelling of one name ("Mykolaiv").
            let other_town = town
                && town_names.get(&folded).is_some_and(|holders| {
                    holders
                        .iter()
                        .any(|&h| places[h].place.country != d.place.country)
                });
            let words: Vec<&str> = folded.split(' ').collect();
            let part_of_own = words.len() < own_words.len()
                && words.iter().all(|w| own_words.iter().any(|o| o == w));
            if other_unit || other_town || part_of_own {
                marks.push((i, k));
            }
        }
    }
    for (i, k) in marks {
        draft.places[i].names[k].1 |= Posting::WEAK;
    }
}

/// True when `unit` is the country that the region `place` lies in: a
/// region that answers to its country's name ("Texas" is not; a
/// city-state's one region is) takes nothing from it.
fn is_own_country(unit: &Place, place: &Place) -> bool {
    place.kind == PlaceKind::Region
        && unit.kind == PlaceKind::Country
        && unit.country == place.country
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_region_names_get_their_english_form() {
        assert_eq!(
            english_region_name("Belgorodskaya oblast'", "Belgorod").as_deref(),
            Some("Belgorod Oblast")
        );
        assert_eq!(
            english_region_name("Stavropol'skiy kray", "Stavropol").as_deref(),
            Some("Stavropol Krai")
        );
        assert_eq!(
            english_region_name("Rivnenska oblast", "Rivne").as_deref(),
            Some("Rivne Oblast")
        );
        assert_eq!(english_region_name("Kharkiv Oblast", "Kharkiv"), None);
        assert_eq!(english_region_name("Perm Krai", "Perm"), None);
        assert_eq!(
            english_region_name("Leningradskaya oblast'", "Gatchina"),
            None
        );
        assert_eq!(english_region_name("Texas", "Austin"), None);
    }
}
