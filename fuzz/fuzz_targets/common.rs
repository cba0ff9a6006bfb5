//! What the fuzz targets share: the built-in gazetteer, loaded once per
//! process; a scratch directory (in memory when `/dev/shm` is there) for
//! the files a target hands to the library, which reads paths as a user's
//! run does; and a whole `map` run whose output must parse.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use geomention::batch::{self, Input, ProblemKind, ReadOptions, RunOptions};
use geomention::output::{self, Format};
use geomention::{Gazetteer, Geoparser};

pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::embedded().expect("the built-in gazetteer loads"))
}

pub fn parser() -> &'static Geoparser<'static> {
    static P: OnceLock<Geoparser<'static>> = OnceLock::new();
    P.get_or_init(|| Geoparser::new(gazetteer()))
}

/// A directory of this process's own.
pub fn scratch() -> &'static Path {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let builder = tempfile::Builder::new().prefix("geomention-fuzz-").tempdir_in(shm);
        builder.or_else(|_| tempfile::tempdir()).expect("a scratch directory")
    })
    .path()
}

/// Writes `bytes` to `name` in the scratch directory.
pub fn file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, bytes).expect("scratch file written");
    path
}

/// Maps `data` as `geomention map` would, as a text file or as JSON Lines.
/// The first byte chooses the format and how large a document may be
/// before it is mapped in parts. A worker's panic is caught and reported
/// by the run, so it is turned back into one here; and what was written
/// must be GeoJSON.
pub fn map(data: &[u8], jsonl: bool) {
    let (&knob, data) = data.split_first().unwrap_or((&0, &[]));
    let path = if jsonl {
        file("in.jsonl", data)
    } else {
        file("in.txt", data)
    };
    let format = if knob & 1 == 0 {
        Format::GeoJson
    } else {
        Format::GeoJsonSeq
    };
    let segment_bytes = [64, 300, 4096, 4 << 20][usize::from(knob >> 1 & 3)];
    let per_document = format == Format::GeoJsonSeq || knob & 8 != 0;
    let write = output::Options {
        per_document,
        listed: Some(3),
        ..Default::default()
    };
    let mut out = Vec::new();
    let writer = output::create(format, &mut out, &write);
    let options = RunOptions {
        threads: 1,
        per_document,
        listed: Some(3),
        progress: false,
        read: ReadOptions {
            segment_bytes,
            max_line_bytes: 1 << 16,
            ..Default::default()
        },
    };
    let input = if jsonl {
        Input::Jsonl(path)
    } else {
        Input::Text(path)
    };
    let summary = batch::run(parser(), &[input], writer, &options).expect("the run completes");
    assert!(
        !summary.problems.contains_key(&ProblemKind::Failed),
        "a worker panicked (its message is above)"
    );
    match format {
        Format::GeoJson => {
            let v: serde_json::Value = serde_json::from_slice(&out).expect("GeoJSON");
            assert_eq!(v["type"], "FeatureCollection");
        }
        _ => {
            for record in out.split(|&b| b == 0x1e).filter(|r| !r.is_empty()) {
                let _: serde_json::Value = serde_json::from_slice(record).expect("a GeoJSON feature");
            }
        }
    }
}
