//! What the test modules share: how they start the binary, where the
//! repository, its fixtures and the data beside it are, the one
//! great-circle distance they measure with, and the rule for a test that
//! needs a program from outside Rust ([`require`]). It knows nothing of what
//! any command prints; the assertions stay in the module of the behaviour
//! they check.

use std::io::Write as _;
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
#[track_caller]
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

// --------------------------------------------------------- outside tools

/// Something from outside Rust that a test puts the output through. Each
/// one is installed by `scripts/test.sh`; a new tool goes there too.
pub enum Tool {
    /// A program looked up on `PATH`: `ogrinfo`, `node`, `python3`...
    Program(&'static str),
    /// Something installed at a known path, such as the npm package
    /// `scripts/test.sh` puts under `build/`.
    Installed { name: &'static str, path: PathBuf },
}

/// Where `tool` is, or `None` when it is missing and the calling test
/// should return.
///
/// A missing tool fails the test when `CI` or `GEOMENTION_FULL_TESTS` is
/// set: `scripts/test.sh` (which CI runs) installs every tool and sets the
/// latter, so there a missing tool is a broken setup, not a pass. Anywhere
/// else the test says it skipped and passes, so that a developer without
/// GDAL or Node still gets a `cargo test` that checks everything else, and
/// sees what it did not check.
#[track_caller]
pub fn require(tool: Tool) -> Option<PathBuf> {
    let (name, found) = match tool {
        Tool::Program(name) => (name, on_path(name)),
        Tool::Installed { name, path } => (name, path.exists().then_some(path)),
    };
    if found.is_some() {
        return found;
    }
    if ["CI", "GEOMENTION_FULL_TESTS"].into_iter().any(is_set) {
        panic!(
            "{name} is not installed, and CI or GEOMENTION_FULL_TESTS asks for every test to run"
        );
    }
    let thread = std::thread::current();
    let test = thread.name().filter(|n| *n != "main").unwrap_or("a test");
    // Straight to stderr: the test harness hides what a passing test prints
    // with `eprintln!`, and a skip nobody sees is the silent pass to avoid.
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: {name} is not installed (scripts/test.sh installs it)"
    );
    None
}

fn on_path(program: &str) -> Option<PathBuf> {
    let file = format!("{program}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&file))
        .find(|path| path.is_file())
}

/// Is the environment variable set to something other than empty, `0` or `false`?
fn is_set(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| !["", "0", "false"].contains(&v.as_str()))
}
