//! Loading a gazetteer: reading its files from a directory or from the copy
//! built into the binary, checking that they agree, and assembling the
//! [`Gazetteer`].
//!
//! Which gazetteer to load is `locate`'s decision, and what the rows of
//! `places.tsv` say is `places_tsv`'s; this file reads the files, in an
//! order that keeps which error is reported stable, and refuses a
//! gazetteer whose parts do not fit together.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use super::lexicon::Lexicon;
use super::locate::{embedded, Origin, Selection};
use super::place::{PlaceIdx, PlaceKind};
use super::places_tsv::{parse_places, PlaceTable};
use super::posting::Posting;
use super::{Bytes, Gazetteer};
use crate::error::{Error, Result};

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
