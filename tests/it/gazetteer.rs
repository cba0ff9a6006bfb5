//! A damaged gazetteer as a user meets it: a copy of the shipped
//! gazetteer with one file cut short, or with bytes changed in place,
//! given to the real binary. Every damage must end the run with exit
//! status 2 and one line naming the file and what is wrong: never a
//! panic, never a map with claims the damage made unverifiable. And
//! `gazetteer info --verify` must find what loading cannot (a change that
//! keeps a file's size and structure).

use std::path::{Path, PathBuf};

use crate::util::{geomention, root};

/// A copy of the shipped gazetteer in a temporary directory: every file
/// hard-linked (or copied), so that one can be replaced by a damaged copy
/// without touching the original.
struct Copy {
    tmp: tempfile::TempDir,
}

impl Copy {
    fn new() -> Copy {
        let tmp = tempfile::tempdir().unwrap();
        let from = root().join("gazetteer");
        for entry in walk(&from) {
            let to = tmp
                .path()
                .join("gaz")
                .join(entry.strip_prefix(&from).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            if std::fs::hard_link(&entry, &to).is_err() {
                std::fs::copy(&entry, &to).unwrap();
            }
        }
        Copy { tmp }
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("gaz")
    }

    /// Replaces `name` by what `damage` makes of its bytes (a new file,
    /// not a write through the hard link).
    fn damage(&self, name: &str, damage: impl FnOnce(&mut Vec<u8>)) -> &Copy {
        let path = self.dir().join(name);
        let mut bytes = std::fs::read(&path).unwrap();
        damage(&mut bytes);
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, bytes).unwrap();
        self
    }

    /// Drops the sizes and checksums from the manifest, as a gazetteer
    /// built before they were recorded has none.
    fn without_checksums(&self) -> &Copy {
        self.damage("manifest.json", |b| {
            let mut m: serde_json::Value = serde_json::from_slice(b).unwrap();
            m.as_object_mut().unwrap().remove("files");
            *b = serde_json::to_vec_pretty(&m).unwrap();
        })
    }

