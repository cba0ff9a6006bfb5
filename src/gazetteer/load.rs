//! Loading a gazetteer: reading its files from a directory or from the copy
//! built into the binary, checking that they agree, and assembling the
//! [`Gazetteer`].
//!
//! Which gazetteer to load is `locate`'s decision, and what the rows of
//! `places.tsv` say is `places_tsv`'s; this file reads the files, in an
//! order that keeps which error is reported stable, and refuses a
//! gazetteer whose parts do not fit together or are damaged: a file whose
//! size is not the one `manifest.json` records (see [`super::verify`]), an
//! FST whose checksum does not match its bytes, postings that run past
//! their file or point past the place table.
//!
//! What each check costs at start-up, on the shipped gazetteer (0.1 s to
//! load): the sizes, a `stat` per file; the FSTs' checksums (CRC-32C over
//! 12 MB), about 5 ms; the outlines' index, 2 to 3 ms; the postings, one
//! pass that was already made. The SHA-256 of every file (about 80 ms)
//! and a walk of every name (about 180 ms) are left to
//! `gazetteer info --verify`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use super::lexicon::Lexicon;
use super::locate::{embedded, Origin, Selection};
use super::outlines::Outlines;
use super::place::{PlaceIdx, PlaceKind};
use super::places_tsv::{parse_places, PlaceTable};
use super::posting::Posting;
use super::verify;
use super::{Bytes, Gazetteer};
use crate::error::{Error, Result};

/// What loading learns of `postings.bin` before the place table is
/// known: every posting must point at a place, and every list must hold
/// one, so that a truncated or mismatched gazetteer is refused at load,
/// not discovered mid-run (and so that a name in the index is a name of
/// some place, without reading its list).
#[derive(Debug, Clone, PartialEq, Eq)]
struct PostingsScan {
    /// The largest place any posting before the first broken list points
    /// at.
    max_place: Option<u32>,
    /// What is wrong with the first broken list, if one is.
    broken: Option<String>,
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
                    broken: Some(format!(
                        "postings.bin is damaged: the list at byte {} holds {w} postings, \
                         more than the {} bytes after it",
                        i * 4,
                        (words - i - 1) * 4
                    )),
                };
            } else if w == 0 {
                return PostingsScan {
                    max_place,
                    broken: Some(format!(
                        "postings.bin is damaged: the list at byte {} is empty",
                        i * 4
                    )),
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
        if let Some(m) = self.max_place.filter(|&m| m as usize >= places) {
            return Err(format!(
                "postings.bin points past places.tsv: to place {m} of {places} \
                 (damaged, or from another gazetteer)"
            ));
        }
        match self.broken {
            Some(why) => Err(why),
            None => Ok(()),
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
            |name| get(name).map(|b| b.len() as u64),
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
            |name| {
                let meta = std::fs::metadata(dir.join(name)).ok()?;
                meta.is_file().then_some(meta.len())
            },
            Origin::Directory(dir.to_path_buf()),
            dir,
        )
    }

    /// Assembles a gazetteer from its files: `read_optional` reads one
    /// (`None` when it is missing), `size_of` says how large one is
    /// without reading it.
    fn from_parts(
        read_optional: impl Fn(&str) -> Result<Option<Bytes>>,
        size_of: impl Fn(&str) -> Option<u64>,
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
        // The sizes the manifest records come first, so that a file cut
        // short is named as such rather than by what breaks in it. The
        // manifest's own errors are reported where they always were.
        let manifest_bytes = read_optional("manifest.json")?;
        let manifest: Option<serde_json::Value> = manifest_bytes
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok());
        if let Some(m) = &manifest {
            let listed = verify::recorded(m).map_err(bad)?;
            verify::check_sizes(&listed, &size_of).map_err(bad)?;
        }
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
        let names = checked_fst(names?, "names.fst").map_err(bad)?;
        let sounds = match sounds? {
            Some(b) => Some(checked_fst(b, "sounds.fst").map_err(bad)?),
            None => None,
        };
        let postings = postings?;
        if postings.len() % 4 != 0 {
            return Err(bad(format!(
                "postings.bin is truncated or damaged: {} bytes, not a whole number of \
                 4-byte words",
                postings.len()
            )));
        }
        for file in lexicon_files {
            file?;
        }
        let (Some(lexicon), Some(scan)) = side.unwrap_or((None, None)) else {
            return Err(bad("the lexicon or postings reader failed".into()));
        };
        let manifest = match (manifest, manifest_bytes) {
            (Some(m), _) => m,
            (None, Some(b)) => {
                serde_json::from_slice(&b).map_err(|e| bad(format!("manifest.json: {e}")))?
            }
            (None, None) => return Err(bad("manifest.json is missing".into())),
        };
        let outlines_source = std::sync::Arc::new(read("countries.geojson")?);
        // Indexed now (a few milliseconds: the coordinates are skipped), so
        // that a file cut short is refused here, not when a border is
        // first measured; each country's coordinates are still read then.
        let outlines = Outlines::index(outlines_source)
            .map_err(|e| bad(format!("countries.geojson is damaged: {e}")))?;

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
            outlines,
            manifest,
            origin,
        })
    }
}

