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
        // Sized up front and cut with `memchr` (see [`lines`]): tens of
        // thousands of short lines, read at every start-up.
        let mut common_words =
            foldhash::HashMap::with_capacity_and_hasher(count_lines(words), Default::default());
        common_words.extend(lines(words).filter_map(|l| {
            let (w, z) = split_tab(l)?;
            Some((w.to_string(), z.trim().parse().ok()?))
        }));
        let mut first_names =
            foldhash::HashSet::with_capacity_and_hasher(count_lines(names), Default::default());
        first_names.extend(
            lines(names)
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
        let demonyms = lines(demonyms)
            .filter_map(|l| {
                let (w, c) = split_tab(l)?;
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

/// What loading learns of `postings.bin` before the place table is
/// known: every posting must point at a place, and every list must hold
/// one, so that a truncated or mismatched gazetteer is refused at load,
/// not discovered mid-run (and so that a name in the index is a name of
/// some place, without reading its list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PostingsScan {
    /// The largest place any posting before the first broken list points
    /// at.
    max_place: Option<u32>,
    /// What is wrong with the first broken list, if one is.
    broken: Option<&'static str>,
}

impl PostingsScan {
    /// Reads `postings` in one pass: each word is either a list's count or
    /// one of the `left` postings that follow it.
    fn of(postings: &[u8]) -> PostingsScan {
        let words = postings.len() / 4;
        let mut max_place: Option<u32> = None;
        let mut left = 0u32;
        for (i, b) in postings.chunks_exact(4).enumerate() {
            let w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            if left > 0 {
                let place = Posting(w).place();
                max_place = Some(max_place.map_or(place, |m| m.max(place)));
                left -= 1;
            } else if w as usize > words - i - 1 {
                return PostingsScan {
                    max_place,
                    broken: Some("postings.bin is truncated"),
                };
            } else if w == 0 {
                return PostingsScan {
                    max_place,
                    broken: Some("postings.bin holds an empty list"),
                };
            } else {
                left = w;
            }
        }
        PostingsScan {
            max_place,
            broken: None,
        }
    }

    /// The verdict for a table of `places` places: a posting past the
    /// table, or else a broken list, is an error (the first is found
    /// before the list that is broken, as a reading in order finds it).
    fn check(self, places: usize) -> std::result::Result<(), String> {
        if self.max_place.is_some_and(|m| m as usize >= places) {
            return Err("postings.bin points past places.tsv".into());
        }
        match self.broken {
            Some(why) => Err(why.into()),
            None => Ok(()),
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
    outlines_source: outlines::Source,
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
        // The other files are read before the place table is parsed, so
        // that the lexicon and the postings are read beside it, on another
        // thread; their errors are still reported in the order below, a
        // bad place table first.
        let names = read("names.fst");
        let sounds = read_optional("sounds.fst");
        let postings = read("postings.bin");
        let lexicon_files = [
            read("lexicon/common_words.tsv"),
            read("lexicon/first_names.txt"),
            read("lexicon/demonyms.tsv"),
        ];
        let (table, side) = std::thread::scope(|scope| {
            let side = scope.spawn(|| {
                let lexicon = match &lexicon_files {
                    [Ok(words), Ok(first), Ok(demonyms)] => Some(Lexicon::parse(
                        &String::from_utf8_lossy(words),
                        &String::from_utf8_lossy(first),
                        &String::from_utf8_lossy(demonyms),
                    )),
                    _ => None,
                };
                let scan = postings.as_ref().ok().map(|p| PostingsScan::of(p));
                (lexicon, scan)
            });
            let table = parse_places(&places_bytes, &label.join("places.tsv"), label);
            (table, side.join())
        });
        let PlaceTable {
            places,
            facts,
            numbered,
        } = table?;
        let names =
            fst::Map::new(names?).map_err(|e| bad(format!("names.fst is not a valid FST: {e}")))?;
        let sounds = match sounds? {
            Some(b) => Some(
                fst::Map::new(b).map_err(|e| bad(format!("sounds.fst is not a valid FST: {e}")))?,
            ),
            None => None,
        };
        let postings = postings?;
        if postings.len() % 4 != 0 {
            return Err(bad("postings.bin is truncated".into()));
        }
        for file in lexicon_files {
            file?;
        }
        let (Some(lexicon), Some(scan)) = side.unwrap_or((None, None)) else {
            return Err(bad("the lexicon or postings reader failed".into()));
        };
        let manifest_bytes = read("manifest.json")?;
        let manifest = serde_json::from_slice(&manifest_bytes)
            .map_err(|e| bad(format!("manifest.json: {e}")))?;
        let outlines_source = std::sync::Arc::new(read("countries.geojson")?);

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
        numbered.map_err(bad)?;
        scan.check(places.len()).map_err(bad)?;
        Ok(Gazetteer {
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
        })
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

    /// The country outlines, indexed on first use (only claims about
    /// borders need them), each country parsed when first asked about.
    pub fn outlines(&self) -> Result<&Outlines> {
        self.outlines
            .get_or_init(|| Outlines::index(self.outlines_source.clone()))
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

/// `places.tsv` read: the places, their [`PlaceFacts`], and whether the
/// countries could be numbered (reported after the other files' errors,
/// as it always was).
struct PlaceTable {
    places: Vec<Place>,
    facts: Vec<PlaceFacts>,
    numbered: std::result::Result<(), String>,
}

/// Parses `places.tsv` (its bytes: UTF-8 is checked with the rows). The
/// table is cut at line boundaries into one chunk per core, parsed in
/// parallel: it is most of the start-up time. The calling thread parses
/// the first chunk straight into the vectors that are returned, so only
/// the other chunks' rows are copied. `label` names the gazetteer, for an
/// error about the whole file.
fn parse_places(bytes: &[u8], path: &Path, label: &Path) -> Result<PlaceTable> {
    // The whole file's UTF-8 error, which comes before any other: made
    // again from the whole file, so that it says where in the file.
    let not_utf8 = || match std::str::from_utf8(bytes) {
        Err(e) => Error::Gazetteer {
            path: label.to_path_buf(),
            message: format!("places.tsv is not UTF-8: {e}"),
        },
        Ok(_) => Error::format(path, 1, "missing or unexpected header"),
    };
    let Some(k) = memchr::memchr(b'\n', bytes) else {
        return Err(not_utf8());
    };
    let (header, body) = (&bytes[..k], &bytes[k + 1..]);
    if header.strip_suffix(b"\r").unwrap_or(header) != PLACES_HEADER.as_bytes() {
        return Err(not_utf8());
    }
    let parts = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut chunks: Vec<&[u8]> = Vec::with_capacity(parts);
    let mut rest = body;
    for k in (1..=parts).rev() {
        let cut = if k == 1 {
            rest.len()
        } else {
            let at = rest.len() / k;
            memchr::memchr(b'\n', &rest[at..]).map_or(rest.len(), |i| at + i + 1)
        };
        let (chunk, tail) = rest.split_at(cut);
        chunks.push(chunk);
        rest = tail;
    }
    let (first, others) = chunks
        .split_first()
        .map_or((&[][..], &[][..]), |(f, o)| (*f, o));
    let mut rows = Rows::with_capacity(body.len() / ROW_BYTES);
    let (parsed, other_rows) = std::thread::scope(|scope| {
        let handles: Vec<_> = others
            .iter()
            .map(|&chunk| {
                scope.spawn(move || {
                    let mut rows = Rows::with_capacity(chunk.len() / ROW_BYTES);
                    parse_chunk(chunk, &mut rows).map(|()| rows)
                })
            })
            .collect();
        let parsed = parse_chunk(first, &mut rows);
        let other_rows: Vec<_> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(ChunkError::Row(0, "parser panicked".to_string())))
            })
            .collect();
        (parsed, other_rows)
    });
    let results: Vec<_> = std::iter::once(parsed.map(|()| None))
        .chain(other_rows.into_iter().map(|r| r.map(Some)))
        .collect();
    if results
        .iter()
        .any(|r| matches!(r, Err(ChunkError::NotUtf8)))
    {
        return Err(not_utf8());
    }
    let mut numbering = vec![rows.numbering()];
    for (k, result) in results.into_iter().enumerate() {
        match result {
            Ok(None) => {}
            Ok(Some(mut more)) => {
                numbering.push(more.numbering());
                rows.places.append(&mut more.places);
                rows.facts.append(&mut more.facts);
            }
            // Line numbers are counted only when there is an error to report.
            Err(ChunkError::Row(row, message)) => {
                let lines_before = 1 + chunks[..k]
                    .iter()
                    .map(|c| memchr::memchr_iter(b'\n', c).count())
                    .sum::<usize>();
                return Err(Error::format(path, lines_before + row + 1, message));
            }
            Err(ChunkError::NotUtf8) => {}
        }
    }
    let numbered = number_regions(&numbering, &mut rows.facts);
    Ok(PlaceTable {
        places: rows.places,
        facts: rows.facts,
        numbered,
    })
}

/// Why a chunk of `places.tsv` could not be read.
enum ChunkError {
    NotUtf8,
    /// A bad row: its 0-based number in the chunk, and what is wrong.
    Row(usize, String),
}

/// Checks that `chunk` is UTF-8 and parses its rows onto `rows`.
fn parse_chunk<'a>(chunk: &'a [u8], rows: &mut Rows<'a>) -> std::result::Result<(), ChunkError> {
    let text = std::str::from_utf8(chunk).map_err(|_| ChunkError::NotUtf8)?;
    parse_place_rows(text, rows).map_err(|(row, message)| ChunkError::Row(row, message))
}

/// A guess at the bytes of one `places.tsv` row, for reserving room.
const ROW_BYTES: usize = 60;

/// Parsed rows: the places and their facts, in order, with the facts'
/// country and region numbers counted within these rows (see
/// [`number_regions`]).
struct Rows<'a> {
    places: Vec<Place>,
    facts: Vec<PlaceFacts>,
    /// The codes these rows number, in order of first appearance.
    countries: Vec<Code<'a>>,
    regions: Vec<(Code<'a>, Code<'a>)>,
}

impl<'a> Rows<'a> {
    fn with_capacity(n: usize) -> Rows<'a> {
        Rows {
            places: Vec::with_capacity(n),
            facts: Vec::with_capacity(n),
            countries: Vec::new(),
            regions: Vec::new(),
        }
    }

    /// What [`number_regions`] needs of these rows.
    fn numbering(&mut self) -> Numbering<'a> {
        Numbering {
            rows: self.facts.len(),
            countries: std::mem::take(&mut self.countries),
            regions: std::mem::take(&mut self.regions),
        }
    }
}

