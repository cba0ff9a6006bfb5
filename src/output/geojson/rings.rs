//! The rings of drawn circles, written as JSON once and kept, per thread.
//!
//! A ring costs 33 geodesic destinations (the other half mirrored), about
//! 100,000 instructions, and most are drawn again and again: news repeats
//! its figures around the same places ("within 30 km of Kharkiv"). On a
//! 10 MB corpus 3,099 rings had 122 distinct centres and radii. So each
//! worker keeps the rings it drew, written out, keyed by the exact bits of
//! what they were drawn from: a ring found here is the bytes drawing it
//! again would write.

use std::cell::RefCell;

use foldhash::HashMap;

use crate::claims::check::circle;
use crate::output::json::Json;
use crate::output::precision::{round6, CIRCLE_POINTS};

/// Rings kept per thread before the cache starts over: some 1.5 kB each,
/// and a corpus draws few distinct ones.
const KEPT: usize = 1024;

/// What a ring is drawn from: centre latitude and longitude and radius as
/// bits, and whether it runs clockwise (a hole).
type Key = (u64, u64, u64, bool);

thread_local! {
    static RINGS: RefCell<HashMap<Key, Box<[u8]>>> = RefCell::default();
}

/// The ring of `km` around `center` ([`circle`] with [`CIRCLE_POINTS`]),
/// as GeoJSON positions rounded to 6 decimals, counter-clockwise, or
/// clockwise for the `hole` of an annulus.
fn ring(center: (f64, f64), km: f64, hole: bool) -> Vec<[f64; 2]> {
    let mut ring: Vec<[f64; 2]> = circle(center, km, CIRCLE_POINTS)
        .into_iter()
        .map(|(lat, lon)| [round6(lon), round6(lat)])
        .collect();
    if hole {
        ring.reverse();
    }
    ring
}

/// Appends [`ring`]`(center, km, hole)` as JSON to `out`, as its
/// [`Json`] impl writes it.
pub(super) fn write_ring(out: &mut Vec<u8>, center: (f64, f64), km: f64, hole: bool) {
    let key = (center.0.to_bits(), center.1.to_bits(), km.to_bits(), hole);
    RINGS.with_borrow_mut(|rings| {
        if let Some(json) = rings.get(&key) {
            out.extend_from_slice(json);
            return;
        }
        let start = out.len();
        ring(center, km, hole).write_json(out);
        if rings.len() >= KEPT {
            rings.clear();
        }
        rings.insert(key, out[start..].into());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept ring is written as drawing it writes it, for rings and
    /// holes, found in the cache and not.
    #[test]
    fn kept_rings_are_the_drawn_ones() {
        for center in [(50.0, 36.25), (-65.0, 179.95)] {
            for km in [0.5, 30.0, 2500.0] {
                for hole in [false, true] {
                    let mut want = Vec::new();
                    ring(center, km, hole).write_json(&mut want);
                    for _ in 0..2 {
                        let mut got = b"x".to_vec();
                        write_ring(&mut got, center, km, hole);
                        assert_eq!(got[1..], want[..]);
                    }
                }
            }
        }
    }
}
