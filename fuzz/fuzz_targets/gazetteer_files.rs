//! The gazetteer loader on damaged files, one format at a time. A tiny
//! gazetteer is built once by the real builder from the test fixtures
//! (`tests/fixtures/geonames/`: 38 towns of Ukraine and Russia), with two
//! small country outlines and a short lexicon, so that every file is
//! small enough to mutate. Each input damages one of its files (the first
//! byte says which, how, and whether the manifest keeps its sizes): the
//! file is replaced by the rest of the input, cut short, has bytes
//! flipped, or has the input put into it. Loading may refuse it (that is
//! its job); whatever it accepts is used as a run uses it (names looked
//! up, a text with border claims mapped, the account `info` prints, a full
//! `verify`), and nothing may panic.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use geomention::gazetteer::build::{build, Filters, Sources};
use geomention::gazetteer::{info, Gazetteer, Selection};
use geomention::{Document, Geoparser};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const TEXT: &str = "Sumy lies around 30 km from the Russian border, and Kharkiv is \
    40 km from Belgorod. Kharkov is some 460 km east of Kyiv; Donbas, Crimea.";

/// The tiny gazetteer's files, by name, as built.
fn base() -> &'static Vec<(String, Vec<u8>)> {
    static BASE: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    BASE.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let src = common::scratch().join("base-src");
        std::fs::create_dir_all(src.join("lexicon")).unwrap();
        let fixtures = repo.join("tests/fixtures/geonames");
        for f in [
            "cities500.txt",
            "alternateNamesV2.txt",
            "admin1CodesASCII.txt",
            "admin2Codes.txt",
            "countryInfo.txt",
        ] {
            std::fs::copy(fixtures.join(f), src.join(f)).unwrap();
        }
        std::fs::copy(
            repo.join("scripts/composite_regions.tsv"),
            src.join("composite_regions.tsv"),
        )
        .unwrap();
        for f in ["common_words.tsv", "first_names.txt", "demonyms.tsv"] {
            let text = std::fs::read_to_string(repo.join("gazetteer/lexicon").join(f)).unwrap();
            let short: String = text.lines().take(300).map(|l| format!("{l}\n")).collect();
            std::fs::write(src.join("lexicon").join(f), short).unwrap();
        }
        let square = |lon0: f64, lat0: f64, lon1: f64, lat1: f64| {
            serde_json::json!([[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]])
        };
        let outlines = serde_json::json!({
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"iso2": "RU", "name": "Russia"},
                 "geometry": {"type": "MultiPolygon", "coordinates": [square(36.0, 50.8, 60.0, 70.0)]}},
                {"type": "Feature", "properties": {"iso2": "UA", "name": "Ukraine"},
                 "geometry": {"type": "Polygon", "coordinates": square(22.1, 44.4, 40.2, 52.3)}},
            ]
        });
        std::fs::write(src.join("countries.geojson"), outlines.to_string()).unwrap();
        let out = common::scratch().join("base");
        let sources = Sources::discover(&src, None).unwrap();
        build(&sources, &Filters::default(), &out, serde_json::json!({})).unwrap();
        let mut files = Vec::new();
        for name in [
            "places.tsv",
            "names.fst",
            "postings.bin",
            "sounds.fst",
            "countries.geojson",
            "lexicon/common_words.tsv",
            "lexicon/first_names.txt",
            "lexicon/demonyms.tsv",
            "composite_regions.tsv",
            "manifest.json",
        ] {
            files.push((name.to_string(), std::fs::read(out.join(name)).unwrap()));
        }
        files
    })
}

/// `file` damaged as `how` and `input` say.
fn damage(file: &[u8], how: u8, input: &[u8]) -> Vec<u8> {
    let at = |k: &[u8]| -> usize {
        let fraction = match k {
            [a, b, ..] => u16::from_le_bytes([*a, *b]),
            _ => 0,
        };
        file.len() * usize::from(fraction) / 65536
    };
    match how {
        0 => input.to_vec(),
        1 => file[..at(input)].to_vec(),
        2 => {
            let mut out = file.to_vec();
            if !out.is_empty() {
                for patch in input.chunks_exact(5) {
                    let offset = u32::from_le_bytes([patch[0], patch[1], patch[2], patch[3]]);
                    let len = out.len();
                    out[offset as usize % len] ^= patch[4];
                }
            }
            out
        }
        _ => {
            let cut = at(input);
            let put = input.get(2..).unwrap_or(&[]);
            [&file[..cut], put, &file[cut..]].concat()
        }
    }
}

fn write_gazetteer(dir: &Path, files: &[(String, Vec<u8>)]) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("lexicon")).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    dir.to_path_buf()
}

fuzz_target!(|data: &[u8]| {
    let Some((&op, input)) = data.split_first() else {
        return;
    };
    let mut files = base().clone();
    let which = usize::from(op & 0x0f) % files.len();
    let how = (op >> 4) & 3;
    let keep_sizes = op & 0x40 != 0;
    if !keep_sizes {
        let manifest = files.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
        let mut m: serde_json::Value = serde_json::from_slice(&manifest.1).unwrap();
        m.as_object_mut().unwrap().remove("files");
        manifest.1 = serde_json::to_vec_pretty(&m).unwrap();
    }
    files[which].1 = damage(&files[which].1, how, input);
    let dir = write_gazetteer(&common::scratch().join("damaged"), &files);
    let Ok(g) = Gazetteer::open(&dir) else {
        return;
    };
    for name in ["Kharkiv", "Kharkov", "Sumy", "Donbas", "Ukraine", "US", ""] {
        for p in g.lookup(name) {
            let _ = g.place(p.place());
        }
        if let Some(idx) = g.sound_lookup(name) {
            let _ = g.place(idx);
        }
    }
    let _ = g.country("UA").map(|i| g.facts(i));
    let parser = Geoparser::new(&g);
    let analysis = parser.parse(&Document::new("fuzz", TEXT));
    for c in &analysis.claims {
        assert!(c.value.is_finite());
    }
    let _ = g.damage();
    let selection = Selection {
        dir: Some(dir.clone()),
        reason: geomention::gazetteer::Reason::Explicit,
    };
    let _ = info::describe(&g, &selection);
    let _ = g.verify();
});
