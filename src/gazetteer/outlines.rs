//! Country outlines (Natural Earth 1:10m, from `countries.geojson`) and the
//! measurements made on them: the nearest point of a country's border, a
//! country's representative point, and whether a point lies inside it.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use geo::{
    Area, BoundingRect, Centroid, Closest, Contains, Distance, Geodesic, Haversine,
    HaversineClosestPoint, Line, LineString, MultiPolygon, Point, Polygon,
};

/// The outlines of every country, keyed by ISO 3166-1 alpha-2 code.
#[derive(Debug, Default)]
pub struct Outlines {
    countries: HashMap<String, MultiPolygon<f64>>,
    /// Nearest border points already measured, by country and query point
    /// (to 1e-5°): a corpus asks about the same towns and borders again and
    /// again, and one search walks every edge of a country.
    nearest: Mutex<HashMap<(String, i64, i64), Option<BorderPoint>>>,
    /// The [`Caps`] of each country's rings, made the first time its
    /// border is searched.
    caps: HashMap<String, OnceLock<Vec<Caps>>>,
}

/// Edges per run in [`Caps`].
const RUN: usize = 32;

/// A ring cut into runs of [`RUN`] edges, each with a spherical cap that
/// holds it: a centre and the largest great-circle distance from there to
/// the run's vertices. A cap of less than a quarter of the globe is
/// convex, so it holds the great-circle edges between those vertices too,
/// and nothing on the run is nearer to a point than its distance to the
/// centre less the radius. A search skips every run whose cap is farther
/// than the nearest point found so far.
#[derive(Debug)]
struct Caps {
    /// `(centre, radius in metres)` of each run; `None` when the run is
    /// too wide for the bound to hold.
    runs: Vec<Option<(Point<f64>, f64)>>,
}

impl Caps {
    fn new(ring: &LineString<f64>) -> Caps {
        let edges = ring.0.len().saturating_sub(1);
        let runs = (0..edges)
            .step_by(RUN)
            .map(|k| {
                let vertices = &ring.0[k..=(k + RUN).min(edges)];
                let n = vertices.len() as f64;
                let (x, y) = vertices
                    .iter()
                    .fold((0.0, 0.0), |(x, y), c| (x + c.x, y + c.y));
                let centre = Point::new(x / n, y / n);
                let radius = vertices
                    .iter()
                    .map(|&c| Haversine.distance(centre, Point::from(c)))
                    .fold(0.0, f64::max);
                // Well under a quarter of the globe, where caps are convex,
                // and runs that straddle the antimeridian (whose mean
                // longitude is no centre) are searched edge by edge.
                let span = vertices
                    .iter()
                    .map(|c| (c.x - centre.x()).abs())
                    .fold(0.0, f64::max);
                (radius < 5_000_000.0 && span < 90.0).then_some((centre, radius))
            })
            .collect();
        Caps { runs }
    }
}

/// The nearest point of a border and its distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BorderPoint {
    pub lat: f64,
    pub lon: f64,
    /// Geodesic (WGS84) distance from the query point, in kilometres.
    pub km: f64,
}

impl Outlines {
    /// Parses a GeoJSON FeatureCollection whose features carry an `iso2`
    /// property and a Polygon or MultiPolygon geometry.
    ///
    /// Read straight into coordinates rather than through `geojson`'s
    /// `serde_json::Value` trees: the first border claim of a run waits for
    /// this, and the typed read is several times faster.
    pub fn parse(bytes: &[u8]) -> Result<Outlines, String> {
        let fc: wire::Collection =
            serde_json::from_slice(bytes).map_err(|e| format!("not GeoJSON: {e}"))?;
        let mut countries: HashMap<String, MultiPolygon<f64>> = HashMap::new();
        for (i, f) in fc.features.into_iter().enumerate() {
            let Some(iso) = f.properties.and_then(|p| p.iso2) else {
                return Err(format!("feature {i} has no iso2 property"));
            };
            let polygons = match f.geometry {
                None => continue,
                Some(wire::Geometry::Polygon(rings)) => vec![wire::polygon(rings)],
                Some(wire::Geometry::MultiPolygon(polygons)) => {
                    polygons.into_iter().map(wire::polygon).collect()
                }
            };
            countries
                .entry(iso)
                .or_insert_with(|| MultiPolygon::new(Vec::new()))
                .0
                .extend(polygons);
        }
        let caps = countries
            .keys()
            .map(|iso| (iso.clone(), OnceLock::new()))
            .collect();
        Ok(Outlines {
            countries,
            nearest: Mutex::default(),
            caps,
        })
    }

