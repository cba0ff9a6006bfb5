//! How many decimals the output keeps: coordinates to the microdegree
//! (about 10 cm), distances to 100 m, radii and stated values in km to the
//! metre; drawn circles with [`CIRCLE_POINTS`] vertices. The model keeps
//! full precision; writers round as they write.

/// Vertices of drawn circles: smooth at map scale, small in the file. The
/// same in every format, so that their rings agree.
pub const CIRCLE_POINTS: usize = 64;

/// Rounds a coordinate to 6 decimals (about 10 cm).
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Rounds a measured distance or angle to one decimal.
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Rounds a value in km or km² to three decimals.
pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