/// One chunk's rows for [`number_regions`]: how many, and the codes they
/// number, in order.
struct Numbering<'a> {
    rows: usize,
    countries: Vec<Code<'a>>,
    regions: Vec<(Code<'a>, Code<'a>)>,
}

/// Parses rows of `places.tsv` onto `rows`, each place with its
/// [`PlaceFacts`], whose country and region numbers count codes in order
/// of first appearance in these rows ([`number_regions`] makes them the
/// whole table's). An error carries the 0-based row in `text`.
///
/// Lines are cut by [`lines`], and fields at tabs found by reading the
/// line byte by byte: the standard library's searches, and `memchr`'s, cost more per
/// call than these short fields take to read. Numbers go through
/// [`parse_f64`] and [`parse_uint`], which give what `str::parse` gives.
fn parse_place_rows<'a>(
    text: &'a str,
    rows: &mut Rows<'a>,
) -> std::result::Result<(), (usize, String)> {
    let mut countries: foldhash::HashMap<Code, u32> = Default::default();
    let mut regions: foldhash::HashMap<(Code, Code), u32> = Default::default();
    // Rows come grouped by country, and often by division: a row that
    // repeats the one before needs no look-up.
    let mut last_country: Option<(Code, u32)> = None;
    let mut last_region: Option<((Code, Code), u32)> = None;
    for (row, line) in lines(text).enumerate() {
        if line.is_empty() {
            continue;
        }
        let mut f = [""; 10];
        let mut n = 0;
        let mut from = 0;
        let bytes = line.as_bytes();
        for tab in 0..bytes.len() {
            if bytes[tab] == b'\t' {
                if n < 10 {
                    f[n] = &line[from..tab];
                }
                n += 1;
                from = tab + 1;
            }
        }
        if n < 10 {
            f[n] = &line[from..];
        }
        n += 1;
        let err = |m: &str| (row, m.to_string());
        if n != 10 {
            return Err(err(&format!("expected 10 columns, found {n}")));
        }
        let num = |s: &str, what: &str| -> std::result::Result<f64, (usize, String)> {
            parse_f64(s)
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(&format!("bad {what} {s:?}")))
        };
        // In the order of the fields, as errors were always reported.
        let geonameid = if f[1].is_empty() {
            None
        } else {
            Some(parse_uint::<u32>(f[1]).ok_or_else(|| err("bad geonameid"))?)
        };
        let kind = PlaceKind::parse(f[3]).ok_or_else(|| err("bad kind"))?;
        let lat = num(f[7], "latitude")?;
        let lon = num(f[8], "longitude")?;
        let population = if f[9].is_empty() {
            None
        } else {
            Some(parse_uint::<u64>(f[9]).ok_or_else(|| err("bad population"))?)
        };
        let country = Code::of(f[5]);
        let country_number = match last_country {
            Some((code, n)) if code == country => n,
            _ => {
                let n = countries.len() as u32;
                let n = *countries.entry(country).or_insert_with(|| {
                    rows.countries.push(country);
                    n
                });
                last_country = Some((country, n));
                n
            }
        };
        let region = (country, Code::of(f[6]));
        let region_number = match last_region {
            Some((key, n)) if key == region => n,
            _ => {
                let n = regions.len() as u32;
                let n = *regions.entry(region).or_insert_with(|| {
                    rows.regions.push(region);
                    n
                });
                last_region = Some((region, n));
                n
            }
        };
        rows.facts.push(PlaceFacts {
            unit: unit_vector(lat, lon),
            population: population.unwrap_or(0),
            kind,
            rank: Rank::of(f[4]),
            // Numbers within these rows: a chunk with more than 65,535
            // countries has too many for the table anyway (number_regions
            // says so), and the number is never read.
            country: country_number as u16,
            region: region_number,
            has_admin1: !f[6].is_empty(),
        });
        rows.places.push(Place {
            place_id: f[0].to_string(),
            geonameid,
            name: f[2].to_string(),
            kind,
            feature_code: f[4].to_string(),
            country: f[5].to_string(),
            admin1: f[6].to_string(),
            lat,
            lon,
            population,
        });
    }
    Ok(())
}

