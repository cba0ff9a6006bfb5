//! A gazetteer of a few places written out in a test, for unit tests that
//! must know every candidate a name has (two namesakes, a region and its
//! capital) rather than depend on what the shipped gazetteer holds.
//!
//! The places are written as GeoNames dump rows into a temporary directory
//! and compiled by the real builder ([`super::build::build`]), so that
//! region forms ("Kharkiv region"), name flags and place facts come out as
//! they do for the shipped gazetteer. This file knows the dump formats the
//! builder reads; it knows nothing of what the tests then ask.

use super::build::{build, Filters, Sources};
use super::Gazetteer;

/// The dump files of a tiny gazetteer, filled place by place.
///
/// ```ignore
/// let g = TinyGazetteer::new()
///     .country("UA", "Ukraine", 41_000_000, (49.0, 32.0))
///     .region("UA.07", "Kharkiv Oblast", 2_600_000, (49.5, 36.5))
///     .town("Kharkiv", "PPLA", "UA.07", 1_430_000, (49.98, 36.25))
///     .also_named("Kharkov")
///     .build();
/// ```
#[derive(Default)]
pub(crate) struct TinyGazetteer {
    /// `countryInfo.txt` rows.
    countries: String,
    /// `admin1CodesASCII.txt` rows.
    admin1: String,
    /// Geoname-table rows (`cities500.txt`).
    geonames: String,
    /// `alternateNamesV2.txt` rows.
    alternates: String,
    /// `lexicon/common_words.tsv` rows.
    words: String,
    /// `lexicon/first_names.txt` lines.
    first_names: String,
    /// The geonameid of the place added last.
    last: u32,
}

impl TinyGazetteer {
    pub(crate) fn new() -> Self {
        TinyGazetteer::default()
    }

    /// A country, placed at `at` (latitude, longitude).
    pub(crate) fn country(
        mut self,
        iso: &str,
        name: &str,
        population: u64,
        at: (f64, f64),
    ) -> Self {
        let id = self.next_id();
        self.countries.push_str(&format!(
            "{iso}\t{iso}X\t0\t{iso}\t{name}\tCapital\t1000\t{population}\tEU\t.{tld}\tXXX\tCurrency\t0\t\t\ten\t{id}\t\t\n",
            tld = iso.to_lowercase()
        ));
        // The country's point: a geoname row the builder reads for its
        // position only.
        self.geoname_row(id, name, "A", "PCLI", iso, "", population, at);
        self
    }

    /// A first-level region, its code as GeoNames writes it ("UA.07"),
    /// placed at `at`. It answers to "<capital> region" only when its
    /// towns spread beyond its capital: a region whose towns all lie
    /// within 60 km of the capital is a city-state to the builder.
    pub(crate) fn region(
        mut self,
        code: &str,
        name: &str,
        population: u64,
        at: (f64, f64),
    ) -> Self {
        let id = self.next_id();
        let (iso, admin1) = code.split_once('.').expect("a region code is CC.code");
        self.admin1
            .push_str(&format!("{code}\t{name}\t{name}\t{id}\n"));
        self.geoname_row(id, name, "A", "ADM1", iso, admin1, population, at);
        self
    }

    /// A populated place with a GeoNames feature code (`PPL`, `PPLA` for
    /// the seat of a region, `PPLC` for a capital), in `region` ("UA.07",
    /// or just the country, "UA").
    pub(crate) fn town(
        mut self,
        name: &str,
        feature_code: &str,
        region: &str,
        population: u64,
        at: (f64, f64),
    ) -> Self {
        let id = self.next_id();
        let (iso, admin1) = region.split_once('.').unwrap_or((region, ""));
        self.geoname_row(id, name, "P", feature_code, iso, admin1, population, at);
        self
    }

    /// Another name (in English) of the place added last.
    pub(crate) fn also_named(mut self, name: &str) -> Self {
        let row = self.alternates.lines().count() + 1;
        self.alternates
            .push_str(&format!("{row}\t{}\ten\t{name}\n", self.last));
        self
    }

    /// A continent (GeoNames feature code `CONT`), placed at `at`.
    pub(crate) fn continent(mut self, name: &str, population: u64, at: (f64, f64)) -> Self {
        let id = self.next_id();
        self.geoname_row(id, name, "L", "CONT", "", "", population, at);
        self
    }

