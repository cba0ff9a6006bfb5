//! Maps this module wrote, read back into the map model: what `merge` and
//! `view` start from. A GeoJSON text sequence (RS-framed records, or one
//! feature a line) or a `FeatureCollection` is read one feature at a time,
//! so a map of any size is read in bounded memory.
//!
//! Consecutive features of one document (a per-document map's places and
//! claims) come back as that document's [`DocumentMap`]; a place of an
//! aggregated map (several documents) comes back as [`Read::Place`]. The
//! properties are the ones [`super::place`] and [`super::claim`] write;
//! a feature that lacks one is an error naming the file and the feature.

use std::borrow::Cow;
use std::io::{BufRead, Read as _};
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::claims::shape::Shape;
use crate::claims::{Bearing, Check, ClaimKind, Qualifier, Unit, Verdict};
use crate::error::{Error, Result};
use crate::gazetteer::{Place, PlaceKind};
use crate::map::{
    ClaimRecord, DocumentMap, DocumentPlace, MentionRecord, MentionView, PlaceView, RoleRecord,
};

/// What a map file holds, in its order.
pub enum Read {
    /// The places and claims of one document.
    Document(DocumentMap<'static>),
    /// A place of an aggregated map, over several documents.
    Place(Box<PlaceFeature>),
}

/// A place feature as an aggregated map writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct PlaceFeature {
    #[serde(skip)]
    pub place: Option<Place>,
    pub confidence: f64,
    pub outlier: bool,
    pub mention_count: u64,
    pub document_count: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub documents: Vec<String>,
    pub mentions: Vec<Mention>,
    place_id: String,
    name: String,
    kind: String,
    feature_code: String,
    country: Option<String>,
    geonameid: Option<u32>,
    population: Option<u64>,
}

impl PlaceFeature {
    /// The place as the map listed it.
    pub fn view(&self) -> PlaceView<'_> {
        PlaceView {
            place: self.place.as_ref().expect("read with its place"),
            confidence: self.confidence,
            outlier: self.outlier,
            mention_count: self.mention_count,
            document_count: self.document_count,
            first_date: self.first_date.as_deref(),
            last_date: self.last_date.as_deref(),
            documents: self.documents.iter().map(String::as_str).collect(),
            mentions: (self.mentions.iter())
                .map(|m| MentionView {
                    doc: &m.doc,
                    date: m.date.as_deref(),
                    start: m.start,
                    end: m.end,
                    text: &m.text,
                    snippet: &m.snippet,
                    confidence: m.confidence,
                    demonym: m.demonym,
                })
                .collect(),
        }
    }
}

/// A listed mention.
#[derive(Debug, Clone, Deserialize)]
pub struct Mention {
    pub doc: String,
    pub date: Option<String>,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub snippet: String,
    pub confidence: f64,
    /// Absent in maps written before mentions said so: not a demonym.
    #[serde(default)]
    pub demonym: bool,
}

#[derive(Deserialize)]
struct ClaimFeature {
    claim: String,
    value: f64,
    value_max: Option<f64>,
    unit: String,
    qualifier: Option<String>,
    qualifier_text: Option<String>,
    bearing: Option<String>,
    measured_km: Option<f64>,
    difference_km: Option<f64>,
    tolerance_km: Option<f64>,
    measured_bearing_deg: Option<f64>,
    verdict: String,
    verdict_reason: String,
    illustrative: bool,
    radius_km: Option<f64>,
    text: String,
    snippet: String,
    doc: String,
    date: Option<String>,
    start: usize,
    end: usize,
    subject: Option<RoleFeature>,
    reference: Option<RoleFeature>,
    anchor: Option<RoleFeature>,
}

#[derive(Deserialize)]
struct RoleFeature {
    name: String,
    place_id: String,
    geonameid: Option<u32>,
    lat: f64,
    lon: f64,
    kind: String,
    country: Option<String>,
    text: String,
    border_of: Option<String>,
    border_lat: Option<f64>,
    border_lon: Option<f64>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Properties {
    Place(Box<PlaceFeature>),
    Claim(Box<ClaimFeature>),
}

#[derive(Deserialize)]
struct Feature {
    geometry: Option<Geometry>,
    properties: Properties,
}

#[derive(Deserialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: serde_json::Value,
}