/// The lines of `text`, as [`str::lines`] gives them (cut at `\n` or
/// `\r\n`), found with `memchr`: quicker on the short lines of the
/// gazetteer's tables.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, tail) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(k) => (
                rest[..k].strip_suffix('\r').unwrap_or(&rest[..k]),
                &rest[k + 1..],
            ),
            None => (rest, ""),
        };
        rest = tail;
        Some(line)
    })
}

/// `line.split_once('\t')`, without a searcher's start-up cost.
fn split_tab(line: &str) -> Option<(&str, &str)> {
    let k = line.bytes().position(|b| b == b'\t')?;
    Some((&line[..k], &line[k + 1..]))
}

/// The line count of `text`, for reserving room.
fn count_lines(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1
}

/// Numbers the countries and (country, first-level division) pairs of
/// the whole table in order of first appearance, into `facts`: equal
/// numbers, equal codes. Each chunk's rows were numbered within the chunk
/// as they were parsed, in parallel, so only each chunk's distinct codes
/// are looked up here, and the facts renumbered.
fn number_regions(
    chunks: &[Numbering],
    facts: &mut [PlaceFacts],
) -> std::result::Result<(), String> {
    let mut countries: foldhash::HashMap<Code, u16> = Default::default();
    let mut regions: foldhash::HashMap<(Code, Code), u32> = Default::default();
    let mut at = 0;
    for chunk in chunks {
        let mut country_numbers = Vec::with_capacity(chunk.countries.len());
        for &code in &chunk.countries {
            let n = countries.len();
            country_numbers.push(*countries.entry(code).or_insert(n as u16));
            if countries.len() > usize::from(u16::MAX) {
                return Err("more than 65535 country codes".to_string());
            }
        }
        let region_numbers: Vec<u32> = chunk
            .regions
            .iter()
            .map(|&key| {
                let n = regions.len() as u32;
                *regions.entry(key).or_insert(n)
            })
            .collect();
        for f in &mut facts[at..at + chunk.rows] {
            f.country = country_numbers[usize::from(f.country)];
            f.region = region_numbers[f.region as usize];
        }
        at += chunk.rows;
    }
    Ok(())
}

