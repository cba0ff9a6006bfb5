//! Country outlines (Natural Earth 1:10m, from `countries.geojson`) and the
//! measurements made on them: the nearest point of a country's border, a
//! country's representative point, and whether a point lies inside it.
//!
//! The file is indexed, not parsed, when the gazetteer loads: one
//! pass finds each feature's country code and where its coordinates lie,
//! and a country's coordinates are parsed the first time that country is
//! asked about. A run that checks distances to two or three borders parses
//! those countries alone, a tenth of the file or less, instead of waiting
//! for all of it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use geo::{
    Area, BoundingRect, Centroid, Closest, Contains, Distance, Geodesic, Haversine,
    HaversineClosestPoint, Line, LineString, MultiPolygon, Point, Polygon,
};

/// The GeoJSON text of the outlines, shared with the gazetteer that
/// holds it (built in, or read from a directory).
pub type Source = Arc<Cow<'static, [u8]>>;

/// The outlines of every country, keyed by ISO 3166-1 alpha-2 code.
#[derive(Debug)]
pub struct Outlines {
    source: Source,
    countries: HashMap<String, Country>,
    /// Nearest border points already measured, by country and query point
    /// (to 1e-5°): a corpus asks about the same towns and borders again and
    /// again, and one search walks every edge of a country.
    nearest: Mutex<HashMap<(String, i64, i64), Option<BorderPoint>>>,
    /// The first country whose coordinates did not read, and why (see
    /// [`Outlines::damage`]).
    damaged: OnceLock<String>,
}

/// One country of [`Outlines`]: where its geometries lie in the source,
/// and its outline once parsed.
#[derive(Debug)]
struct Country {
    /// The coordinates of each feature with this code, in file order.
    pieces: Vec<Piece>,
    /// The outline, or why its coordinates could not be read.
    shape: OnceLock<Result<Shape, String>>,
}

/// The coordinates of one feature's geometry: a byte range of the source.
#[derive(Debug, Clone)]
struct Piece {
    multi: bool,
    coordinates: Range<usize>,
}

/// A parsed country outline.
#[derive(Debug)]
struct Shape {
    outline: MultiPolygon<f64>,
    /// The [`Caps`] of the outline's rings, made the first time its
    /// border is searched.
    caps: OnceLock<Vec<Caps>>,
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
    /// Reads a GeoJSON FeatureCollection whose features carry an `iso2`
    /// property and a Polygon or MultiPolygon geometry, every country's
    /// coordinates included: the first error anywhere is returned.
    /// `gazetteer build` reads its sources so, refusing a bad file.
    pub fn parse(bytes: &[u8]) -> Result<Outlines, String> {
        let outlines = Outlines::index(Arc::new(Cow::Owned(bytes.to_vec())))?;
        let mut countries: Vec<(&String, &Country)> = outlines.countries.iter().collect();
        // The error of the earliest feature, as a parse of the whole file finds it.
        countries.sort_by_key(|(_, c)| c.pieces.first().map(|p| p.coordinates.start));
        for (_, country) in countries {
            outlines.shape(country)?;
        }
        Ok(outlines)
    }

