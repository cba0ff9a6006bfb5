//! Writes a [`Claim`] as a GeoJSON feature (`properties.type == "claim"`):
//! every stated and measured figure, the places with their ids, and a
//! geometry that shows the claim on a map, styled with simplestyle
//! properties coloured by verdict:
//! - subject and reference known: a LineString from the subject to the
//!   reference (or to the nearest point of the reference border);
//! - no place subject: a ring of the stated radius around the reference
//!   (an annulus for a range): where the text says the thing is;
//! - an area with an anchor: a circle of that area around the anchor,
//!   marked `"illustrative": true` (the real shape is unknown);
//! - nothing to draw (no places, or only a border with no subject): no
//!   geometry (`null`, which RFC 7946 allows).

use std::borrow::Cow;
use std::fmt::Write;

use geojson::{Feature, Geometry, JsonObject, JsonValue, Value};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::json;
use serde_json::value::RawValue;

use crate::document::Document;
use crate::gazetteer::Gazetteer;
use crate::output::json::{key, Json, Object, Plain, Raw};
use crate::output::{round6, snippet, snippet_json};

use super::check::Verdict;
use super::{Claim, ClaimKind, Role};

mod rings;

fn colour(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Consistent => "#1a9850",
        Verdict::Inconsistent => "#d73027",
        Verdict::Unverifiable => "#7f7f7f",
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn role_json(
    role: Option<&Role>,
    gazetteer: &Gazetteer,
    border_point: Option<(f64, f64)>,
) -> JsonValue {
    let Some(role) = role else {
        return JsonValue::Null;
    };
    let p = gazetteer.place(role.place);
    let mut v = json!({
        "name": p.name,
        "geonameid": p.geonameid,
        "place_id": p.place_id,
        "lat": round6(p.lat),
        "lon": round6(p.lon),
        "kind": p.kind.as_str(),
        "country": p.country,
        "text": role.text,
        "border_of": role.border_of,
    });
    if let (Some(_), Some((lat, lon))) = (&role.border_of, border_point) {
        v["border_lat"] = json!(round6(lat));
        v["border_lon"] = json!(round6(lon));
    }
    v
}

fn position(lat: f64, lon: f64) -> Vec<f64> {
    vec![round6(lon), round6(lat)]
}

impl Claim {
    /// The claim as a GeoJSON feature.
    pub fn to_feature(&self, doc: &Document, gazetteer: &Gazetteer) -> Feature {
        let (geometry, illustrative, radius_km) = self.geometry(gazetteer);
        let verdict = self.check.verdict;
        let mut props = JsonObject::new();
        let mut set = |k: &str, v: JsonValue| {
            props.insert(k.to_string(), v);
        };
        set("type", json!("claim"));
        set("claim", json!(self.kind.as_str()));
        set("value", json!(self.value));
        set("value_max", json!(self.value_max));
        set("unit", json!(self.unit.as_str()));
        match self.kind {
            ClaimKind::Distance => {
                set("value_km", json!(round3(self.value_km())));
                set("value_max_km", json!(self.value_max_km().map(round3)));
            }
            ClaimKind::Area => {
                set("value_km2", json!(round3(self.value_km())));
                set("value_max_km2", json!(self.value_max_km().map(round3)));
            }
        }
        set("qualifier", json!(self.qualifier.map(|q| q.as_str())));
        set("qualifier_text", json!(self.qualifier_text));
        set("text", json!(self.text));
        set("doc", json!(doc.id));
        set("start", json!(self.start));
        set("end", json!(self.end));
        set(
            "snippet",
            json!(snippet(&doc.text, self.byte_start, self.byte_end)),
        );
        set("date", json!(doc.date));
        set("subject", role_json(self.subject.as_ref(), gazetteer, None));
        set(
            "reference",
            role_json(self.reference.as_ref(), gazetteer, self.border_point),
        );
        set("anchor", role_json(self.anchor.as_ref(), gazetteer, None));
        set("bearing", json!(self.bearing.map(|b| b.name)));
        set("bearing_deg", json!(self.bearing.map(|b| b.degrees)));
        set(
            "measured_bearing_deg",
            json!(self.check.measured_bearing_deg.map(round1)),
        );
        set("measured_km", json!(self.check.measured_km.map(round1)));
        set("difference_km", json!(self.check.difference_km.map(round1)));
        set("tolerance_km", json!(self.check.tolerance_km.map(round1)));
        set("verdict", json!(verdict.as_str()));
        set("verdict_reason", json!(self.check.reason));
        set("illustrative", json!(illustrative));
        set("radius_km", json!(radius_km.map(round3)));

        set("title", json!(self.title(gazetteer)));
        let line = matches!(
            geometry.as_ref().map(|g| &g.value),
            Some(Value::LineString(_))
        );
        set("stroke", json!(colour(verdict)));
        set("stroke-width", json!(if line { 3 } else { 2 }));
        set("stroke-opacity", json!(0.9));
        set("fill", json!(colour(verdict)));
        set("fill-opacity", json!(if illustrative { 0.15 } else { 0.1 }));
        Feature {
            bbox: None,
            geometry,
            id: None,
            properties: Some(props),
            foreign_members: None,
        }
    }

    /// The feature's title: what the claim says, between which places, and
    /// the verdict.
    fn title(&self, gazetteer: &Gazetteer) -> String {
        let place = |r: &Option<Role>| r.as_ref().map(|r| gazetteer.place(r.place));
        // Built in one string: a claim's title is written once per claim.
        let mut title = String::with_capacity(self.text.len() + 64);
        let parts: [&str; 6] = match (
            place(&self.subject),
            place(&self.reference),
            place(&self.anchor),
        ) {
            (Some(s), Some(r), _) => {
                let border = self
                    .reference
                    .as_ref()
                    .is_some_and(|r| r.border_of.is_some());
                let border = if border { " border" } else { "" };
                [&s.name, " → ", &r.name, border, ": ", &self.text]
            }
            (None, Some(r), _) => [
                &self.text,
                " (around ",
                &r.name,
                "): ",
                "no place subject",
                "",
            ],
            (_, _, Some(a)) => [&self.text, " (", &a.name, ")", "", ""],
            _ => [&self.text, "", "", "", "", ""],
        };
        for part in parts {
            title.push_str(part);
        }
        if let Some(m) = self.check.measured_km {
            write!(title, ", measured {m:.1} km").expect("writing to a String cannot fail");
        }
        for part in [" [", self.check.verdict.as_str(), "]"] {
            title.push_str(part);
        }
        title
    }

    /// The geometry, whether it is illustrative, and the radius of a drawn circle.
    fn geometry(&self, gazetteer: &Gazetteer) -> (Option<Geometry>, bool, Option<f64>) {
        let (shape, illustrative, radius_km) = self.shape(gazetteer);
        (shape.map(Shape::geometry), illustrative, radius_km)
    }

    /// What [`Claim::geometry`] draws, whether it is illustrative, and the
    /// radius of a drawn circle.
    fn shape(&self, gazetteer: &Gazetteer) -> (Option<Shape>, bool, Option<f64>) {
        let point_of = |r: &Role| {
            let p = gazetteer.place(r.place);
            (p.lat, p.lon)
        };
        match self.kind {
            ClaimKind::Area => {
                let Some(anchor) = &self.anchor else {
                    return (None, false, None);
                };
                let r = (self.value_km() / std::f64::consts::PI).sqrt();
                let circle = Shape::Circle {
                    center: point_of(anchor),
                    km: r,
                    hole_km: None,
                };
                (Some(circle), true, Some(r))
            }
            ClaimKind::Distance => match (&self.subject, &self.reference) {
                (Some(s), Some(r)) => {
                    let from = point_of(s);
                    let to = match (&r.border_of, self.border_point) {
                        (Some(_), Some(b)) => Some(b),
                        (Some(_), None) => None,
                        (None, _) => Some(point_of(r)),
                    };
                    let shape = match to {
                        Some(to) => Shape::Line(from, to),
                        None => Shape::Point(from),
                    };
                    (Some(shape), false, None)
                }
                (None, Some(r)) if r.border_of.is_none() => {
                    let outer_km = self.value_max_km().unwrap_or(self.value_km());
                    let circle = Shape::Circle {
                        center: point_of(r),
                        km: outer_km,
                        // An annulus for a range.
                        hole_km: self.value_max.map(|_| self.value_km()),
                    };
                    (Some(circle), false, Some(outer_km))
                }
                (Some(s), _) => (Some(Shape::Point(point_of(s))), false, None),
                _ => (None, false, None),
            },
        }
    }
}

/// A claim's geometry before it is a [`Geometry`]: points as (lat, lon).
enum Shape {
    Point((f64, f64)),
    Line((f64, f64), (f64, f64)),
    /// A ring of `km` around `center`, with a hole of `hole_km` in an
    /// annulus.
    Circle {
        center: (f64, f64),
        km: f64,
        hole_km: Option<f64>,
    },
}

impl Shape {
    fn geometry(self) -> Geometry {
        let position = |(lat, lon)| position(lat, lon);
        Geometry::new(match self {
            Shape::Point(p) => Value::Point(position(p)),
            Shape::Line(a, b) => Value::LineString(vec![position(a), position(b)]),
            Shape::Circle {
                center,
                km,
                hole_km,
            } => {
                let mut rings = vec![rings::ring(center, km, false)];
                // The hole runs clockwise.
                rings.extend(hole_km.map(|km| rings::ring(center, km, true)));
                Value::Polygon(rings)
            }
        })
    }

    /// Writes the shape as its [`Geometry`] is written, without building
    /// it: a circle's rings from those the thread drew already.
    fn write_json(self, out: &mut Vec<u8>) {
        let position = |(lat, lon): (f64, f64)| [round6(lon), round6(lat)];
        let mut map = Object::start(out);
        let out = match self {
            Shape::Point(p) => {
                map.field(key!("type"), &Plain("Point"));
                map.field(key!("coordinates"), &position(p)[..]);
                return map.end();
            }
            Shape::Line(from, to) => {
                map.field(key!("type"), &Plain("LineString"));
                let out = map.key(key!("coordinates"));
                out.push(b'[');
                position(from)[..].write_json(out);
                out.push(b',');
                position(to)[..].write_json(out);
                out
            }
            Shape::Circle {
                center,
                km,
                hole_km,
            } => {
                map.field(key!("type"), &Plain("Polygon"));
                let out = map.key(key!("coordinates"));
                out.push(b'[');
                rings::write_ring(out, center, km, false);
                if let Some(km) = hole_km {
                    out.push(b',');
                    rings::write_ring(out, center, km, true);
                }
                out
            }
        };
        out.push(b']');
        map.end();
    }
}

/// A claim's feature as [`Claim::to_feature`] would serialize it — the
/// same keys in the same order (`type`, `geometry`, then the properties
/// sorted by key, as in a `JsonObject`) and the same values — written
/// straight from the claim, without a map of JSON values per feature.
pub struct ClaimFeature<'a> {
    claim: &'a Claim,
    doc: &'a Document,
    gazetteer: &'a Gazetteer,
    geometry: Option<Geometry>,
    illustrative: bool,
    radius_km: Option<f64>,
    /// The snippet, as a JSON string.
    snippet: Cow<'a, RawValue>,
}