/// A country or division code as a map key. Codes are short (`UA`,
/// `07`, `ENG`): those of up to seven bytes are packed, with their length,
/// into one number, which hashes and compares without a call to `memcmp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Code<'a> {
    Short(u64),
    Long(&'a str),
}

impl<'a> Code<'a> {
    fn of(code: &'a str) -> Code<'a> {
        let b = code.as_bytes();
        if b.len() > 7 {
            return Code::Long(code);
        }
        let mut packed = [0u8; 8];
        packed[..b.len()].copy_from_slice(b);
        packed[7] = b.len() as u8;
        Code::Short(u64::from_le_bytes(packed))
    }
}

/// `s.parse::<f64>().ok()`, quicker for the common form of `places.tsv`
/// coordinates: an optional minus sign and at most 15 digits, with a
/// decimal point between digits (`-33.86785`). Those digits make an
/// integer that an `f64` holds exactly, and dividing it by a power of ten
/// that an `f64` also holds exactly rounds once, to the nearest `f64`:
/// exactly what a correct parser returns (Clinger's fast path, which the
/// standard library takes for such numbers too, after more checks).
/// Anything else goes to `str::parse`.
fn parse_f64(s: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let b = s.as_bytes();
    let (negative, unsigned) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (whole, decimals) = match unsigned.iter().position(|&c| c == b'.') {
        Some(k) if k + 1 < unsigned.len() => (&unsigned[..k], &unsigned[k + 1..]),
        Some(_) => return s.parse().ok(),
        None => (unsigned, &[][..]),
    };
    if whole.is_empty() || whole.len() + decimals.len() > 15 {
        return s.parse().ok();
    }
    // Two plain loops: a chained iterator costs more than the digits.
    let Some(mantissa) = append_digits(0, whole).and_then(|m| append_digits(m, decimals)) else {
        return s.parse().ok();
    };
    let v = mantissa as f64 / POW10[decimals.len()];
    Some(if negative { -v } else { v })
}

/// `value` with the decimal `digits` appended, or `None` if one is not a
/// digit. The caller keeps the count low enough not to overflow.
fn append_digits(mut value: u64, digits: &[u8]) -> Option<u64> {
    for &c in digits {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + u64::from(digit);
    }
    Some(value)
}

/// `s.parse::<T>().ok()` for an unsigned integer type, quicker for plain
/// digits too few to overflow (`T::SAFE_DIGITS`); anything else goes to
/// `str::parse`.
fn parse_uint<T: SmallUint>(s: &str) -> Option<T> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > T::SAFE_DIGITS {
        return s.parse().ok();
    }
    let Some(v) = append_digits(0, b) else {
        return s.parse().ok();
    };
    T::try_from(v).ok()
}

