//! Which GeoNames dump files a refresh needs for the options a user gave.
//!
//! This module only decides; it neither downloads nor reads anything.
//!
//! - No `--country`, no `--min-population`: `cities500.zip`, the extract the
//!   shipped gazetteer is built from. It is about 12 MB zipped and has every
//!   populated place of 500 people or more and every administrative seat,
//!   which is the scale of the villages war and disaster reporting names;
//!   `cities15000` misses most of them and `allCountries` is 400 MB of mostly
//!   mountains, streams and farms.
//! - `--min-population N` without `--country`: the smallest `citiesK.zip`
//!   (K = 15000, 5000, 1000, 500) that still holds every place of N or more,
//!   or `allCountries.zip` below 500.
//! - `--country XX`: the per-country `XX.zip` (every place of the country, so
//!   full coverage, and its first-level regions with their own points) and
//!   `alternatenames/XX.zip`.
//! - Always `admin1CodesASCII.txt`, `admin2Codes.txt` (counties, parishes,
//!   raions) and `countryInfo.txt`; without `--country`
//!   also `alternateNamesV2.zip`, which carries the languages of names and the
//!   abbreviations ("UK", "USA") that the geoname table lacks.

use crate::gazetteer::build::Filters;

/// One file of the dump directory and where its text goes for the builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpFile {
    /// Path relative to the dump directory, as GeoNames publishes it
    /// (`cities500.zip`, `alternatenames/UA.zip`, `countryInfo.txt`).
    pub remote: String,
    /// Path relative to the builder's source directory of the text file
    /// (`cities500.txt`, `alternatenames/UA.txt`, `countryInfo.txt`); for a
    /// zip, its file name is also the name of the entry to extract.
    pub local: String,
}

impl DumpFile {
    fn zipped(dir: &str, stem: &str) -> DumpFile {
        DumpFile {
            remote: format!("{dir}{stem}.zip"),
            local: format!("{dir}{stem}.txt"),
        }
    }

    fn plain(name: &str) -> DumpFile {
        DumpFile {
            remote: name.into(),
            local: name.into(),
        }
    }

    /// True when the file is published as a zip archive.
    pub fn is_zip(&self) -> bool {
        self.remote.ends_with(".zip")
    }

    /// The name of the text file inside the archive.
    pub fn entry_name(&self) -> &str {
        self.local.rsplit('/').next().unwrap_or(&self.local)
    }
}

/// The populations GeoNames publishes `citiesK.zip` extracts for, largest first.
const CITY_EXTRACTS: &[u64] = &[15000, 5000, 1000, 500];

/// The dump files needed to build a gazetteer with `filters`.
/// `min_population` is `None` when the user did not ask for one.
pub fn plan(filters: &Filters, min_population: Option<u64>) -> Vec<DumpFile> {
    let mut files = Vec::new();
    if filters.countries.is_empty() {
        let table = match min_population {
            None => "cities500".to_string(),
            Some(n) => CITY_EXTRACTS
                .iter()
                .find(|&&k| n >= k)
                .map_or("allCountries".to_string(), |k| format!("cities{k}")),
        };
        files.push(DumpFile::zipped("", &table));
        files.push(DumpFile::zipped("", "alternateNamesV2"));
    } else {
        for cc in &filters.countries {
            files.push(DumpFile::zipped("", cc));
        }
        for cc in &filters.countries {
            files.push(DumpFile::zipped("alternatenames/", cc));
        }
    }
    files.push(DumpFile::plain("admin1CodesASCII.txt"));
    files.push(DumpFile::plain("admin2Codes.txt"));
    files.push(DumpFile::plain("countryInfo.txt"));
    files
}

/// Checks and normalises `--country` values to GeoNames' upper-case ISO
/// 3166-1 alpha-2 codes, which are also the names of the per-country files.
pub fn country_code(arg: &str) -> Result<String, String> {
    let code = arg.trim().to_ascii_uppercase();
    if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(format!(
            "{arg:?} is not an ISO 3166-1 alpha-2 country code (such as UA or RU)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remotes(filters: &Filters, min: Option<u64>) -> Vec<String> {
        plan(filters, min).into_iter().map(|f| f.remote).collect()
    }

    #[test]
    fn default_is_cities500_with_all_alternate_names() {
        assert_eq!(
            remotes(&Filters::default(), None),
            [
                "cities500.zip",
                "alternateNamesV2.zip",
                "admin1CodesASCII.txt",
                "admin2Codes.txt",
                "countryInfo.txt"
            ]
        );
    }

    #[test]
    fn min_population_picks_the_smallest_extract_that_covers_it() {
        let f = Filters::default();
        assert_eq!(remotes(&f, Some(20000))[0], "cities15000.zip");
        assert_eq!(remotes(&f, Some(15000))[0], "cities15000.zip");
        assert_eq!(remotes(&f, Some(14999))[0], "cities5000.zip");
        assert_eq!(remotes(&f, Some(500))[0], "cities500.zip");
        assert_eq!(remotes(&f, Some(0))[0], "allCountries.zip");
    }

    #[test]
    fn countries_use_per_country_files() {
        let f = Filters {
            countries: vec!["UA".into(), "RU".into()],
            ..Default::default()
        };
        let p = plan(&f, Some(0));
        let r: Vec<&str> = p.iter().map(|f| f.remote.as_str()).collect();
        assert_eq!(
            r,
            [
                "UA.zip",
                "RU.zip",
                "alternatenames/UA.zip",
                "alternatenames/RU.zip",
                "admin1CodesASCII.txt",
                "admin2Codes.txt",
                "countryInfo.txt"
            ]
        );
        assert_eq!(p[2].local, "alternatenames/UA.txt");
        assert_eq!(p[2].entry_name(), "UA.txt");
    }

    #[test]
    fn country_codes_are_checked() {
        assert_eq!(country_code("ua").as_deref(), Ok("UA"));
        assert!(country_code("UKR").is_err());
        assert!(country_code("../").is_err());
    }
}
