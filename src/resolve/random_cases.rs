//! Random but repeatable cases for the tests that hold resolution's fast
//! arithmetic (chord columns, folded nearness, the softmax) against the
//! straightforward computation. Test-only; it knows nothing of places.

use super::chords::UnitVec;

/// A small deterministic generator (SplitMix64), for random cases.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The unit vector of (`lat`, `lon`) in degrees.
pub(super) fn at(lat: f64, lon: f64) -> UnitVec {
    crate::gazetteer::unit_vector(lat, lon)
}

/// Points mostly within a few hundred km of each other, as in news,
/// with some far away and some repeated exactly.
pub(super) fn random_points(rng: &mut Rng, n: usize) -> Vec<UnitVec> {
    let mut points: Vec<UnitVec> = Vec::new();
    for _ in 0..n {
        let p = match rng.below(4) {
            0 => at(180.0 * rng.unit() - 90.0, 360.0 * rng.unit() - 180.0),
            1 if !points.is_empty() => points[rng.below(points.len())],
            _ => at(48.0 + 6.0 * rng.unit(), 30.0 + 10.0 * rng.unit()),
        };
        points.push(p);
    }
    points
}

/// Weights as a round of scoring makes them: some at or above 1, some
/// tiny, some zero.
pub(super) fn random_weight(rng: &mut Rng) -> f64 {
    match rng.below(5) {
        0 => 1.0 + rng.unit(),
        1 => 0.0,
        2 => 1e-12 * rng.unit(),
        _ => 2.0 * rng.unit(),
    }
}

/// Groups of rows laid out flat, each group's together, as resolution lays
/// out its candidates.
pub(super) struct Groups {
    /// The first row of each group; one more entry, the number of rows.
    pub(super) first: Vec<usize>,
}

impl Groups {
    pub(super) fn len(&self) -> usize {
        self.first.len() - 1
    }

    pub(super) fn rows(&self) -> usize {
        self.first[self.len()]
    }

    /// The rows of group `g`.
    pub(super) fn range(&self, g: usize) -> std::ops::Range<usize> {
        self.first[g]..self.first[g + 1]
    }

    /// One row of group `g`, at random.
    pub(super) fn row(&self, g: usize, rng: &mut Rng) -> usize {
        self.first[g] + rng.below(self.range(g).len())
    }
}

/// One to twelve groups of one to six rows.
pub(super) fn random_groups(rng: &mut Rng) -> Groups {
    let mut first = vec![0];
    for _ in 0..1 + rng.below(12) {
        first.push(first[first.len() - 1] + 1 + rng.below(6));
    }
    Groups { first }
}