    /// The country codes that have an outline.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.countries.keys().map(String::as_str)
    }

    pub fn outline(&self, iso2: &str) -> Option<&MultiPolygon<f64>> {
        self.countries.get(iso2)
    }

    /// True when (`lat`, `lon`) is inside the country.
    pub fn contains(&self, iso2: &str, lat: f64, lon: f64) -> bool {
        self.countries
            .get(iso2)
            .is_some_and(|mp| mp.contains(&Point::new(lon, lat)))
    }

    /// The nearest point of the country's outline to (`lat`, `lon`), by
    /// great-circle search, with its geodesic distance.
    pub fn nearest_border_point(&self, iso2: &str, lat: f64, lon: f64) -> Option<BorderPoint> {
        let key = (
            iso2.to_string(),
            (lat * 1e5).round() as i64,
            (lon * 1e5).round() as i64,
        );
        if let Some(found) = self.nearest.lock().ok().and_then(|c| c.get(&key).copied()) {
            return found;
        }
        let found = self.search_nearest_border_point(iso2, lat, lon);
        if let Ok(mut cache) = self.nearest.lock() {
            cache.insert(key, found);
        }
        found
    }

    fn search_nearest_border_point(&self, iso2: &str, lat: f64, lon: f64) -> Option<BorderPoint> {
        let mp = self.countries.get(iso2)?;
        let caps = self
            .caps
            .get(iso2)?
            .get_or_init(|| rings(mp).map(Caps::new).collect());
        let from = Point::new(lon, lat);
        let mut best: Option<BorderPoint> = None;
        for (ring, caps) in rings(mp).zip(caps) {
            if let Some(b) = &best {
                if ring_lower_bound_km(ring, lat, lon) > b.km {
                    continue;
                }
            }
            let p = match closest_on_ring(ring, caps, from) {
                Closest::SinglePoint(p) | Closest::Intersection(p) => p,
                Closest::Indeterminate => continue,
            };
            let km = Geodesic.distance(from, p) / 1000.0;
            if best.is_none_or(|b| km < b.km) {
                best = Some(BorderPoint {
                    lat: p.y(),
                    lon: p.x(),
                    km,
                });
            }
        }
        best
    }

    /// A representative point: the centroid of the country's largest polygon
    /// (mainland France, the contiguous United States), or its interior point
    /// when the centroid falls outside it.
    pub fn representative_point(&self, iso2: &str) -> Option<(f64, f64)> {
        let mp = self.countries.get(iso2)?;
        let largest: &Polygon<f64> =
            mp.0.iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
        let c = largest.centroid()?;
        if largest.contains(&c) {
            Some((c.y(), c.x()))
        } else {
            use geo::InteriorPoint;
            largest.interior_point().map(|p| (p.y(), p.x()))
        }
    }
}

/// Every ring of a country: each polygon's exterior, then its holes.
fn rings(mp: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    mp.0.iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
}

/// The point of `ring` nearest to `from`: the point geo's
/// `LineString::haversine_closest_point` finds, found the same way (edge by
/// edge, the first of equally near points, an edge through `from` ending
/// the search) but without looking at runs of edges whose cap is farther
/// than the nearest point so far.
fn closest_on_ring(ring: &LineString<f64>, caps: &Caps, from: Point<f64>) -> Closest<f64> {
    let mut nearest = f64::MAX;
    let mut found = Closest::Indeterminate;
    let edges = ring.0.len().saturating_sub(1);
    for (k, cap) in (0..edges).step_by(RUN).zip(&caps.runs) {
        if let Some((centre, radius)) = cap {
            // A metre of slack for rounding in the distances. Nothing is
            // skipped once `from` lies on the ring: an edge through it may
            // still end the search as geo's would.
            if nearest > 0.0 && Haversine.distance(*centre, from) - radius - 1.0 > nearest {
                continue;
            }
        }
        for w in ring.0[k..=(k + RUN).min(edges)].windows(2) {
            match Line::new(w[0], w[1]).haversine_closest_point(&from) {
                hit @ Closest::Intersection(_) => return hit,
                Closest::SinglePoint(p) => {
                    let d = Haversine.distance(p, from);
                    if d < nearest {
                        nearest = d;
                        found = Closest::SinglePoint(p);
                    }
                }
                Closest::Indeterminate => return Closest::Indeterminate,
            }
        }
    }
    found
}

