//! The page's base map: the gazetteer's country outlines, simplified to a
//! backdrop of a few hundred kilobytes that needs no tiles.
//!
//! Owns how outlines become a drawing: which islands go, how far lines
//! may move, how coordinates are rounded, and how a ring is drawn right
//! on a flat map. It measures nothing (distances to borders use the full
//! outlines, in [`crate::gazetteer::outlines`]) and knows nothing of the
//! page around it.
//!
//! Each country is simplified on its own (Ramer–Douglas–Peucker, geo's
//! [`Simplify`]), so two neighbours' shared border may part by up to the
//! tolerance: slivers of sea a few kilometres wide at high zoom, where a
//! map page is read with its markers and lines, not its borders. Keeping
//! shared borders would need the topology the gazetteer does not keep.

use std::sync::Arc;

use geo::{Area, Coord, LineString, MultiPolygon, Polygon, Simplify};
use geojson::{Feature, FeatureCollection, Geometry, JsonObject};

use crate::error::{Error, Result};
use crate::gazetteer::{Gazetteer, Outlines};

/// How far, in degrees, a simplified line may stray from the outline:
/// about 11 km, under a pixel up to zoom 5. Claim lines to a border end
/// at the exact border point, which the drawn border may miss by as much.
pub const TOLERANCE_DEG: f64 = 0.1;

/// Islands smaller than this (square degrees, about 600 km² at the
/// equator) are left out, except a country's largest polygon: most of the
/// file's vertices are small islands, invisible at the zooms where the
/// base map is all there is to see.
const MIN_ISLAND_SQ_DEG: f64 = 0.05;

/// Coordinates are written to 1/100 of a degree (about 1 km), finer than
/// the tolerance.
const SCALE: f64 = 100.0;

/// A country whose outline would collapse at [`TOLERANCE_DEG`] (Monaco,
/// Nauru) keeps its largest polygon at this finer one.
const SMALL_COUNTRY_TOLERANCE_DEG: f64 = TOLERANCE_DEG / 20.0;

/// The base map of a page: a GeoJSON `FeatureCollection`, one
/// `MultiPolygon` feature per country with its `name` and `iso` code, as
/// compact JSON.
#[derive(Clone, PartialEq, Eq)]
pub struct Basemap {
    json: Arc<str>,
}

impl std::fmt::Debug for Basemap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Basemap({} bytes)", self.json.len())
    }
}

impl Basemap {
    /// The base map of `gazetteer`'s outlines, countries named as the
    /// gazetteer names them. An outline that cannot be read is an error
    /// naming the country, rather than a map with a country missing.
    pub fn of(gazetteer: &Gazetteer) -> Result<Basemap> {
        let outlines = gazetteer.outlines();
        let name = |iso: &str| {
            gazetteer
                .country(iso)
                .map(|p| gazetteer.place(p).name.clone())
        };
        Basemap::from_outlines(outlines, name).map_err(|message| Error::Gazetteer {
            path: gazetteer.origin().to_string().into(),
            message,
        })
    }

    /// The base map of `outlines`, `name` giving each country's name (its
    /// code when it gives none), countries in order of their codes.
    pub fn from_outlines(
        outlines: &Outlines,
        name: impl Fn(&str) -> Option<String>,
    ) -> std::result::Result<Basemap, String> {
        let mut codes: Vec<&str> = outlines.codes().collect();
        codes.sort_unstable();
        let mut features = Vec::with_capacity(codes.len());
        for iso in codes {
            let outline = outlines
                .outline(iso)
                .ok_or_else(|| format!("countries.geojson: the outline of {iso} cannot be read"))?;
            let Some(drawn) = simplify_country(outline) else {
                continue;
            };
            let mut properties = JsonObject::new();
            properties.insert(
                "name".into(),
                name(iso).unwrap_or_else(|| iso.into()).into(),
            );
            properties.insert("iso".into(), iso.into());
            features.push(Feature {
                bbox: None,
                geometry: Some(Geometry::new(geojson::Value::from(&drawn))),
                id: None,
                properties: Some(properties),
                foreign_members: None,
            });
        }
        let collection = FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        };
        Ok(Basemap {
            json: collection.to_string().into(),
        })
    }

    /// The base map as compact JSON.
    pub fn json(&self) -> &str {
        &self.json
    }
}

