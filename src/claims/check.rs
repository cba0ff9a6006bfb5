//! Measures a stated distance on the map and decides whether the text is
//! right: geodesic (WGS84) distances with `geo`'s [`Geodesic`] metric space,
//! the nearest point of a country's outline for "the Russian border", the
//! tolerance rule (see the [`super`] module documentation) and the verdict.
//!
//! It also draws the circles the output needs (rings of a stated radius,
//! illustrative areas), since they are geodesic constructions too.

use geo::{Bearing as _, Destination, Distance, Geodesic, Point};

use super::quantity::{Bearing, Qualifier};

/// Whether the map agrees with a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Consistent,
    Inconsistent,
    Unverifiable,
}

impl Verdict {
    /// The verdict the output names `name` ([`Verdict::as_str`]).
    pub fn from_name(name: &str) -> Option<Verdict> {
        [
            Verdict::Consistent,
            Verdict::Inconsistent,
            Verdict::Unverifiable,
        ]
        .into_iter()
        .find(|v| v.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Consistent => "consistent",
            Verdict::Inconsistent => "inconsistent",
            Verdict::Unverifiable => "unverifiable",
        }
    }
}

/// A stated distance, in kilometres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stated {
    pub km: f64,
    pub max_km: Option<f64>,
    /// Place value of the last significant digit, in kilometres.
    pub step_km: f64,
    pub qualifier: Option<Qualifier>,
    pub bearing: Option<Bearing>,
}

/// What the map says about a distance claim.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Check {
    pub measured_km: Option<f64>,
    /// Measured minus stated (for a range: distance outside it, signed).
    pub difference_km: Option<f64>,
    pub tolerance_km: Option<f64>,
    /// Azimuth from the reference to the subject, clockwise from north.
    pub measured_bearing_deg: Option<f64>,
    pub verdict: Verdict,
    /// Why, in plain words.
    pub reason: String,
}

impl Check {
    pub fn unverifiable(reason: impl Into<String>) -> Self {
        Check {
            measured_km: None,
            difference_km: None,
            tolerance_km: None,
            measured_bearing_deg: None,
            verdict: Verdict::Unverifiable,
            reason: reason.into(),
        }
    }
}

/// A stated direction is wrong when the measured one is further than this from it.
pub const BEARING_TOLERANCE_DEG: f64 = 60.0;

/// Geodesic distance in kilometres between two (lat, lon) points.
pub fn geodesic_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    Geodesic.distance(Point::new(a.1, a.0), Point::new(b.1, b.0)) / 1000.0
}

/// Initial azimuth from `a` to `b` in degrees in [0, 360).
pub fn azimuth_deg(a: (f64, f64), b: (f64, f64)) -> f64 {
    Geodesic
        .bearing(Point::new(a.1, a.0), Point::new(b.1, b.0))
        .rem_euclid(360.0)
}

/// The point `km` kilometres from `from` along azimuth `deg`, as (lat, lon).
pub fn destination(from: (f64, f64), deg: f64, km: f64) -> (f64, f64) {
    let p = Geodesic.destination(Point::new(from.1, from.0), deg, km * 1000.0);
    (p.y(), p.x())
}

/// The allowed difference for a number stated as `km` with precision
/// `step_km`: half its last significant place, plus 3% of it, plus 1 km
/// for the size of towns; one and a half times that after "about".
pub fn tolerance_km(km: f64, step_km: f64, qualifier: Option<Qualifier>) -> f64 {
    let t = 0.5 * step_km + 0.03 * km + 1.0;
    if qualifier == Some(Qualifier::About) {
        1.5 * t
    } else {
        t
    }
}

