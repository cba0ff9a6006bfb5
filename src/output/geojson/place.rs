//! A place's GeoJSON feature (`properties.type == "place"`): a Point at the
//! place, its gazetteer facts, how often and where it is mentioned, and
//! each listed mention with its document, offsets and sentence.
//!
//! Written as a [`geojson::Feature`] with these properties would be
//! serialized (`type`, `geometry`, then the properties sorted by key), but
//! straight from the [`PlaceView`]'s borrowed strings, with no map of JSON
//! values per feature: the tests hold the two together. The properties are
//! the same, with the same JSON types, on every place feature of every
//! map (README: "The map's properties").

use crate::gazetteer::Place;
use crate::map::{MentionView, PlaceView};
use crate::output::json::{key, Json, Object, Plain};
use crate::output::precision::round6;
use crate::output::style::{marker_color, marker_size};

/// Writes `place`'s feature as compact JSON to `out`.
pub fn write_place(out: &mut Vec<u8>, place: &PlaceView<'_>) {
    let p = place.place;
    let mut feature = Object::start(out);
    feature.field(key!("type"), &Plain("Feature"));
    write_point(feature.key(key!("geometry")), p.lat, p.lon);
    // Every property, always, null where there is no value: a style or a
    // filter made on one map works on the next. Keys in byte order.
    let mut map = Object::start(feature.key(key!("properties")));
    map.field(key!("confidence"), &place.confidence);
    map.field(
        key!("country"),
        &Some(p.country.as_str()).filter(|c| !c.is_empty()),
    );
    map.field(key!("document_count"), &place.document_count);
    map.field(key!("documents"), &place.documents);
    map.field(key!("feature_code"), &p.feature_code);
    map.field(key!("first_date"), &place.first_date);
    map.field(key!("geonameid"), &p.geonameid);
    map.field(key!("kind"), &Plain(p.kind.as_str()));
    map.field(key!("last_date"), &place.last_date);
    map.field(
        key!("marker-color"),
        &Plain(marker_color(p.kind, place.outlier)),
    );
    map.field(key!("marker-size"), &Plain(marker_size(p.kind)));
    map.field(key!("mention_count"), &place.mention_count);
    map.field(key!("mentions"), &place.mentions);
    map.field(key!("name"), &p.name);
    map.field(key!("outlier"), &place.outlier);
    map.field(key!("place_id"), &p.place_id);
    map.field(key!("population"), &p.population);
    map.field(key!("title"), &place.title());
    map.field(key!("type"), &Plain("place"));
    map.end();
    feature.end();
}

impl Json for MentionView<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut map = Object::start(out);
        map.field(key!("confidence"), &self.confidence);
        map.field(key!("date"), &self.date);
        map.field(key!("demonym"), &self.demonym);
        map.field(key!("doc"), self.doc);
        map.field(key!("end"), &self.end);
        map.field(key!("snippet"), self.snippet);
        map.field(key!("start"), &self.start);
        map.field(key!("text"), self.text);
        map.end();
    }
}

/// Writes a GeoJSON point at (`lat`, `lon`): `[lon, lat]`, rounded to 6
/// decimals.
pub fn write_point(out: &mut Vec<u8>, lat: f64, lon: f64) {
    let mut map = Object::start(out);
    map.field(key!("type"), &Plain("Point"));
    map.field(key!("coordinates"), &[round6(lon), round6(lat)][..]);
    map.end();
}

/// How many places [`warm`] reads at a time: enough that their misses
/// overlap, few enough that they stay in the cache until written.
pub(super) const WARMED: usize = 32;

/// Reads the parts of `places` a feature writes into the cache, all of
/// them in one pass before any is written (some [`WARMED`] at a time).
///
/// The gazetteer is far larger than the cache, and a feature's place and
/// each of its strings are apart on the heap: read as the feature is
/// written, each of them is a miss that the writing waits for (in a
/// profile, most of the time spent writing place features). Read here,
/// the places do not wait on one another, and the processor fetches many
/// of them at once.
pub(super) fn warm<'p>(places: impl Iterator<Item = &'p Place>) {
    let first = |s: &str| s.as_bytes().first().copied().unwrap_or(0);
    let read = places.fold(0u8, |acc, p| {
        let strings = [&p.place_id, &p.name, &p.feature_code, &p.country];
        let bytes = strings.iter().fold(0, |acc, s| acc ^ first(s));
        acc ^ bytes ^ (p.lat.to_bits() as u8)
    });
    std::hint::black_box(read);
}

