//! geomention's integration tests: the built binary run as a user runs it,
//! on files written into temporary directories and on the fixtures in
//! `tests/fixtures/` (described in its README). One module per command or
//! concern; what they share (starting the binary, paths, distance, outside
//! tools) is in `util`, which knows no command's output.
//!
//! Two rules keep a test from passing without having checked anything. A
//! test that needs the data kept beside the repository is
//! `#[ignore = "needs ../shared (...)"]`, and `scripts/test.sh` runs it when
//! `../shared` is there. A test that needs a program from outside Rust gets
//! it from `util::require`, which fails under CI and otherwise says it
//! skipped.
//!
//! They live in one test binary rather than one per file: each binary links
//! the whole crate and its dependencies again.

mod batch;
mod claims;
mod eval;
mod gazetteer;
mod gpkg;
mod html;
mod merge;
mod places;
mod properties;
mod refresh;
mod util;
