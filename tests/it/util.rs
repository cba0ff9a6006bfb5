//! What the test modules share: how they start the binary, where the
//! repository, its fixtures and the data beside it are, and the one
//! great-circle distance they measure with. It knows nothing of what any
//! command prints; the assertions stay in the module of the behaviour they
//! check.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use geo::{Distance as _, Haversine, Point};
use serde_json::Value;

// ------------------------------------------------------------ the binary

/// The `geomention` binary Cargo built for this test run.
pub fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("geomention")
}

/// `geomention` as a plain process, for tests that talk to it while it runs
/// (a pipe closed early, a producer that pauses). Like [`geomention`], it
/// reads the built-in gazetteer.
pub fn geomention_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(binary());
    // The fixtures pin what the built-in gazetteer finds. A developer's
    // `GEOMENTION_GAZETTEER`, or a gazetteer they refreshed into their data
    // directory, would otherwise be picked first and change the answers.
    cmd.env_remove("GEOMENTION_GAZETTEER")
        .env("XDG_DATA_HOME", empty_data_home());
    cmd
}

/// `geomention`, ready for arguments, reading the built-in gazetteer.
pub fn geomention() -> Command {
    Command::from_std(geomention_process())
}

/// [`geomention`] started in `dir`, for tests that name files relative to it.
pub fn geomention_in(dir: &Path) -> Command {
    let mut cmd = geomention();
    cmd.current_dir(dir);
    cmd
}

/// A data directory that holds no gazetteer: nothing creates it.
fn empty_data_home() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-data-home")
}

// ------------------------------------------------------ repository files

/// The repository's root, where `Cargo.toml` is.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `name` under `tests/fixtures/` (see the README there).
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// `name` in `../shared`, the data kept beside the repository rather than
/// in it (LGL, the seed articles and their checker).
///
/// Tests that use it are `#[ignore = "needs ../shared (...)"]`: a checkout
/// on its own runs without them, and `scripts/test.sh` asks for them when
/// `../shared` is there. A test that was asked for fails here rather than
/// passing without its data.
pub fn shared(name: &str) -> PathBuf {
    let path = root().join("../shared").join(name);
    assert!(
        path.exists(),
        "{} is missing: this test needs ../shared beside the repository",
        path.display()
    );
    path
}

/// `tests/fixtures/corpus_expected.json`, read once: what a reader finds in
/// each article of `corpus/`, keyed by its path under `corpus/`.
pub fn corpus_expected() -> &'static Value {
    static EXPECTED: OnceLock<Value> = OnceLock::new();
    EXPECTED.get_or_init(|| {
        let path = fixture("corpus_expected.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).expect("corpus_expected.json is JSON")
    })
}

// -------------------------------------------------------------- distance

/// Great-circle distance in kilometres between two (lat, lon) points, on
/// `geo`'s sphere of mean radius 6371.0088 km.
///
/// The program measures on the WGS84 ellipsoid; the sphere differs from it
/// by under 0.5%, inside every tolerance the tests allow, and keeps the
/// check independent of the code it checks.
pub fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0)) / 1000.0
}