/// The FST in `bytes`, checked against its checksum: the crate's own
/// checks at opening accept nearly any bytes (a file cut in half opens,
/// then panics when searched), and its checksum covers every byte. An FST
/// without one (written by `fst` before 0.4) cannot be told from damage,
/// and geomention never wrote one, so it is refused too.
fn checked_fst(bytes: Bytes, name: &str) -> std::result::Result<fst::Map<Bytes>, String> {
    let map = fst::Map::new(bytes).map_err(|e| format!("{name} is not a valid FST: {e}"))?;
    match map.as_fst().verify() {
        Ok(()) => Ok(map),
        Err(fst::Error::Fst(fst::raw::Error::ChecksumMismatch { .. })) => Err(format!(
            "{name} is damaged: its checksum does not match its contents"
        )),
        Err(e) => Err(format!(
            "{name} cannot be checked: {e}; rebuild the gazetteer"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is wrong, without the detail a message gives.
    fn category(found: std::result::Result<(), String>) -> std::result::Result<(), &'static str> {
        found.map_err(|e| {
            if e.contains("points past places.tsv") {
                "past"
            } else if e.contains("is empty") || e.contains("empty list") {
                "empty"
            } else if e.contains("more than the") || e.contains("truncated") {
                "truncated"
            } else {
                "other"
            }
        })
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
            category(PostingsScan::of(&g.postings).check(n)),
            category(reference_check_postings(&g.postings, n as u32))
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
                category(PostingsScan::of(&bytes).check(7)),
                category(reference_check_postings(&bytes, 7)),
                "{list:?}"
            );
        }
    }

    /// With several files wrong, loading reports the one it always
    /// reported: the files are read beside one another, and their errors
    /// come in the order they always came. (The manifest's sizes, which
    /// are checked before any of them, are left out here: see
    /// `tests/it/gazetteer.rs`.)
    #[test]
    fn errors_come_in_the_order_of_the_files() {
        let Some(files) = embedded::FILES else {
            return;
        };
        type Files = HashMap<&'static str, Vec<u8>>;
        type Change = Box<dyn Fn(&mut Files)>;
        let load = |change: &dyn Fn(&mut Files)| {
            let mut map: Files = files.iter().map(|(n, b)| (*n, b.to_vec())).collect();
            let mut manifest: serde_json::Value =
                serde_json::from_slice(&map["manifest.json"]).unwrap();
            manifest.as_object_mut().unwrap().remove(verify::FILES_KEY);
            map.insert("manifest.json", manifest.to_string().into_bytes());
            change(&mut map);
            let found = Gazetteer::from_parts(
                |name| Ok(map.get(name).map(|b| Cow::Owned(b.clone()))),
                |name| map.get(name).map(|b| b.len() as u64),
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
        let broken = format!(
            "g/places.tsv:{}: expected 10 columns, found 1",
            places.lines().count() + 1
        );
        let cases: Vec<(Change, &str)> = vec![
            (
                Box::new(|m| {
                    m.get_mut("places.tsv")
                        .unwrap()
                        .extend_from_slice(b"broken\n");
                    m.remove("names.fst");
                }),
                &broken,
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
}
