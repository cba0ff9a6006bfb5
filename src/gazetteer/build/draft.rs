//! The gazetteer while it is being built: the [`Draft`] every stage of
//! [`super::build`] reads and adds to, and the places in it.
//!
//! Only the shape of that state lives here. Each stage says, where it is
//! written, which fields it fills; none of them reads a file named here.

use std::collections::{BTreeMap, HashMap};

use crate::gazetteer::Place;

/// One place while it is being built, with every name it answers to.
pub(super) struct DraftPlace {
    pub(super) place: Place,
    /// Each name with its [`crate::gazetteer::Posting`] flags.
    pub(super) names: Vec<(String, u32)>,
}

/// A country as `countryInfo.txt` lists it.
pub(super) struct CountryRow {
    pub(super) iso: String,
    pub(super) name: String,
    pub(super) geonameid: Option<u32>,
    pub(super) population: u64,
}

/// A first-level region's code: (country, admin1).
pub(super) type Admin1Key = (String, String);

/// A second-level unit's code: (country, admin1, admin2).
pub(super) type Admin2Key = (String, String, String);

/// What the stages of a build share: the code tables and points read
/// from the sources, and the places made so far.
#[derive(Default)]
pub(super) struct Draft {
    /// The countries kept, in the order of `countryInfo.txt`.
    pub(super) country_rows: Vec<CountryRow>,
    /// First-level regions: code → (name, geonameid).
    pub(super) admin1_rows: BTreeMap<Admin1Key, (String, Option<u32>)>,
    /// Second-level units whose name says what they are: code → (name,
    /// geonameid).
    pub(super) admin2_rows: BTreeMap<Admin2Key, (String, Option<u32>)>,
    /// Towns by the second-level unit they lie in, kept or not (a county's
    /// centre is the centre of all its towns): (lat, lon, population).
    pub(super) admin2_members: HashMap<Admin2Key, Vec<(f64, f64, u64)>>,
    /// Second-level units' own GeoNames rows: (lat, lon, population).
    pub(super) admin2_points: HashMap<Admin2Key, (f64, f64, u64)>,
    /// First-level regions' own GeoNames rows: (lat, lon, population).
    pub(super) admin1_points: HashMap<Admin1Key, (f64, f64, u64)>,
    /// Countries' own GeoNames rows: (lat, lon, feature code).
    pub(super) country_points: HashMap<String, (f64, f64, String)>,
    /// The places made so far.
    pub(super) places: Vec<DraftPlace>,
    /// Where each place with a geonameid is in `places`.
    pub(super) by_geonameid: HashMap<u32, usize>,
    /// Where each first-level region made a place is in `places`.
    pub(super) admin1_index: HashMap<Admin1Key, usize>,
    /// The places whose point is not GeoNames' own, by the rule that
    /// placed them: flagged in the manifest.
    pub(super) derived_points: BTreeMap<String, Vec<String>>,
    /// What a stage left out and the user should hear of (a composite
    /// region whose members the sources lack).
    pub(super) warnings: Vec<String>,
}

impl Draft {
    /// Notes that the place `place_id` was placed by `rule`, not at a
    /// GeoNames point.
    pub(super) fn derived(&mut self, rule: &str, place_id: &str) {
        self.derived_points
            .entry(rule.to_string())
            .or_default()
            .push(place_id.to_string());
    }
}
