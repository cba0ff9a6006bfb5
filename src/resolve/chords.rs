//! Distances between the candidates of one document, as chords through the
//! Earth between unit vectors, and the cache that computes each column of
//! them once.
//!
//! Resolution compares every candidate with every other mention's chosen
//! place, several times; a chord costs a few multiplications where a
//! haversine costs trigonometry. This file knows points and groups of
//! rows, nothing of scores, mentions or what makes a good choice.

use crate::gazetteer::PlaceIdx;

/// A point on the unit sphere (x, y, z), as
/// [`crate::gazetteer::unit_vector`] makes it.
pub(super) type UnitVec = [f64; 3];

pub(super) const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Straight-line (chord) distance in km between two unit vectors: the
/// great-circle distance to within 1% up to 1,500 km, and always shorter.
pub(super) fn chord_km(a: &UnitVec, b: &UnitVec) -> f64 {
    EARTH_RADIUS_KM * ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// The great-circle distance in km that a chord of `chord` km spans.
pub(super) fn arc_km(chord: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord / (2.0 * EARTH_RADIUS_KM)).min(1.0).asin()
}

/// The candidates' points, one array per coordinate so that a whole
/// column of distances is computed a few candidates per instruction.
pub(super) struct Points {
    x: Vec<f64>,
    y: Vec<f64>,
    z: Vec<f64>,
}

impl Points {
    pub(super) fn new<'a>(units: impl Iterator<Item = &'a UnitVec>) -> Self {
        let (mut x, mut y, mut z) = (Vec::new(), Vec::new(), Vec::new());
        for u in units {
            x.push(u[0]);
            y.push(u[1]);
            z.push(u[2]);
        }
        Points { x, y, z }
    }

    fn get(&self, i: usize) -> UnitVec {
        [self.x[i], self.y[i], self.z[i]]
    }
}

/// 32 MB of chords.
pub(super) const MAX_CACHED_CHORDS: usize = 1 << 22;

/// Chord distances (km) from every candidate to the place each group has
/// chosen, one column per group. A group seldom changes its choice between
/// rounds, so a column is computed once per chosen place and then only
/// read: a round of scoring costs a subtraction and a comparison per pair,
/// not a square root.
///
/// A document with more groups × candidates than [`MAX_CACHED_CHORDS`]
/// (a gazetteer-like list) is not cached, to bound memory: each column is
/// then computed afresh into one buffer, and distances asked for later are
/// computed on demand, by the same arithmetic.
pub(super) struct Chords {
    points: Points,
    /// The columns, each `rows` long, in the order they were first needed
    /// (a group whose choice is a country never needs one); or, uncached,
    /// the last column computed.
    km: Vec<f64>,
    rows: usize,
    cached: bool,
    /// Where column `g` starts in `km`, and the place it was computed for.
    at: Vec<Option<(usize, PlaceIdx)>>,
    /// The point of the place of group `g`'s latest column.
    units: Vec<UnitVec>,
}

impl Chords {
    /// Room for a column per group over `points`, kept when the columns of
    /// all `groups` fit in `max_cached` chords.
    pub(super) fn new(points: Points, groups: usize, max_cached: usize) -> Self {
        let rows = points.x.len();
        let cached = groups.saturating_mul(rows) <= max_cached;
        Chords {
            points,
            km: Vec::with_capacity(if cached { groups * rows } else { rows }),
            rows,
            cached,
            at: vec![None; groups],
            units: vec![[0.0; 3]; groups],
        }
    }

    /// Column `g`, for `place`, the candidate at `row`: computed unless it
    /// already is.
    pub(super) fn column(&mut self, g: usize, place: PlaceIdx, row: usize) -> &[f64] {
        let unit = self.points.get(row);
        self.units[g] = unit;
        let start = match self.at[g] {
            Some((start, was)) if was == place => return &self.km[start..start + self.rows],
            Some((start, _)) => start,
            None if !self.cached => {
                self.km.resize(self.rows, 0.0);
                fill_chords(&mut self.km, &self.points, &unit);
                return &self.km;
            }
            None => {
                let start = self.km.len();
                self.km.resize(start + self.rows, 0.0);
                start
            }
        };
        self.at[g] = Some((start, place));
        let column = &mut self.km[start..start + self.rows];
        fill_chords(column, &self.points, &unit);
        column
    }

    /// Makes group `g`'s distances to `place`, the candidate at `row`,
    /// available to [`Chords::nearest_anchor`].
    pub(super) fn anchor(&mut self, g: usize, place: PlaceIdx, row: usize) {
        if self.cached {
            self.column(g, place, row);
        } else {
            self.units[g] = self.points.get(row);
        }
    }

