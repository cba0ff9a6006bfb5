//! The gazetteer: every place geomention knows, the names it is known by,
//! and the country outlines used to measure distances to borders.
//!
//! This file owns the [`Gazetteer`] type and what it answers (places by
//! index, names to places, countries and regions by code). Its parts live
//! beside it, one idea to a file:
//!
//! | file | what it owns |
//! |---|---|
//! | `place.rs` | the data model: [`Place`], [`PlaceKind`], [`PlaceFacts`], [`Rank`] |
//! | `posting.rs` | the name index's entry, [`Posting`] |
//! | `lexicon.rs` | the English [`Lexicon`] |
//! | `locate.rs` | which gazetteer to use and why: [`Selection`], [`Reason`], [`Origin`], the built-in copy |
//! | `load.rs` | reading a gazetteer's files and checking they fit together |
//! | `verify.rs` | the sizes and checksums `manifest.json` records, and [`Gazetteer::verify`] |
//! | `places_tsv.rs` | the `places.tsv` reader and row writer |
//! | `lines.rs` | cutting the text tables into lines quickly |
//!
//! Building one from GeoNames dumps lives in [`build`]; outlines in
//! [`outlines`]; a readable account of one in [`info`].
//!
//! # On-disk format
//! A gazetteer is a directory:
//!
//! | file | what it holds |
//! |---|---|
//! | `places.tsv` | one row per place: `place_id geonameid name kind feature_code country admin1 lat lon population` |
//! | `names.fst` | an [FST](fst) map from every folded name ([`crate::text::fold`]) to an offset in `postings.bin` |
//! | `postings.bin` | little-endian `u32`s: at each offset a count, then that many [`Posting`]s |
//! | `countries.geojson` | Natural Earth country outlines, one feature per ISO 3166-1 code |
//! | `lexicon/common_words.tsv`, `lexicon/first_names.txt`, `lexicon/demonyms.tsv` | English word frequencies, given names and nationality adjectives, for telling names of places from words and people |
//! | `sounds.fst` | (optional) sound keys of town names → the town, for garbled spellings |
//! | `manifest.json` | where the data came from, when it was built, counts and checksums |
//!
//! The FST is searched in place, without building anything at start-up, so
//! loading costs little more than reading the place table.

pub mod build;
pub mod info;
mod lexicon;
mod lines;
mod load;
mod locate;
pub mod outlines;
mod place;
mod places_tsv;
mod posting;
pub mod verify;

use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::Error;

pub use lexicon::Lexicon;
pub use locate::{embedded_file, user_gazetteer_dir, Origin, Reason, Selection, ENV_VAR};
pub use outlines::Outlines;
pub use place::{unit_vector, Place, PlaceFacts, PlaceIdx, PlaceKind, Rank};
pub use places_tsv::PLACES_HEADER;
pub use posting::Posting;

type Bytes = Cow<'static, [u8]>;

/// A loaded gazetteer. `load.rs` makes one ([`Gazetteer::load`],
/// [`Gazetteer::open`], [`Gazetteer::embedded`]); this file answers
/// questions about it.
pub struct Gazetteer {
    places: Vec<Place>,
    facts: Vec<PlaceFacts>,
    names: fst::Map<Bytes>,
    sounds: Option<fst::Map<Bytes>>,
    postings: Bytes,
    countries: HashMap<String, PlaceIdx>,
    admin1: HashMap<(String, String), PlaceIdx>,
    lexicon: Lexicon,
    /// Indexed at load; each country's coordinates parsed when first asked.
    outlines: Outlines,
    manifest: serde_json::Value,
    origin: Origin,
}

include!("files.rs");

impl Gazetteer {
    fn word(&self, i: usize) -> u32 {
        let b = &self.postings[i * 4..i * 4 + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The postings list stored at `offset` (a value of [`Gazetteer::names`]).
    ///
    /// Loading checked that the lists fit in the file and point at places,
    /// and [`Gazetteer::verify`] that every name leads to a list; an
    /// offset that does not (an index that is not the one the postings
    /// were written with) gives no place rather than a wrong one or a
    /// panic.
    pub fn postings_at(&self, offset: u64) -> impl Iterator<Item = Posting> + '_ {
        let words = self.postings.len() / 4;
        let at = usize::try_from(offset).unwrap_or(usize::MAX);
        let count = if at < words {
            self.word(at) as usize
        } else {
            0
        };
        let count = if count < words - at.min(words) {
            count
        } else {
            0
        };
        let places = self.places.len();
        (0..count)
            .map(move |k| Posting(self.word(at + 1 + k)))
            .filter(move |p| (p.place() as usize) < places)
    }

    /// The places a (folded or unfolded) name refers to.
    pub fn lookup(&self, name: &str) -> Vec<Posting> {
        let key = crate::text::fold(name);
        match self.names.get(key.as_bytes()) {
            Some(offset) => self.postings_at(offset).collect(),
            None => Vec::new(),
        }
    }

    /// The town whose name sounds like `name` once spellings that a round
    /// trip through another script confuses are merged (see
    /// [`crate::text::sound_key`]), if the gazetteer has sound keys.
    pub fn sound_lookup(&self, name: &str) -> Option<PlaceIdx> {
        let key = crate::text::sound_key(name)?;
        self.sounds
            .as_ref()?
            .get(key.as_bytes())
            .filter(|&v| v < self.places.len() as u64)
            .map(|v| v as PlaceIdx)
    }

    /// The name index, for matchers that walk it.
    pub fn names(&self) -> &fst::Map<Bytes> {
        &self.names
    }

    pub fn place(&self, idx: PlaceIdx) -> &Place {
        &self.places[idx as usize]
    }

    /// What resolution needs to know about a place (see [`PlaceFacts`]).
    pub fn facts(&self, idx: PlaceIdx) -> &PlaceFacts {
        &self.facts[idx as usize]
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The country with ISO 3166-1 alpha-2 `code`.
    pub fn country(&self, code: &str) -> Option<PlaceIdx> {
        self.countries.get(code).copied()
    }

    /// The first-level region `admin1` of `country`.
    pub fn admin1(&self, country: &str, admin1: &str) -> Option<PlaceIdx> {
        self.admin1
            .get(&(country.to_string(), admin1.to_string()))
            .copied()
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The country outlines, indexed when the gazetteer loaded, each
    /// country parsed when first asked about (only claims about borders
    /// need them).
    pub fn outlines(&self) -> &Outlines {
        &self.outlines
    }

    /// Damage found in the gazetteer's files after it loaded: outlines
    /// are read when a border is first measured, and a country's
    /// coordinates when it is, so a damaged `countries.geojson` may show
    /// only then. A measurement that met it says so in its claim; a run
    /// asks here before it commits its output, and fails rather than
    /// hand over claims the damage made unverifiable.
    pub fn damage(&self) -> Option<Error> {
        let message = self.outlines.damage()?;
        Some(Error::Gazetteer {
            path: self.origin.to_string().into(),
            message: format!("countries.geojson is damaged: {message}"),
        })
    }

    /// The build manifest: sources, dates, counts and checksums.
    pub fn manifest(&self) -> &serde_json::Value {
        &self.manifest
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }
}

// Declared last: modgraph reads a file only up to its first cfg(test).
#[cfg(test)]
pub(crate) mod testing;