/// The unsigned integers of `places.tsv`.
trait SmallUint: std::str::FromStr + TryFrom<u64> {
    /// Any string of this many digits or fewer fits.
    const SAFE_DIGITS: usize;
}

impl SmallUint for u32 {
    const SAFE_DIGITS: usize = 9;
}

impl SmallUint for u64 {
    const SAFE_DIGITS: usize = 19;
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
pub(crate) mod testing;

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
        let PlaceTable { places, facts, .. } = parse_places(
            table(1000, None).as_bytes(),
            Path::new("places.tsv"),
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(places.len(), 1000);
        assert_eq!(facts.len(), 1000);
        for (i, p) in places.iter().enumerate() {
            assert_eq!(p.geonameid, Some(i as u32));
        }
    }

    #[test]
    fn a_bad_row_is_reported_with_its_line() {
        // Row 700 is on line 702 (the header is line 1).
        let err = parse_places(
            table(1000, Some(700)).as_bytes(),
            Path::new("places.tsv"),
            Path::new("x"),
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "places.tsv:702: expected 10 columns, found 2"
        );
        let err = parse_places(b"nonsense\n", Path::new("places.tsv"), Path::new("x"))
            .err()
            .unwrap();
        assert!(err.to_string().starts_with("places.tsv:1:"), "{err}");
    }

    /// The place table as it was read before the quicker reader: kept to
    /// check that one against.
    mod reference {
        use super::super::*;

        pub fn parse_places(text: &str, path: &Path) -> Result<Vec<Place>> {
            let Some((header, body)) = text.split_once('\n') else {
                return Err(Error::format(path, 1, "missing or unexpected header"));
            };
            if header.trim_end_matches('\r') != PLACES_HEADER {
                return Err(Error::format(path, 1, "missing or unexpected header"));
            }
            parse_place_rows(body).map_err(|(row, m)| Error::format(path, row + 2, m))
        }

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