    /// Indexes the outlines in `source`, parsing no coordinates yet: the
    /// file's syntax outside the coordinates, the features' codes and
    /// geometry types are checked now, a country's coordinates when it is
    /// first asked about (a country whose coordinates are bad then has no
    /// outline; [`Outlines::parse`] checks them all). The numbers are read
    /// by `serde_json` as a whole read reads them, so they are the same.
    ///
    /// Nearly all of the file is coordinates, and even skipping them costs
    /// `serde_json` more than a tenth of what parsing them does. So they
    /// are cut out first ([`skim`]), and serde reads what is left, a few
    /// kilobytes, with each geometry's coordinates a placeholder that
    /// marks where they were.
    pub fn index(source: Source) -> Result<Outlines, String> {
        let skimmed = skim::Skimmed::new(&source);
        let text = &skimmed.text[..];
        let fc: wire::Collection = serde_json::from_slice(text)
            .map_err(|e| message_at(&e, &source, skimmed.original(offset_of(text, &e))))?;
        let mut countries: HashMap<String, Country> = HashMap::new();
        for (i, f) in fc.features.into_iter().enumerate() {
            let Some(iso) = f.properties.and_then(|p| p.iso2) else {
                return Err(format!("feature {i} has no iso2 property"));
            };
            let Some(geometry) = f.geometry else {
                continue;
            };
            // The raw value borrows from the skimmed text: its place there
            // tells where the coordinates are in the source.
            let raw = geometry.coordinates.get();
            let start = raw.as_ptr() as usize - text.as_ptr() as usize;
            let coordinates = skimmed.original(start)..skimmed.original(start + raw.len());
            countries
                .entry(iso)
                .or_insert_with(|| Country {
                    pieces: Vec::new(),
                    shape: OnceLock::new(),
                })
                .pieces
                .push(Piece {
                    multi: geometry.kind == wire::Kind::MultiPolygon,
                    coordinates,
                });
        }
        Ok(Outlines {
            source,
            countries,
            nearest: Mutex::default(),
            damaged: OnceLock::new(),
        })
    }