    /// A historic name (GeoNames' isHistoric flag) of the place added last.
    pub(crate) fn formerly_named(mut self, name: &str) -> Self {
        let row = self.alternates.lines().count() + 1;
        self.alternates
            .push_str(&format!("{row}\t{}\ten\t{name}\t\t\t\t1\t\t\n", self.last));
        self
    }

    /// An English word, with its Zipf frequency (about 7 for "the", 3 for
    /// rare words).
    pub(crate) fn word(mut self, word: &str, zipf: f32) -> Self {
        self.words.push_str(&format!("{word}\t{zipf}\n"));
        self
    }

    /// A given name ("Florence"), as the lexicon lists them.
    pub(crate) fn first_name(mut self, name: &str) -> Self {
        self.first_names.push_str(name);
        self.first_names.push('\n');
        self
    }

    /// Writes the dump files, builds the gazetteer and loads it.
    pub(crate) fn build(self) -> Gazetteer {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        };
        std::fs::create_dir(dir.path().join("lexicon")).expect("lexicon directory");
        write("countryInfo.txt", &self.countries);
        write("admin1CodesASCII.txt", &self.admin1);
        write("cities500.txt", &self.geonames);
        write("alternateNamesV2.txt", &self.alternates);
        write(
            "countries.geojson",
            r#"{"type":"FeatureCollection","features":[]}"#,
        );
        write("lexicon/common_words.tsv", &self.words);
        write("lexicon/first_names.txt", &self.first_names);
        write("lexicon/demonyms.tsv", "");
        let sources = Sources::discover(dir.path(), None).expect("the dump files are found");
        let out = dir.path().join("gazetteer");
        build(&sources, &Filters::default(), &out, serde_json::json!({}))
            .unwrap_or_else(|e| panic!("the tiny gazetteer builds: {e}"));
        // Loading reads every file into memory: the directory may go.
        Gazetteer::open(&out).expect("the tiny gazetteer loads")
    }

    fn next_id(&mut self) -> u32 {
        self.last += 1;
        self.last
    }

    /// One row of the geoname table (19 columns).
    #[allow(clippy::too_many_arguments)]
    fn geoname_row(
        &mut self,
        id: u32,
        name: &str,
        class: &str,
        code: &str,
        iso: &str,
        admin1: &str,
        population: u64,
        (lat, lon): (f64, f64),
    ) {
        self.geonames.push_str(&format!(
            "{id}\t{name}\t{name}\t\t{lat}\t{lon}\t{class}\t{code}\t{iso}\t\t{admin1}\t\t\t\t{population}\t\t0\tUTC\t2024-01-01\n"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{PlaceKind, Posting};

    #[test]
    fn a_tiny_gazetteer_holds_what_was_written() {
        let g = TinyGazetteer::new()
            .country("UA", "Ukraine", 41_000_000, (49.0, 32.0))
            .region("UA.07", "Kharkiv Oblast", 2_600_000, (49.5, 36.5))
            .town("Kharkiv", "PPLA", "UA.07", 1_430_000, (49.98, 36.25))
            .also_named("Kharkov")
            .town("Kupiansk", "PPL", "UA.07", 27_000, (49.71, 37.62))
            .word("march", 4.6)
            .first_name("Florence")
            .build();
        let names = |name: &str| -> Vec<String> {
            g.lookup(name)
                .iter()
                .map(|p| g.place(p.place()).name.clone())
                .collect()
        };
        assert_eq!(names("Ukraine"), ["Ukraine"]);
        assert_eq!(names("Kharkov"), ["Kharkiv"]);
        assert_eq!(names("Kharkiv"), ["Kharkiv"]);
        // The builder gives the region its capital's region forms.
        assert_eq!(names("Kharkiv region"), ["Kharkiv Oblast"]);
        assert!(g.lookup("Kharkiv region")[0].has(Posting::REGION_FORM));
        let kharkiv = g.lookup("Kharkiv")[0].place();
        assert_eq!(g.facts(kharkiv).kind, PlaceKind::City);
        assert_eq!(g.facts(kharkiv).population, 1_430_000);
        assert_eq!(g.place(kharkiv).country, "UA");
        assert_eq!(g.lexicon().word_frequency("March"), 4.6);
        assert!(g.lexicon().is_first_name("Florence"));
    }
}
