//! A gazetteer's files as its manifest records them, and the checks that
//! they still are so.
//!
//! `manifest.json` lists every file of the gazetteer but itself, under
//! `"files"`, with its size and SHA-256 ([`record`], written by every
//! build). The checks come in two weights:
//!
//! - at every load, each listed file must exist with its recorded size
//!   ([`check_sizes`]: no more than a `stat` per file), which catches a
//!   truncated or missing file before anything reads it;
//! - on demand, [`Gazetteer::verify`] reads everything again: every file
//!   against its SHA-256, every name of the index against the postings,
//!   every sound key against the place table, every country outline
//!   parsed. `geomention gazetteer info --verify` runs it, and so does
//!   every build before the new gazetteer is swapped in.
//!
//! The structure of each file (the FSTs' checksums, the postings' bounds,
//! the place table's rows) is checked by `load` at every load, and the
//! outlines' coordinates when a country is first measured (see
//! [`Gazetteer::damage`]). A manifest written before the list was kept
//! has no `"files"`: its gazetteer loads on its structure alone, and
//! `--verify` says that the checksums could not be compared.
//!
//! This file owns the list and the checks against it; it neither writes
//! nor parses any file of the gazetteer (`build` and `load` do), and
//! knows nothing of where a gazetteer came from.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::outlines::Outlines;
use super::{embedded_file, Gazetteer, Origin, OPTIONAL_FILES, REQUIRED_FILES};
use crate::error::{Error, Result};

/// The key of the file list in `manifest.json`.
pub const FILES_KEY: &str = "files";

/// One file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
}

/// The files `manifest` records, by name; none when it has no list (a
/// gazetteer built before the list was kept). A list that names a file no
/// gazetteer has, or an entry without a size or a SHA-256, is an error:
/// the names are joined to the gazetteer's directory, so only the known
/// ones are accepted.
pub fn recorded(manifest: &Value) -> std::result::Result<BTreeMap<String, Recorded>, String> {
    let Some(files) = manifest.get(FILES_KEY) else {
        return Ok(BTreeMap::new());
    };
    let Some(files) = files.as_object() else {
        return Err(format!("manifest.json: {FILES_KEY:?} is not an object"));
    };
    let mut out = BTreeMap::new();
    for (name, entry) in files {
        if !REQUIRED_FILES.contains(&name.as_str()) && !OPTIONAL_FILES.contains(&name.as_str()) {
            return Err(format!(
                "manifest.json lists {name:?}, which is not a file of a gazetteer"
            ));
        }
        let size = entry.get("size").and_then(Value::as_u64);
        let sha256 = entry
            .get("sha256")
            .and_then(Value::as_str)
            .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
        let (Some(size), Some(sha256)) = (size, sha256) else {
            return Err(format!(
                "manifest.json: the entry of {name} needs a \"size\" and a 64-digit \"sha256\""
            ));
        };
        out.insert(
            name.clone(),
            Recorded {
                size,
                sha256: sha256.to_ascii_lowercase(),
            },
        );
    }
    Ok(out)
}

/// The `"files"` value for the gazetteer directory `dir`: the size and
/// SHA-256 of each of its files but the manifest.
pub fn record(dir: &Path) -> Result<Value> {
    let mut files = serde_json::Map::new();
    for &name in REQUIRED_FILES.iter().chain(OPTIONAL_FILES) {
        let path = dir.join(name);
        if name == "manifest.json" || !path.is_file() {
            continue;
        }
        let (size, sha256) = sha256_file(&path)?;
        files.insert(
            name.to_string(),
            serde_json::json!({ "size": size, "sha256": sha256 }),
        );
    }
    Ok(Value::Object(files))
}

