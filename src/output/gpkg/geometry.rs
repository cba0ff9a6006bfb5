//! GeoPackage geometry blobs: the "GP" header (version, flags, SRS id and
//! envelope) followed by the geometry as ISO well-known binary, little
//! endian, for the three shapes a map draws (points, lines and polygons)
//! in EPSG:4326.
//!
//! Coordinates are rounded as the GeoJSON writer rounds them
//! ([`round6`]), so the two formats of one run hold the same numbers.
//! Nothing here knows which table a blob goes in, or what it stands for.

use crate::output::precision::round6;

/// The one coordinate system every table uses: WGS 84 longitude/latitude.
pub const SRS_ID: i32 = 4326;

/// A bounding box: min and max of longitude (x) and latitude (y).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope {
    pub min_x: f64,
    pub max_x: f64,
    pub min_y: f64,
    pub max_y: f64,
}

impl Envelope {
    /// The box around `points` (lon, lat); `None` for no point.
    fn around(points: impl Iterator<Item = [f64; 2]>) -> Option<Envelope> {
        points.fold(None, |env, [x, y]| {
            Some(match env {
                None => Envelope {
                    min_x: x,
                    max_x: x,
                    min_y: y,
                    max_y: y,
                },
                Some(e) => Envelope {
                    min_x: e.min_x.min(x),
                    max_x: e.max_x.max(x),
                    min_y: e.min_y.min(y),
                    max_y: e.max_y.max(y),
                },
            })
        })
    }

    /// The box around both.
    pub fn union(self, other: Envelope) -> Envelope {
        Envelope {
            min_x: self.min_x.min(other.min_x),
            max_x: self.max_x.max(other.max_x),
            min_y: self.min_y.min(other.min_y),
            max_y: self.max_y.max(other.max_y),
        }
    }
}

/// A geometry ready to be stored: its blob and its bounding box (for the
/// spatial index and the table's extent).
#[derive(Debug, Clone, PartialEq)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub envelope: Envelope,
}

/// WKB geometry type codes (2D).
const WKB_POINT: u32 = 1;
const WKB_LINESTRING: u32 = 2;
const WKB_POLYGON: u32 = 3;

/// Header flags: little endian (bit 0), and the envelope kind in bits 1-3
/// (0: none, 1: x and y).
const FLAGS_NO_ENVELOPE: u8 = 0b0000_0001;
const FLAGS_XY_ENVELOPE: u8 = 0b0000_0011;

/// (lat, lon) as a rounded (lon, lat) position.
fn position((lat, lon): (f64, f64)) -> [f64; 2] {
    [round6(lon), round6(lat)]
}

/// A point at (lat, lon). Points carry no envelope in the header: the
/// point is its own.
pub fn point(at: (f64, f64)) -> Blob {
    let p = position(at);
    let mut bytes = header(FLAGS_NO_ENVELOPE, None);
    wkb_start(&mut bytes, WKB_POINT);
    push_position(&mut bytes, p);
    Blob {
        bytes,
        envelope: Envelope {
            min_x: p[0],
            max_x: p[0],
            min_y: p[1],
            max_y: p[1],
        },
    }
}

/// A line through `points`, each (lat, lon).
pub fn line(points: &[(f64, f64)]) -> Blob {
    let points: Vec<[f64; 2]> = points.iter().copied().map(position).collect();
    let envelope = Envelope::around(points.iter().copied()).unwrap_or(ZERO);
    let mut bytes = header(FLAGS_XY_ENVELOPE, Some(envelope));
    wkb_start(&mut bytes, WKB_LINESTRING);
    push_points(&mut bytes, &points);
    Blob { bytes, envelope }
}

/// A polygon of closed `rings` (the exterior, then holes), each a list of
/// (lat, lon) whose last point is its first.
pub fn polygon(rings: &[Vec<(f64, f64)>]) -> Blob {
    let rings: Vec<Vec<[f64; 2]>> = (rings.iter())
        .map(|r| r.iter().copied().map(position).collect())
        .collect();
    let envelope = Envelope::around(rings.iter().flatten().copied()).unwrap_or(ZERO);
    let mut bytes = header(FLAGS_XY_ENVELOPE, Some(envelope));
    wkb_start(&mut bytes, WKB_POLYGON);
    push_count(&mut bytes, rings.len());
    for ring in &rings {
        push_points(&mut bytes, ring);
    }
    Blob { bytes, envelope }
}