/// A cheap lower bound of the distance from a point to a ring, from the
/// ring's bounding box, so far-away islands are skipped.
fn ring_lower_bound_km(ring: &LineString<f64>, lat: f64, lon: f64) -> f64 {
    let Some(r) = ring.bounding_rect() else {
        return f64::INFINITY;
    };
    let clat = lat.clamp(r.min().y, r.max().y);
    let clon = lon.clamp(r.min().x, r.max().x);
    // Degrees of latitude are never shorter than 110.5 km; longitude shrinks
    // with the cosine of the largest latitude in play.
    let dlat = (lat - clat).abs() * 110.5;
    let maxlat = lat
        .abs()
        .max(r.min().y.abs())
        .max(r.max().y.abs())
        .min(89.9);
    let dlon = (lon - clon).abs() * 110.5 * maxlat.to_radians().cos();
    // The straight-line bound in degrees is not a bound across the
    // antimeridian; be conservative there.
    if (lon - clon).abs() > 180.0 {
        return 0.0;
    }
    dlat.max(dlon) * 0.99
}

/// The parts of a GeoJSON FeatureCollection that outlines need, as serde
/// reads them.
mod wire {
    use geo::{Coord, LineString, Polygon};
    use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Collection {
        pub features: Vec<Feature>,
    }

    #[derive(Deserialize)]
    pub struct Feature {
        pub properties: Option<Properties>,
        pub geometry: Option<Geometry>,
    }

    #[derive(Deserialize)]
    pub struct Properties {
        pub iso2: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(tag = "type", content = "coordinates")]
    pub enum Geometry {
        Polygon(Vec<Vec<Position>>),
        MultiPolygon(Vec<Vec<Vec<Position>>>),
    }

    /// A GeoJSON position, longitude first; an altitude is ignored.
    pub struct Position(f64, f64);

