//! The gazetteer: every place geomention knows, the names it is known by,
//! and the country outlines used to measure distances to borders.
//!
//! This module owns the data model ([`Place`], [`PlaceKind`]), the compiled
//! on-disk format and how a gazetteer is found and loaded. Building one from
//! GeoNames dumps lives in [`build`]; outlines in [`outlines`].
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
pub mod outlines;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::text::with_lowercase;

pub use outlines::Outlines;

/// Index of a place in its gazetteer.
pub type PlaceIdx = u32;

/// The coarse kind of a place, as the GeoJSON contract names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceKind {
    Country,
    Region,
    City,
    Poi,
}

impl PlaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::Region => "region",
            PlaceKind::City => "city",
            PlaceKind::Poi => "poi",
        }
    }

    /// The kind of a GeoNames feature class and code.
    pub fn from_feature(class: &str, code: &str) -> PlaceKind {
        if code.starts_with("PCL") || code == "TERR" {
            PlaceKind::Country
        } else if class == "A" || code.starts_with("RGN") || code == "AREA" {
            PlaceKind::Region
        } else if class == "P" {
            PlaceKind::City
        } else {
            PlaceKind::Poi
        }
    }

    fn parse(s: &str) -> Option<PlaceKind> {
        Some(match s {
            "country" => PlaceKind::Country,
            "region" => PlaceKind::Region,
            "city" => PlaceKind::City,
            "poi" => PlaceKind::Poi,
            _ => return None,
        })
    }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Unique in the gazetteer: `gn:<geonameid>` for GeoNames places, else a slug such as `rgn:donbas`.
    pub place_id: String,
    pub geonameid: Option<u32>,
    /// The preferred English name.
    pub name: String,
    pub kind: PlaceKind,
    /// The GeoNames feature code (`PCLI`, `ADM1`, `PPLA`, `RGN` ...).
    pub feature_code: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// GeoNames first-level administrative code within the country (`07` for Kharkiv Oblast), or empty.
    pub admin1: String,
    pub lat: f64,
    pub lon: f64,
    pub population: Option<u64>,
}

/// What resolution reads about a place, packed small and apart from
/// [`Place`], whose strings each live elsewhere on the heap. Scoring one
/// document touches thousands of candidate places; reading them from this
/// dense table rather than chasing strings is most of what makes it fast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceFacts {
    /// The place on the unit sphere: x, y, z from its latitude and longitude.
    pub unit: [f64; 3],
    pub population: u64,
    pub kind: PlaceKind,
    pub rank: Rank,
    /// The country, as a number: equal numbers, equal ISO codes.
    pub country: u16,
    /// The country and first-level division together, as a number: equal
    /// numbers, equal pairs (the division may be empty).
    pub region: u32,
    /// The first-level division is known (not empty).
    pub has_admin1: bool,
}

/// The feature codes resolution treats apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// A first-level division (state, oblast): `ADM1`.
    Adm1,
    /// A second-level division (county, raion): `ADM2`.
    Adm2,
    /// A capital: `PPLC`.
    Capital,
    /// The seat of a first-level division: `PPLA`.
    Seat1,
    /// The seat of a second-level division: `PPLA2`.
    Seat2,
    Other,
}

impl Rank {
    fn of(feature_code: &str) -> Rank {
        match feature_code {
            "ADM1" => Rank::Adm1,
            "ADM2" => Rank::Adm2,
            "PPLC" => Rank::Capital,
            "PPLA" => Rank::Seat1,
            "PPLA2" => Rank::Seat2,
            _ => Rank::Other,
        }
    }
}

/// The unit-sphere point of (`lat`, `lon`) in degrees.
pub fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

/// The [`PlaceFacts`] of every place, in order. The trigonometry runs on
/// every core: it is most of the cost, and start-up waits for it.
fn place_facts(places: &[Place]) -> std::result::Result<Vec<PlaceFacts>, String> {
    use rayon::prelude::*;
    let units: Vec<[f64; 3]> = places
        .par_iter()
        .with_min_len(4096)
        .map(|p| unit_vector(p.lat, p.lon))
        .collect();
    let mut countries: foldhash::HashMap<&str, u16> = Default::default();
    let mut regions: foldhash::HashMap<(&str, &str), u32> = Default::default();
    places
        .iter()
        .zip(units)
        .map(|(p, unit)| {
            let n = countries.len();
            let country = *countries.entry(&p.country).or_insert(n as u16);
            if countries.len() > usize::from(u16::MAX) {
                return Err("more than 65535 country codes".to_string());
            }
            let n = regions.len() as u32;
            let region = *regions.entry((&p.country, &p.admin1)).or_insert(n);
            Ok(PlaceFacts {
                unit,
                population: p.population.unwrap_or(0),
                kind: p.kind,
                rank: Rank::of(&p.feature_code),
                country,
                region,
                has_admin1: !p.admin1.is_empty(),
            })
        })
        .collect()
}