/// Decides a distance claim from its measured distance (and, when a
/// direction was stated, the measured azimuth from reference to subject).
pub fn verdict(stated: &Stated, measured_km: f64, measured_bearing: Option<f64>) -> Check {
    let lo = stated.km;
    let hi = stated.max_km.unwrap_or(lo);
    let t_lo = tolerance_km(lo, stated.step_km, stated.qualifier);
    let t_hi = tolerance_km(hi, stated.step_km, stated.qualifier);
    let (ok, difference, tolerance, rule) = match stated.qualifier {
        _ if stated.max_km.is_some() => {
            let diff = if measured_km < lo {
                measured_km - lo
            } else if measured_km > hi {
                measured_km - hi
            } else {
                0.0
            };
            let ok = measured_km >= lo - t_lo && measured_km <= hi + t_hi;
            (ok, diff, t_hi, "inside the stated range")
        }
        Some(Qualifier::Over | Qualifier::AtLeast) => (
            measured_km >= lo - t_lo,
            measured_km - lo,
            t_lo,
            "no less than the stated distance",
        ),
        Some(Qualifier::Under | Qualifier::UpTo | Qualifier::Within) => (
            measured_km <= lo + t_lo,
            measured_km - lo,
            t_lo,
            "no more than the stated distance",
        ),
        _ => (
            (measured_km - lo).abs() <= t_lo,
            measured_km - lo,
            t_lo,
            "as far as stated",
        ),
    };
    let bearing_off = match (stated.bearing, measured_bearing) {
        (Some(b), Some(m)) => Some(angle_between(b.degrees, m)),
        _ => None,
    };
    let (verdict, reason) = if !ok {
        (
            Verdict::Inconsistent,
            format!("measured {measured_km:.1} km is not {rule}, even allowing {tolerance:.1} km"),
        )
    } else if let Some(off) = bearing_off.filter(|&off| off > BEARING_TOLERANCE_DEG) {
        (
            Verdict::Inconsistent,
            format!(
                "the distance fits, but the direction is {off:.0}° off the stated {}",
                stated.bearing.map_or("", |b| b.name)
            ),
        )
    } else {
        (
            Verdict::Consistent,
            format!("measured {measured_km:.1} km is {rule}, allowing {tolerance:.1} km"),
        )
    };
    Check {
        measured_km: Some(measured_km),
        difference_km: Some(difference),
        tolerance_km: Some(tolerance),
        measured_bearing_deg: measured_bearing,
        verdict,
        reason,
    }
}