    /// The country's outline, parsed on first use.
    fn shape<'a>(&'a self, country: &'a Country) -> Result<&'a Shape, String> {
        country
            .shape
            .get_or_init(|| {
                let mut outline = MultiPolygon::new(Vec::new());
                for piece in &country.pieces {
                    let text = &self.source[piece.coordinates.clone()];
                    let at = |e: serde_json::Error| {
                        let offset = piece.coordinates.start + offset_of(text, &e);
                        message_at(&e, &self.source, offset)
                    };
                    if piece.multi {
                        let polygons: Vec<Vec<Vec<wire::Position>>> =
                            serde_json::from_slice(text).map_err(at)?;
                        outline.0.extend(polygons.into_iter().map(wire::polygon));
                    } else {
                        let rings: Vec<Vec<wire::Position>> =
                            serde_json::from_slice(text).map_err(at)?;
                        outline.0.push(wire::polygon(rings));
                    }
                }
                Ok(Shape {
                    outline,
                    caps: OnceLock::new(),
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The parsed country `iso2`, if it has an outline that reads. One
    /// that does not is recorded as damage.
    fn country(&self, iso2: &str) -> Option<&Shape> {
        match self.shape(self.countries.get(iso2)?) {
            Ok(shape) => Some(shape),
            Err(e) => {
                let _ = self.damaged.set(format!("the outline of {iso2}: {e}"));
                None
            }
        }
    }

    /// The first country asked about whose coordinates did not read, and
    /// why: the file is damaged, though its index read (only
    /// [`Outlines::parse`] reads every country at once).
    pub fn damage(&self) -> Option<String> {
        self.damaged.get().cloned()
    }

    /// The GeoJSON the outlines were indexed from.
    pub fn source(&self) -> &[u8] {
        &self.source
    }

    /// The country codes that have an outline.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.countries.keys().map(String::as_str)
    }

    pub fn outline(&self, iso2: &str) -> Option<&MultiPolygon<f64>> {
        self.country(iso2).map(|c| &c.outline)
    }

    /// True when (`lat`, `lon`) is inside the country.
    pub fn contains(&self, iso2: &str, lat: f64, lon: f64) -> bool {
        self.outline(iso2)
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
        let shape = self.country(iso2)?;
        let mp = &shape.outline;
        let caps = shape
            .caps
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
        let mp = self.outline(iso2)?;
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

/// The byte offset in `text` where `serde_json` reports the error `e`
/// (it counts a column as the bytes since the line's start).
fn offset_of(text: &[u8], e: &serde_json::Error) -> usize {
    if e.line() == 0 {
        return text.len(); // no position: errors raised after reading
    }
    let line_start = match e.line() {
        1 => 0,
        n => memchr::memchr_iter(b'\n', text)
            .nth(n - 2)
            .map_or(text.len(), |k| k + 1),
    };
    (line_start + e.column()).min(text.len())
}

/// The message of `e` as a read of the whole `source` gives it, the
/// error being at byte `offset` of the source.
fn message_at(e: &serde_json::Error, source: &[u8], offset: usize) -> String {
    let message = e.to_string();
    if e.line() == 0 {
        return format!("not GeoJSON: {message}");
    }
    let message = message
        .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
        .unwrap_or(&message);
    let before = &source[..offset.min(source.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |k| k + 1);
    let line = 1 + memchr::memchr_iter(b'\n', &before[..line_start]).count();
    let column = before.len() - line_start;
    format!("not GeoJSON: {message} at line {line} column {column}")
}

/// Cutting the coordinates out of a GeoJSON text, so that serde reads the
/// rest quickly (see [`Outlines::index`]).
mod skim {
    /// A GeoJSON text with the value of every `"coordinates"` key
    /// replaced by `[]`.
    pub struct Skimmed {
        pub text: Vec<u8>,
        /// For each replaced value: the end of its `[]` in `text` and the
        /// end of the value in the source.
        ends: Vec<(usize, usize)>,
    }

    impl Skimmed {
        /// Skims `source`. Strings are read whole, so a key is only taken
        /// for one when it is a string followed by a colon, and brackets
        /// in strings are not counted. Text that is not JSON stays text
        /// that is not JSON (serde then says where), except inside the
        /// values cut out, which are read when their country is.
        pub fn new(source: &[u8]) -> Skimmed {
            let mut text = Vec::with_capacity(64 * 1024);
            let mut ends = Vec::new();
            let mut copied = 0;
            let mut at = 0;
            while let Some(k) = memchr::memchr(b'"', &source[at..]) {
                let open = at + k;
                let Some(close) = string_end(source, open) else {
                    break; // an unclosed string: serde will say so
                };
                at = close;
                if &source[open + 1..close - 1] != b"coordinates" {
                    continue;
                }
                let colon = skip_space(source, close);
                if source.get(colon) != Some(&b':') {
                    continue;
                }
                let value = skip_space(source, colon + 1);
                // Closed arrays alone: serde reads anything else where it
                // is, as the whole read did, and says the same about it
                // when it is wrong.
                let Some(end) = array_end(source, value) else {
                    continue;
                };
                text.extend_from_slice(&source[copied..value]);
                // An empty array, not a number, so that whatever follows
                // the value is as right or wrong after it as after the
                // value itself.
                text.extend_from_slice(b"[]");
                ends.push((text.len(), end));
                copied = end;
                at = end;
            }
            text.extend_from_slice(&source[copied..]);
            Skimmed { text, ends }
        }

        /// The offset in the source of byte `at` of the skimmed text
        /// (exact outside the placeholders; a placeholder's start and end
        /// are its value's).
        pub fn original(&self, at: usize) -> usize {
            match self.ends.partition_point(|&(skimmed, _)| skimmed <= at) {
                0 => at,
                k => {
                    let (skimmed, source) = self.ends[k - 1];
                    source + (at - skimmed)
                }
            }
        }
    }

    /// The end of the string whose opening quote is at `open`: the byte
    /// after its closing quote, if it has one.
    fn string_end(source: &[u8], open: usize) -> Option<usize> {
        let mut at = open + 1;
        while let Some(k) = memchr::memchr2(b'"', b'\\', source.get(at..)?) {
            if source[at + k] == b'"' {
                return Some(at + k + 1);
            }
            at += k + 2; // an escape: the next byte is never the end
        }
        None
    }

    fn skip_space(source: &[u8], mut at: usize) -> usize {
        while source
            .get(at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            at += 1;
        }
        at
    }

    /// Bytes that open or close a value, or start a string.
    const STRUCTURAL: [bool; 256] = {
        let mut t = [false; 256];
        t[b'[' as usize] = true;
        t[b']' as usize] = true;
        t[b'{' as usize] = true;
        t[b'}' as usize] = true;
        t[b'"' as usize] = true;
        t
    };

    /// The end of the array that starts at `at`: the byte after its
    /// closing bracket, if it is one, is closed and holds no object
    /// (coordinates never do; serde reads such a value where it is, and
    /// says what is wrong with it).
    fn array_end(source: &[u8], at: usize) -> Option<usize> {
        if source.get(at) != Some(&b'[') {
            return None;
        }
        compact_array_end(source, at).or_else(|| exact_array_end(source, at))
    }

    /// [`array_end`] for compact coordinates, the common case, without
    /// looking at each byte. In JSON, what follows an array in an object
    /// is a comma and a quoted key, or a brace: so the array ends before
    /// the next quote or brace, and it can only end in a run of closing
    /// brackets (`]]]` closes a position, a ring and a polygon). The
    /// brackets are counted ([`tally`]) from one such run to the next,
    /// up to that quote or brace, until they balance; the first balance
    /// is the end. If they do not balance there (white space between the
    /// brackets, a string in the coordinates), the exact scan reads it.
    ///
    /// In text that is not JSON the first balance may not be the end;
    /// then the country's read of the coordinates fails (serde finds what
    /// follows the array), so nothing wrong is ever taken in.
    fn compact_array_end(source: &[u8], at: usize) -> Option<usize> {
        let limit =
            memchr::memchr3(b'"', b'{', b'}', &source[at..]).map_or(source.len(), |k| at + k);
        let mut depth = 0isize;
        let mut from = at;
        for run in memchr::memmem::find_iter(&source[at..limit], b"]]").map(|k| at + k) {
            if run < from {
                continue; // within a run already counted
            }
            let run_end = run
                + source[run..limit]
                    .iter()
                    .take_while(|&&b| b == b']')
                    .count();
            let (opens, closes) = tally(&source[from..run_end]);
            depth += opens - closes;
            if depth <= 0 {
                // The run's brackets close one level each: the one that
                // closed the array is `-depth` before the run's end.
                let end = run_end as isize + depth;
                return (end > run as isize).then_some(end as usize);
            }
            from = run_end;
        }
        None
    }

    /// The opening and closing brackets of `bytes`, counted with
    /// `memchr`'s vectorized searches.
    fn tally(bytes: &[u8]) -> (isize, isize) {
        let opens = memchr::memchr_iter(b'[', bytes).count();
        let closes = memchr::memchr_iter(b']', bytes).count();
        (opens as isize, closes as isize)
    }

    /// [`array_end`] byte by byte: brackets counted, strings skipped.
    fn exact_array_end(source: &[u8], at: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = at;
        loop {
            i += source
                .get(i..)?
                .iter()
                .position(|&b| STRUCTURAL[usize::from(b)])?;
            match source[i] {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b'"' => {
                    i = string_end(source, i)?;
                    continue;
                }
                _ => return None, // a brace
            }
            i += 1;
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
/// reads them: first the index, then each country's coordinates.
mod wire {
    use geo::{Coord, LineString, Polygon};
    use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
    use serde::Deserialize;
    use serde_json::value::RawValue;

    /// A FeatureCollection, each geometry's coordinates left unread. (The
    /// names are those of the types serde read the whole file into
    /// before, which its error messages name.)
    #[derive(Deserialize)]
    pub struct Collection<'a> {
        #[serde(borrow)]
        pub features: Vec<Feature<'a>>,
    }

    #[derive(Deserialize)]
    pub struct Feature<'a> {
        pub properties: Option<Properties>,
        #[serde(borrow)]
        pub geometry: Option<Geometry<'a>>,
    }

    /// A geometry: its type, and its coordinates as they are in the file.
    /// A struct, not a tagged enum, so that `coordinates` may come before
    /// `type` without serde buffering it (which a raw value cannot be).
    #[derive(Deserialize)]
    pub struct Geometry<'a> {
        #[serde(rename = "type")]
        pub kind: Kind,
        #[serde(borrow)]
        pub coordinates: &'a RawValue,
    }

    #[derive(Deserialize, PartialEq, Eq)]
    pub enum Kind {
        Polygon,
        MultiPolygon,
    }

    #[derive(Deserialize)]
    pub struct Properties {
        pub iso2: Option<String>,
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

    /// The outlines as they were read before the index: the whole file
    /// at once, into typed structs. Kept to check the index against.
    fn reference_parse(bytes: &[u8]) -> Result<HashMap<String, MultiPolygon<f64>>, String> {
        #[derive(serde::Deserialize)]
        struct Collection {
            features: Vec<Feature>,
        }
        #[derive(serde::Deserialize)]
        struct Feature {
            properties: Option<wire::Properties>,
            geometry: Option<Geometry>,
        }
        #[derive(serde::Deserialize)]
        #[serde(tag = "type", content = "coordinates")]
        enum Geometry {
            Polygon(Vec<Vec<wire::Position>>),
            MultiPolygon(Vec<Vec<Vec<wire::Position>>>),
        }
        let fc: Collection =
            serde_json::from_slice(bytes).map_err(|e| format!("not GeoJSON: {e}"))?;
        let mut countries: HashMap<String, MultiPolygon<f64>> = HashMap::new();
        for (i, f) in fc.features.into_iter().enumerate() {
            let Some(iso) = f.properties.and_then(|p| p.iso2) else {
                return Err(format!("feature {i} has no iso2 property"));
            };
            let polygons = match f.geometry {
                None => continue,
                Some(Geometry::Polygon(rings)) => vec![wire::polygon(rings)],
                Some(Geometry::MultiPolygon(polygons)) => {
                    polygons.into_iter().map(wire::polygon).collect()
                }
            };
            countries
                .entry(iso)
                .or_insert_with(|| MultiPolygon::new(Vec::new()))
                .0
                .extend(polygons);
        }
        Ok(countries)
    }

    /// Every coordinate of `a` and `b`, to the bit.
    fn same_bits(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
        let bits = |mp: &MultiPolygon<f64>| -> Vec<Vec<(u64, u64)>> {
            rings(mp)
                .map(|r| r.0.iter().map(|c| (c.x.to_bits(), c.y.to_bits())).collect())
                .collect()
        };
        a == b && bits(a) == bits(b)
    }

    /// Each country parsed on its own, when asked for, is the country the
    /// whole-file read gives, on every country of the shipped outlines.
    #[test]
    fn indexed_outlines_are_the_whole_read() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer/countries.geojson");
        let Ok(bytes) = std::fs::read(path) else {
            return;
        };
        let want = reference_parse(&bytes).unwrap();
        let lazy = Outlines::index(Arc::new(Cow::Owned(bytes.clone()))).unwrap();
        let mut codes: Vec<&str> = lazy.codes().collect();
        codes.sort_unstable();
        let mut want_codes: Vec<&str> = want.keys().map(String::as_str).collect();
        want_codes.sort_unstable();
        assert_eq!(codes, want_codes);
        for (iso, mp) in &want {
            assert!(same_bits(lazy.outline(iso).unwrap(), mp), "{iso}");
        }
        let eager = Outlines::parse(&bytes).unwrap();
        for (iso, mp) in &want {
            assert!(same_bits(eager.outline(iso).unwrap(), mp), "{iso}");
        }
    }

    /// The shipped outlines written out with white space everywhere (as
    /// other tools write GeoJSON), where the compact reading of
    /// coordinates gives up and the exact one reads them.
    #[test]
    fn indexed_pretty_outlines_are_the_whole_read() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer/countries.geojson");
        let Ok(bytes) = std::fs::read(path) else {
            return;
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let mut features = value["features"].as_array().unwrap().clone();
        features.truncate(40);
        let pretty = serde_json::to_vec_pretty(
            &serde_json::json!({"type": "FeatureCollection", "features": features}),
        )
        .unwrap();
        let want = reference_parse(&pretty).unwrap();
        let lazy = Outlines::index(Arc::new(Cow::Owned(pretty))).unwrap();
        assert_eq!(lazy.countries.len(), want.len());
        for (iso, mp) in &want {
            assert!(same_bits(lazy.outline(iso).unwrap(), mp), "{iso}");
        }
    }

    /// Merged features, altitudes, `coordinates` before `type`, white
    /// space and a Polygon among MultiPolygons read as the whole read
    /// reads them.
    #[test]
    fn indexed_odd_files_are_the_whole_read() {
        let json = r#"{"features" : [
          {"geometry": {"coordinates": [[[[0,0],[1,0],[1,1],[0,0]]]], "type": "MultiPolygon"},
           "properties": {"iso2": "AU", "name": "x"}, "type": "Feature"},
          {"type":"Feature","properties":{"iso2":"NZ"},"geometry":
             {"type":"Polygon","bbox":[0,0,1,1],"coordinates":[ [ [5,5,9], [6,5,9] , [6,6,9],[5,5,9]] ]}},
          {"type":"Feature","properties":{"iso2":"AU"},"geometry":{"type":"Polygon","coordinates":[[[2,2],[3,2],[3,3],[2,2]],[[2.1,2.1],[2.2,2.1],[2.2,2.2],[2.1,2.1]]]}},
          {"type":"Feature","properties":{"iso2":"XX"},"geometry":null},
          {"type":"Feature","properties":{"iso2":"E1"},"geometry":{"type":"Polygon","coordinates":[]}},
          {"type":"Feature","properties":{"iso2":"E2"},"geometry":{"type":"MultiPolygon","coordinates":[[]]}},
          {"type":"Feature","properties":{"iso2":"E3"},"geometry":{"type":"Polygon","coordinates":[[]]}}
        ], "type": "FeatureCollection"}"#;
        let want = reference_parse(json.as_bytes()).unwrap();
        let lazy = Outlines::parse(json.as_bytes()).unwrap();
        assert_eq!(want.len(), 5);
        for (iso, mp) in &want {
            assert!(same_bits(lazy.outline(iso).unwrap(), mp), "{iso}");
        }
        assert!(lazy.outline("XX").is_none());
        assert_eq!(lazy.outline("AU").unwrap().0.len(), 2);
    }

    /// Bad coordinates: the whole read refuses the file, with the line and
    /// column in the file; the index leaves that country without an
    /// outline and the others as they are.
    #[test]
    fn bad_coordinates_are_reported_where_they_are() {
        let json = "{\"type\":\"FeatureCollection\",\"features\":[\n\
          {\"type\":\"Feature\",\"properties\":{\"iso2\":\"OK\"},\"geometry\":{\"type\":\"Polygon\",\n\
            \"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}},\n\
          {\"type\":\"Feature\",\"properties\":{\"iso2\":\"XX\"},\"geometry\":{\"type\":\"Polygon\",\n\
            \"coordinates\":[[[0,0],[1,0],\n[\"a\",1],[0,0]]]}}]}";
        let whole = reference_parse(json.as_bytes()).unwrap_err();
        let ours = Outlines::parse(json.as_bytes()).unwrap_err();
        assert_eq!(ours, whole);
        assert!(ours.ends_with("at line 6 column 4"), "{ours}");
        let one_line = json.replace('\n', " ");
        assert_eq!(
            Outlines::parse(one_line.as_bytes()).unwrap_err(),
            reference_parse(one_line.as_bytes()).unwrap_err()
        );
        let lazy = Outlines::index(Arc::new(Cow::Owned(json.as_bytes().to_vec()))).unwrap();
        assert!(lazy.outline("XX").is_none());
        assert!(lazy.nearest_border_point("XX", 0.5, 0.5).is_none());
        assert!(!lazy.contains("XX", 0.5, 0.5));
        assert!(lazy.contains("OK", 0.2, 0.8));
        let mut codes: Vec<&str> = lazy.codes().collect();
        codes.sort_unstable();
        assert_eq!(codes, ["OK", "XX"]);
    }

    /// Files the whole read accepts or refuses for their coordinates: the
    /// eager read gives the same outlines or the same error, and the
    /// index agrees on the countries it can read.
    #[test]
    fn coordinates_anywhere_read_as_the_whole_read_reads_them() {
        let ok = r#"[[[0,0],[1,0],[1,1],[0,0]]]"#;
        for json in [
            // An escaped key is still the key; `coordinates` elsewhere is not.
            format!(
                r#"{{"features":[{{"properties":{{"iso2":"AA","coordinates":"]"}},"geometry":{{"type":"Polygon","coordin\u0061tes":{ok}}}}}]}}"#
            ),
            format!(
                r#"{{"coordinates":{{"[":1}},"features":[{{"coordinates":[1,"]"],"properties":{{"iso2":"AA"}},"geometry":{{"coordinates" :
{ok} ,"type":"Polygon"}}}}]}}"#
            ),
            format!(
                r#"{{"features":[{{"properties":{{"iso2":"AA"}},"geometry":{{"type":"Polygon","coordinates":[[["]]]\"",1]]]}}}},{{"properties":{{"iso2":"BB"}},"geometry":{{"type":"Polygon","coordinates":{ok}}}}}]}}"#
            ),
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":null}}]}"#.to_string(),
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":tru}}]}"#.to_string(),
            format!(
                r#"{{"features":[{{"properties":{{"iso2":"AA"}},"geometry":{{"type":"MultiPolygon","coordinates":{ok}}}}}]}}"#
            ),
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1]]]}}]}"#.to_string(),
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0}]]]}}]}"#.to_string(),
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":[[[0,1e999]]]}}]}"#.to_string(),
        ] {
            let whole = reference_parse(json.as_bytes());
            let eager = Outlines::parse(json.as_bytes());
            match (&whole, &eager) {
                (Ok(want), Ok(got)) => {
                    assert_eq!(got.countries.len(), want.len(), "{json}");
                    for (iso, mp) in want {
                        assert!(same_bits(got.outline(iso).unwrap(), mp), "{iso} in {json}");
                    }
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{json}"),
                _ => panic!(
                    "{json}: whole {:?}, eager {:?}",
                    whole.map(|_| ()),
                    eager.map(|_| ())
                ),
            }
            if let Ok(want) = &whole {
                let lazy = Outlines::index(Arc::new(Cow::Owned(json.as_bytes().to_vec()))).unwrap();
                for (iso, mp) in want {
                    assert!(same_bits(lazy.outline(iso).unwrap(), mp), "{iso} in {json}");
                }
            }
        }
    }

    /// What the whole read refused, the index refuses too, at once.
    #[test]
    fn bad_files_are_refused_as_before() {
        for json in [
            "",
            "[]",
            "{}",
            r#"{"features":[{"properties":{"iso2":"ZZ"},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#,
            r#"{"features":[{"properties":{"iso2":"ZZ"},"geometry":{"coordinates":[]}}]}"#,
            r#"{"features":[{"properties":{"iso2":"ZZ"},"geometry":{"type":"Polygon"}}]}"#,
            r#"{"features":[{"properties":{"iso2":7},"geometry":null}]}"#,
            r#"{"features":[{"properties":null,"geometry":null}]}"#,
            r#"{"features":[{"properties":{"iso2":"ZZ"},"geometry":{"type":"Polygon","coordinates":[[[0,0]]]}"#,
            // Errors after coordinates, placed in the whole file.
            "{\"features\":[{\"properties\":{\"iso2\":\"AA\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],\n[1,0],[1,1],[0,0]]]}},\n {\"properties\":{\"iso2\":\"ZZ\"},\"geometry\":{\"coordinates\":[[[0,0]]], \"type\":\"Point\"}}]}",
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":[[[0,0]]]}},{"properties":{"iso2":"ZZ"},"geometry":{"type":"Polygon","coordinates":[[[0,0]]],"type":"Polygon"}}]}"#,
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":[[[0,0]]]} ]}"#,
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":[[[0,0]]].5}}]}"#,
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":[[[0,0]]]}}]} x"#,
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":[[[0,0]"#,
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates":"#,
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates""#,
            r#"{"features":[{"properties":{"iso2":"AA"},"geometry":{"type":"Polygon","coordinates"#,
            r#"{"features":[{"properties":{"iso2":"AA\"#,
        ] {
            let whole = reference_parse(json.as_bytes()).unwrap_err();
            let index = Outlines::index(Arc::new(Cow::Owned(json.as_bytes().to_vec())))
                .unwrap_err();
            assert_eq!(index, whole, "{json}");
        }
    }

    /// Nearest border points from towns and points either side of the
    /// 180th meridian, pinned as the outlines gave them before some rings
    /// of Russia (Chukotka, Wrangel Island) and Fiji had their vertices on
    /// the meridian written as -180 while the ring lay east of it. Moving
    /// those vertices to +180 draws the rings right on a flat map; on the
    /// sphere they are the same points, so nothing here may move (a point
    /// on the meridian may come back as -180 or +180: the same place).
    #[test]
    fn border_points_near_the_antimeridian_are_pinned() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer/countries.geojson");
        let o = Outlines::parse(&std::fs::read(path).unwrap()).unwrap();
        // (country, from, lat, lon, km, border lat, border lon)
        #[rustfmt::skip]
        let pinned: &[(&str, &str, f64, f64, f64, f64, f64)] = &[
            ("RU", "Anadyr", 64.7337, 177.5089, 1.431805329316331, 64.73664089672863, 177.47964520939604),
            ("RU", "Pevek", 69.7008, 170.3133, 1.1908534452667023, 69.70836384797539, 170.29160150831092),
            ("RU", "Egvekinot", 66.3205, -179.1184, 1.386297036483595, 66.3222566126106, -179.0877886277769),
            ("RU", "Uelen", 66.1591, -169.8117, 0.19105890683576215, 66.15746513915043, -169.81296712139465),
            ("RU", "Provideniya", 64.4235, -173.2258, 2.540377367604834, 64.43067658488161, -173.2758399308808),
            ("RU", "Wrangel Island at 179.5 W", 71.2, -179.5, 17.99106912175699, 71.20066556353459, -180.0),
            ("RU", "Wrangel Island at 179.6 E", 71.3, 179.6, 11.701734702222971, 71.36775359468564, 179.35005479219217),
            ("RU", "by the cut at 65.5 N", 65.5, -179.99, 0.4629192010108524, 65.50000032930419, -180.0),
            ("RU", "by the cut at 67 N", 67.0, 179.99, 0.43619879479869433, 67.00000031387118, -180.0),
            ("RU", "Nome, Alaska", 64.5011, -165.4064, 221.09609071109045, 65.75713, -169.05229),
            ("RU", "Gambell, St Lawrence Island", 63.7767, -171.7411, 74.1511060043121, 64.40796, -172.22032),
            ("RU", "Kharkiv", 49.98177, 36.25475, 32.68782572234388, 50.27457, 36.29376),
            ("FJ", "Suva", -18.1416, 178.4419, 0.4571429792400852, -18.141600048201283, 178.43758000000003),
            ("FJ", "Labasa", -16.4167, 179.3833, 1.0346957259022522, -16.407350027835978, 179.38330005239447),
            ("FJ", "Savusavu", -16.7795, 179.3322, 1.2368749169256896, -16.768781314983926, 179.3289133013085),
            ("FJ", "Taveuni at 179.95 W", -16.85, -179.95, 5.217049139808183, -16.889738953758698, -179.92366198933212),
            ("FJ", "Lakeba", -18.2, -178.8, 2.3428963353309316, -18.181043170468325, -178.80985415301564),
            ("FJ", "on the 180th meridian", -16.5, 180.0, 0.0, -16.5, 180.0),
            ("FJ", "Nuku'alofa, Tonga", -21.1394, -175.2049, 346.3388532032731, -19.84023, -178.22518),
            ("FJ", "Funafuti, Tuvalu", -8.5211, 179.1983, 493.90428492939924, -12.48647, 177.12357),
        ];
        for &(iso, from, lat, lon, km, blat, blon) in pinned {
            let b = o.nearest_border_point(iso, lat, lon).unwrap();
            let moved_m = Haversine.distance(Point::new(b.lon, b.lat), Point::new(blon, blat));
            assert!(
                (b.km - km).abs() < 1e-6 && moved_m < 1e-3,
                "{from} to {iso}'s border: {b:?}, pinned {km} km at ({blat}, {blon})"
            );
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