/// One place a name can refer to, with how the name relates to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting(pub u32);

impl Posting {
    const PLACE_MASK: u32 = (1 << 28) - 1;
    /// The name is the place's own preferred or ASCII name, not an alternate.
    pub const PREFERRED: u32 = 1 << 31;
    /// The name is a region form such as "Kharkiv region" or "Kursk oblast".
    pub const REGION_FORM: u32 = 1 << 30;
    /// The name is an upper-case abbreviation ("US", "UK") that only matches upper-case text.
    pub const ABBREVIATION: u32 = 1 << 29;

    pub fn new(place: PlaceIdx, flags: u32) -> Self {
        debug_assert!(place <= Self::PLACE_MASK);
        Posting(place | flags)
    }
    pub fn place(self) -> PlaceIdx {
        self.0 & Self::PLACE_MASK
    }
    pub fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }
}

/// English words and given names, used to tell place names from ordinary
/// words ("March", "West") and from people ("Vladimir Putin").
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Lower-case word → Zipf frequency (about 7 for "the", 3 for rare words).
    common_words: foldhash::HashMap<String, f32>,
    /// Given names as written ("Vladimir").
    first_names: foldhash::HashSet<String>,
    /// Lower-case adjective of nationality → ISO 3166-1 alpha-2 ("russian" → "RU").
    demonyms: foldhash::HashMap<String, String>,
}

impl Lexicon {
    /// The Zipf frequency of `word` as an English word (0 when it is not one).
    pub fn word_frequency(&self, word: &str) -> f32 {
        with_lowercase(word, |lower| self.common_words.get(lower).copied()).unwrap_or(0.0)
    }

    /// True when `word` is a known given name.
    pub fn is_first_name(&self, word: &str) -> bool {
        self.first_names.contains(word)
    }

    /// The country a nationality adjective refers to ("Russian" → "RU").
    pub fn demonym_country(&self, word: &str) -> Option<&str> {
        with_lowercase(word, |lower| self.demonyms.get(lower)).map(String::as_str)
    }

    fn parse(words: &str, names: &str, demonyms: &str) -> Self {
        let common_words = words
            .lines()
            .filter_map(|l| {
                let (w, z) = l.split_once('\t')?;
                Some((w.to_string(), z.trim().parse().ok()?))
            })
            .collect();
        let first_names = names
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let demonyms = demonyms
            .lines()
            .filter_map(|l| {
                let (w, c) = l.split_once('\t')?;
                Some((w.to_lowercase(), c.trim().to_string()))
            })
            .collect();
        Lexicon {
            common_words,
            first_names,
            demonyms,
        }
    }
}

/// Where a gazetteer was loaded from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// The gazetteer built into the binary.
    Embedded,
    /// A gazetteer directory.
    Directory(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Embedded => f.write_str("built-in"),
            Origin::Directory(p) => write!(f, "{}", p.display()),
        }
    }
}

type Bytes = Cow<'static, [u8]>;

/// A loaded gazetteer.
pub struct Gazetteer {
    places: Vec<Place>,
    facts: Vec<PlaceFacts>,
    names: fst::Map<Bytes>,
    sounds: Option<fst::Map<Bytes>>,
    postings: Bytes,
    countries: HashMap<String, PlaceIdx>,
    admin1: HashMap<(String, String), PlaceIdx>,
    lexicon: Lexicon,
    outlines_source: Bytes,
    outlines: OnceLock<std::result::Result<Outlines, String>>,
    manifest: serde_json::Value,
    origin: Origin,
}

/// The environment variable that selects a gazetteer directory.
pub const ENV_VAR: &str = "GEOMENTION_GAZETTEER";

include!("files.rs");

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_gazetteer.rs"));
}

/// A file of the built-in gazetteer (`"countries.geojson"`,
/// `"lexicon/demonyms.tsv"` ...), if this binary has one.
pub fn embedded_file(name: &str) -> Option<&'static [u8]> {
    embedded::FILES?
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