    /// `geomention map` of the Sumy article (whose claims measure to the
    /// Russian border) with this gazetteer: exit status and standard error.
    fn map(&self) -> (Option<i32>, String) {
        let out = geomention()
            .args(["map", "--gazetteer"])
            .arg(self.dir())
            .arg(root().join("corpus/claims/05_sumy_kursk_border.txt"))
            .arg("-o")
            .arg(self.tmp.path().join("map.geojson"))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn verify(&self) -> (Option<i32>, String) {
        let out = geomention()
            .args(["gazetteer", "info", "--verify", "--gazetteer"])
            .arg(self.dir())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn wrote_a_map(&self) -> bool {
        self.tmp.path().join("map.geojson").exists()
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The run failed as a damaged gazetteer must fail it: status 2, one line
/// that names the file and says `what`, no panic, no map.
#[track_caller]
fn refused(copy: &Copy, (status, stderr): (Option<i32>, String), file: &str, what: &str) {
    assert_eq!(status, Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(file) && stderr.contains(what),
        "expected {file} and {what:?} in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!copy.wrote_a_map(), "a map was written");
}

/// Flips the bits of `n` bytes spread over the middle of `b`.
fn flip(b: &mut [u8], n: usize) {
    let len = b.len();
    for k in 0..n {
        b[len / 3 + k * (len / 3 / n.max(1))] ^= 0xA5;
    }
}

fn cut_in_half(b: &mut Vec<u8>) {
    b.truncate(b.len() / 2);
}

#[test]
fn the_shipped_gazetteer_copied_maps_and_verifies() {
    let copy = Copy::new();
    let (status, stderr) = copy.map();
    assert_eq!(status, Some(0), "{stderr}");
    let (status, stderr) = copy.verify();
    assert_eq!(status, Some(0), "{stderr}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(copy.dir().join("manifest.json")).unwrap())
            .unwrap();
    let files = manifest["files"].as_object().expect("files").len();
    assert!(files >= 10, "{files} files recorded");
    let want = format!("verified: {files} files match");
    assert!(stderr.contains(&want), "{stderr}");
}

#[test]
fn names_index_cut_in_half_is_named_as_truncated() {
    let copy = Copy::new();
    copy.damage("names.fst", cut_in_half);
    refused(&copy, copy.map(), "names.fst", "truncated");
}

#[test]
fn names_index_cut_in_half_is_refused_without_recorded_sizes() {
    let copy = Copy::new();
    copy.without_checksums().damage("names.fst", cut_in_half);
    refused(&copy, copy.map(), "names.fst", "is damaged: its checksum");
}

#[test]
fn names_index_with_flipped_bytes_is_refused() {
    let copy = Copy::new();
    copy.damage("names.fst", |b| flip(b, 8));
    refused(&copy, copy.map(), "names.fst", "is damaged: its checksum");
}

#[test]
fn postings_with_flipped_bytes_are_called_damaged_not_truncated() {
    let copy = Copy::new();
    copy.damage("postings.bin", |b| flip(b, 64));
    let (status, stderr) = copy.map();
    refused(&copy, (status, stderr.clone()), "postings.bin", "damaged");
    assert!(!stderr.contains("truncated"), "{stderr}");
}

#[test]
fn postings_cut_short_are_named_as_truncated() {
    let copy = Copy::new();
    copy.damage("postings.bin", |b| b.truncate(b.len() - 6));
    refused(&copy, copy.map(), "postings.bin", "truncated");
}

#[test]
fn sounds_index_cut_short_is_refused() {
    let copy = Copy::new();
    copy.damage("sounds.fst", |b| b.truncate(b.len() - 100));
    refused(&copy, copy.map(), "sounds.fst", "truncated");
    let copy = Copy::new();
    copy.without_checksums()
        .damage("sounds.fst", |b| b.truncate(b.len() - 100));
    refused(&copy, copy.map(), "sounds.fst", "is damaged");
}

#[test]
fn outlines_cut_in_half_are_refused_at_load() {
    let copy = Copy::new();
    copy.damage("countries.geojson", cut_in_half);
    refused(&copy, copy.map(), "countries.geojson", "truncated");
}

#[test]
fn outlines_cut_in_half_are_refused_at_load_without_recorded_sizes() {
    let copy = Copy::new();
    copy.without_checksums()
        .damage("countries.geojson", cut_in_half);
    refused(&copy, copy.map(), "countries.geojson", "is damaged");
}

#[test]
fn a_damaged_outline_fails_the_run_rather_than_leave_its_claim_unverifiable() {
    // The same size: only reading Russia's coordinates finds it.
    let copy = Copy::new();
    copy.damage("countries.geojson", |b| {
        let text = String::from_utf8(b.clone()).unwrap();
        let ru = text.find("\"iso2\":\"RU\"").unwrap();
        let comma = ru + text[ru..].find("],[").unwrap() + 1;
        b[comma] = b';';
    });
    refused(
        &copy,
        copy.map(),
        "countries.geojson",
        "is damaged: the outline of RU",
    );
    refused(
        &copy,
        copy.verify(),
        "countries.geojson",
        "is damaged: its SHA-256",
    );
}

#[test]
fn a_lexicon_cut_short_is_refused() {
    let copy = Copy::new();
    copy.damage("lexicon/common_words.tsv", |b| b.truncate(b.len() - 10));
    refused(&copy, copy.map(), "lexicon/common_words.tsv", "truncated");
}

#[test]
fn a_broken_manifest_is_refused() {
    let copy = Copy::new();
    copy.damage("manifest.json", |b| b.truncate(b.len() / 2));
    refused(&copy, copy.map(), "manifest.json", "EOF");
}

#[test]
fn a_bad_row_in_the_place_table_is_named_by_its_line() {
    let copy = Copy::new();
    let text = std::fs::read_to_string(copy.dir().join("places.tsv")).unwrap();
    let at = text.find("\tKharkiv\t").unwrap();
    let line = 1 + text[..at].matches('\n').count();
    // The row's latitude, three fields from its end, loses its first digit.
    let row_end = at + text[at..].find('\n').unwrap();
    let lat = at + text[at..row_end].rmatch_indices('\t').nth(2).unwrap().0 + 1;
    copy.without_checksums()
        .damage("places.tsv", |b| b[lat] = b'x');
    refused(
        &copy,
        copy.map(),
        &format!("places.tsv:{line}:"),
        "bad latitude",
    );
}

#[test]
fn verify_finds_a_change_that_keeps_size_and_structure() {
    let copy = Copy::new();
    // Kharkiv renamed, letter for letter: the table still reads.
    copy.damage("places.tsv", |b| {
        let text = String::from_utf8(b.clone()).unwrap();
        let at = text.find("\tKharkiv\t").unwrap();
        b[at + 1] = b'Q';
    });
    let (status, stderr) = copy.map();
    assert_eq!(status, Some(0), "loading checks sizes only: {stderr}");
    std::fs::remove_file(copy.tmp.path().join("map.geojson")).unwrap();
    refused(
        &copy,
        copy.verify(),
        "places.tsv",
        "is damaged: its SHA-256",
    );
}

#[test]
fn verify_says_when_the_manifest_records_no_checksums() {
    let copy = Copy::new();
    copy.without_checksums();
    let (status, stderr) = copy.verify();
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("records no checksums"), "{stderr}");
}