/// Reads the map at `path` (`-`: standard input) and hands `each` what it
/// holds, in order.
pub fn read_map(path: &Path, each: &mut dyn FnMut(Read) -> Result<()>) -> Result<()> {
    let label = path.display().to_string();
    let io = |e| Error::io(path, e);
    let input: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path).map_err(io)?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, file))
    };
    let mut grouper = Grouper {
        current: None,
        each,
    };
    let mut input = input;
    let first = loop {
        let buf = input.fill_buf().map_err(io)?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    };
    match first {
        None => {}
        Some(0x1E) => read_records(input, &label, &mut grouper, |line| {
            line.split(|&b| b == 0x1E).map(<[u8]>::to_vec).collect()
        })?,
        Some(b'{') => {
            // A collection, or one feature a line: peek at the first line.
            // A compact collection is one line: only its first 16 MiB are
            // held here; a feature a line is read whole and parses alone.
            let mut head = Vec::new();
            input
                .by_ref()
                .take(16 << 20)
                .read_until(b'\n', &mut head)
                .map_err(io)?;
            let is_collection = serde_json::from_slice::<TypeOnly>(&head)
                .map(|t| t.kind == "FeatureCollection")
                .unwrap_or(true);
            let rest = std::io::Cursor::new(head).chain(input);
            if is_collection {
                read_collection(rest, &label, &mut grouper)?;
            } else {
                read_records(
                    Box::new(std::io::BufReader::new(rest)),
                    &label,
                    &mut grouper,
                    |line| vec![line.to_vec()],
                )?;
            }
        }
        Some(_) => {
            return Err(Error::Invalid(format!(
                "{label}: not a map geomention wrote (GeoJSON or GeoJSON text sequence)"
            )))
        }
    }
    grouper.flush()
}

#[derive(Deserialize)]
struct TypeOnly {
    #[serde(rename = "type")]
    kind: String,
}

/// Reads one feature per line (each line may hold RS-framed records).
fn read_records(
    mut input: Box<dyn BufRead + '_>,
    label: &str,
    grouper: &mut Grouper,
    records: impl Fn(&[u8]) -> Vec<Vec<u8>>,
) -> Result<()> {
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let n = input
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io(label, e))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        for record in records(&line) {
            if record.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let feature: Feature = serde_json::from_slice(&record).map_err(|e| {
                Error::format(label, number, format!("not a geomention feature: {e}"))
            })?;
            grouper.push(feature, &|m| Error::format(label, number, m))?;
        }
    }
}

/// Reads a `FeatureCollection`, handing on each feature as it is parsed.
fn read_collection(input: impl std::io::Read, label: &str, grouper: &mut Grouper) -> Result<()> {
    let mut de = serde_json::Deserializer::from_reader(input);
    let mut failed = None;
    let seed = CollectionSeed {
        grouper,
        label,
        failed: &mut failed,
        number: 0,
    };
    let parsed = seed.deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = failed {
        return Err(e);
    }
    parsed.map_err(|e| Error::Invalid(format!("{label}: not a GeoJSON FeatureCollection: {e}")))
}

struct CollectionSeed<'a, 'g, 'f> {
    grouper: &'a mut Grouper<'g, 'f>,
    label: &'a str,
    /// The error that stopped the reading, other than the JSON's.
    failed: &'a mut Option<Error>,
    number: usize,
}