/// Why a gazetteer is the one in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Named with `--gazetteer` (which also reads `GEOMENTION_GAZETTEER`).
    Explicit,
    /// Named by `GEOMENTION_GAZETTEER` (library callers that pass no directory).
    Environment,
    /// A refreshed gazetteer in the user's data directory.
    UserData,
    /// Nothing else was found: the gazetteer compiled into the binary.
    BuiltIn,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Reason::Explicit => "named with --gazetteer or GEOMENTION_GAZETTEER",
            Reason::Environment => "named by GEOMENTION_GAZETTEER",
            Reason::UserData => {
                "a refreshed gazetteer in the user data directory, preferred to the built-in one"
            }
            Reason::BuiltIn => "the built-in gazetteer (no --gazetteer, no refreshed gazetteer)",
        })
    }
}

/// Which gazetteer to use, and why: the first of `--gazetteer`,
/// `$GEOMENTION_GAZETTEER`, a refreshed gazetteer in the user's data
/// directory, and the built-in one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The directory, or `None` for the built-in gazetteer.
    pub dir: Option<PathBuf>,
    pub reason: Reason,
}

impl Selection {
    pub fn choose(explicit: Option<&Path>) -> Selection {
        if let Some(dir) = explicit {
            return Selection {
                dir: Some(dir.to_path_buf()),
                reason: Reason::Explicit,
            };
        }
        if let Some(dir) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
            return Selection {
                dir: Some(PathBuf::from(dir)),
                reason: Reason::Environment,
            };
        }
        if let Some(dir) = user_gazetteer_dir().filter(|d| d.join("manifest.json").is_file()) {
            return Selection {
                dir: Some(dir),
                reason: Reason::UserData,
            };
        }
        Selection {
            dir: None,
            reason: Reason::BuiltIn,
        }
    }
}

impl Gazetteer {
    /// The gazetteer a user gets with no configuration: `explicit` (from
    /// `--gazetteer`) if given, else `$GEOMENTION_GAZETTEER`, else a refreshed
    /// gazetteer in the user's data directory, else the built-in one.
    pub fn locate_and_load(explicit: Option<&Path>) -> Result<Gazetteer> {
        Gazetteer::load(&Selection::choose(explicit))
    }

    /// Loads the gazetteer `selection` names.
    pub fn load(selection: &Selection) -> Result<Gazetteer> {
        match &selection.dir {
            Some(dir) => Gazetteer::open(dir),
            None => Gazetteer::embedded(),
        }
    }