/// A country as the base map draws it: small islands left out, each ring
/// made right for a flat map, simplified and rounded; `None` when nothing
/// is left.
fn simplify_country(outline: &MultiPolygon<f64>) -> Option<MultiPolygon<f64>> {
    let areas: Vec<f64> = outline.0.iter().map(|p| p.unsigned_area()).collect();
    let largest = (0..areas.len()).max_by(|&a, &b| areas[a].total_cmp(&areas[b]))?;
    let simplify = |polygon: &Polygon<f64>, tolerance: f64| {
        let flat = Polygon::new(
            flat_ring(polygon.exterior()),
            polygon.interiors().iter().map(flat_ring).collect(),
        );
        rounded(&flat.simplify(tolerance))
    };
    let polygons: Vec<Polygon<f64>> = (outline.0.iter().zip(&areas).enumerate())
        .filter(|&(i, (_, &area))| i == largest || area >= MIN_ISLAND_SQ_DEG)
        .filter_map(|(_, (polygon, _))| simplify(polygon, TOLERANCE_DEG))
        .collect();
    if !polygons.is_empty() {
        return Some(MultiPolygon::new(polygons));
    }
    let small = simplify(&outline.0[largest], SMALL_COUNTRY_TOLERANCE_DEG)?;
    Some(MultiPolygon::new(vec![small]))
}

