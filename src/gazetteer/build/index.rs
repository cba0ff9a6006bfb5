//! The last stage of a build: the places put in their final order and
//! written as the gazetteer's index files (`places.tsv`, `names.fst`,
//! `postings.bin` and `sounds.fst`), with a count of what was written.
//!
//! Here a place's position becomes its [`crate::gazetteer::PlaceIdx`], and
//! a name becomes a key of the index if it is worth matching. How a row of
//! `places.tsv` is spelled is `places_tsv`'s; the files copied unchanged
//! and the manifest are written elsewhere.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use super::draft::{Draft, DraftPlace};
use crate::error::{Error, Result};
use crate::gazetteer::places_tsv::place_row;
use crate::gazetteer::{Place, PlaceKind, Posting, PLACES_HEADER};
use crate::text::fold;

/// Counts of what a build wrote, and what it left out.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BuildReport {
    pub places: usize,
    pub continents: usize,
    pub countries: usize,
    pub regions: usize,
    pub cities: usize,
    pub names: usize,
    pub postings: usize,
    /// The places not at a GeoNames point of their own, by the rule that
    /// placed them (`outline`, `capital`, `towns`, `members`): their ids.
    pub derived_points: std::collections::BTreeMap<String, Vec<String>>,
    /// What the sources lacked and the build left out, one line each
    /// (not part of the manifest's counts).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Towns smaller than this get no sound key: a garbled spelling is only
/// worth guessing for places that are in the news.
const SOUND_KEY_MIN_POPULATION: u64 = 10_000;

/// Puts the places of `draft` in the order they are numbered and written.
pub(super) fn order(draft: &mut Draft) {
    // Order: countries, regions, cities, others; then by id, for stable output.
    draft.places.sort_by(|a, b| {
        (
            a.place.kind,
            &a.place.country,
            a.place.geonameid,
            &a.place.place_id,
        )
            .cmp(&(
                b.place.kind,
                &b.place.country,
                b.place.geonameid,
                &b.place.place_id,
            ))
    });
}

/// Decides whether `name` is worth indexing for `place`, and how.
fn index_flags(place: &Place, name: &str, flags: u32) -> Option<u32> {
    let name = name.trim();
    if name.is_empty() || name.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    let upper_code = letters <= 4 && name.chars().all(|c| c.is_ascii_uppercase() || c == '.');
    if upper_code || flags & Posting::ABBREVIATION != 0 {
        // Codes such as IATA "HRK" are not how articles name a city; country
        // abbreviations ("US", "UK") are, but only in capitals.
        return (place.kind == PlaceKind::Country && letters >= 2)
            .then_some((flags | Posting::ABBREVIATION) & !Posting::PREFERRED);
    }
    let is_cjk = name.chars().any(|c| (c as u32) >= 0x2E80);
    if letters < 3 && !is_cjk {
        return None;
    }
    Some(flags)
}

