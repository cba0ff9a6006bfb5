//! Compiles GeoNames dump files into the gazetteer format of [`super`].
//!
//! Input is what GeoNames publishes (`cities500.txt` and its kin, per-country
//! `XX.txt`, `allCountries.txt`, `alternateNamesV2.txt`, `admin1CodesASCII.txt`,
//! `admin2Codes.txt`, `countryInfo.txt`) plus three files GeoNames does not have: Natural Earth
//! country outlines (`countries.geojson`), the regions news uses that are
//! unions of first-level units (`composite_regions.tsv`: Donbas, Crimea ...),
//! and the English lexicon (`lexicon/`). The shipped gazetteer and
//! `gazetteer refresh` both go through [`build`], so they cannot drift apart.
//!
//! Derived data, stated so a reader can judge it:
//! - a first-level region without its own GeoNames row (the `cities500`
//!   extracts have none) is placed at the centre of the extent of its populated
//!   places, and its population is their sum; so is a second-level unit
//!   (county, parish, raion) without its own row, from the towns whose
//!   admin2 code (column 12) is its own;
//! - a second-level unit answers only to a name that says what it is
//!   ("Fulton County", "Orleans Parish"): its bare name is, nearly always,
//!   also the name of its seat or of a town that news means far more often;
//! - a country is placed at its GeoNames row when there is one, else at the
//!   centroid of its largest Natural Earth polygon;
//! - a region named after its capital also answers to "<capital> region",
//!   "<capital> oblast" and "<capital> province" in every Latin spelling of the
//!   capital ("Kharkov Region"), unless the region is a city-state (Kyiv City).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::places_tsv::place_row;
use super::{unit_vector, Gazetteer, Outlines, Place, PlaceKind, Posting, PLACES_HEADER};
use crate::error::{Error, Result};
use crate::text::fold;

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

/// Names GeoNames gives its geoname-table dumps.
fn is_geoname_table(name: &str) -> bool {
    let stem = name.strip_suffix(".txt").unwrap_or("");
    stem.starts_with("cities") && stem[6..].chars().all(|c| c.is_ascii_digit())
        || stem == "allCountries"
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

/// Counts of what a build wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BuildReport {
    pub places: usize,
    pub countries: usize,
    pub regions: usize,
    pub cities: usize,
    pub names: usize,
    pub postings: usize,
}

/// One place while it is being built, with every name it answers to.
struct Draft {
    place: Place,
    names: Vec<(String, u32)>,
}

/// Alternate-name "languages" that are not names (links, codes, postcodes).
const NOT_NAMES: &[&str] = &[
    "link", "wkdt", "post", "iata", "icao", "faac", "tcid", "unlc", "phon", "piny", "fr_1793",
];

fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|e| Error::io(path, e))
}

/// Calls `row` with the tab-separated fields of every non-comment line of
/// `path`, checking the column count.
fn each_row(
    path: &Path,
    columns: std::ops::RangeInclusive<usize>,
    mut row: impl FnMut(&[&str], usize) -> Result<()>,
) -> Result<()> {
    let mut reader = open(path)?;
    let mut line = String::new();
    let mut n = 0;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| Error::format(path, n + 1, format!("unreadable: {e}")))?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        let l = line.trim_end_matches(['\n', '\r']);
        let l = l.strip_prefix('\u{feff}').unwrap_or(l);
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        if !columns.contains(&fields.len()) {
            return Err(Error::format(
                path,
                n,
                format!(
                    "expected {} columns, found {}",
                    if columns.start() == columns.end() {
                        columns.start().to_string()
                    } else {
                        format!("{}-{}", columns.start(), columns.end())
                    },
                    fields.len()
                ),
            ));
        }
        row(&fields, n)?;
    }
}

fn parse_f64(path: &Path, line: usize, field: &str, s: &str) -> Result<f64> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| Error::format(path, line, format!("bad {field} {s:?}")))
}