/// Only an empty line or polygon has no point: none is ever drawn.
const ZERO: Envelope = Envelope {
    min_x: 0.0,
    max_x: 0.0,
    min_y: 0.0,
    max_y: 0.0,
};

/// "GP", version 0, flags, the SRS id, and the envelope if any.
fn header(flags: u8, envelope: Option<Envelope>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(64);
    bytes.extend_from_slice(b"GP");
    bytes.push(0);
    bytes.push(flags);
    bytes.extend_from_slice(&SRS_ID.to_le_bytes());
    if let Some(e) = envelope {
        for v in [e.min_x, e.max_x, e.min_y, e.max_y] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    bytes
}

fn wkb_start(bytes: &mut Vec<u8>, kind: u32) {
    bytes.push(1); // little endian
    bytes.extend_from_slice(&kind.to_le_bytes());
}

fn push_count(bytes: &mut Vec<u8>, n: usize) {
    // A ring or line of a map has a few dozen points, never 2^32.
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    bytes.extend_from_slice(&n.to_le_bytes());
}

fn push_points(bytes: &mut Vec<u8>, points: &[[f64; 2]]) {
    push_count(bytes, points.len());
    for &p in points {
        push_position(bytes, p);
    }
}

fn push_position(bytes: &mut Vec<u8>, [x, y]: [f64; 2]) {
    bytes.extend_from_slice(&x.to_le_bytes());
    bytes.extend_from_slice(&y.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64_at(bytes: &[u8], at: usize) -> f64 {
        f64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn a_point_is_a_header_and_wkb_lon_first_rounded() {
        let blob = point((49.981_774_4, 36.254_753_3));
        let b = &blob.bytes;
        assert_eq!(&b[..4], b"GP\x00\x01");
        assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 4326);
        assert_eq!(b[8], 1, "little-endian WKB");
        assert_eq!(u32::from_le_bytes(b[9..13].try_into().unwrap()), WKB_POINT);
        assert_eq!(f64_at(b, 13), 36.254753);
        assert_eq!(f64_at(b, 21), 49.981774);
        assert_eq!(b.len(), 29);
    }

    #[test]
    fn a_line_carries_its_envelope() {
        let blob = line(&[(50.0, 36.0), (48.5, 38.25)]);
        let b = &blob.bytes;
        assert_eq!(b[3], FLAGS_XY_ENVELOPE);
        let env: Vec<f64> = (0..4).map(|i| f64_at(b, 8 + 8 * i)).collect();
        assert_eq!(env, [36.0, 38.25, 48.5, 50.0]);
        assert_eq!(
            blob.envelope,
            Envelope {
                min_x: 36.0,
                max_x: 38.25,
                min_y: 48.5,
                max_y: 50.0
            }
        );
        let wkb = &b[40..];
        assert_eq!(u32::from_le_bytes(wkb[1..5].try_into().unwrap()), 2);
        assert_eq!(u32::from_le_bytes(wkb[5..9].try_into().unwrap()), 2);
        assert_eq!(wkb.len(), 9 + 2 * 16);
    }

    #[test]
    fn a_polygon_counts_its_rings_and_points() {
        let ring = vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0)];
        let hole = vec![(0.1, 0.1), (0.2, 0.2), (0.1, 0.2), (0.1, 0.1)];
        let blob = polygon(&[ring, hole]);
        let wkb = &blob.bytes[40..];
        assert_eq!(u32::from_le_bytes(wkb[1..5].try_into().unwrap()), 3);
        assert_eq!(u32::from_le_bytes(wkb[5..9].try_into().unwrap()), 2);
        assert_eq!(u32::from_le_bytes(wkb[9..13].try_into().unwrap()), 4);
        assert_eq!(wkb.len(), 9 + 2 * (4 + 4 * 16));
    }
}