/// Writes `places.tsv`, `names.fst`, `sounds.fst` and `postings.bin`, and
/// counts what they hold.
pub(super) fn write_index(drafts: &[DraftPlace], out: &Path) -> Result<BuildReport> {
    let mut report = BuildReport::default();
    let mut places = String::with_capacity(drafts.len() * 80);
    places.push_str(PLACES_HEADER);
    places.push('\n');
    let mut entries: Vec<(String, u32)> = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        places.push_str(&place_row(&d.place));
        places.push('\n');
        match d.place.kind {
            PlaceKind::Continent => report.continents += 1,
            PlaceKind::Country => report.countries += 1,
            PlaceKind::Region => report.regions += 1,
            PlaceKind::City => report.cities += 1,
            PlaceKind::Poi => {}
        }
        for (name, flags) in &d.names {
            if let Some(flags) = index_flags(&d.place, name, *flags) {
                let key = fold(name);
                if !key.is_empty() {
                    entries.push((key, Posting::new(i as u32, flags).0));
                }
            }
        }
    }
    report.places = drafts.len();
    entries.sort_unstable();
    let path = out.join("places.tsv");
    std::fs::write(&path, places).map_err(|e| Error::io(&path, e))?;

    let fst_path = out.join("names.fst");
    let fst_file =
        std::io::BufWriter::new(File::create(&fst_path).map_err(|e| Error::io(&fst_path, e))?);
    let mut map = fst::MapBuilder::new(fst_file).map_err(|e| Error::Invalid(e.to_string()))?;
    let mut postings: Vec<u32> = Vec::new();
    let mut k = 0;
    while k < entries.len() {
        let key = &entries[k].0;
        // Merge the flags of one place named twice by the same key.
        let mut list: Vec<u32> = Vec::new();
        while k < entries.len() && &entries[k].0 == key {
            let p = Posting(entries[k].1);
            match list.iter_mut().find(|q| Posting(**q).place() == p.place()) {
                Some(q) => {
                    // Preferred wins; an abbreviation flag only survives when every spelling is one.
                    let abbr = *q & p.0 & Posting::ABBREVIATION;
                    *q = ((*q | p.0) & !Posting::ABBREVIATION) | abbr;
                }
                None => list.push(p.0),
            }
            k += 1;
        }
        map.insert(key.as_bytes(), postings.len() as u64)
            .map_err(|e| Error::Invalid(format!("names.fst: {e}")))?;
        postings.push(list.len() as u32);
        postings.extend(&list);
        report.names += 1;
        report.postings += list.len();
    }
    map.finish()
        .map_err(|e| Error::Invalid(format!("names.fst: {e}")))?;

    write_sounds(drafts, out)?;

    let post_path = out.join("postings.bin");
    let mut w =
        std::io::BufWriter::new(File::create(&post_path).map_err(|e| Error::io(&post_path, e))?);
    for p in &postings {
        w.write_all(&p.to_le_bytes())
            .map_err(|e| Error::io(&post_path, e))?;
    }
    w.flush().map_err(|e| Error::io(&post_path, e))?;
    Ok(report)
}

/// Writes `sounds.fst`: the sound keys of the Latin names of towns, for
/// spellings that came back from another script ("Kubyansk"); each key
/// keeps its most populous town.
fn write_sounds(drafts: &[DraftPlace], out: &Path) -> Result<()> {
    let mut sounds: BTreeMap<String, (u64, u32)> = BTreeMap::new();
    for (i, d) in drafts.iter().enumerate() {
        let pop = d.place.population.unwrap_or(0);
        if d.place.kind != PlaceKind::City || pop < SOUND_KEY_MIN_POPULATION {
            continue;
        }
        for (name, _) in &d.names {
            if let Some(key) = crate::text::sound_key(name) {
                let e = sounds.entry(key).or_insert((pop, i as u32));
                if pop > e.0 {
                    *e = (pop, i as u32);
                }
            }
        }
    }
    let sounds_path = out.join("sounds.fst");
    let file = std::io::BufWriter::new(
        File::create(&sounds_path).map_err(|e| Error::io(&sounds_path, e))?,
    );
    let mut map = fst::MapBuilder::new(file).map_err(|e| Error::Invalid(e.to_string()))?;
    for (key, (_, place)) in &sounds {
        map.insert(key.as_bytes(), u64::from(*place))
            .map_err(|e| Error::Invalid(format!("sounds.fst: {e}")))?;
    }
    map.finish()
        .map_err(|e| Error::Invalid(format!("sounds.fst: {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_not_indexed_except_country_abbreviations() {
        let mut p = Place {
            place_id: "gn:1".into(),
            geonameid: Some(1),
            name: "Kharkiv".into(),
            kind: PlaceKind::City,
            feature_code: "PPLA".into(),
            country: "UA".into(),
            admin1: "07".into(),
            lat: 0.0,
            lon: 0.0,
            population: None,
        };
        assert_eq!(index_flags(&p, "HRK", 0), None);
        assert_eq!(index_flags(&p, "Kharkov", 0), Some(0));
        assert_eq!(index_flags(&p, "Ha", 0), None);
        p.kind = PlaceKind::Country;
        assert_eq!(index_flags(&p, "US", 0), Some(Posting::ABBREVIATION));
    }
}
