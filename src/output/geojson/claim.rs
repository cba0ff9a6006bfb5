//! A claim's GeoJSON feature (`properties.type == "claim"`): every stated
//! and measured figure, the places with their ids, and the claim's shape
//! (a line, a point, a ring or an illustrative circle; `null` geometry,
//! which RFC 7946 allows, when there is nothing to draw), styled with
//! simplestyle properties coloured by verdict.
//!
//! Written straight from the [`ClaimRecord`] as compact JSON, in the key
//! order a `JsonObject` serializes (sorted); the test oracle beside it
//! builds the same feature as a `serde_json::Value`.

use crate::claims::shape::Shape;
use crate::claims::ClaimKind;
use crate::map::{ClaimRecord, RoleRecord};
use crate::output::json::{key, Json, Object, Plain};
use crate::output::precision::{round1, round3, round6};
use crate::output::style::verdict_color;

use super::rings;

/// Writes the feature of `claim`, stated in document `doc` of `date`, in
/// the sentence `snippet`, as compact JSON to `out`.
pub fn write_claim(
    out: &mut Vec<u8>,
    claim: &ClaimRecord<'_>,
    doc: &str,
    date: Option<&str>,
    snippet: &str,
) {
    let c = claim;
    let line = matches!(c.shape, Some(Shape::Line(..)));
    let mut feature = Object::start(out);
    feature.field(key!("type"), &Plain("Feature"));
    let geometry = feature.key(key!("geometry"));
    match &c.shape {
        Some(shape) => write_shape(geometry, shape),
        None => geometry.extend_from_slice(b"null"),
    }
    // Every property, always, null where there is no value; the places
    // both as objects and as flat columns for tools that cannot read
    // nested values. Keys in byte order.
    let mut map = Object::start(feature.key(key!("properties")));
    let verdict = c.check.verdict;
    let (km, km2) = match c.kind {
        ClaimKind::Distance => (Some(c), None),
        ClaimKind::Area => (None, Some(c)),
    };
    fn name<'a>(r: &'a Option<RoleRecord>) -> Option<&'a str> {
        r.as_ref().map(|r| r.place.name.as_str())
    }
    fn id<'a>(r: &'a Option<RoleRecord>) -> Option<&'a str> {
        r.as_ref().map(|r| r.place.place_id.as_str())
    }
    write_role(map.key(key!("anchor")), c.anchor.as_ref());
    map.field(key!("anchor_name"), &name(&c.anchor));
    map.field(key!("anchor_place_id"), &id(&c.anchor));
    map.field(key!("bearing"), &c.bearing.map(|b| Plain(b.name)));
    map.field(key!("bearing_deg"), &c.bearing.map(|b| b.degrees));
    let border = c.reference.as_ref().and_then(|r| r.border_of.as_deref());
    map.field(key!("border_of"), &border);
    map.field(key!("claim"), &Plain(c.kind.as_str()));
    map.field(key!("date"), &date);
    map.field(key!("difference_km"), &c.check.difference_km.map(round1));
    map.field(key!("doc"), doc);
    map.field(key!("end"), &c.end);
    map.field(key!("fill"), &Plain(verdict_color(verdict)));
    map.field(
        key!("fill-opacity"),
        &if c.illustrative { 0.15 } else { 0.1 },
    );
    map.field(key!("illustrative"), &c.illustrative);
    map.field(
        key!("measured_bearing_deg"),
        &c.check.measured_bearing_deg.map(round1),
    );
    map.field(key!("measured_km"), &c.check.measured_km.map(round1));
    map.field(key!("qualifier"), &c.qualifier.map(|q| Plain(q.as_str())));
    map.field(key!("qualifier_text"), &c.qualifier_text);
    map.field(key!("radius_km"), &c.radius_km.map(round3));
    write_role(map.key(key!("reference")), c.reference.as_ref());
    map.field(key!("reference_name"), &name(&c.reference));
    map.field(key!("reference_place_id"), &id(&c.reference));
    map.field(key!("snippet"), snippet);
    map.field(key!("start"), &c.start);
    map.field(key!("stroke"), &Plain(verdict_color(verdict)));
    map.field(key!("stroke-opacity"), &0.9);
    map.field(key!("stroke-width"), &if line { 3u32 } else { 2 });
    write_role(map.key(key!("subject")), c.subject.as_ref());
    map.field(key!("subject_name"), &name(&c.subject));
    map.field(key!("subject_place_id"), &id(&c.subject));
    map.field(key!("text"), &c.text);
    map.field(key!("title"), &c.title());
    map.field(key!("tolerance_km"), &c.check.tolerance_km.map(round1));
    map.field(key!("type"), &Plain("claim"));
    map.field(key!("unit"), &Plain(c.unit.as_str()));
    map.field(key!("value"), &c.value);
    map.field(key!("value_km"), &km.map(|c| round3(c.value_km())));
    map.field(key!("value_km2"), &km2.map(|c| round3(c.value_km())));
    map.field(key!("value_max"), &c.value_max);
    map.field(
        key!("value_max_km"),
        &km.and_then(|c| c.value_max_km().map(round3)),
    );
    map.field(
        key!("value_max_km2"),
        &km2.and_then(|c| c.value_max_km().map(round3)),
    );
    map.field(key!("verdict"), &Plain(verdict.as_str()));
    map.field(key!("verdict_reason"), &c.check.reason);
    map.end();
    feature.end();
}