impl Claim {
    /// The claim's feature, ready to serialize.
    pub fn feature<'a>(&'a self, doc: &'a Document, gazetteer: &'a Gazetteer) -> ClaimFeature<'a> {
        let snippet = snippet_json(&doc.text, self.byte_start, self.byte_end);
        self.feature_with_snippet(doc, gazetteer, Cow::Owned(snippet))
    }

    /// [`Claim::feature`] with its snippet already cut and escaped as a
    /// JSON string, by whoever cut the snippets of the whole text at once.
    pub fn feature_with_snippet<'a>(
        &'a self,
        doc: &'a Document,
        gazetteer: &'a Gazetteer,
        snippet: Cow<'a, RawValue>,
    ) -> ClaimFeature<'a> {
        let (geometry, illustrative, radius_km) = self.geometry(gazetteer);
        ClaimFeature {
            claim: self,
            doc,
            gazetteer,
            geometry,
            illustrative,
            radius_km,
            snippet,
        }
    }
}

impl Serialize for ClaimFeature<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", "Feature")?;
        map.serialize_entry("geometry", &self.geometry)?;
        map.serialize_entry("properties", &ClaimProperties(self))?;
        map.end()
    }
}

struct ClaimProperties<'a>(&'a ClaimFeature<'a>);

impl Serialize for ClaimProperties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let (c, g) = (f.claim, f.gazetteer);
        let verdict = c.check.verdict;
        let line = matches!(
            f.geometry.as_ref().map(|g| &g.value),
            Some(Value::LineString(_))
        );
        let (value_key, value_max_key) = match c.kind {
            ClaimKind::Distance => ("value_km", "value_max_km"),
            ClaimKind::Area => ("value_km2", "value_max_km2"),
        };
        fn role<'r>(
            role: Option<&'r Role>,
            gazetteer: &'r Gazetteer,
            border_point: Option<(f64, f64)>,
        ) -> RoleView<'r> {
            RoleView {
                role,
                gazetteer,
                border_point,
            }
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("anchor", &role(c.anchor.as_ref(), g, None))?;
        map.serialize_entry("bearing", &c.bearing.map(|b| b.name))?;
        map.serialize_entry("bearing_deg", &c.bearing.map(|b| b.degrees))?;
        map.serialize_entry("claim", c.kind.as_str())?;
        map.serialize_entry("date", &f.doc.date)?;
        map.serialize_entry("difference_km", &c.check.difference_km.map(round1))?;
        map.serialize_entry("doc", &f.doc.id)?;
        map.serialize_entry("end", &c.end)?;
        map.serialize_entry("fill", colour(verdict))?;
        map.serialize_entry("fill-opacity", &if f.illustrative { 0.15 } else { 0.1 })?;
        map.serialize_entry("illustrative", &f.illustrative)?;
        let bearing = c.check.measured_bearing_deg.map(round1);
        map.serialize_entry("measured_bearing_deg", &bearing)?;
        map.serialize_entry("measured_km", &c.check.measured_km.map(round1))?;
        map.serialize_entry("qualifier", &c.qualifier.map(|q| q.as_str()))?;
        map.serialize_entry("qualifier_text", &c.qualifier_text)?;
        map.serialize_entry("radius_km", &f.radius_km.map(round3))?;
        let reference = role(c.reference.as_ref(), g, c.border_point);
        map.serialize_entry("reference", &reference)?;
        map.serialize_entry("snippet", &*f.snippet)?;
        map.serialize_entry("start", &c.start)?;
        map.serialize_entry("stroke", colour(verdict))?;
        map.serialize_entry("stroke-opacity", &0.9)?;
        map.serialize_entry("stroke-width", &if line { 3 } else { 2 })?;
        map.serialize_entry("subject", &role(c.subject.as_ref(), g, None))?;
        map.serialize_entry("text", &c.text)?;
        map.serialize_entry("title", &c.title(g))?;
        map.serialize_entry("tolerance_km", &c.check.tolerance_km.map(round1))?;
        map.serialize_entry("type", "claim")?;
        map.serialize_entry("unit", c.unit.as_str())?;
        map.serialize_entry("value", &c.value)?;
        map.serialize_entry(value_key, &round3(c.value_km()))?;
        map.serialize_entry("value_max", &c.value_max)?;
        map.serialize_entry(value_max_key, &c.value_max_km().map(round3))?;
        map.serialize_entry("verdict", verdict.as_str())?;
        map.serialize_entry("verdict_reason", &c.check.reason)?;
        map.end()
    }
}