impl<'de> DeserializeSeed<'de> for CollectionSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for CollectionSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a FeatureCollection")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "features" {
                map.next_value_seed(FeaturesSeed(&mut self))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct FeaturesSeed<'s, 'a, 'g, 'f>(&'s mut CollectionSeed<'a, 'g, 'f>);

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_, '_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let s = self.0;
        while let Some(feature) = seq.next_element::<Feature>()? {
            s.number += 1;
            let (label, number) = (s.label, s.number);
            let at = |m: String| Error::Invalid(format!("{label}: feature {number}: {m}"));
            if let Err(e) = s.grouper.push(feature, &at) {
                *s.failed = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// Puts consecutive features of one document together.
struct Grouper<'g, 'f> {
    current: Option<DocumentMap<'static>>,
    each: &'g mut (dyn FnMut(Read) -> Result<()> + 'f),
}

impl Grouper<'_, '_> {
    fn push(&mut self, feature: Feature, at: &dyn Fn(String) -> Error) -> Result<()> {
        match feature.properties {
            Properties::Place(mut p) => {
                let place = place(&p, feature.geometry.as_ref()).map_err(at)?;
                let one_document = p.document_count == 1 && p.documents.len() == 1;
                if !one_document {
                    self.flush()?;
                    p.place = Some(place);
                    return (self.each)(Read::Place(p));
                }
                let doc = self.document(&p.documents[0], p.first_date.as_deref())?;
                let mut listed = Vec::with_capacity(p.mentions.len());
                for m in p.mentions {
                    let snippet = snippet_number(doc, m.snippet);
                    listed.push(MentionRecord {
                        start: m.start,
                        end: m.end,
                        text: m.text,
                        snippet,
                        confidence: m.confidence,
                        demonym: m.demonym,
                    });
                }
                doc.places.push(DocumentPlace {
                    place: Cow::Owned(place),
                    confidence: p.confidence,
                    outlier: p.outlier,
                    mention_count: p.mention_count,
                    mentions: listed,
                });
            }
            Properties::Claim(c) => {
                let shape = shape(feature.geometry.as_ref()).map_err(at)?;
                let doc = self.document(&c.doc, c.date.as_deref())?;
                let record = claim(*c, shape, doc).map_err(at)?;
                doc.claims.push(record);
            }
        }
        Ok(())
    }

    /// The map of document `id`, started now if the last feature was of
    /// another document.
    fn document(&mut self, id: &str, date: Option<&str>) -> Result<&mut DocumentMap<'static>> {
        if self.current.as_ref().is_some_and(|d| d.id != id) {
            self.flush()?;
        }
        Ok(self.current.get_or_insert_with(|| DocumentMap {
            id: id.to_string(),
            date: date.map(str::to_string),
            starts_document: true,
            ..DocumentMap::default()
        }))
    }

    fn flush(&mut self) -> Result<()> {
        match self.current.take() {
            Some(doc) => (self.each)(Read::Document(doc)),
            None => Ok(()),
        }
    }
}

/// The number of `snippet` in `doc`'s snippets, added if it is new
/// (consecutive mentions of one sentence share one).
fn snippet_number(doc: &mut DocumentMap, snippet: String) -> u32 {
    let n = doc.snippets.len();
    if n > 0 && doc.snippets[n - 1] == snippet {
        return (n - 1) as u32;
    }
    doc.snippets.push(snippet);
    u32::try_from(n).expect("fewer than 2^32 sentences in a document")
}

/// The place of a place feature.
fn place(p: &PlaceFeature, geometry: Option<&Geometry>) -> std::result::Result<Place, String> {
    let (lat, lon) = match geometry {
        Some(g) if g.kind == "Point" => position(&g.coordinates)?,
        _ => return Err("a place feature's geometry must be a Point".into()),
    };
    Ok(Place {
        place_id: p.place_id.clone(),
        geonameid: p.geonameid,
        name: p.name.clone(),
        kind: kind(&p.kind)?,
        feature_code: p.feature_code.clone(),
        country: p.country.clone().unwrap_or_default(),
        admin1: String::new(),
        lat,
        lon,
        population: p.population,
    })
}

fn kind(name: &str) -> std::result::Result<PlaceKind, String> {
    PlaceKind::parse(name).ok_or_else(|| format!("unknown kind of place {name:?}"))
}