    /// The gazetteer compiled into the binary.
    pub fn embedded() -> Result<Gazetteer> {
        let Some(files) = embedded::FILES else {
            return Err(Error::Gazetteer {
                path: "built-in".into(),
                message: "this binary was built without a gazetteer; pass --gazetteer DIR \
                          or set GEOMENTION_GAZETTEER"
                    .into(),
            });
        };
        let get = |name: &str| -> Option<Bytes> {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| Cow::Borrowed(*b))
        };
        Gazetteer::from_parts(
            |name| Ok(get(name)),
            Origin::Embedded,
            Path::new("built-in"),
        )
    }

    /// Loads the gazetteer directory `dir`.
    pub fn open(dir: &Path) -> Result<Gazetteer> {
        if !dir.is_dir() {
            return Err(Error::Gazetteer {
                path: dir.into(),
                message: "not a directory".into(),
            });
        }
        Gazetteer::from_parts(
            |name| {
                let path = dir.join(name);
                match std::fs::read(&path) {
                    Ok(b) => Ok(Some(Cow::Owned(b))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(Error::io(path, e)),
                }
            },
            Origin::Directory(dir.to_path_buf()),
            dir,
        )
    }

    fn from_parts(
        read_optional: impl Fn(&str) -> Result<Option<Bytes>>,
        origin: Origin,
        label: &Path,
    ) -> Result<Gazetteer> {
        let read = |name: &str| -> Result<Bytes> {
            read_optional(name)?.ok_or_else(|| Error::Gazetteer {
                path: label.to_path_buf(),
                message: format!("{name} is missing"),
            })
        };
        let bad = |message: String| Error::Gazetteer {
            path: label.to_path_buf(),
            message,
        };
        let places_bytes = read("places.tsv")?;
        let places_text = std::str::from_utf8(&places_bytes)
            .map_err(|e| bad(format!("places.tsv is not UTF-8: {e}")))?;
        let places = parse_places(places_text, &label.join("places.tsv"))?;
        let names = fst::Map::new(read("names.fst")?)
            .map_err(|e| bad(format!("names.fst is not a valid FST: {e}")))?;
        let sounds = match read_optional("sounds.fst")? {
            Some(b) => Some(
                fst::Map::new(b).map_err(|e| bad(format!("sounds.fst is not a valid FST: {e}")))?,
            ),
            None => None,
        };
        let postings = read("postings.bin")?;
        if postings.len() % 4 != 0 {
            return Err(bad("postings.bin is truncated".into()));
        }
        let words = read("lexicon/common_words.tsv")?;
        let first = read("lexicon/first_names.txt")?;
        let demonyms = read("lexicon/demonyms.tsv")?;
        let lexicon = Lexicon::parse(
            &String::from_utf8_lossy(&words),
            &String::from_utf8_lossy(&first),
            &String::from_utf8_lossy(&demonyms),
        );
        let manifest_bytes = read("manifest.json")?;
        let manifest = serde_json::from_slice(&manifest_bytes)
            .map_err(|e| bad(format!("manifest.json: {e}")))?;
        let outlines_source = read("countries.geojson")?;

        let mut countries = HashMap::new();
        let mut admin1 = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            match (p.kind, p.feature_code.as_str()) {
                (PlaceKind::Country, _) => {
                    countries.entry(p.country.clone()).or_insert(i as PlaceIdx);
                }
                (PlaceKind::Region, "ADM1") => {
                    admin1.insert((p.country.clone(), p.admin1.clone()), i as PlaceIdx);
                }
                _ => {}
            }
        }
        let facts = place_facts(&places).map_err(bad)?;
        let gaz = Gazetteer {
            places,
            facts,
            names,
            sounds,
            postings,
            countries,
            admin1,
            lexicon,
            outlines_source,
            outlines: OnceLock::new(),
            manifest,
            origin,
        };
        gaz.check_postings().map_err(bad)?;
        Ok(gaz)
    }

    /// Every posting must point at a place: a truncated or mismatched
    /// gazetteer is refused at load, not discovered mid-run.
    fn check_postings(&self) -> std::result::Result<(), String> {
        let words = self.postings.len() / 4;
        let n = self.places.len() as u32;
        let mut at = 0;
        while at < words {
            let count = self.word(at) as usize;
            if at + 1 + count > words {
                return Err("postings.bin is truncated".into());
            }
            for k in 0..count {
                if Posting(self.word(at + 1 + k)).place() >= n {
                    return Err("postings.bin points past places.tsv".into());
                }
            }
            at += 1 + count;
        }
        Ok(())
    }

    fn word(&self, i: usize) -> u32 {
        let b = &self.postings[i * 4..i * 4 + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The postings list stored at `offset` (a value of [`Gazetteer::names`]).
    pub fn postings_at(&self, offset: u64) -> impl Iterator<Item = Posting> + '_ {
        let at = offset as usize;
        let count = if at < self.postings.len() / 4 {
            self.word(at) as usize
        } else {
            0
        };
        (0..count).map(move |k| Posting(self.word(at + 1 + k)))
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

    /// The country outlines, parsed on first use (only claims about borders need them).
    pub fn outlines(&self) -> Result<&Outlines> {
        self.outlines
            .get_or_init(|| Outlines::parse(&self.outlines_source).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Gazetteer {
                path: self.origin.to_string().into(),
                message: format!("countries.geojson: {e}"),
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

/// Where `gazetteer refresh` writes by default and `map` looks first:
/// `$XDG_DATA_HOME/geomention/gazetteer` or `~/.local/share/geomention/gazetteer`
/// (the platform's data directory elsewhere).
pub fn user_gazetteer_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
            let home = PathBuf::from(home);
            Some(if cfg!(target_os = "macos") {
                home.join("Library/Application Support")
            } else if cfg!(windows) {
                std::env::var_os("APPDATA").map_or(home.join("AppData/Roaming"), PathBuf::from)
            } else {
                home.join(".local/share")
            })
        })?;
    Some(base.join("geomention").join("gazetteer"))
}

/// The header of `places.tsv`.
pub const PLACES_HEADER: &str =
    "place_id\tgeonameid\tname\tkind\tfeature_code\tcountry\tadmin1\tlat\tlon\tpopulation";

/// Parses `places.tsv`. The table is cut at line boundaries into one
/// chunk per core, parsed in parallel: it is most of the start-up time.
fn parse_places(text: &str, path: &Path) -> Result<Vec<Place>> {
    let Some((header, body)) = text.split_once('\n') else {
        return Err(Error::format(path, 1, "missing or unexpected header"));
    };
    if header.trim_end_matches('\r') != PLACES_HEADER {
        return Err(Error::format(path, 1, "missing or unexpected header"));
    }
    let parts = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut chunks: Vec<&str> = Vec::with_capacity(parts);
    let mut rest = body;
    for k in (1..=parts).rev() {
        let cut = if k == 1 {
            rest.len()
        } else {
            let at = rest.len() / k;
            rest[at..].find('\n').map_or(rest.len(), |i| at + i + 1)
        };
        let (chunk, tail) = rest.split_at(cut);
        chunks.push(chunk);
        rest = tail;
    }
    let parsed: Vec<std::result::Result<Vec<Place>, (usize, String)>> =
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .iter()
                .map(|&chunk| scope.spawn(move || parse_place_rows(chunk)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err((0, "parser panicked".to_string())))
                })
                .collect()
        });
    let mut places = Vec::with_capacity(text.len() / 60);
    let mut lines_before = 1; // the header
    for (chunk, part) in chunks.iter().zip(parsed) {
        match part {
            Ok(rows) => places.extend(rows),
            // Line numbers are counted only when there is an error to report.
            Err((row, message)) => {
                return Err(Error::format(path, lines_before + row + 1, message))
            }
        }
        lines_before += chunk.matches('\n').count();
    }
    Ok(places)
}

