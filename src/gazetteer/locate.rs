//! Where a gazetteer comes from: the copy built into the binary, a
//! directory named with `--gazetteer` or `GEOMENTION_GAZETTEER`, or a
//! refreshed one in the user's data directory; which of them is chosen
//! ([`Selection`]) and why ([`Reason`]).
//!
//! Choosing is all this file does. It never reads a gazetteer's files
//! (loading them is `load`'s job) and knows nothing of their format.

use std::path::{Path, PathBuf};

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

/// The environment variable that selects a gazetteer directory.
pub const ENV_VAR: &str = "GEOMENTION_GAZETTEER";

/// The files of the built-in gazetteer, written by `build.rs`: `None`
/// when the binary was built without one.
pub(super) mod embedded {
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
