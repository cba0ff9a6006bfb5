//! Properties that must hold for any text, checked on generated ones
//! (proptest): news-like sentences made of place names in several
//! scripts, numbers from one digit to four hundred, units, qualifiers and
//! relation words, mixed with marks, emoji, combining accents and text in
//! other scripts, and phrases built as claims are stated ("Sumy lies about
//! 30 km from the Russian border.") with any of those numbers, so that
//! most texts have claims. For every text:
//!
//! - each mention and claim sits on character boundaries, and
//!   `text[start..end]` (bytes and code points alike) is its text;
//! - a claim's value is finite and above zero (a range may start at zero);
//! - the map is the same bytes whatever the number of threads;
//! - the map parses as GeoJSON, and no feature has a coordinate that is
//!   not a finite number on the globe.
//!
//! These go through the library, not the binary, so that a case costs
//! microseconds, not a process; the built-in gazetteer is loaded once.
//! The case counts are kept small enough for a two-core CI machine;
//! `PROPTEST_CASES` raises them for a longer search.

use std::sync::OnceLock;

use geomention::batch::{self, Input, RunOptions};
use geomention::output::{self, Format};
use geomention::{Document, Gazetteer, Geoparser};
use proptest::prelude::*;
use serde_json::Value;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::embedded().expect("the built-in gazetteer loads"))
}

fn parser() -> &'static Geoparser<'static> {
    static P: OnceLock<Geoparser<'static>> = OnceLock::new();
    P.get_or_init(|| Geoparser::new(gazetteer()))
}

const WORDS: &[&str] = &[
    "Kharkiv",
    "Kyiv",
    "Sumy",
    "Kharkov",
    "Odesa",
    "Donbas",
    "Crimea",
    "Moscow",
    "Kursk",
    "Belgorod",
    "Vovchansk",
    "Volchansk",
    "Kupiansk",
    "Kubyansk",
    "Харків",
    "Київ",
    "Москва",
    "دونباس",
    "哈尔滨",
    "Harbin",
    "Vladivostok",
    "Lviv",
    "Ukraine",
    "Russia",
    "Russian",
    "Ukrainian",
    "border",
    "the",
    "of",
    "from",
    "into",
    "apart",
    "away",
    "north-east",
    "south",
    "west of",
    "about",
    "some",
    "more than",
    "less than",
    "nearly",
    "between",
    "and",
    "up to",
    "within",
    "just",
    "a",
    "half",
    "dozen",
    "twenty-five",
    "hundred",
    "thousand",
    "Vladimir",
    "Putin",
    "March",
    "said",
    "region",
    "Oblast",
    "city",
    "town",
    "'s",
    "’s",
    "https://example.org/Kyiv",
    "date 2024-05-17",
];

const MARKS: &[&str] = &[
    ".", ",", ";", ":", "-", "–", "—", "(", ")", "\"", "“", "”", "'", "’", "/", "$", "%", "…",
    "\n", "\n\n", "\t", "\u{a0}", "\u{200b}", "\u{feff}", "\u{301}", "\u{202e}", "🇺🇦", "😀",
    "\r\n",
];

/// A number as a text may write it: digits (one to four hundred of
/// them), with group commas or a decimal part, or zero.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u64..2000).prop_map(|n| n.to_string()),
        (1u64..100_000_000).prop_map(|n| {
            let s = n.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }),
        (0u32..1000, 1u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        (1usize..400).prop_map(|n| "9".repeat(n)),
        (1usize..400).prop_map(|n| format!("1{}", "0".repeat(n))),
        Just("0".to_string()),
        Just("0.0".to_string()),
    ]
}

const PLACES: &[&str] = &[
    "Kharkiv",
    "Kyiv",
    "Sumy",
    "Kursk",
    "Belgorod",
    "Odesa",
    "Harbin",
    "Vladivostok",
    "Lviv",
    "Moscow",
    "the Russian border",
    "the Ukrainian border",
    "Russia",
    "Donbas",
    "Харків",
];
const UNITS: &[&str] = &[
    "km",
    "kilometres",
    "miles",
    "mi",
    "nautical miles",
    "m",
    "metres",
    "sq km",
    "km²",
    "square miles",
    "hectares",
    "ha",
    "acres",
    "kilometers",
];
const RELATIONS: &[&str] = &[
    "from",
    "north-east of",
    "to the south of",
    "away from",
    "into",
    "off",
    "outside",
    "apart",
    "away",
    "of",
    "inside",
];
const QUALIFIERS: &[&str] = &[
    "",
    "about",
    "some",
    "more than",
    "less than",
    "nearly",
    "just",
    "up to",
    "within",
    "roughly",
    "at least",
    "between 5 and",
];

/// A phrase that states a distance or an area, as articles do: "Sumy,
/// about 30 km from the Russian border".
fn claim() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(PLACES),
        proptest::sample::select(QUALIFIERS),
        number(),
        proptest::option::of(number()),
        proptest::sample::select(UNITS),
        proptest::sample::select(RELATIONS),
        proptest::sample::select(PLACES),
    )
        .prop_map(|(subject, q, n, hi, unit, rel, reference)| {
            let amount = match hi {
                Some(hi) => format!("{n}-{hi}"),
                None => n,
            };
            format!("{subject} lies {q} {amount} {unit} {rel} {reference}.")
        })
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => claim(),
        5 => proptest::sample::select(WORDS).prop_map(String::from),
        1 => proptest::sample::select(UNITS).prop_map(String::from),
        3 => number(),
        2 => proptest::sample::select(MARKS).prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
        1 => "[a-zA-Z]{1,12}",
    ]
}