impl Claim {
    /// Writes the claim's feature as compact JSON to `out`: the bytes its
    /// [`ClaimFeature`] serializes to (the tests hold the two together),
    /// written directly, as the batch writes thousands of them.
    /// `snippet` is the snippet escaped as a JSON string.
    pub fn write_feature(
        &self,
        doc: &Document,
        gazetteer: &Gazetteer,
        snippet: &str,
        out: &mut Vec<u8>,
    ) {
        let (shape, illustrative, radius_km) = self.shape(gazetteer);
        let line = matches!(shape, Some(Shape::Line(..)));
        let mut feature = Object::start(out);
        feature.field(key!("type"), &Plain("Feature"));
        let geometry = feature.key(key!("geometry"));
        match shape {
            Some(shape) => shape.write_json(geometry),
            None => geometry.extend_from_slice(b"null"),
        }
        let mut map = Object::start(feature.key(key!("properties")));
        let (c, g) = (self, gazetteer);
        let verdict = c.check.verdict;
        let (value_key, value_max_key) = match c.kind {
            ClaimKind::Distance => (key!("value_km"), key!("value_max_km")),
            ClaimKind::Area => (key!("value_km2"), key!("value_max_km2")),
        };
        // Keys sorted, as in `ClaimProperties`.
        write_role(map.key(key!("anchor")), c.anchor.as_ref(), g, None);
        map.field(key!("bearing"), &c.bearing.map(|b| Plain(b.name)));
        map.field(key!("bearing_deg"), &c.bearing.map(|b| b.degrees));
        map.field(key!("claim"), &Plain(c.kind.as_str()));
        map.field(key!("date"), &doc.date);
        map.field(key!("difference_km"), &c.check.difference_km.map(round1));
        map.field(key!("doc"), &doc.id);
        map.field(key!("end"), &c.end);
        map.field(key!("fill"), &Plain(colour(verdict)));
        map.field(key!("fill-opacity"), &if illustrative { 0.15 } else { 0.1 });
        map.field(key!("illustrative"), &illustrative);
        map.field(
            key!("measured_bearing_deg"),
            &c.check.measured_bearing_deg.map(round1),
        );
        map.field(key!("measured_km"), &c.check.measured_km.map(round1));
        map.field(key!("qualifier"), &c.qualifier.map(|q| Plain(q.as_str())));
        map.field(key!("qualifier_text"), &c.qualifier_text);
        map.field(key!("radius_km"), &radius_km.map(round3));
        let reference = map.key(key!("reference"));
        write_role(reference, c.reference.as_ref(), g, c.border_point);
        map.field(key!("snippet"), &Raw(snippet));
        map.field(key!("start"), &c.start);
        map.field(key!("stroke"), &Plain(colour(verdict)));
        map.field(key!("stroke-opacity"), &0.9);
        map.field(key!("stroke-width"), &if line { 3u32 } else { 2 });
        write_role(map.key(key!("subject")), c.subject.as_ref(), g, None);
        map.field(key!("text"), &c.text);
        map.field(key!("title"), &c.title(g));
        map.field(key!("tolerance_km"), &c.check.tolerance_km.map(round1));
        map.field(key!("type"), &Plain("claim"));
        map.field(key!("unit"), &Plain(c.unit.as_str()));
        map.field(key!("value"), &c.value);
        map.field(value_key, &round3(c.value_km()));
        map.field(key!("value_max"), &c.value_max);
        map.field(value_max_key, &c.value_max_km().map(round3));
        map.field(key!("verdict"), &Plain(verdict.as_str()));
        map.field(key!("verdict_reason"), &c.check.reason);
        map.end();
        feature.end();
    }
}