/// The smaller angle between two azimuths, in degrees.
pub fn angle_between(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

/// A closed, counter-clockwise ring of `n` points at `km` around `center`,
/// as (lat, lon), unrounded: writers round to what their format keeps.
///
/// Geodesics on the ellipsoid are symmetric about the meridian they start
/// on, so the point at azimuth `360° − a` is the point at `a` mirrored
/// across the centre's meridian: for an even `n`, only the eastern half of
/// the ring is measured.
pub fn circle(center: (f64, f64), km: f64, n: usize) -> Vec<(f64, f64)> {
    let n = n.max(8);
    // Azimuths clockwise from north run clockwise on the map: walk them
    // backwards for the counter-clockwise exterior ring RFC 7946 asks for.
    let mut points: Vec<(f64, f64)> = Vec::with_capacity(n + 1);
    for i in 0..n {
        let mirror = (n - i) % n;
        let point = if n % 2 == 0 && mirror < i {
            // Measured already, as its mirror image.
            let (lat, lon) = points[mirror];
            (lat, mirrored_lon(center.1, lon))
        } else {
            let azimuth = (360.0 - 360.0 * i as f64 / n as f64).rem_euclid(360.0);
            destination(center, azimuth, km)
        };
        points.push(point);
    }
    points.push(points[0]);
    points
}

/// Longitude `lon` mirrored across the meridian `center`, in −180..=180.
fn mirrored_lon(center: f64, lon: f64) -> f64 {
    // The signed difference, the short way round the globe.
    let d = (lon - center + 540.0).rem_euclid(360.0) - 180.0;
    let m = center - d;
    if m > 180.0 {
        m - 360.0
    } else if m < -180.0 {
        m + 360.0
    } else {
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::units::Unit;

    /// Mirrored halves give the ring that measuring every point gives, once
    /// rounded to the microdegrees the output keeps, near the poles and
    /// across the antimeridian too. (The two can differ in the last
    /// floating-point bit, so a coordinate lying exactly on a rounding
    /// boundary could come out one microdegree apart; none of these do.)
    #[test]
    fn mirrored_circle_equals_the_measured_one() {
        for center in [
            (50.0, 36.25),
            (-33.9, 151.2),
            (78.2, 15.6),
            (-65.0, 179.95),
            (0.0, -180.0),
        ] {
            for km in [0.5, 10.5, 200.0, 2500.0] {
                let n = 64;
                let round6 = |v: f64| (v * 1e6).round() / 1e6;
                let rounded = |(lat, lon): (f64, f64)| (round6(lat), round6(lon));
                let measured: Vec<(f64, f64)> = (0..=n)
                    .map(|i| {
                        let deg = (360.0 - 360.0 * (i % n) as f64 / n as f64).rem_euclid(360.0);
                        rounded(destination(center, deg, km))
                    })
                    .collect();
                let ring = circle(center, km, n);
                assert_eq!(ring.len(), measured.len());
                for (&got, want) in ring.iter().zip(&measured) {
                    assert_eq!(rounded(got), *want, "{center:?} {km}");
                }
            }
        }
        assert!((mirrored_lon(179.9, -179.8) - 179.6).abs() < 1e-9);
        assert!((mirrored_lon(-179.9, 179.8) + 179.6).abs() < 1e-9);
    }

    fn within(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs()
    }

    /// Independent reference values: GeographicLib's published test cases
    /// (GeodSolve and GeodTest, WGS84) and the exact unit definitions.
    #[test]
    fn geodesic_figures_and_unit_conversions_match_references_to_0_1_percent() {
        // (lat1, lon1, lat2, lon2, s12 in metres, azi1 in degrees)
        let geodesics: &[(f64, f64, f64, f64, f64, f64)] = &[
            // GeodSolve0: JFK to Paris CDG.
            (40.6, -73.8, 49.01666667, 2.55, 5_853_226.0, 53.47022),
            // GeodSolve76: Wellington to Salamanca (where Vincenty fails).
            (
                -(41.0 + 19.0 / 60.0),
                174.0 + 49.0 / 60.0,
                40.0 + 58.0 / 60.0,
                -(5.0 + 30.0 / 60.0),
                19_960_543.857179,
                160.39137649664,
            ),
            // GeodTest.dat lines.
            (
                35.60777,
                -139.44815,
                -11.17491,
                -69.95921,
                8_935_244.560_481_8,
                111.098_748_429_560_33,
            ),
            (
                55.52454,
                106.05087,
                77.03196,
                197.18234,
                4_105_086.171_392_4,
                22.020_059_880_982_8,
            ),
            (
                -21.97856,
                142.59065,
                41.84138,
                98.56635,
                8_394_328.894_657_67,
                -32.44456876433189,
            ),
        ];
        for &(lat1, lon1, lat2, lon2, s12, azi1) in geodesics {
            let km = geodesic_km((lat1, lon1), (lat2, lon2));
            assert!(
                within(km, s12 / 1000.0, 1e-3),
                "{lat1},{lon1}: {km} km vs {}",
                s12 / 1000.0
            );
            let az = azimuth_deg((lat1, lon1), (lat2, lon2));
            assert!(angle_between(az, azi1) < 0.01, "azimuth {az} vs {azi1}");
        }
        // GeodSolve1: the direct problem from JFK.
        let (lat, lon) = destination((40.63972222, -73.77888889), 53.5, 5850.0);
        assert!((lat - 49.01467).abs() < 1e-4 && (lon - 2.56106).abs() < 1e-4);
        // Quarter meridian of WGS84: 10 001 965.729 m.
        assert!(within(
            geodesic_km((0.0, 0.0), (90.0, 0.0)),
            10_001.965_729,
            1e-3
        ));

        let units: &[(Unit, f64)] = &[
            (Unit::Km, 1.0),
            (Unit::M, 0.001),
            (Unit::Mi, 1.609_344),
            (Unit::Nmi, 1.852),
            (Unit::Km2, 1.0),
            (Unit::Ha, 0.01),
            (Unit::Acre, 0.004_046_856_422_4),
            (Unit::Mi2, 2.589_988_110_336),
            (Unit::M2, 1e-6),
        ];
        for &(unit, km) in units {
            assert!(within(unit.to_km(), km, 1e-3), "{unit:?}");
        }
        // 440 miles, 160 nautical miles, 1,200 acres, 3,000 ha.
        assert!(within(440.0 * Unit::Mi.to_km(), 708.111_36, 1e-3));
        assert!(within(160.0 * Unit::Nmi.to_km(), 296.32, 1e-3));
        assert!(within(1200.0 * Unit::Acre.to_km(), 4.856_227_706_88, 1e-3));
        assert!(within(3000.0 * Unit::Ha.to_km(), 30.0, 1e-3));
    }

    fn stated(km: f64, step_km: f64, qualifier: Option<Qualifier>) -> Stated {
        Stated {
            km,
            max_km: None,
            step_km,
            qualifier,
            bearing: None,
        }
    }

    #[test]
    fn round_numbers_are_looser_than_precise_ones() {
        assert!(tolerance_km(500.0, 100.0, None) > tolerance_km(510.0, 10.0, None));
        assert!(tolerance_km(10.5, 0.1, None) < tolerance_km(10.0, 10.0, None));
        assert!(tolerance_km(30.0, 10.0, Some(Qualifier::About)) > tolerance_km(30.0, 10.0, None));
    }

    #[test]
    fn verdicts_follow_the_qualifier() {
        use Qualifier::*;
        let table: &[(f64, f64, Option<Qualifier>, f64, Verdict)] = &[
            (500.0, 100.0, Some(Just), 509.1, Verdict::Consistent),
            (30.0, 10.0, Some(Just), 32.7, Verdict::Consistent),
            (20.0, 10.0, Some(Just), 73.0, Verdict::Inconsistent),
            (70.0, 10.0, Some(Over), 73.0, Verdict::Consistent),
            (150.0, 10.0, Some(Over), 60.6, Verdict::Inconsistent),
            (10.0, 10.0, Some(Under), 4.4, Verdict::Consistent),
            (20.0, 10.0, Some(Under), 45.3, Verdict::Inconsistent),
            (310.0, 10.0, Some(Under), 306.4, Verdict::Consistent),
            (200.0, 100.0, Some(About), 441.6, Verdict::Inconsistent),
            (13.5, 0.1, Some(Just), 13.6, Verdict::Consistent),
            (1050.0, 10.0, None, 1058.8, Verdict::Consistent),
        ];
        for &(km, step, q, measured, want) in table {
            assert_eq!(
                verdict(&stated(km, step, q), measured, None).verdict,
                want,
                "{q:?} {km} vs {measured}"
            );
        }
        let range = Stated {
            max_km: Some(30.0),
            ..stated(20.0, 10.0, None)
        };
        assert_eq!(verdict(&range, 25.0, None).verdict, Verdict::Consistent);
        assert_eq!(verdict(&range, 60.0, None).verdict, Verdict::Inconsistent);
    }

    #[test]
    fn a_direction_far_from_the_stated_one_is_inconsistent() {
        let north = Bearing {
            name: "north",
            degrees: 0.0,
        };
        let s = Stated {
            bearing: Some(north),
            ..stated(28.0, 1.0, Some(Qualifier::About))
        };
        assert_eq!(verdict(&s, 27.9, Some(25.0)).verdict, Verdict::Consistent);
        assert_eq!(
            verdict(&s, 27.9, Some(180.0)).verdict,
            Verdict::Inconsistent
        );
        assert_eq!(angle_between(350.0, 10.0), 20.0);
    }

    #[test]
    fn circles_are_closed_counter_clockwise_rings_of_the_radius() {
        let ring = circle((50.9, 34.8), 10.5, 64);
        assert_eq!(ring.len(), 65);
        assert_eq!(ring.first(), ring.last());
        // Shoelace in lon/lat: positive means counter-clockwise.
        let twice_area: f64 = ring
            .windows(2)
            .map(|w| w[0].1 * w[1].0 - w[1].1 * w[0].0)
            .sum();
        assert!(twice_area > 0.0);
        for &p in &ring {
            let d = geodesic_km((50.9, 34.8), p);
            assert!((d - 10.5).abs() < 0.01, "{d}");
        }
    }
}