/// A text: pieces joined by spaces, or glued.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec((piece(), any::<bool>()), 0..80).prop_map(|pieces| {
        let mut s = String::new();
        for (p, spaced) in pieces {
            if spaced && !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&p);
        }
        s
    })
}

/// The code-point range `start..end` of `text`.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// Every coordinate under `v` (a geometry's `coordinates`) is a finite
/// longitude, latitude pair.
fn coordinates_are_finite(v: &Value) -> bool {
    match v {
        Value::Array(items) if items.first().is_some_and(Value::is_number) => {
            let lon = items[0].as_f64();
            let lat = items.get(1).and_then(Value::as_f64);
            items.len() >= 2
                && lon.is_some_and(|x| x.is_finite() && (-180.0..=180.0).contains(&x))
                && lat.is_some_and(|y| y.is_finite() && (-90.0..=90.0).contains(&y))
        }
        Value::Array(items) => items.iter().all(coordinates_are_finite),
        _ => false,
    }
}

/// Checks a written map: GeoJSON whose features have finite coordinates.
fn check_map(features: &[Value]) -> Result<(), TestCaseError> {
    for f in features {
        prop_assert_eq!(&f["type"], "Feature");
        let g = &f["geometry"];
        if g.is_null() {
            continue;
        }
        if g["type"] == "GeometryCollection" {
            for part in g["geometries"].as_array().into_iter().flatten() {
                prop_assert!(coordinates_are_finite(&part["coordinates"]), "{}", f);
            }
        } else {
            prop_assert!(coordinates_are_finite(&g["coordinates"]), "{}", f);
        }
        for (k, v) in f["properties"].as_object().into_iter().flatten() {
            // A non-finite number is written as null; these are never null.
            if ["value", "start", "end"].contains(&k.as_str()) {
                prop_assert!(!v.is_null(), "{} is null in {}", k, f);
            }
        }
    }
    Ok(())
}

/// The map of `texts` (one JSON Lines record each) as `format`, on
/// `threads` threads.
fn map(texts: &[String], format: Format, threads: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    let lines: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{}\n", serde_json::json!({"id": i, "text": t})))
        .collect();
    std::fs::write(&path, lines).unwrap();
    let per_document = format == Format::GeoJsonSeq;
    let write = output::Options {
        per_document,
        listed: None,
        ..Default::default()
    };
    let mut out = Vec::new();
    let writer = output::create(format, &mut out, &write);
    let options = RunOptions {
        threads,
        per_document,
        listed: None,
        progress: false,
        read: batch::ReadOptions {
            // Small segments, so that texts are also mapped in parts.
            segment_bytes: 200,
            ..Default::default()
        },
    };
    batch::run(parser(), &[Input::Jsonl(path)], writer, &options).unwrap();
    out
}

/// `n` cases, or as many as `PROPTEST_CASES` asks for.
fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(96)))]

    #[test]
    fn mentions_and_claims_are_where_their_offsets_say(text in text()) {
        let analysis = parser().parse(&Document::new("p", text.clone()));
        for m in &analysis.mentions {
            prop_assert!(text.is_char_boundary(m.byte_start) && text.is_char_boundary(m.byte_end));
            prop_assert_eq!(&text[m.byte_start..m.byte_end], m.text.as_str());
            prop_assert_eq!(chars(&text, m.start, m.end), m.text.clone());
        }
        for c in &analysis.claims {
            prop_assert!(text.is_char_boundary(c.byte_start) && text.is_char_boundary(c.byte_end));
            prop_assert_eq!(&text[c.byte_start..c.byte_end], c.text.as_str());
            prop_assert_eq!(chars(&text, c.start, c.end), c.text.clone());
        }
    }

    #[test]
    fn a_claim_states_a_finite_amount(text in text()) {
        let analysis = parser().parse(&Document::new("p", text));
        for c in &analysis.claims {
            prop_assert!(c.value.is_finite() && c.value_km().is_finite(), "{:?}", c);
            prop_assert!(c.step.is_finite(), "{:?}", c);
            match c.value_max_km() {
                None => prop_assert!(c.value > 0.0, "{:?}", c),
                Some(hi) => prop_assert!(hi.is_finite() && hi > 0.0 && c.value >= 0.0, "{:?}", c),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    #[test]
    fn the_map_is_the_same_on_one_thread_or_three(texts in proptest::collection::vec(text(), 1..6)) {
        for format in [Format::GeoJson, Format::GeoJsonSeq] {
            let one = map(&texts, format, 1);
            let three = map(&texts, format, 3);
            prop_assert!(one == three, "{:?} differs", format);
        }
    }

    #[test]
    fn the_map_is_geojson_with_finite_coordinates(texts in proptest::collection::vec(text(), 1..6)) {
        let collection: Value = serde_json::from_slice(&map(&texts, Format::GeoJson, 2))
            .map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
        prop_assert_eq!(&collection["type"], "FeatureCollection");
        check_map(collection["features"].as_array().unwrap())?;
        let sequence = map(&texts, Format::GeoJsonSeq, 2);
        let mut features = Vec::new();
        for record in sequence.split(|&b| b == 0x1e).filter(|r| !r.is_empty()) {
            prop_assert_eq!(record.last(), Some(&b'\n'));
            let f: Value = serde_json::from_slice(record)
                .map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
            features.push(f);
        }
        check_map(&features)?;
    }
}