/// A GeoJSON position, `[lon, lat]`, as (lat, lon).
fn position(v: &serde_json::Value) -> std::result::Result<(f64, f64), String> {
    match v.as_array().map(Vec::as_slice) {
        Some([lon, lat, ..]) => match (lat.as_f64(), lon.as_f64()) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => Ok((lat, lon)),
            _ => Err(format!("not a position: {v}")),
        },
        _ => Err(format!("not a position: {v}")),
    }
}

fn positions(v: &serde_json::Value) -> std::result::Result<Vec<(f64, f64)>, String> {
    let list = v
        .as_array()
        .ok_or_else(|| format!("not a list of positions: {v}"))?;
    list.iter().map(position).collect()
}

/// A claim's shape from its geometry.
fn shape(geometry: Option<&Geometry>) -> std::result::Result<Option<Shape>, String> {
    let Some(g) = geometry else {
        return Ok(None);
    };
    Ok(Some(match g.kind.as_str() {
        "Point" => Shape::Point(position(&g.coordinates)?),
        "LineString" => match positions(&g.coordinates)?.as_slice() {
            &[from, to] => Shape::Line(from, to),
            _ => return Err("a claim's line has two points".into()),
        },
        "Polygon" => {
            let rings = g
                .coordinates
                .as_array()
                .ok_or("a polygon is a list of rings")?;
            Shape::Polygon(
                rings
                    .iter()
                    .map(positions)
                    .collect::<std::result::Result<_, _>>()?,
            )
        }
        other => return Err(format!("a claim's geometry cannot be a {other}")),
    }))
}

/// The record of a claim feature, its sentence numbered in `doc`.
fn claim(
    c: ClaimFeature,
    shape: Option<Shape>,
    doc: &mut DocumentMap,
) -> std::result::Result<ClaimRecord<'static>, String> {
    let unknown = |what: &str, name: &str| format!("unknown {what} {name:?}");
    let role = |r: Option<RoleFeature>| -> std::result::Result<_, String> {
        let Some(r) = r else { return Ok(None) };
        let place = Place {
            place_id: r.place_id,
            geonameid: r.geonameid,
            name: r.name,
            kind: kind(&r.kind)?,
            feature_code: String::new(),
            country: r.country.unwrap_or_default(),
            admin1: String::new(),
            lat: r.lat,
            lon: r.lon,
            population: None,
        };
        Ok(Some(RoleRecord {
            place: Cow::Owned(place),
            text: r.text,
            border_of: r.border_of,
            border_point: r.border_lat.zip(r.border_lon),
        }))
    };
    let verdict = Verdict::from_name(&c.verdict).ok_or_else(|| unknown("verdict", &c.verdict))?;
    let qualifier = match c.qualifier {
        Some(q) => Some(Qualifier::from_name(&q).ok_or_else(|| unknown("qualifier", &q))?),
        None => None,
    };
    let bearing = match c.bearing {
        Some(b) => Some(Bearing::from_name(&b).ok_or_else(|| unknown("bearing", &b))?),
        None => None,
    };
    Ok(ClaimRecord {
        kind: ClaimKind::from_name(&c.claim).ok_or_else(|| unknown("claim", &c.claim))?,
        value: c.value,
        value_max: c.value_max,
        unit: Unit::from_name(&c.unit).ok_or_else(|| unknown("unit", &c.unit))?,
        qualifier,
        qualifier_text: c.qualifier_text,
        bearing,
        start: c.start,
        end: c.end,
        text: c.text,
        snippet: snippet_number(doc, c.snippet),
        subject: role(c.subject)?,
        reference: role(c.reference)?,
        anchor: role(c.anchor)?,
        shape,
        illustrative: c.illustrative,
        radius_km: c.radius_km,
        check: Check {
            measured_km: c.measured_km,
            difference_km: c.difference_km,
            tolerance_km: c.tolerance_km,
            measured_bearing_deg: c.measured_bearing_deg,
            verdict,
            reason: c.verdict_reason,
        },
    })
}
