//! geomention's integration tests: the built binary run as a user runs it,
//! on files written into temporary directories and on the fixtures in
//! `tests/fixtures/`. One module per command or concern.
//!
//! They live in one test binary rather than one per file: each binary links
//! the whole crate and its dependencies again, which on CI's two cores costs
//! more than the tests take to run.

mod batch;
mod claims;
mod eval;
mod places;
mod refresh;
mod util;
