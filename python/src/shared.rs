//! One gazetteer per process: every `Geoparser` made in a process over the
//! same gazetteer directory (or the built-in one) shares one loaded copy
//! and, with the same options, one geoparser and its first-word table.
//!
//! A Spark executor's Python worker handles task after task, and a
//! notebook makes `Geoparser()` in many cells: loading the gazetteer
//! (about 150 MB, a tenth of a second to half a second) must happen once,
//! not per task or per call. Entries live as long as the process. This
//! file knows nothing of Python.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use geomention::gazetteer::{Origin, Selection};
use geomention::resolve::ResolveOptions;
use geomention::{Gazetteer, Geoparser};

/// A geoparser shared by the process, and where its gazetteer came from.
#[derive(Clone)]
pub struct Shared {
    pub parser: Arc<Geoparser<'static>>,
    pub origin: Origin,
}

/// Gazetteers by directory (`None`: the built-in one), and geoparsers by
/// directory and options.
#[derive(Default)]
struct Cache {
    gazetteers: Vec<(Option<PathBuf>, Arc<Gazetteer>)>,
    parsers: Vec<(Option<PathBuf>, u64, Shared)>,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    gazetteers: Vec::new(),
    parsers: Vec::new(),
});

/// The process's geoparser over the gazetteer `explicit` names, else the
/// one `geomention map` would use (`GEOMENTION_GAZETTEER`, a refreshed one
/// in the user's data directory, the built-in one), loading it on first
/// use. Concurrent first calls wait for one load rather than each loading.
pub fn parser(explicit: Option<PathBuf>, min_confidence: f64) -> geomention::Result<Shared> {
    let selection = Selection::choose(explicit.as_deref());
    // One key for every spelling of a directory; a path that does not
    // resolve is loaded as given, and fails there with its own message.
    let key = (selection.dir.as_ref()).map(|d| std::fs::canonicalize(d).unwrap_or(d.clone()));
    let options = ResolveOptions {
        min_confidence,
        ..ResolveOptions::default()
    };
    let bits = min_confidence.to_bits();
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, _, shared)) = (cache.parsers.iter()).find(|(k, b, _)| *k == key && *b == bits) {
        return Ok(shared.clone());
    }
    let gazetteer = match cache.gazetteers.iter().find(|(k, _)| *k == key) {
        Some((_, g)) => Arc::clone(g),
        None => {
            let g = Arc::new(Gazetteer::load(&selection)?);
            cache.gazetteers.push((key.clone(), Arc::clone(&g)));
            g
        }
    };
    let origin = match &key {
        Some(dir) => Origin::Directory(dir.clone()),
        None => Origin::Embedded,
    };
    let shared = Shared {
        parser: Arc::new(Geoparser::shared(gazetteer, options)),
        origin,
    };
    cache.parsers.push((key, bits, shared.clone()));
    Ok(shared)
}