/// Checks that every file of `listed` exists with its recorded size;
/// `size_of` gives a file's size, or `None` when it is missing.
pub fn check_sizes(
    listed: &BTreeMap<String, Recorded>,
    size_of: impl Fn(&str) -> Option<u64>,
) -> std::result::Result<(), String> {
    for (name, want) in listed {
        match size_of(name) {
            None => return Err(format!("{name} is missing (manifest.json lists it)")),
            Some(size) if size != want.size => {
                let how = if size < want.size {
                    "truncated"
                } else {
                    "damaged"
                };
                return Err(format!(
                    "{name} is {how}: {size} bytes, where manifest.json records {}",
                    want.size
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Size and SHA-256 (hex) of a file, read as a stream.
pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
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
    Ok((size, hex(&hasher.finalize())))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What [`Gazetteer::verify`] checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Files whose SHA-256 matched the manifest's (0: it lists none).
    pub files: usize,
    /// Names of the index, each found to lead to a list of postings.
    pub names: usize,
    /// Sound keys, each found to lead to a place.
    pub sounds: usize,
    /// Countries whose outline parsed.
    pub outlines: usize,
}

impl Gazetteer {
    /// Checks everything that can be checked, reading every file again:
    /// SHA-256 against the manifest, the name index against the postings
    /// (every name leads to the start of a list), the sound keys against
    /// the place table, and every country outline parsed. The first
    /// problem is the error, naming the file.
    pub fn verify(&self) -> Result<Verified> {
        let bad = |message: String| Error::Gazetteer {
            path: self.origin().to_string().into(),
            message,
        };
        let listed = recorded(self.manifest()).map_err(bad)?;
        for (name, want) in &listed {
            let (size, sha256) = match self.origin() {
                Origin::Directory(dir) => sha256_file(&dir.join(name))?,
                Origin::Embedded => {
                    let bytes = embedded_file(name).ok_or_else(|| {
                        bad(format!("{name} is missing (manifest.json lists it)"))
                    })?;
                    (bytes.len() as u64, hex(&Sha256::digest(bytes)))
                }
            };
            if size != want.size || sha256 != want.sha256 {
                return Err(bad(format!(
                    "{name} is damaged: its SHA-256 is {sha256} ({size} bytes), where \
                     manifest.json records {} ({} bytes)",
                    want.sha256, want.size
                )));
            }
        }
        let names = self.verify_names().map_err(bad)?;
        let sounds = self.verify_sounds().map_err(bad)?;
        let outlines = Outlines::parse(self.outlines.source())
            .map_err(|e| bad(format!("countries.geojson: {e}")))?
            .codes()
            .count();
        Ok(Verified {
            files: listed.len(),
            names,
            sounds,
            outlines,
        })
    }

    /// Every value of the name index must be where a list of postings
    /// starts, and that list must fit in the file (the load checked that
    /// the lists fit together and point at places).
    fn verify_names(&self) -> std::result::Result<usize, String> {
        use fst::Streamer;
        let words = self.postings.len() / 4;
        let mut starts = vec![false; words];
        let mut at = 0;
        while at < words {
            starts[at] = true;
            at += 1 + self.word(at) as usize;
        }
        let mut names = 0;
        let mut stream = self.names.stream();
        while let Some((key, offset)) = stream.next() {
            if !usize::try_from(offset).is_ok_and(|o| o < words && starts[o]) {
                return Err(format!(
                    "names.fst is damaged: the name {:?} leads to word {offset} of \
                     postings.bin, where no list starts",
                    String::from_utf8_lossy(key)
                ));
            }
            names += 1;
        }
        Ok(names)
    }

    /// Every sound key must lead to a place of the table.
    fn verify_sounds(&self) -> std::result::Result<usize, String> {
        use fst::Streamer;
        let Some(sounds) = &self.sounds else {
            return Ok(0);
        };
        let mut n = 0;
        let mut stream = sounds.stream();
        while let Some((key, place)) = stream.next() {
            if place >= self.places.len() as u64 {
                return Err(format!(
                    "sounds.fst is damaged: the key {:?} leads to place {place}, past places.tsv",
                    String::from_utf8_lossy(key)
                ));
            }
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(files: Value) -> Value {
        serde_json::json!({ "format": 1, "files": files })
    }

    #[test]
    fn a_manifest_without_a_list_records_nothing() {
        assert!(recorded(&serde_json::json!({"format": 1}))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn only_files_of_a_gazetteer_may_be_listed() {
        let sha = "0".repeat(64);
        let m = manifest(serde_json::json!({"../../etc/passwd": {"size": 1, "sha256": sha}}));
        assert!(recorded(&m)
            .unwrap_err()
            .contains("not a file of a gazetteer"));
        let m = manifest(serde_json::json!({"names.fst": {"size": 1}}));
        assert!(recorded(&m).unwrap_err().contains("64-digit"));
        let m = manifest(serde_json::json!({"names.fst": {"size": 1, "sha256": sha}}));
        assert_eq!(recorded(&m).unwrap()["names.fst"].size, 1);
    }

    #[test]
    fn sizes_are_compared_with_the_record() {
        let sha = "a".repeat(64);
        let m = manifest(serde_json::json!({
            "names.fst": {"size": 10, "sha256": sha},
            "places.tsv": {"size": 20, "sha256": sha},
        }));
        let listed = recorded(&m).unwrap();
        let sizes = |names: u64, places: Option<u64>| {
            move |name: &str| {
                if name == "names.fst" {
                    Some(names)
                } else {
                    places
                }
            }
        };
        assert_eq!(check_sizes(&listed, sizes(10, Some(20))), Ok(()));
        assert_eq!(
            check_sizes(&listed, sizes(5, Some(20))),
            Err("names.fst is truncated: 5 bytes, where manifest.json records 10".into())
        );
        assert_eq!(
            check_sizes(&listed, sizes(10, None)),
            Err("places.tsv is missing (manifest.json lists it)".into())
        );
    }

    #[test]
    fn the_built_in_gazetteer_verifies() {
        // A build without the data embedded has nothing to verify; one
        // with it must load and verify.
        if embedded_file("manifest.json").is_none() {
            return;
        }
        let v = Gazetteer::embedded().unwrap().verify().unwrap();
        assert!(v.files >= 8, "{v:?}");
        assert!(
            v.names > 1_000_000 && v.sounds > 1000 && v.outlines > 200,
            "{v:?}"
        );
    }
}