    /// Where group `g`'s column starts in `km` (cached, once computed).
    pub(super) fn start(&self, g: usize) -> usize {
        self.at[g].map_or(usize::MAX, |(start, _)| start)
    }

    /// The anchor (group, start of its column) nearest to the candidate at
    /// `row`, group `g`'s choice, other than `g` itself, and its chord
    /// distance (km).
    pub(super) fn nearest_anchor(
        &self,
        anchors: &[(usize, usize)],
        g: usize,
        row: usize,
    ) -> Option<(usize, f64)> {
        let (mut nearest, mut chord) = (usize::MAX, f64::INFINITY);
        // Chords are finite and never NaN: the first anchor sets these, and
        // the least value is what `f64::min` would give.
        if self.cached {
            for &(h, start) in anchors {
                let d = self.km[start + row];
                if d < chord && h != g {
                    (nearest, chord) = (h, d);
                }
            }
        } else {
            let unit = self.points.get(row);
            for &(h, _) in anchors {
                let d = chord_km(&unit, &self.units[h]);
                if d < chord && h != g {
                    (nearest, chord) = (h, d);
                }
            }
        }
        (nearest != usize::MAX).then_some((nearest, chord))
    }

    /// Whether columns are kept (see [`MAX_CACHED_CHORDS`]).
    #[cfg(test)]
    pub(super) fn is_cached(&self) -> bool {
        self.cached
    }
}

/// `column[i] = chord_km(point i, unit)`, over plain arrays so that it
/// vectorizes.
fn fill_chords(column: &mut [f64], points: &Points, unit: &UnitVec) {
    let n = column.len();
    let (x, y, z) = (&points.x[..n], &points.y[..n], &points.z[..n]);
    for i in 0..n {
        column[i] = chord_km(&[x[i], y[i], z[i]], unit);
    }
}

#[cfg(test)]
mod tests {
    use super::super::random_cases::{at, random_groups, random_points, Rng};
    use super::*;

    #[test]
    fn chords_give_great_circle_distances() {
        // Kharkiv to Kyiv: 411.03 km on a sphere of mean radius (haversine).
        let (kharkiv, kyiv) = (at(49.98177, 36.25475), at(50.45466, 30.5238));
        let arc = arc_km(chord_km(&kharkiv, &kyiv));
        assert!((arc - 411.03).abs() < 0.01, "{arc}");
        // A chord is never longer than its arc, and close to it nearby.
        assert!(chord_km(&kharkiv, &kyiv) <= arc);
        assert!(arc - chord_km(&kharkiv, &kyiv) < 0.01 * arc);
        // Antipodes: half the circumference.
        let arc = arc_km(chord_km(&at(0.0, 0.0), &at(0.0, 180.0)));
        assert!((arc - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }

    #[test]
    fn nearest_anchor_is_the_least_chord_of_a_pairwise_scan() {
        let mut rng = Rng(7);
        // Cached columns, and (a limit of 0) the uncached fallback.
        for case in 0..600 {
            let max_cached = if case % 2 == 0 { usize::MAX } else { 0 };
            let groups = random_groups(&mut rng);
            let points = random_points(&mut rng, groups.rows());
            // Anchors: some groups, each at one of its rows.
            let mut anchored: Vec<(usize, usize)> = Vec::new();
            for g in 0..groups.len() {
                if rng.below(4) != 0 {
                    anchored.push((g, groups.row(g, &mut rng)));
                }
            }

            let mut chords = Chords::new(Points::new(points.iter()), groups.len(), max_cached);
            assert_eq!(chords.is_cached(), max_cached > 0);
            for &(g, row) in &anchored {
                // Once for a stale place, to exercise recomputing a column.
                chords.column(g, 1000 + row as PlaceIdx, (row + 1) % points.len());
                chords.anchor(g, row as PlaceIdx, row);
            }
            let anchors: Vec<(usize, usize)> = anchored
                .iter()
                .map(|&(g, _)| (g, chords.start(g)))
                .collect();
            // Every group asks from its first row.
            for g in 0..groups.len() {
                let row = groups.first[g];
                let expected = anchored
                    .iter()
                    .filter(|a| a.0 != g)
                    .map(|a| chord_km(&points[row], &points[a.1]))
                    .reduce(f64::min);
                let found = chords.nearest_anchor(&anchors, g, row);
                assert_eq!(found.map(|n| n.1.to_bits()), expected.map(f64::to_bits));
                if let Some((h, d)) = found {
                    let a = anchored.iter().find(|a| a.0 == h).expect("an anchor");
                    assert_ne!(h, g);
                    assert_eq!(chord_km(&points[row], &points[a.1]).to_bits(), d.to_bits());
                }
            }
        }
    }
}