/// Writes a role as [`RoleView`] serializes it, or `null`.
fn write_role(
    out: &mut Vec<u8>,
    role: Option<&Role>,
    gazetteer: &Gazetteer,
    border_point: Option<(f64, f64)>,
) {
    let Some(role) = role else {
        out.extend_from_slice(b"null");
        return;
    };
    let p = gazetteer.place(role.place);
    let mut map = Object::start(out);
    if let (Some(_), Some((lat, lon))) = (&role.border_of, border_point) {
        map.field(key!("border_lat"), &round6(lat));
        map.field(key!("border_lon"), &round6(lon));
    }
    map.field(key!("border_of"), &role.border_of);
    map.field(key!("country"), &p.country);
    map.field(key!("geonameid"), &p.geonameid);
    map.field(key!("kind"), &Plain(p.kind.as_str()));
    map.field(key!("lat"), &round6(p.lat));
    map.field(key!("lon"), &round6(p.lon));
    map.field(key!("name"), &p.name);
    map.field(key!("place_id"), &p.place_id);
    map.field(key!("text"), &role.text);
    map.end();
}

/// A role as `role_json` builds it (keys sorted), or `null`.
struct RoleView<'a> {
    role: Option<&'a Role>,
    gazetteer: &'a Gazetteer,
    border_point: Option<(f64, f64)>,
}