    impl<'de> Deserialize<'de> for Position {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Position;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a position [longitude, latitude]")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                    use serde::de::Error;
                    let x = seq
                        .next_element()?
                        .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                    let y = seq
                        .next_element()?
                        .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(Position(x, y))
                }
            }
            d.deserialize_seq(V)
        }
    }

    /// A polygon from its rings, exterior first.
    pub fn polygon(rings: Vec<Vec<Position>>) -> Polygon<f64> {
        let mut rings = rings
            .into_iter()
            .map(|r| LineString::new(r.into_iter().map(|Position(x, y)| Coord { x, y }).collect()));
        let exterior = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
        Polygon::new(exterior, rings.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Outlines {
        // A 1°×1° country with its south-west corner at (50 N, 36 E).
        let json = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"iso2":"XX"},
          "geometry":{"type":"Polygon","coordinates":[[[36,50],[37,50],[37,51],[36,51],[36,50]]]}}]}"#;
        Outlines::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn nearest_border_point_lies_on_the_nearest_edge() {
        let o = square();
        // Half a degree south of the southern edge: about 55.6 km (WGS84).
        let b = o.nearest_border_point("XX", 49.5, 36.5).unwrap();
        // The great-circle edge bulges a little north of the 50th parallel.
        assert!(
            (b.lat - 50.0).abs() < 1e-2 && (b.lon - 36.5).abs() < 1e-3,
            "{b:?}"
        );
        assert!((b.km - 55.6).abs() < 0.3, "{}", b.km);
        // From inside, the nearest edge is the western one, 0.1° of longitude at 50.5 N.
        let b = o.nearest_border_point("XX", 50.5, 36.1).unwrap();
        assert!((b.lon - 36.0).abs() < 1e-3, "{b:?}");
        assert!((b.km - 7.1).abs() < 0.2, "{}", b.km);
        assert!(o.contains("XX", 50.5, 36.1));
        assert!(!o.contains("XX", 49.5, 36.5));
        assert!(o.nearest_border_point("YY", 0.0, 0.0).is_none());
    }

    /// Skipping runs by their caps finds the point geo's own search of the
    /// whole ring finds, on the shipped outlines, from points near and far.
    #[test]
    fn capped_search_finds_what_the_whole_ring_search_finds() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer/countries.geojson");
        let o = Outlines::parse(&std::fs::read(path).unwrap()).unwrap();
        let mut checked = 0;
        for iso in ["RU", "UA", "FJ", "NO"] {
            let mp = o.outline(iso).unwrap();
            let caps: Vec<Caps> = rings(mp).map(Caps::new).collect();
            // A grid over the globe and a fine grid over the country's box.
            let r = mp.bounding_rect().unwrap();
            let mut points: Vec<Point<f64>> = (-2..=2)
                .flat_map(|i| (-5..=5).map(move |j| Point::new(j as f64 * 33.5, i as f64 * 40.5)))
                .collect();
            for i in 0..=6 {
                for j in 0..=6 {
                    let x = r.min().x + (r.max().x - r.min().x) * j as f64 / 6.0;
                    let y = r.min().y + (r.max().y - r.min().y) * i as f64 / 6.0;
                    points.push(Point::new(x, y));
                }
            }
            // A vertex of the border itself.
            points.push(Point::from(mp.0[0].exterior().0[5]));
            for from in points {
                for (ring, caps) in rings(mp).zip(&caps) {
                    // Far from a ring, geo's edge formula can give points
                    // off the edge: from near the South Pole, a point in
                    // the Southern Ocean as Russia's nearest. Border claims
                    // measure from places near the border; compare there.
                    let near = ring
                        .0
                        .iter()
                        .any(|&c| Haversine.distance(Point::from(c), from) < 3e6);
                    if !near {
                        continue;
                    }
                    let whole = ring.haversine_closest_point(&from);
                    assert_eq!(
                        closest_on_ring(ring, caps, from),
                        whole,
                        "{iso} from {from:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "{checked}");
    }

    #[test]
    fn representative_point_is_inside() {
        let (lat, lon) = square().representative_point("XX").unwrap();
        assert!((lat - 50.5).abs() < 1e-6 && (lon - 36.5).abs() < 1e-6);
    }

    /// The typed read gives the polygons `geojson`'s own conversion gives,
    /// on the shipped outlines.
    #[test]
    fn typed_read_matches_geojson_conversion() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer/countries.geojson");
        let bytes = std::fs::read(path).unwrap();
        let ours = Outlines::parse(&bytes).unwrap();
        let fc: geojson::FeatureCollection = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(ours.countries.len(), fc.features.len());
        for f in fc.features {
            let iso = f
                .property("iso2")
                .and_then(|v| v.as_str())
                .unwrap()
                .to_string();
            let theirs: MultiPolygon<f64> = f.geometry.unwrap().try_into().unwrap();
            assert_eq!(ours.outline(&iso), Some(&theirs), "{iso}");
        }
    }

    #[test]
    fn polygons_altitudes_and_missing_geometry() {
        let json = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"iso2":"XX"},"geometry":null},
          {"type":"Feature","properties":{"iso2":"YY"},
           "geometry":{"coordinates":[[[0,0,5],[1,0,5],[1,1,5]]],"type":"Polygon"}}]}"#;
        let o = Outlines::parse(json.as_bytes()).unwrap();
        assert!(o.outline("XX").is_none());
        let yy = o.outline("YY").unwrap();
        // Closed like any GeoJSON ring.
        assert_eq!(yy.0[0].exterior().0.len(), 4);
        assert!(o.contains("YY", 0.2, 0.8));
        let point = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
          "properties":{"iso2":"ZZ"},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#;
        // serde names the type it did not expect, and where.
        let e = Outlines::parse(point.as_bytes()).unwrap_err();
        assert!(e.contains("Point") && e.contains("line 2"), "{e}");
        let unnamed = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
          "properties":{},"geometry":null}]}"#;
        assert!(Outlines::parse(unnamed.as_bytes())
            .unwrap_err()
            .contains("iso2"));
    }
}
