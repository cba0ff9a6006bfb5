//! What a build is given: the source files ([`Sources`], found in a
//! directory by the names GeoNames gives them) and what to keep of them
//! ([`Filters`]).
//!
//! This file only names inputs; reading them is for the stages of the
//! build.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The input files of a build.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Files in the GeoNames "geoname" table format (19 columns).
    pub geonames: Vec<PathBuf>,
    /// Files in the `alternateNamesV2` format (10 columns); may be empty.
    pub alternate_names: Vec<PathBuf>,
    pub admin1_codes: PathBuf,
    /// GeoNames `admin2Codes.txt` (counties, parishes ...), when there is one.
    pub admin2_codes: Option<PathBuf>,
    pub country_info: PathBuf,
    /// Country outlines (carried over unchanged into the gazetteer).
    pub outlines: PathBuf,
    pub composite_regions: Option<PathBuf>,
    /// Directory with `common_words.tsv`, `first_names.txt` and `demonyms.tsv`.
    pub lexicon: PathBuf,
    /// `SOURCES.md`, the account of where the data came from, copied into
    /// the gazetteer.
    pub documentation: Option<PathBuf>,
}

/// The geoname-table rows of countries, first- and second-level units
/// and continents (feature classes A and L) with GeoNames' own points, for
/// builds from extracts that have only populated places (`cities500.txt`).
/// A gazetteer carries it, so that a refresh from such an extract keeps
/// the points; the rows of a full dump, read after it, replace its own.
pub const ADMIN_POINTS: &str = "adminPoints.txt";

/// Names GeoNames gives its geoname-table dumps, and [`ADMIN_POINTS`].
fn is_geoname_table(name: &str) -> bool {
    let stem = name.strip_suffix(".txt").unwrap_or("");
    stem.starts_with("cities") && stem[6..].chars().all(|c| c.is_ascii_digit())
        || stem == "allCountries"
        || name == ADMIN_POINTS
        || (stem.len() == 2 && stem.chars().all(|c| c.is_ascii_uppercase()))
}

impl Sources {
    /// Finds the inputs in `dir` by their GeoNames file names. Country
    /// outlines, composite regions and the lexicon may come from `fallback`
    /// (the gazetteer being replaced) when `dir` does not have them.
    pub fn discover(dir: &Path, fallback: Option<&Path>) -> Result<Sources> {
        let missing = |what: &str| Error::Gazetteer {
            path: dir.into(),
            message: format!("no {what} in the source directory"),
        };
        let mut s = Sources::default();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if is_geoname_table(name) {
                s.geonames.push(path.clone());
            } else if name.starts_with("alternateNames") && name.ends_with(".txt") {
                s.alternate_names.push(path.clone());
            }
        }
        let alt_dir = dir.join("alternatenames");
        if alt_dir.is_dir() {
            let mut more: Vec<PathBuf> = std::fs::read_dir(&alt_dir)
                .map_err(|e| Error::io(&alt_dir, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            more.sort();
            s.alternate_names.extend(more);
        }
        if s.geonames.is_empty() {
            return Err(missing("cities*.txt, XX.txt or allCountries.txt"));
        }
        // Read first, so that a full dump's own rows of the same units
        // replace these points.
        s.geonames.sort_by_key(|p| !p.ends_with(ADMIN_POINTS));
        if !s.geonames.iter().any(|p| p.ends_with(ADMIN_POINTS)) {
            if let Some(p) = fallback
                .map(|d| d.join(ADMIN_POINTS))
                .filter(|p| p.is_file())
            {
                s.geonames.insert(0, p);
            }
        }
        let find = |name: &str| -> Option<PathBuf> {
            [Some(dir), fallback]
                .into_iter()
                .flatten()
                .map(|d| d.join(name))
                .find(|p| p.exists())
        };
        s.admin1_codes =
            find("admin1CodesASCII.txt").ok_or_else(|| missing("admin1CodesASCII.txt"))?;
        s.admin2_codes = find("admin2Codes.txt");
        s.country_info = find("countryInfo.txt").ok_or_else(|| missing("countryInfo.txt"))?;
        s.outlines = find("countries.geojson").ok_or_else(|| missing("countries.geojson"))?;
        s.composite_regions = find("composite_regions.tsv");
        s.lexicon = find("lexicon").ok_or_else(|| missing("lexicon/"))?;
        s.documentation = find("SOURCES.md");
        Ok(s)
    }
}

/// What to keep.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Filters {
    /// Keep only these countries (ISO alpha-2); all when empty.
    pub countries: Vec<String>,
    /// Keep populated places of at least this population.
    pub min_population: u64,
    /// Keep alternate names in these languages (plus those with no language); all when empty.
    pub languages: Vec<String>,
}

impl Filters {
    /// Whether places of the country `cc` (ISO alpha-2) are kept.
    pub(super) fn keeps_country(&self, cc: &str) -> bool {
        self.countries.is_empty() || self.countries.iter().any(|c| c == cc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_geoname_table_names() {
        for n in [
            "cities500.txt",
            "cities15000.txt",
            "allCountries.txt",
            "adminPoints.txt",
            "UA.txt",
        ] {
            assert!(is_geoname_table(n), "{n}");
        }
        for n in [
            "countryInfo.txt",
            "admin1CodesASCII.txt",
            "alternateNamesV2.txt",
            "ua.txt",
        ] {
            assert!(!is_geoname_table(n), "{n}");
        }
    }
}