fn parse_u64_or_zero(path: &Path, line: usize, field: &str, s: &str) -> Result<u64> {
    if s.is_empty() {
        return Ok(0);
    }
    s.parse::<u64>()
        .or_else(|_| s.parse::<i64>().map(|v| v.max(0) as u64))
        .map_err(|_| Error::format(path, line, format!("bad {field} {s:?}")))
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

/// Towns smaller than this get no sound key: a garbled spelling is only
/// worth guessing for places that are in the news.
const SOUND_KEY_MIN_POPULATION: u64 = 10_000;

/// Suffixes added to a capital's names to name its region.
const REGION_SUFFIXES: &[&str] = &["region", "oblast", "province", "governorate", "krai"];

struct CountryRow {
    iso: String,
    name: String,
    geonameid: Option<u32>,
    population: u64,
}

/// Builds a gazetteer from `sources` into the directory `out`, which must
/// not exist yet, and checks that it loads. `provenance` is merged into the
/// manifest (refresh records URLs, ETags and sizes there).
pub fn build(
    sources: &Sources,
    filters: &Filters,
    out: &Path,
    provenance: serde_json::Value,
) -> Result<BuildReport> {
    let keep_country =
        |cc: &str| filters.countries.is_empty() || filters.countries.iter().any(|c| c == cc);
    let languages: HashSet<&str> = filters.languages.iter().map(String::as_str).collect();

    // Countries.
    let mut country_rows: Vec<CountryRow> = Vec::new();
    each_row(&sources.country_info, 16..=19, |f, n| {
        if !keep_country(f[0]) {
            return Ok(());
        }
        country_rows.push(CountryRow {
            iso: f[0].to_string(),
            name: f[4].to_string(),
            geonameid: f.get(16).and_then(|g| g.parse().ok()),
            population: parse_u64_or_zero(&sources.country_info, n, "population", f[7])?,
        });
        Ok(())
    })?;

    // First-level regions.
    let mut admin1_rows: BTreeMap<(String, String), (String, Option<u32>)> = BTreeMap::new();
    each_row(&sources.admin1_codes, 4..=4, |f, n| {
        let Some((cc, code)) = f[0].split_once('.') else {
            return Err(Error::format(
                &sources.admin1_codes,
                n,
                format!("bad code {:?}", f[0]),
            ));
        };
        if keep_country(cc) {
            admin1_rows.insert(
                (cc.into(), code.into()),
                (f[1].to_string(), f[3].parse().ok()),
            );
        }
        Ok(())
    })?;

    // Second-level units: (country, admin1, admin2) → (name, geonameid).
    let mut admin2_rows: BTreeMap<Admin2Key, (String, Option<u32>)> = BTreeMap::new();
    if let Some(path) = &sources.admin2_codes {
        each_row(path, 4..=4, |f, n| {
            let mut parts = f[0].splitn(3, '.');
            let (Some(cc), Some(a1), Some(a2)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(Error::format(path, n, format!("bad code {:?}", f[0])));
            };
            if keep_country(cc) && is_unit_name(f[1]) {
                admin2_rows.insert(
                    (cc.into(), a1.into(), a2.into()),
                    (f[1].to_string(), f[3].parse().ok()),
                );
            }
            Ok(())
        })?;
    }
    // Towns by the second-level unit they lie in, kept or not (a county's
    // centre is the centre of all its towns).
    let mut admin2_members: HashMap<Admin2Key, Vec<(f64, f64, u64)>> = HashMap::new();
    let mut admin2_points: HashMap<Admin2Key, (f64, f64, u64)> = HashMap::new();

    // Places from the geoname tables.
    let mut drafts: Vec<Draft> = Vec::new();
    let mut by_geonameid: HashMap<u32, usize> = HashMap::new();
    let mut country_points: HashMap<String, (f64, f64, String)> = HashMap::new();
    let mut admin1_points: HashMap<(String, String), (f64, f64, u64)> = HashMap::new();
    for path in &sources.geonames {
        each_row(path, 19..=19, |f, n| {
            let (class, code, cc) = (f[6], f[7], f[8]);
            if !keep_country(cc) {
                return Ok(());
            }
            let geonameid: u32 = f[0]
                .parse()
                .map_err(|_| Error::format(path, n, format!("bad geonameid {:?}", f[0])))?;
            let lat = parse_f64(path, n, "latitude", f[4])?;
            let lon = parse_f64(path, n, "longitude", f[5])?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(Error::format(path, n, "coordinates out of range"));
            }
            let population = parse_u64_or_zero(path, n, "population", f[14])?;
            let alternates = f[3];
            if !admin2_rows.is_empty() && !f[11].is_empty() {
                let key = (cc.to_string(), f[10].to_string(), f[11].to_string());
                match (class, code) {
                    ("P", _) => admin2_members
                        .entry(key)
                        .or_default()
                        .push((lat, lon, population)),
                    ("A", "ADM2") => {
                        admin2_points.insert(key, (lat, lon, population));
                    }
                    _ => {}
                }
            }
            let keep = match (class, code) {
                ("P", _) => population >= filters.min_population || code == "PPLC",
                ("A", "ADM1") => {
                    admin1_points.insert((cc.into(), f[10].into()), (lat, lon, population));
                    false
                }
                ("A", c) if c.starts_with("PCL") => {
                    country_points.insert(cc.into(), (lat, lon, c.to_string()));
                    false
                }
                ("L", "RGN" | "RGNE" | "RGNH") => alternates.split(',').count() >= 8,
                _ => false,
            };
            if !keep || by_geonameid.contains_key(&geonameid) {
                return Ok(());
            }
            let mut names: Vec<(String, u32)> = vec![
                (f[1].to_string(), Posting::PREFERRED),
                (f[2].to_string(), Posting::PREFERRED),
            ];
            names.extend(
                alternates
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(|a| (a.to_string(), 0)),
            );
            by_geonameid.insert(geonameid, drafts.len());
            drafts.push(Draft {
                place: Place {
                    place_id: format!("gn:{geonameid}"),
                    geonameid: Some(geonameid),
                    name: f[1].to_string(),
                    kind: PlaceKind::from_feature(class, code),
                    feature_code: code.to_string(),
                    country: cc.to_string(),
                    admin1: f[10].to_string(),
                    lat,
                    lon,
                    population: (population > 0).then_some(population),
                },
                names,
            });
            Ok(())
        })?;
    }

    let outlines_bytes =
        std::fs::read(&sources.outlines).map_err(|e| Error::io(&sources.outlines, e))?;
    let outlines = Outlines::parse(&outlines_bytes).map_err(|m| Error::Gazetteer {
        path: sources.outlines.clone(),
        message: m,
    })?;

    // Regions: at their own GeoNames point, else the spherical mean of their places.
    let mut members: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, d) in drafts.iter().enumerate() {
        if d.place.kind == PlaceKind::City && !d.place.admin1.is_empty() {
            members
                .entry((d.place.country.clone(), d.place.admin1.clone()))
                .or_default()
                .push(i);
        }
    }
    let mut admin1_index: HashMap<(String, String), usize> = HashMap::new();
    for ((cc, code), (name, geonameid)) in &admin1_rows {
        let key = (cc.clone(), code.clone());
        let in_region = members.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        let summed: u64 = in_region
            .iter()
            .filter_map(|&i| drafts[i].place.population)
            .sum();
        let (lat, lon, population) = match admin1_points.get(&key) {
            Some(&(lat, lon, pop)) => (lat, lon, if pop > 0 { pop } else { summed }),
            None => match extent_centre(
                in_region
                    .iter()
                    .map(|&i| (drafts[i].place.lat, drafts[i].place.lon)),
            ) {
                Some((lat, lon)) => (lat, lon, summed),
                None => continue,
            },
        };
        if let Some(g) = geonameid {
            if by_geonameid.contains_key(g) {
                continue;
            }
        }
        admin1_index.insert(key, drafts.len());
        if let Some(g) = geonameid {
            by_geonameid.insert(*g, drafts.len());
        }
        drafts.push(Draft {
            place: Place {
                place_id: geonameid.map_or(format!("adm1:{cc}.{code}"), |g| format!("gn:{g}")),
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

    for ((cc, a1, a2), (name, geonameid)) in &admin2_rows {
        let key = (cc.clone(), a1.clone(), a2.clone());
        let towns = admin2_members.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        let summed: u64 = towns.iter().map(|t| t.2).sum();
        let (lat, lon, population) = match admin2_points.get(&key) {
            Some(&(lat, lon, pop)) => (lat, lon, if pop > 0 { pop } else { summed }),
            None => match extent_centre(towns.iter().map(|t| (t.0, t.1))) {
                Some((lat, lon)) => (lat, lon, summed),
                None => continue,
            },
        };
        if geonameid.is_some_and(|g| by_geonameid.contains_key(&g)) {
            continue;
        }
        if let Some(g) = geonameid {
            by_geonameid.insert(*g, drafts.len());
        }
        drafts.push(Draft {
            place: Place {
                place_id: geonameid.map_or(format!("adm2:{cc}.{a1}.{a2}"), |g| format!("gn:{g}")),
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

    // Countries.
    for c in &country_rows {
        let point = country_points
            .get(&c.iso)
            .map(|&(lat, lon, ref code)| (lat, lon, code.clone()))
            .or_else(|| {
                outlines
                    .representative_point(&c.iso)
                    .map(|(lat, lon)| (lat, lon, "PCLI".into()))
            })
            .or_else(|| {
                drafts
                    .iter()
                    .find(|d| d.place.country == c.iso && d.place.feature_code == "PPLC")
                    .map(|d| (d.place.lat, d.place.lon, "PCLI".into()))
            });
        let Some((lat, lon, code)) = point else {
            continue;
        };
        if let Some(g) = c.geonameid {
            if let Some(&i) = by_geonameid.get(&g) {
                // A PCL row kept as a place already: make it the country.
                drafts[i].place.kind = PlaceKind::Country;
                continue;
            }
            by_geonameid.insert(g, drafts.len());
        }
        drafts.push(Draft {
            place: Place {
                place_id: c
                    .geonameid
                    .map_or(format!("country:{}", c.iso), |g| format!("gn:{g}")),
                geonameid: c.geonameid,
                name: c.name.clone(),
                kind: PlaceKind::Country,
                feature_code: code,
                country: c.iso.clone(),
                admin1: String::new(),
                lat,
                lon,
                population: (c.population > 0).then_some(c.population),
            },
            names: vec![(c.name.clone(), Posting::PREFERRED)],
        });
    }

    // Alternate names, for the places kept.
    for path in &sources.alternate_names {
        each_row(path, 4..=10, |f, n| {
            let geonameid: u32 = f[1]
                .parse()
                .map_err(|_| Error::format(path, n, format!("bad geonameid {:?}", f[1])))?;
            let Some(&i) = by_geonameid.get(&geonameid) else {
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
            } else {
                0
            };
            drafts[i].names.push((f[3].to_string(), flags));
            Ok(())
        })?;
    }

    // Regions named after their capital answer to "<capital> region".
    add_region_forms(&mut drafts, &admin1_index);

    // Composite regions.
    if let Some(path) = &sources.composite_regions {
        add_composite_regions(
            path,
            &mut drafts,
            &admin1_index,
            &admin1_rows,
            &keep_country,
        )?;
    }

    // Order: countries, regions, cities, others; then by id, for stable output.
    drafts.sort_by(|a, b| {
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

    std::fs::create_dir_all(out.join("lexicon")).map_err(|e| Error::io(out, e))?;
    let report = write_index(&drafts, out)?;

    for (name, from) in [
        ("countries.geojson", sources.outlines.clone()),
        (
            "lexicon/common_words.tsv",
            sources.lexicon.join("common_words.tsv"),
        ),
        (
            "lexicon/first_names.txt",
            sources.lexicon.join("first_names.txt"),
        ),
        ("lexicon/demonyms.tsv", sources.lexicon.join("demonyms.tsv")),
    ] {
        std::fs::copy(&from, out.join(name)).map_err(|e| Error::io(&from, e))?;
    }
    if let Some(path) = &sources.composite_regions {
        std::fs::copy(path, out.join("composite_regions.tsv")).map_err(|e| Error::io(path, e))?;
    }
    // The account of where the data came from travels with it.
    if let Some(doc) = &sources.documentation {
        std::fs::copy(doc, out.join("SOURCES.md")).map_err(|e| Error::io(doc, e))?;
    }

    let mut inputs = Vec::new();
    for path in sources
        .geonames
        .iter()
        .chain(&sources.alternate_names)
        .chain([
            &sources.admin1_codes,
            &sources.country_info,
            &sources.outlines,
        ])
        .chain(&sources.composite_regions)
    {
        let (size, sha256) = sha256_file(path)?;
        inputs.push(serde_json::json!({
            "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
            "size": size,
            "sha256": sha256,
        }));
    }
    let mut manifest = serde_json::json!({
        "format": 1,
        "built_at": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "builder": format!("geomention {}", env!("CARGO_PKG_VERSION")),
        "filters": filters,
        "inputs": inputs,
        "counts": &report,
    });
    if let (Some(m), serde_json::Value::Object(extra)) = (manifest.as_object_mut(), provenance) {
        for (k, v) in extra {
            m.insert(k, v);
        }
    }
    let text =
        serde_json::to_string_pretty(&manifest).map_err(|e| Error::Invalid(e.to_string()))?;
    std::fs::write(out.join("manifest.json"), text + "\n").map_err(|e| Error::io(out, e))?;

    // A gazetteer that does not load is never handed over.
    Gazetteer::open(out)?;
    Ok(report)
}

/// Builds into a temporary directory beside `dest`, then swaps it in: the
/// previous gazetteer is kept as `<dest>.previous` until the next build, and
/// `dest` is never left half-written.
pub fn build_and_install(
    sources: &Sources,
    filters: &Filters,
    dest: &Path,
    provenance: serde_json::Value,
) -> Result<BuildReport> {
    let staging = staging_beside(dest, ".geomention-build-")?;
    let fresh = staging.path().join("gazetteer");
    let report = build(sources, filters, &fresh, provenance)?;
    install(&fresh, dest)?;
    Ok(report)
}

/// A temporary directory beside `dest` (on the same file system, so the
/// finished gazetteer can be renamed into place), removed when dropped.
pub fn staging_beside(dest: &Path, prefix: &str) -> Result<tempfile::TempDir> {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))
}

/// Swaps the complete gazetteer `fresh` in at `dest`, keeping the old one as
/// `<dest>.previous`.
pub fn install(fresh: &Path, dest: &Path) -> Result<()> {
    let backup = sibling(dest, "previous");
    if dest.exists() {
        if backup.exists() {
            std::fs::remove_dir_all(&backup).map_err(|e| Error::io(&backup, e))?;
        }
        std::fs::rename(dest, &backup).map_err(|e| Error::io(dest, e))?;
    }
    if let Err(e) = std::fs::rename(fresh, dest) {
        // Put the old one back before reporting.
        if backup.exists() {
            let _ = std::fs::rename(&backup, dest);
        }
        return Err(Error::io(dest, e));
    }
    Ok(())
}

/// `<dest>.<suffix>` beside `dest`.
pub fn sibling(dest: &Path, suffix: &str) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{suffix}"));
    dest.with_file_name(name)
}

/// Reads a provenance file for [`build`]: a JSON object whose keys are
/// recorded in the manifest.
pub fn read_provenance(path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::format(path, e.line(), e.to_string()))?;
    if !value.is_object() {
        return Err(Error::format(path, 1, "expected a JSON object"));
    }
    Ok(value)
}

/// Size and SHA-256 (hex) of a file, read as a stream.
pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut f = open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    let digest = hasher.finalize();
    Ok((size, digest.iter().map(|b| format!("{b:02x}")).collect()))
}

/// A second-level unit's code: (country, admin1, admin2).
type Admin2Key = (String, String, String);

/// True when a second-level unit's name ends with what kind of unit it is
/// ("Fulton County", "Orleans Parish", "Kupiansk Raion"). Only such names
/// are indexed (see the module documentation).
fn is_unit_name(name: &str) -> bool {
    const UNIT_WORDS: &[&str] = &[
        "county",
        "parish",
        "borough",
        "raion",
        "rayon",
        "district",
        "prefecture",
        "municipality",
    ];
    let mut words = name.split_whitespace();
    let last = words.next_back().map(str::to_lowercase);
    words.next().is_some() && last.is_some_and(|w| UNIT_WORDS.contains(&w.as_str()))
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

/// Adds "<capital> region" names to first-level regions named after a city.
fn add_region_forms(drafts: &mut [Draft], admin1_index: &HashMap<(String, String), usize>) {
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
fn is_city_state(drafts: &[Draft], members: &[usize], capital: &Draft) -> bool {
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

fn add_composite_regions(
    path: &Path,
    drafts: &mut Vec<Draft>,
    admin1_index: &HashMap<(String, String), usize>,
    admin1_rows: &BTreeMap<(String, String), (String, Option<u32>)>,
    keep_country: &dyn Fn(&str) -> bool,
) -> Result<()> {
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    each_row(path, 5..=6, |f, n| {
        if f[0] == "place_id" {
            return Ok(());
        }
        rows.push((n, f.iter().map(|s| s.to_string()).collect()));
        Ok(())
    })?;
    for (n, f) in rows {
        let mut points = Vec::new();
        let mut population = 0;
        let mut country = String::new();
        for member in f[3].split('|').filter(|m| !m.is_empty()) {
            let Some((cc, code)) = member.split_once('.') else {
                return Err(Error::format(path, n, format!("bad member {member:?}")));
            };
            if !keep_country(cc) {
                continue;
            }
            let key = (cc.to_string(), code.to_string());
            let Some(&i) = admin1_index.get(&key) else {
                // A region GeoNames lists but that has no point in this
                // extract (no place of it in cities15000, say) is left out;
                // one GeoNames does not list is a mistake in the file.
                if admin1_rows.contains_key(&key) {
                    continue;
                }
                return Err(Error::format(
                    path,
                    n,
                    format!("unknown first-level region {member:?}"),
                ));
            };
            points.push((drafts[i].place.lat, drafts[i].place.lon));
            population += drafts[i].place.population.unwrap_or(0);
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
        drafts.push(Draft {
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

/// Writes `places.tsv`, `names.fst` and `postings.bin`.
fn write_index(drafts: &[Draft], out: &Path) -> Result<BuildReport> {
    let mut report = BuildReport::default();
    let mut places = String::with_capacity(drafts.len() * 80);
    places.push_str(PLACES_HEADER);
    places.push('\n');
    let mut entries: Vec<(String, u32)> = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        places.push_str(&place_row(&d.place));
        places.push('\n');
        match d.place.kind {
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

    // Sound keys of the Latin names of towns, for spellings that came back
    // from another script ("Kubyansk"); each key keeps its most populous town.
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

    #[test]
    fn recognizes_geoname_table_names() {
        for n in [
            "cities500.txt",
            "cities15000.txt",
            "allCountries.txt",
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

    #[test]
    fn spherical_mean_handles_the_antimeridian() {
        let (lat, lon) = spherical_mean([(10.0, 179.0), (10.0, -179.0)].into_iter()).unwrap();
        assert!((lon.abs() - 180.0).abs() < 1e-9, "{lon}");
        assert!((lat - 10.0).abs() < 0.01);
    }

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