#[cfg(test)]
pub(super) mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::gazetteer::PlaceKind;

    /// A feature as `geojson` serializes one: `type`, `geometry` (its
    /// `type`, then `coordinates`), then `properties` (sorted, as a
    /// `serde_json::Value` keeps them).
    pub(in crate::output) fn feature_text(
        geometry: Option<(&str, Value)>,
        props: &Value,
    ) -> String {
        let geometry = match geometry {
            Some((kind, coordinates)) => {
                format!(r#"{{"type":"{kind}","coordinates":{coordinates}}}"#)
            }
            None => "null".into(),
        };
        format!(r#"{{"type":"Feature","geometry":{geometry},"properties":{props}}}"#)
    }

    /// The oracle: the feature's properties built as a `serde_json::Value`,
    /// the way the output was first written.
    pub(in crate::output) fn feature_value(v: &PlaceView) -> String {
        let p = v.place;
        let mentions: Vec<Value> = (v.mentions.iter())
            .map(|m| {
                json!({
                    "doc": m.doc, "start": m.start, "end": m.end, "text": m.text,
                    "snippet": m.snippet, "confidence": m.confidence, "date": m.date, "demonym": m.demonym,
                })
            })
            .collect();
        let country = Some(p.country.as_str()).filter(|c| !c.is_empty());
        let props = json!({
            "type": "place", "name": p.name, "geonameid": p.geonameid,
            "place_id": p.place_id, "kind": p.kind.as_str(), "feature_code": p.feature_code,
            "country": country, "population": p.population, "confidence": v.confidence,
            "outlier": v.outlier, "mention_count": v.mention_count,
            "document_count": v.document_count, "documents": v.documents,
            "first_date": v.first_date, "last_date": v.last_date, "mentions": mentions,
            "title": v.title(),
            "marker-color": marker_color(p.kind, v.outlier), "marker-size": marker_size(p.kind),
        });
        let point = json!([round6(p.lon), round6(p.lat)]);
        feature_text(Some(("Point", point)), &props)
    }

    /// Strings that test an escaper: quotes, backslashes, control
    /// characters, DEL, U+2028, non-ASCII, long and short.
    const AWKWARD: &[&str] = &[
        "",
        "Kharkiv",
        "Kharkiv Oblast, a longer name",
        "\"quoted\" \\ back\\slash\\",
        "tab\tnew\nline\rcr\u{8}\u{c}\u{1}\u{1f}\u{7f}",
        "line\u{2028}sep\u{2029}",
        "Харків — “mayor”\u{a0}é 🚀",
        "\\",
        "\"",
        "1234567\"",
    ];

    /// A place with `s` in every string.
    fn awkward_place(s: &str, k: usize) -> Place {
        let kinds = [
            PlaceKind::City,
            PlaceKind::Country,
            PlaceKind::Region,
            PlaceKind::Poi,
            PlaceKind::Continent,
        ];
        Place {
            place_id: format!("gn:{s}"),
            geonameid: (k % 2 == 0).then_some(706_483 + k as u32),
            name: s.to_string(),
            kind: kinds[k % kinds.len()],
            feature_code: s.chars().take(4).collect(),
            country: s.chars().take(2).collect(),
            admin1: String::new(),
            lat: 49.981_774_4 - k as f64 * 7.3,
            lon: 36.254_753_3 - k as f64 * 11.1,
            population: (k % 3 != 0).then_some(1_430_885 * k as u64),
        }
    }

    #[test]
    fn place_features_are_written_as_the_oracle_builds_them() {
        let places: Vec<_> = (AWKWARD.iter().enumerate())
            .map(|(k, s)| awkward_place(s, k))
            .collect();
        let mut compared = 0;
        for (k, place) in places.iter().enumerate() {
            let docs = [AWKWARD[k], AWKWARD[(k + 3) % AWKWARD.len()]];
            // No date, one, several.
            for dates in [&docs[..0], &docs[..1], &docs[..]] {
                let mentions = (0..k % 4)
                    .map(|i| MentionView {
                        confidence: [0.853, 1.0, 0.1 + 0.2, 1e-7][i],
                        date: dates.first().copied(),
                        doc: docs[i % 2],
                        start: i * 1000,
                        end: i * 1000 + k,
                        snippet: AWKWARD[(k + i) % AWKWARD.len()],
                        text: AWKWARD[(k + i + 1) % AWKWARD.len()],
                        demonym: i % 2 == 1,
                    })
                    .collect::<Vec<_>>();
                let view = PlaceView {
                    place,
                    confidence: [0.0, 0.5, 0.853, 1.0 / 3.0][k % 4],
                    outlier: k % 2 == 0,
                    mention_count: 7 * mentions.len() as u64,
                    document_count: 1 + k as u64 % 2,
                    first_date: dates.first().copied(),
                    last_date: dates.last().copied(),
                    documents: docs[..1 + k % 2].to_vec(),
                    mentions,
                };
                let mut got = Vec::new();
                write_place(&mut got, &view);
                assert_eq!(String::from_utf8(got).unwrap(), feature_value(&view));
                compared += 1;
            }
        }
        assert_eq!(compared, AWKWARD.len() * 3);
    }

    #[test]
    fn coordinates_are_rounded_lon_first() {
        let mut out = Vec::new();
        write_point(&mut out, 49.981_774_4, 36.254_753_3);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"Point","coordinates":[36.254753,49.981774]}"#
        );
    }
}