/// Writes a role: the place, the words that named it, and for a border
/// its nearest point (null otherwise); or `null`.
fn write_role(out: &mut Vec<u8>, role: Option<&RoleRecord<'_>>) {
    let Some(role) = role else {
        out.extend_from_slice(b"null");
        return;
    };
    let p = &role.place;
    let mut map = Object::start(out);
    let (lat, lon) = role.border_point.unzip();
    map.field(key!("border_lat"), &lat.map(round6));
    map.field(key!("border_lon"), &lon.map(round6));
    map.field(key!("border_of"), &role.border_of);
    map.field(
        key!("country"),
        &Some(p.country.as_str()).filter(|c| !c.is_empty()),
    );
    map.field(key!("geonameid"), &p.geonameid);
    map.field(key!("kind"), &Plain(p.kind.as_str()));
    map.field(key!("lat"), &round6(p.lat));
    map.field(key!("lon"), &round6(p.lon));
    map.field(key!("name"), &p.name);
    map.field(key!("place_id"), &p.place_id);
    map.field(key!("text"), &role.text);
    map.end();
}

/// Writes a shape as a GeoJSON geometry, rounded to 6 decimals: a
/// circle's rings from those this thread drew already.
fn write_shape(out: &mut Vec<u8>, shape: &Shape) {
    let position = |(lat, lon): (f64, f64)| [round6(lon), round6(lat)];
    let mut map = Object::start(out);
    let out = match *shape {
        Shape::Point(p) => {
            map.field(key!("type"), &Plain("Point"));
            map.field(key!("coordinates"), &position(p)[..]);
            return map.end();
        }
        Shape::Polygon(ref rings) => {
            map.field(key!("type"), &Plain("Polygon"));
            let rings: Vec<Vec<[f64; 2]>> = (rings.iter())
                .map(|ring| ring.iter().map(|&p| position(p)).collect())
                .collect();
            map.field(key!("coordinates"), &rings);
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
                // The hole runs clockwise.
                rings::write_ring(out, center, km, true);
            }
            out
        }
    };
    out.push(b']');
    map.end();
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::document::Document;
    use crate::gazetteer::Gazetteer;
    use crate::map::DocumentMap;
    use crate::pipeline::Geoparser;

    /// The oracle: the feature built as a `serde_json::Value`, the way the
    /// output was first written.
    fn feature_value(c: &ClaimRecord, doc: &str, date: Option<&str>, snippet: &str) -> String {
        let role = |r: Option<&RoleRecord>| match r {
            None => Value::Null,
            Some(r) => {
                let p = &r.place;
                let country = Some(p.country.as_str()).filter(|c| !c.is_empty());
                json!({
                    "name": p.name, "geonameid": p.geonameid, "place_id": p.place_id,
                    "lat": round6(p.lat), "lon": round6(p.lon), "kind": p.kind.as_str(),
                    "country": country, "text": r.text, "border_of": r.border_of,
                    "border_lat": r.border_point.map(|b| round6(b.0)),
                    "border_lon": r.border_point.map(|b| round6(b.1)),
                })
            }
        };
        let position = |(lat, lon): (f64, f64)| json!([round6(lon), round6(lat)]);
        let ring = |center, km, hole| {
            let mut ring: Vec<Value> = crate::claims::check::circle(center, km, 64)
                .into_iter()
                .map(position)
                .collect();
            if hole {
                ring.reverse();
            }
            Value::Array(ring)
        };
        let geometry = match c.shape.clone() {
            None => None,
            Some(Shape::Point(p)) => Some(("Point", position(p))),
            Some(Shape::Line(a, b)) => Some(("LineString", json!([position(a), position(b)]))),
            Some(Shape::Circle {
                center,
                km,
                hole_km,
            }) => {
                let mut rings = vec![ring(center, km, false)];
                rings.extend(hole_km.map(|km| ring(center, km, true)));
                Some(("Polygon", Value::Array(rings)))
            }
            Some(Shape::Polygon(rings)) => {
                let rings: Vec<Value> = (rings.into_iter())
                    .map(|r| Value::Array(r.into_iter().map(position).collect()))
                    .collect();
                Some(("Polygon", Value::Array(rings)))
            }
        };
        let verdict = c.check.verdict;
        let line = matches!(c.shape, Some(Shape::Line(..)));
        let mut props = json!({
            "type": "claim", "claim": c.kind.as_str(), "value": c.value,
            "value_max": c.value_max, "unit": c.unit.as_str(),
            "qualifier": c.qualifier.map(|q| q.as_str()), "qualifier_text": c.qualifier_text,
            "text": c.text, "doc": doc, "start": c.start, "end": c.end, "snippet": snippet,
            "date": date, "subject": role(c.subject.as_ref()),
            "reference": role(c.reference.as_ref()), "anchor": role(c.anchor.as_ref()),
            "bearing": c.bearing.map(|b| b.name), "bearing_deg": c.bearing.map(|b| b.degrees),
            "measured_bearing_deg": c.check.measured_bearing_deg.map(round1),
            "measured_km": c.check.measured_km.map(round1),
            "difference_km": c.check.difference_km.map(round1),
            "tolerance_km": c.check.tolerance_km.map(round1),
            "verdict": verdict.as_str(), "verdict_reason": c.check.reason,
            "illustrative": c.illustrative, "radius_km": c.radius_km.map(round3),
            "title": c.title(), "stroke": verdict_color(verdict),
            "stroke-width": if line { 3 } else { 2 }, "stroke-opacity": 0.9,
            "fill": verdict_color(verdict), "fill-opacity": if c.illustrative { 0.15 } else { 0.1 },
        });
        let flat = json!({
            "subject_name": c.subject.as_ref().map(|r| &r.place.name),
            "subject_place_id": c.subject.as_ref().map(|r| &r.place.place_id),
            "reference_name": c.reference.as_ref().map(|r| &r.place.name),
            "reference_place_id": c.reference.as_ref().map(|r| &r.place.place_id),
            "anchor_name": c.anchor.as_ref().map(|r| &r.place.name),
            "anchor_place_id": c.anchor.as_ref().map(|r| &r.place.place_id),
            "border_of": c.reference.as_ref().and_then(|r| r.border_of.clone()),
            "value_km": null, "value_max_km": null, "value_km2": null, "value_max_km2": null,
        });
        for (k, v) in flat.as_object().unwrap() {
            props[k] = v.clone();
        }
        let (value_key, max_key) = match c.kind {
            ClaimKind::Distance => ("value_km", "value_max_km"),
            ClaimKind::Area => ("value_km2", "value_max_km2"),
        };
        props[value_key] = json!(round3(c.value_km()));
        props[max_key] = json!(c.value_max_km().map(round3));
        crate::output::geojson::place::tests::feature_text(geometry, &props)
    }

    fn written(c: &ClaimRecord, doc: &str, date: Option<&str>, snippet: &str) -> String {
        let mut out = Vec::new();
        write_claim(&mut out, c, doc, date, snippet);
        String::from_utf8(out).unwrap()
    }

    const CLAIMS: &str = "Vovchansk lies about 5 km from the Russian border. Russian forces \
        seized over 200 square kilometers near Kharkiv. Sumy is between 20 and 30 km \
        northeast of Kharkiv, officials said. The drone fell some 10.5 kilometres from the \
        city of Sumy. Harbin, situated just 500 kilometers from Vladivostok. Kyiv is 470 km \
        from Lviv. Shelling was reported within 30 km of Kharkiv. Kharkiv is 30 km from the \
        border.";

    /// The writer writes the oracle's bytes for every claim of the sample
    /// corpus and of text with ranges, areas, bearings, borders and rings.
    #[test]
    fn claim_features_are_written_as_the_oracle_builds_them() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let mut docs = vec![Document::new("made-up", CLAIMS)];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/claims");
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            docs.push(Document::new(entry.file_name().to_string_lossy(), &text));
        }
        let mut compared = 0;
        let mut shapes = [0; 4];
        for doc in &docs {
            let map = DocumentMap::new(doc, parser.parse(doc), &g, true);
            for c in &map.claims {
                let snippet = map.snippet(c.snippet);
                let want = feature_value(c, &map.id, map.date.as_deref(), snippet);
                assert_eq!(written(c, &map.id, map.date.as_deref(), snippet), want);
                compared += 1;
                shapes[match c.shape {
                    None => 0,
                    Some(Shape::Point(_)) => 1,
                    Some(Shape::Line(..)) => 2,
                    Some(Shape::Circle { .. } | Shape::Polygon(_)) => 3,
                }] += 1;
            }
        }
        assert!(compared >= 10, "{compared} claims");
        assert!(
            shapes.iter().all(|&n| n > 0),
            "every kind of shape: {shapes:?}"
        );
    }

    /// The same with every string a claim writes made awkward, and every
    /// field that may be missing missing.
    #[test]
    fn awkward_strings_are_written_as_the_oracle_builds_them() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let awkward = [
            "\"quoted\" \\ back\\slash",
            "ctl \u{1}\u{8}\t\n\r\u{7f} line\u{2028}sep",
            "Харків — “mayor”\u{a0}é 🚀",
        ];
        let mut compared = 0;
        for (k, s) in awkward.iter().enumerate() {
            let doc = Document::new(format!("id {s}"), CLAIMS);
            let date = (k != 1).then(|| format!("2024-05-{s}"));
            let map = DocumentMap::new(&doc, parser.parse(&doc), &g, true);
            assert!(map.claims.len() >= 5, "{}", map.claims.len());
            for mut c in map.claims.clone() {
                c.text = format!("{} {s}", c.text);
                c.qualifier_text = (k != 2).then(|| s.to_string());
                c.check.reason = format!("{s} {}", c.check.reason);
                let roles = [&mut c.subject, &mut c.reference, &mut c.anchor];
                for r in roles.into_iter().flatten() {
                    r.text = format!("{s}{}", r.text);
                    if r.border_of.is_some() {
                        r.border_of = Some(s.to_string());
                    }
                }
                let snippet = format!("{s} {}", map.snippet(c.snippet));
                let want = feature_value(&c, &map.id, date.as_deref(), &snippet);
                assert_eq!(written(&c, &map.id, date.as_deref(), &snippet), want);
                compared += 1;
            }
        }
        assert!(compared >= 15, "{compared} claims");
    }
}
