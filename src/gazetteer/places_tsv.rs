//! `places.tsv`, the gazetteer's place table: its header, the reader that
//! turns its rows into [`Place`]s and [`PlaceFacts`] at start-up, and the
//! writer of one row.
//!
//! The reader is the larger part of loading a gazetteer, so it is built
//! for speed: the table is parsed in parallel chunks, codes are packed
//! into numbers, and coordinates go through an exact fast path before
//! `str::parse`. The tests hold it against a plain reference reader. This
//! file knows the table alone, not the other files of a gazetteer.

use std::path::Path;

use super::lines::lines;
use super::place::{unit_vector, Place, PlaceFacts, PlaceKind, Rank};
use crate::error::{Error, Result};

/// The header of `places.tsv`.
pub const PLACES_HEADER: &str =
    "place_id\tgeonameid\tname\tkind\tfeature_code\tcountry\tadmin1\tlat\tlon\tpopulation";

/// `places.tsv` read: the places, their [`PlaceFacts`], and whether the
/// countries could be numbered (reported after the other files' errors,
/// as it always was).
pub(super) struct PlaceTable {
    pub(super) places: Vec<Place>,
    pub(super) facts: Vec<PlaceFacts>,
    pub(super) numbered: std::result::Result<(), String>,
}

/// Parses `places.tsv` (its bytes: UTF-8 is checked with the rows). The
/// table is cut at line boundaries into one chunk per core, parsed in
/// parallel: it is most of the start-up time. The calling thread parses
/// the first chunk straight into the vectors that are returned, so only
/// the other chunks' rows are copied. `label` names the gazetteer, for an
/// error about the whole file.
pub(super) fn parse_places(bytes: &[u8], path: &Path, label: &Path) -> Result<PlaceTable> {
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
        use std::collections::HashMap;

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