        pub fn place_facts(places: &[Place]) -> std::result::Result<Vec<PlaceFacts>, String> {
            let mut countries: HashMap<&str, u16> = HashMap::new();
            let mut regions: HashMap<(&str, &str), u32> = HashMap::new();
            places
                .iter()
                .map(|p| {
                    let n = countries.len();
                    let country = *countries.entry(&p.country).or_insert(n as u16);
                    if countries.len() > usize::from(u16::MAX) {
                        return Err("more than 65535 country codes".to_string());
                    }
                    let n = regions.len() as u32;
                    let region = *regions.entry((&p.country, &p.admin1)).or_insert(n);
                    Ok(PlaceFacts {
                        unit: unit_vector(p.lat, p.lon),
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
    }

    #[test]
    fn lines_are_cut_as_str_lines_cuts_them() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "a\r\r\n",
            "\r\n\r\n",
            "a\rb\n",
            "é\r\nü",
            "\r",
            "a\n\r",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    /// The lexicon read as it was before it was read with [`lines`].
    fn reference_lexicon(words: &str, names: &str, demonyms: &str) -> Lexicon {
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

    #[test]
    fn the_lexicon_reads_as_the_reference_reads_it() {
        let file = |name: &str| {
            let path = format!("{}/gazetteer/lexicon/{name}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(path).unwrap_or_default()
        };
        let shipped = [
            file("common_words.tsv"),
            file("first_names.txt"),
            file("demonyms.tsv"),
        ];
        let odd = [
            "the\t7.73\r\nto\t 7.4 \nnot a row\nbad\tx\nthe\t1.5\n\ttab\t2\n".to_string(),
            " Mary \r\n\n\r\nJohn\nMary".to_string(),
            "Russian\tRU\r\nfrench\t FR \nno tab\nrussian\tXX".to_string(),
        ];
        for [w, n, d] in [&shipped, &odd] {
            let ours = Lexicon::parse(w, n, d);
            let theirs = reference_lexicon(w, n, d);
            assert_eq!(ours.common_words, theirs.common_words);
            assert_eq!(ours.first_names, theirs.first_names);
            assert_eq!(ours.demonyms, theirs.demonyms);
        }
    }

    /// Postings checked as they were before they were read in one pass.
    fn reference_check_postings(postings: &[u8], places: u32) -> std::result::Result<(), String> {
        let word = |i: usize| {
            let b = &postings[i * 4..i * 4 + 4];
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        };
        let words = postings.len() / 4;
        let mut at = 0;
        while at < words {
            let count = word(at) as usize;
            if at + 1 + count > words {
                return Err("postings.bin is truncated".into());
            }
            if count == 0 {
                return Err("postings.bin holds an empty list".into());
            }
            for k in 0..count {
                if Posting(word(at + 1 + k)).place() >= places {
                    return Err("postings.bin points past places.tsv".into());
                }
            }
            at += 1 + count;
        }
        Ok(())
    }

    #[test]
    fn postings_are_checked_as_the_reference_checks_them() {
        let Ok(g) = Gazetteer::embedded() else {
            return;
        };
        let n = g.places.len();
        assert_eq!(
            PostingsScan::of(&g.postings).check(n),
            reference_check_postings(&g.postings, n as u32)
        );
        let lists: &[&[u32]] = &[
            &[],
            &[0],
            &[1, 3],
            &[2, 3],
            &[2, 3, 4],
            &[1, 3 | Posting::PREFERRED, 2, 5, 6],
            &[1, 7],
            &[2, 7, 3],
            &[2, 1, 7],
            &[3, 7, 1],
            &[1, 7, 3, 1],
            &[1, 2, 3, 1, 9, 9],
            &[u32::MAX, 1],
            &[0, 0, 1, 2],
            &[1, 3, 0],
            &[1, 9, 0],
            &[0, 1, 9],
        ];
        for list in lists {
            let bytes: Vec<u8> = list.iter().flat_map(|w| w.to_le_bytes()).collect();
            assert_eq!(
                PostingsScan::of(&bytes).check(7),
                reference_check_postings(&bytes, 7),
                "{list:?}"
            );
        }
    }

    /// With several files wrong, loading reports the one it always
    /// reported: the files are read beside one another, and their errors
    /// come in the order they always came.
    #[test]
    fn errors_come_in_the_order_of_the_files() {
        let Some(files) = embedded::FILES else {
            return;
        };
        type Files = HashMap<&'static str, Vec<u8>>;
        type Change = Box<dyn Fn(&mut Files)>;
        let load = |change: &dyn Fn(&mut Files)| {
            let mut map: Files = files.iter().map(|(n, b)| (*n, b.to_vec())).collect();
            change(&mut map);
            let found = Gazetteer::from_parts(
                |name| Ok(map.get(name).map(|b| Cow::Owned(b.clone()))),
                Origin::Embedded,
                Path::new("g"),
            );
            found.err().map(|e| e.to_string()).unwrap_or_default()
        };
        let places = String::from_utf8(
            files
                .iter()
                .find(|f| f.0 == "places.tsv")
                .unwrap()
                .1
                .to_vec(),
        )
        .unwrap();
        let cut: String = places.lines().take(100).map(|l| format!("{l}\n")).collect();
        let cases: Vec<(Change, &str)> = vec![
            (
                Box::new(|m| {
                    m.get_mut("places.tsv")
                        .unwrap()
                        .extend_from_slice(b"broken\n");
                    m.remove("names.fst");
                }),
                "g/places.tsv:243695: expected 10 columns, found 1",
            ),
            (
                Box::new(|m| {
                    m.get_mut("places.tsv").unwrap()[100] = 0xFF;
                    m.remove("names.fst");
                }),
                "gazetteer g: places.tsv is not UTF-8",
            ),
            (
                Box::new(|m| {
                    m.remove("names.fst");
                    m.remove("postings.bin");
                }),
                "gazetteer g: names.fst is missing",
            ),
            (
                Box::new(|m| {
                    m.get_mut("postings.bin").unwrap().push(0);
                    m.remove("lexicon/common_words.tsv");
                }),
                "gazetteer g: postings.bin is truncated",
            ),
            (
                Box::new(|m| {
                    m.remove("lexicon/first_names.txt");
                    m.remove("manifest.json");
                }),
                "gazetteer g: lexicon/first_names.txt is missing",
            ),
            (
                Box::new(|m| {
                    m.remove("manifest.json");
                    m.remove("countries.geojson");
                }),
                "gazetteer g: manifest.json is missing",
            ),
            (
                Box::new(move |m| {
                    m.insert("places.tsv", cut.clone().into_bytes());
                }),
                "gazetteer g: postings.bin points past places.tsv",
            ),
            (Box::new(|_| {}), ""),
        ];
        for (change, want) in cases {
            let got = load(&*change);
            assert!(
                got.starts_with(want) && got.is_empty() == want.is_empty(),
                "{got}"
            );
        }
    }

    /// A table that is not UTF-8 is refused as it was when the whole file
    /// was checked first: with the whole file's error, before any other.
    #[test]
    fn a_table_that_is_not_utf8_is_refused_first() {
        let good = table(1000, None).into_bytes();
        let mut bad_row = table(1000, Some(10)).into_bytes();
        let mut cases = Vec::new();
        for at in [good.len() - 5, good.len() / 2, 120, 3] {
            let mut b = good.clone();
            b[at] = 0xFF;
            cases.push(b.clone());
            b.truncate(good.len() - 1);
            b.push(0xC3); // cut short
            cases.push(b);
        }
        bad_row[good.len() / 2] = 0xC0;
        cases.push(bad_row);
        cases.push(b"\xFFplace_id".to_vec());
        cases.push(b"\xFF".to_vec());
        for bytes in cases {
            let want = match std::str::from_utf8(&bytes) {
                Err(e) => format!("gazetteer x: places.tsv is not UTF-8: {e}"),
                Ok(_) => unreachable!("the case is not UTF-8"),
            };
            let err = parse_places(&bytes, Path::new("places.tsv"), Path::new("x"))
                .err()
                .unwrap();
            assert_eq!(err.to_string(), want);
        }
    }

    /// Parses `text` both ways and fails unless they agree to the bit.
    fn assert_reads_as_reference(text: &str) {
        let path = Path::new("places.tsv");
        let ours = parse_places(text.as_bytes(), path, Path::new("x")).and_then(|t| {
            t.numbered
                .map(|()| (t.places, t.facts))
                .map_err(|m| Error::format(path, 0, m))
        });
        let theirs = reference::parse_places(text, path).and_then(|places| {
            reference::place_facts(&places)
                .map(|facts| (places, facts))
                .map_err(|m| Error::format(path, 0, m))
        });
        match (ours, theirs) {
            (Ok((places, facts)), Ok((want_places, want_facts))) => {
                assert_eq!(places, want_places);
                assert_eq!(facts, want_facts);
                let bits = |p: &Place| (p.lat.to_bits(), p.lon.to_bits());
                let unit_bits = |f: &PlaceFacts| f.unit.map(f64::to_bits);
                for (a, b) in places.iter().zip(&want_places) {
                    assert_eq!(bits(a), bits(b), "{a:?}");
                }
                for (a, b) in facts.iter().zip(&want_facts) {
                    assert_eq!(unit_bits(a), unit_bits(b));
                }
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!(
                "ours {:?}, the reference {:?}",
                a.map(|_| ()),
                b.map(|_| ())
            ),
        }
    }

    #[test]
    fn the_shipped_table_reads_as_the_reference_reads_it() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer/places.tsv");
        let Ok(text) = std::fs::read_to_string(path) else {
            return; // a checkout without a built gazetteer
        };
        assert_reads_as_reference(&text);
    }

    #[test]
    fn odd_rows_read_as_the_reference_reads_them() {
        let row = |lat: &str, lon: &str, id: &str, pop: &str| {
            format!("gn:1\t{id}\tA place\tcity\tPPLA\tUA\t07\t{lat}\t{lon}\t{pop}")
        };
        let numbers = [
            "49.5",
            "-33.86785",
            "0",
            "-0",
            "-0.0",
            "0.00000",
            "00012.50000",
            "5.",
            ".5",
            "-.5",
            "+5",
            "1e5",
            "1E-3",
            "inf",
            "-inf",
            "NaN",
            "nan",
            "",
            "-",
            ".",
            "1.2.3",
            "1,5",
            " 1.5",
            "1.5 ",
            "123456789012345",
            "1234567890123456",
            "9007199254740993",
            "0.000000000000001",
            "0.1234567890123456789",
            "179.99999",
            "-180.00000",
            "1e400",
            "89.999999999999999",
            "4.9e-324",
            "٣.5",
            "0.12345678901234",
            "0.123456789012345",
            "9.99999999999999",
            "-99999.9999999999",
        ];
        let ints = [
            "",
            "0",
            "7",
            "+7",
            "-7",
            "007",
            "4294967295",
            "4294967296",
            "999999999",
            "18446744073709551615",
            "18446744073709551616",
            "1e3",
            " 1",
            "x",
        ];
        let mut cases = Vec::new();
        for n in numbers {
            cases.push(row(n, "36.2", "1", "5"));
            cases.push(row("49.5", n, "1", "5"));
        }
        for n in ints {
            cases.push(row("49.5", "36.2", n, "5"));
            cases.push(row("49.5", "36.2", "1", n));
        }
        for case in &cases {
            assert_reads_as_reference(&format!("{PLACES_HEADER}\n{case}\n"));
        }
        // Line ends, blank lines, column counts, kinds, and a mix of
        // countries and divisions to number.
        let rows = [
            "gn:1\t1\tA\tcity\tPPL\tUA\t07\t1.5\t2.5\t",
            "gn:2\t\tB\tregion\tADM1\tUA\t\t1.5\t2.5\t9",
            "gn:3\t3\tC\tcountry\tPCLI\tRU\t07\t1.5\t2.5\t",
            "gn:4\t4\tD\tpoi\tMT\tUA\t07\t1.5\t2.5\t",
            "gn:5\t5\tE\tcity\tPPLC\t\t\t1.5\t2.5\t",
        ];
        let body = rows.join("\n");
        for text in [
            format!("{PLACES_HEADER}\n{body}"),
            format!("{PLACES_HEADER}\r\n{}\r\n", rows.join("\r\n")),
            format!("{PLACES_HEADER}\n{body}\r"),
            format!("{PLACES_HEADER}\n\n{body}\n\n\r\n\n"),
            format!(
                "{PLACES_HEADER}\n{body}\n{}",
                rows[0].replace("city", "town")
            ),
            format!("{PLACES_HEADER}\n{body}\n{}\tmore", rows[0]),
            format!("{PLACES_HEADER}\n{body}\na\tb"),
            format!("{PLACES_HEADER}\n{body}\n\t\t\t\t\t\t\t\t\t"),
            format!("{PLACES_HEADER}\n{body}\n{}\r\r\n", rows[1]),
            format!("{PLACES_HEADER}\n{}", rows[0].replace('\t', "\t\r")),
            format!("{PLACES_HEADER}\n"),
            PLACES_HEADER.to_string(),
            format!("{PLACES_HEADER}\r\n"),
            String::new(),
        ] {
            assert_reads_as_reference(&text);
        }
    }
}