/// Parses rows of `places.tsv`; an error carries the 0-based row in `text`.
fn parse_place_rows(text: &str) -> std::result::Result<Vec<Place>, (usize, String)> {
    let mut places = Vec::with_capacity(text.len() / 60);
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let mut f = [""; 10];
        let mut n = 0;
        for field in line.split('\t') {
            if n < 10 {
                f[n] = field;
            }
            n += 1;
        }
        let err = |m: &str| (i, m.to_string());
        if n != 10 {
            return Err(err(&format!("expected 10 columns, found {n}")));
        }
        let num = |s: &str, what: &str| -> std::result::Result<f64, (usize, String)> {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(&format!("bad {what} {s:?}")))
        };
        places.push(Place {
            place_id: f[0].to_string(),
            geonameid: if f[1].is_empty() {
                None
            } else {
                Some(f[1].parse().map_err(|_| err("bad geonameid"))?)
            },
            name: f[2].to_string(),
            kind: PlaceKind::parse(f[3]).ok_or_else(|| err("bad kind"))?,
            feature_code: f[4].to_string(),
            country: f[5].to_string(),
            admin1: f[6].to_string(),
            lat: num(f[7], "latitude")?,
            lon: num(f[8], "longitude")?,
            population: if f[9].is_empty() {
                None
            } else {
                Some(f[9].parse().map_err(|_| err("bad population"))?)
            },
        });
    }
    Ok(places)
}

/// Writes one `places.tsv` row.
pub(crate) fn place_row(p: &Place) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.5}\t{:.5}\t{}",
        p.place_id,
        p.geonameid.map(|g| g.to_string()).unwrap_or_default(),
        p.name,
        p.kind.as_str(),
        p.feature_code,
        p.country,
        p.admin1,
        p.lat,
        p.lon,
        p.population.map(|g| g.to_string()).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: usize, bad_at: Option<usize>) -> String {
        let mut t = format!("{PLACES_HEADER}\n");
        for i in 0..rows {
            if Some(i) == bad_at {
                t.push_str("gn:1\tbroken row\n");
            } else {
                t.push_str(&format!(
                    "gn:{i}\t{i}\tPlace {i}\tcity\tPPL\tUA\t07\t49.5\t36.2\t{i}\n"
                ));
            }
        }
        t
    }

    #[test]
    fn places_parse_in_order_whatever_the_chunking() {
        let places = parse_places(&table(1000, None), Path::new("places.tsv")).unwrap();
        assert_eq!(places.len(), 1000);
        for (i, p) in places.iter().enumerate() {
            assert_eq!(p.geonameid, Some(i as u32));
        }
    }

    #[test]
    fn a_bad_row_is_reported_with_its_line() {
        // Row 700 is on line 702 (the header is line 1).
        let err = parse_places(&table(1000, Some(700)), Path::new("places.tsv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "places.tsv:702: expected 10 columns, found 2"
        );
        let err = parse_places("nonsense\n", Path::new("places.tsv")).unwrap_err();
        assert!(err.to_string().starts_with("places.tsv:1:"), "{err}");
    }
}