/// The polygon with its coordinates rounded, repeated vertices dropped,
/// and holes that collapsed left out; `None` when its exterior collapsed.
fn rounded(polygon: &Polygon<f64>) -> Option<Polygon<f64>> {
    let ring = |ring: &LineString<f64>| {
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
        for c in &ring.0 {
            let c = Coord {
                x: (c.x * SCALE).round() / SCALE,
                y: (c.y * SCALE).round() / SCALE,
            };
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
        // A closed ring of at least three distinct points.
        (out.len() >= 4 && out.first() == out.last()).then(|| LineString::new(out))
    };
    Some(Polygon::new(
        ring(polygon.exterior())?,
        polygon.interiors().iter().filter_map(ring).collect(),
    ))
}

/// The ring as a flat map must have it to draw it right.
///
/// On the sphere an edge from 179.9° to -180° is a short step; a flat map
/// draws it across the whole world. A ring that only has vertices on the
/// 180th meridian written on the wrong side is moved whole to one side. A
/// ring that goes round a pole (Antarctica's) is opened where it crosses
/// the meridian and closed along it and the pole. A ring that really
/// crosses the meridian would need cutting; the gazetteer's outlines have
/// none (Natural Earth cuts its countries there), so it is left as it is.
fn flat_ring(ring: &LineString<f64>) -> LineString<f64> {
    let coords = &ring.0;
    let jumps = |w: &[Coord<f64>]| (w[1].x - w[0].x).abs() > 180.0;
    let Some(jump) = coords.windows(2).position(jumps) else {
        return ring.clone();
    };
    // Each longitude moved by whole turns so that every step is taken the
    // short way round: by `turns[i]` times 360°. Whole turns, not sums of
    // steps, so that a vertex that stays keeps its exact value.
    let mut turns: Vec<i32> = Vec::with_capacity(coords.len());
    let mut previous = coords[0].x;
    for c in coords {
        let k = ((previous - c.x) / 360.0).round();
        previous = c.x + 360.0 * k;
        turns.push(k as i32);
    }
    let unwrapped = |i: usize| coords[i].x + 360.0 * f64::from(turns[i]);
    let last = coords.len() - 1;
    if (unwrapped(last) - unwrapped(0)).abs() > 180.0 {
        return round_the_pole(coords, jump);
    }
    let (west, east) = (0..coords.len())
        .map(unwrapped)
        .fold((f64::MAX, f64::MIN), |(w, e), x| (w.min(x), e.max(x)));
    // Whole turns that bring the ring into [-180, 180], if any do.
    let shift = -((west + 180.0 + 1e-9) / 360.0).floor();
    if east + 360.0 * shift > 180.0 + 1e-9 {
        return ring.clone();
    }
    let shift = shift as i32;
    let flat = coords.iter().zip(&turns).map(|(c, &k)| Coord {
        x: c.x + 360.0 * f64::from(k + shift),
        y: c.y,
    });
    LineString::new(flat.collect())
}

/// A step in longitude, taken the short way round.
fn short_step(d: f64) -> f64 {
    if d > 180.0 {
        d - 360.0
    } else if d < -180.0 {
        d + 360.0
    } else {
        d
    }
}

/// A closed ring round a pole, whose edge from `coords[jump]` to
/// `coords[jump + 1]` crosses the 180th meridian: the ring from after the
/// crossing round to before it, then down the meridian to the pole, along
/// the pole to the meridian's other side, and back up.
fn round_the_pole(coords: &[Coord<f64>], jump: usize) -> LineString<f64> {
    let (a, b) = (coords[jump], coords[jump + 1]);
    let side_a = if a.x < 0.0 { -180.0 } else { 180.0 };
    let b_x = a.x + short_step(b.x - a.x);
    let t = if b_x == a.x {
        0.0
    } else {
        (side_a - a.x) / (b_x - a.x)
    };
    let crossing = a.y + t * (b.y - a.y);
    let mean_lat = coords.iter().map(|c| c.y).sum::<f64>() / coords.len() as f64;
    let pole = if mean_lat < 0.0 { -90.0 } else { 90.0 };
    // `coords` is closed: its last vertex repeats the first.
    let body = coords[jump + 1..coords.len() - 1]
        .iter()
        .chain(&coords[..=jump]);
    let mut out: Vec<Coord<f64>> = body.copied().collect();
    for (x, y) in [
        (side_a, crossing),
        (side_a, pole),
        (-side_a, pole),
        (-side_a, crossing),
    ] {
        let c = Coord { x, y };
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    out.push(b);
    LineString::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    fn longest_step(ring: &LineString<f64>) -> f64 {
        (ring.0.windows(2))
            .map(|w| (w[1].x - w[0].x).abs())
            .fold(0.0, f64::max)
    }

    #[test]
    fn a_ring_with_no_step_across_the_map_is_kept() {
        let square = ring(&[(36.0, 50.0), (37.0, 50.0), (37.0, 51.0), (36.0, 50.0)]);
        assert_eq!(flat_ring(&square), square);
    }

    /// Chukotka as world-atlas wrote it: vertices on 180 written as -180
    /// in a ring east of the meridian. Moved whole to the east side.
    #[test]
    fn vertices_on_the_meridian_go_to_their_ring_side() {
        let chukotka = ring(&[
            (-180.0, 65.0),
            (-180.0, 69.0),
            (179.5, 69.0),
            (175.0, 67.0),
            (179.9, 65.0),
            (-180.0, 65.0),
        ]);
        let flat = flat_ring(&chukotka);
        assert!(longest_step(&flat) < 5.0, "{flat:?}");
        assert!(flat.0.iter().all(|c| (175.0..=180.0).contains(&c.x)));
        assert_eq!(flat.0[0], Coord { x: 180.0, y: 65.0 });
        // West of the meridian: moved to -180.
        let west = ring(&[
            (180.0, -16.0),
            (-179.5, -16.5),
            (-179.9, -17.0),
            (180.0, -16.0),
        ]);
        let flat = flat_ring(&west);
        assert_eq!(
            flat.0[0],
            Coord {
                x: -180.0,
                y: -16.0
            }
        );
        assert!(flat.0.iter().all(|c| (-180.0..=-179.5).contains(&c.x)));
    }

    /// Antarctica: a ring that goes round the pole, closed along the
    /// meridian and the pole so that a flat map fills the land.
    #[test]
    fn a_ring_round_the_pole_is_closed_at_the_pole() {
        let antarctica = ring(&[
            (-180.0, -84.0),
            (179.0, -84.0),
            (90.0, -70.0),
            (0.0, -70.0),
            (-90.0, -75.0),
            (-179.0, -84.5),
            (-180.0, -84.0),
        ]);
        let flat = flat_ring(&antarctica);
        let coords: Vec<(f64, f64)> = flat.0.iter().map(|c| (c.x, c.y)).collect();
        assert_eq!(
            coords,
            vec![
                (179.0, -84.0),
                (90.0, -70.0),
                (0.0, -70.0),
                (-90.0, -75.0),
                (-179.0, -84.5),
                (-180.0, -84.0),
                (-180.0, -90.0),
                (180.0, -90.0),
                (180.0, -84.0),
                (179.0, -84.0),
            ]
        );
        // Every step but the one along the pole is short.
        let long: Vec<_> = (flat.0.windows(2))
            .filter(|w| (w[1].x - w[0].x).abs() > 180.0)
            .collect();
        assert_eq!(long.len(), 1);
        assert!(long[0].iter().all(|c| c.y == -90.0));
    }

    #[test]
    fn small_islands_go_but_every_country_keeps_a_shape() {
        let square = |x: f64, y: f64, side: f64| {
            Polygon::new(
                ring(&[
                    (x, y),
                    (x + side, y),
                    (x + side, y + side),
                    (x, y + side),
                    (x, y),
                ]),
                vec![],
            )
        };
        let country = MultiPolygon::new(vec![square(0.0, 0.0, 5.0), square(10.0, 0.0, 0.1)]);
        let drawn = simplify_country(&country).unwrap();
        assert_eq!(drawn.0.len(), 1, "the 0.01 sq° island is left out");
        // A country smaller than the tolerance keeps its largest polygon.
        let tiny = MultiPolygon::new(vec![square(7.41, 43.72, 0.03), square(7.5, 43.8, 0.01)]);
        let drawn = simplify_country(&tiny).unwrap();
        assert_eq!(drawn.0.len(), 1);
        assert!(drawn.0[0].exterior().0.len() >= 4);
    }

    /// The shipped outlines: every country drawn, no ring stepping across
    /// the map but Antarctica's along the pole, and small enough for a page.
    #[test]
    fn the_shipped_outlines_make_a_small_base_map() {
        let gazetteer = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let started = std::time::Instant::now();
        let basemap = Basemap::of(&gazetteer).unwrap();
        let took = started.elapsed();
        let fc: FeatureCollection = basemap
            .json()
            .parse::<geojson::GeoJson>()
            .unwrap()
            .try_into()
            .unwrap();
        let outlines = gazetteer.outlines();
        assert_eq!(fc.features.len(), outlines.codes().count());
        let names: Vec<&str> = (fc.features.iter())
            .filter_map(|f| f.property("name")?.as_str())
            .collect();
        assert!(names.contains(&"Ukraine") && names.contains(&"Monaco"));
        for f in &fc.features {
            let mp: MultiPolygon<f64> = f.geometry.clone().unwrap().try_into().unwrap();
            for ring in
                mp.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            {
                for w in ring.0.windows(2) {
                    let along_pole = w[0].y == w[1].y && w[0].y.abs() == 90.0;
                    assert!(
                        (w[1].x - w[0].x).abs() <= 180.0 || along_pole,
                        "{:?} steps across the map: {w:?}",
                        f.property("iso")
                    );
                }
            }
        }
        let bytes = basemap.json().len();
        eprintln!("base map: {bytes} bytes in {took:?}");
        assert!((200_000..700_000).contains(&bytes), "{bytes} bytes");
    }
}