impl Serialize for RoleView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(role) = self.role else {
            return serializer.serialize_none();
        };
        let p = self.gazetteer.place(role.place);
        let mut map = serializer.serialize_map(None)?;
        if let (Some(_), Some((lat, lon))) = (&role.border_of, self.border_point) {
            map.serialize_entry("border_lat", &round6(lat))?;
            map.serialize_entry("border_lon", &round6(lon))?;
        }
        map.serialize_entry("border_of", &role.border_of)?;
        map.serialize_entry("country", &p.country)?;
        map.serialize_entry("geonameid", &p.geonameid)?;
        map.serialize_entry("kind", p.kind.as_str())?;
        map.serialize_entry("lat", &round6(p.lat))?;
        map.serialize_entry("lon", &round6(p.lon))?;
        map.serialize_entry("name", &p.name)?;
        map.serialize_entry("place_id", &p.place_id)?;
        map.serialize_entry("text", &role.text)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use crate::claims::Claim;
    use crate::document::Document;
    use crate::gazetteer::Gazetteer;
    use crate::pipeline::Geoparser;

    /// The typed serializer writes the bytes `to_feature` serializes to,
    /// for every claim of the sample corpus and of text with ranges,
    /// areas, bearings, borders and no date.
    #[test]
    fn typed_feature_serializes_as_to_feature_does() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let mut docs = vec![Document::new(
            "made-up",
            "Vovchansk lies about 5 km from the Russian border. Russian forces seized \
             over 200 square kilometers near Kharkiv. Sumy is between 20 and 30 km \
             northeast of Kharkiv, officials said. The drone fell some 10.5 kilometres \
             from the city of Sumy. Harbin, situated just 500 kilometers from Vladivostok.",
        )];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/claims");
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let mut doc = Document::new(entry.file_name().to_string_lossy(), &text);
            doc.date = Some("2024-05-17".into());
            docs.push(doc);
        }
        let mut compared = 0;
        for doc in &docs {
            for claim in parser.parse(doc).claims {
                let want = serde_json::to_string(&claim.to_feature(doc, &g)).unwrap();
                let got = serde_json::to_string(&claim.feature(doc, &g)).unwrap();
                assert_eq!(got, want);
                assert_eq!(written(&claim, doc, &g), want);
                compared += 1;
            }
        }
        assert!(compared >= 10, "{compared} claims");
    }

    /// What [`Claim::write_feature`] writes.
    fn written(claim: &Claim, doc: &Document, g: &Gazetteer) -> String {
        let snippet = crate::output::json::escape_collapsed(&crate::output::snippet(
            &doc.text,
            claim.byte_start,
            claim.byte_end,
        ));
        let mut out = Vec::new();
        claim.write_feature(doc, g, &snippet, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// [`Claim::write_feature`] writes the bytes `to_feature` serializes
    /// to with every string a claim writes made awkward, and every field
    /// that may be missing missing.
    #[test]
    fn written_feature_is_the_serialized_one() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let text = "Vovchansk lies about 5 km from the Russian border. Russian forces seized \
             over 200 square kilometers near Kharkiv. Sumy is between 20 and 30 km \
             northeast of Kharkiv, officials said. The drone fell some 10.5 kilometres \
             from the city of Sumy. Harbin, situated just 500 kilometers from Vladivostok. \
             Kyiv is 470 km from Lviv.";
        let awkward = [
            "\"quoted\" \\ back\\slash",
            "ctl \u{1}\u{8}\t\n\r\u{7f} line\u{2028}sep",
            "Харків — “mayor”\u{a0}é 🚀",
        ];
        let mut compared = 0;
        for (k, s) in awkward.iter().enumerate() {
            let mut doc = Document::new(format!("id {s}"), text);
            doc.date = (k != 1).then(|| format!("2024-05-{s}"));
            let claims = parser.parse(&doc).claims;
            assert!(claims.len() >= 5, "{}", claims.len());
            for mut claim in claims {
                claim.text = format!("{} {s}", claim.text);
                claim.qualifier_text = (k != 2).then(|| s.to_string());
                claim.check.reason = format!("{s} {}", claim.check.reason);
                let roles = [&mut claim.subject, &mut claim.reference, &mut claim.anchor];
                for r in roles.into_iter().flatten() {
                    r.text = format!("{s}{}", r.text);
                    if r.border_of.is_some() {
                        r.border_of = Some(s.to_string());
                    }
                }
                let want = serde_json::to_string(&claim.to_feature(&doc, &g)).unwrap();
                assert_eq!(written(&claim, &doc, &g), want);
                compared += 1;
            }
        }
        assert!(compared >= 15, "{compared} claims");
    }
}
