//! Stated distances and areas ("Harbin, situated just 500 kilometers from
//! Vladivostok", "seizing over 200 square kilometers"), extracted as claims,
//! checked against the map, and drawn.
//!
//! - [`quantity`] reads numbers, units, qualifiers and directions;
//! - [`roles`] finds the places a quantity is about (subject, reference,
//!   area anchor) among the document's resolved mentions;
//! - [`check`] measures geodesic distances and gives the verdict;
//! - [`feature`] writes a claim as a GeoJSON feature.
//!
//! A number is a claim only with a unit of length or area; a distance also
//! needs a relation word after it ("from", "off", "outside", "into", "away",
//! "apart", or a direction and "of"): "a span of 1,080 metres." states a
//! size, not where something is. Durations, counts, percentages, years and
//! money have no such unit and are never claims.
//!
//! # When a distance is consistent
//!
//! The distance is measured on the WGS84 ellipsoid (geodesic) between the
//! gazetteer points of the two places, or from the subject to the nearest
//! point of the country's outline (Natural Earth 1:10m) for "the Russian
//! border" or a bare country ("10 km from Russia").
//!
//! The tolerance is half of the last significant place of the stated number
//! (a round "500 km" allows 50 km, "510 km" allows 5 km, "10.5 km" allows
//! 0.05 km), plus 3% of the stated distance (roads and maps disagree), plus
//! 1 km (a town is not a point); after "about", "around", "roughly" or
//! "some" it is one and a half times that. Then:
//! - no qualifier, or "just"/"only": the measured distance is within the
//!   tolerance of the stated one;
//! - "over", "more than", "at least": it is no less than the stated
//!   distance minus the tolerance;
//! - "under", "less than", "nearly", "almost", "up to", "within": it is no
//!   more than the stated distance plus the tolerance;
//! - a range ("20-30 km", "between 5 and 10 miles"): it lies between the
//!   low end minus its tolerance and the high end plus its tolerance.
//!
//! A stated direction ("north-east of Odesa") is wrong, and the claim
//! inconsistent, when the measured azimuth from the reference to the subject
//! is more than 60° away from it. A claim is unverifiable when it has no
//! place subject ("Russian forces were 10 km from Sumy") or no place
//! reference, when either is a region or a country's centre rather than a
//! point or a border, and for every area (the gazetteer has no outlines of
//! what was seized).

pub mod check;
pub mod feature;
pub mod quantity;
pub mod roles;

use crate::document::Document;
use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::resolve::ResolvedMention;
use crate::text::CharIndex;

pub use check::{Check, Verdict};
pub use quantity::{Bearing, Qualifier, Unit};
pub use roles::Role;

use quantity::{quantity_at, relation_at, tokenize, Quantity, Relation};
use roles::Reader;

/// What a claim measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimKind {
    Distance,
    Area,
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Distance => "distance",
            ClaimKind::Area => "area",
        }
    }
}

/// A spatial claim stated in a document, with what the map says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub kind: ClaimKind,
    /// As stated, in `unit`.
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: Unit,
    /// Place value of the last significant digit of the stated number, in `unit`.
    pub step: f64,
    pub qualifier: Option<Qualifier>,
    /// The qualifier as written ("only", "more than").
    pub qualifier_text: Option<String>,
    pub bearing: Option<Bearing>,
    /// Byte and code-point offsets of the claim's words in the document.
    pub byte_start: usize,
    pub byte_end: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub subject: Option<Role>,
    pub reference: Option<Role>,
    /// The place an area is stated for.
    pub anchor: Option<Role>,
    /// The nearest point of the reference border to the subject (lat, lon).
    pub border_point: Option<(f64, f64)>,
    pub check: Check,
}

impl Claim {
    /// The stated value in kilometres (distances) or square kilometres (areas).
    pub fn value_km(&self) -> f64 {
        self.value * self.unit.to_km()
    }

    pub fn value_max_km(&self) -> Option<f64> {
        self.value_max.map(|v| v * self.unit.to_km())
    }
}

/// The claims of one document, in text order.
pub fn extract(doc: &Document, mentions: &[ResolvedMention], gazetteer: &Gazetteer) -> Vec<Claim> {
    let text = doc.text.as_str();
    let tokens = tokenize(text);
    let reader = Reader::new(text, &tokens, mentions, gazetteer);
    let chars = CharIndex::new(text);
    let mut claims: Vec<Claim> = Vec::new();
    // First token, end token and sentence of every claim, for carried-over subjects.
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some(q) = quantity_at(text, &tokens, i) else {
            i += 1;
            continue;
        };
        let previous = spans
            .last()
            .zip(claims.last())
            .filter(|((_, _, s), _)| *s == reader.sentence_of(q.first))
            .map(|(&(f, e, _), c)| (f, e, c.subject.as_ref()));
        let read = if q.unit.is_area() {
            Some(read_area(&reader, &q))
        } else {
            read_distance(&reader, &q, previous)
        };
        let Some(read) = read else {
            i = q.next.max(i + 1);
            continue;
        };
        let byte_start = tokens[q.first].start;
        let byte_end = tokens[read.end - 1].end;
        let mut claim = Claim {
            kind: if q.unit.is_area() {
                ClaimKind::Area
            } else {
                ClaimKind::Distance
            },
            value: q.value,
            value_max: q.value_max,
            unit: q.unit,
            step: q.step,
            qualifier: q.qualifier,
            qualifier_text: q.qualifier_text.clone(),
            bearing: read.bearing,
            byte_start,
            byte_end,
            start: chars.char_offset(text, byte_start),
            end: chars.char_offset(text, byte_end),
            text: text[byte_start..byte_end].to_string(),
            subject: read.subject,
            reference: read.reference,
            anchor: read.anchor,
            border_point: None,
            check: Check::unverifiable(""),
        };
        measure(&mut claim, gazetteer);
        spans.push((q.first, read.end, reader.sentence_of(q.first)));
        claims.push(claim);
        i = q.next.max(i + 1);
    }
    claims
}

/// The places and words of one claim.
struct Reading {
    subject: Option<Role>,
    reference: Option<Role>,
    anchor: Option<Role>,
    bearing: Option<Bearing>,
    /// Token after the claim's last word.
    end: usize,
}

fn read_area(reader: &Reader, q: &Quantity) -> Reading {
    Reading {
        subject: None,
        reference: None,
        anchor: reader.anchor_after(q.next),
        bearing: None,
        end: q.next,
    }
}

fn read_distance(
    reader: &Reader,
    q: &Quantity,
    previous: Option<(usize, usize, Option<&Role>)>,
) -> Option<Reading> {
    if q.adjectival {
        // "a 30-km buffer zone" describes a thing, it does not place one.
        return None;
    }
    let (relation, bearing, after) = relation_at(reader.tokens, q.next, q.qualifier)?;
    let (subject, reference, end) = match relation {
        Relation::From | Relation::Into => {
            let subject = reader.subject_before(q.first, previous);
            match reader.reference_after(after) {
                Some((reference, end)) => (subject, Some(reference), end),
                None => (subject, None, reader.phrase_end(after).max(after)),
            }
        }
        Relation::Away => {
            let subject = reader.subject_before(q.first, previous);
            (subject, reader.from_place_before(q.first), q.next)
        }
        Relation::Apart => match reader.pair_before(q.first) {
            Some((a, b)) => (Some(a), Some(b), after),
            None => (None, None, after),
        },
    };
    // A place is not some distance from itself.
    let subject = subject.filter(|s| {
        reference
            .as_ref()
            .is_none_or(|r| r.place != s.place || r.border_of.is_some())
    });
    Some(Reading {
        subject,
        reference,
        anchor: None,
        bearing,
        end: end.max(q.next),
    })
}

/// Measures a claim on the map and sets its verdict.
fn measure(claim: &mut Claim, gazetteer: &Gazetteer) {
    if claim.kind == ClaimKind::Area {
        claim.check = Check::unverifiable(
            "areas are stated, not measured: the gazetteer has no outline of the area",
        );
        return;
    }
    let (Some(subject), Some(reference)) = (&claim.subject, &claim.reference) else {
        claim.check = Check::unverifiable(if claim.reference.is_none() {
            "no place to measure from: the reference is not a place of the gazetteer"
        } else {
            "no place subject: what the distance places is not a place"
        });
        return;
    };
    let s = gazetteer.place(subject.place);
    if s.kind != PlaceKind::City && s.kind != PlaceKind::Poi {
        claim.check =
            Check::unverifiable(format!("the subject is a {}, not a point", s.kind.as_str()));
        return;
    }
    let from = (s.lat, s.lon);
    let (to, bearing_from) = match &reference.border_of {
        Some(iso) => {
            let outlines = match gazetteer.outlines() {
                Ok(o) => o,
                Err(e) => {
                    claim.check = Check::unverifiable(format!("no country outlines: {e}"));
                    return;
                }
            };
            let Some(b) = outlines.nearest_border_point(iso, s.lat, s.lon) else {
                claim.check = Check::unverifiable(format!("no outline for {iso}"));
                return;
            };
            claim.border_point = Some((b.lat, b.lon));
            ((b.lat, b.lon), (b.lat, b.lon))
        }
        None => {
            let r = gazetteer.place(reference.place);
            if r.kind != PlaceKind::City && r.kind != PlaceKind::Poi {
                claim.check = Check::unverifiable(format!(
                    "the reference is a {}: distances to it run to its edge, which the gazetteer does not have",
                    r.kind.as_str()
                ));
                return;
            }
            ((r.lat, r.lon), (r.lat, r.lon))
        }
    };
    let measured = check::geodesic_km(from, to);
    let measured_bearing = claim
        .bearing
        .map(|_| check::azimuth_deg(bearing_from, from));
    let stated = check::Stated {
        km: claim.value_km(),
        max_km: claim.value_max_km(),
        step_km: claim.step * claim.unit.to_km(),
        qualifier: claim.qualifier,
        bearing: claim.bearing,
    };
    claim.check = check::verdict(&stated, measured, measured_bearing);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Geoparser;
    use std::sync::OnceLock;

    fn gazetteer() -> Option<&'static Gazetteer> {
        static G: OnceLock<Option<Gazetteer>> = OnceLock::new();
        G.get_or_init(|| Gazetteer::embedded().ok()).as_ref()
    }

    fn claims(text: &str) -> Vec<(String, Option<String>, Option<String>, Verdict)> {
        // Without a built gazetteer there is nothing to resolve: skip.
        let Some(g) = gazetteer() else {
            return Vec::new();
        };
        let doc = Document::new("t", text);
        let name = |r: &Option<Role>| r.as_ref().map(|r| g.place(r.place).name.clone());
        Geoparser::new(g)
            .parse(&doc)
            .claims
            .iter()
            .map(|c| {
                (
                    c.text.clone(),
                    name(&c.subject),
                    name(&c.reference),
                    c.check.verdict,
                )
            })
            .collect()
    }

    #[test]
    fn subjects_are_read_from_the_clause_the_distance_belongs_to() {
        if gazetteer().is_none() {
            return;
        }
        let table: &[(&str, Option<&str>, &str)] = &[
            ("Putin spoke in the Chinese city of Harbin, situated just 500 kilometers from Vladivostok.", Some("Harbin"), "Vladivostok"),
            ("Harbin, the capital of Heilongjiang province, lies around 510 kilometres from Vladivostok.", Some("Harbin"), "Vladivostok"),
            ("Sumy, about 130 km south-west of Kursk, lies around 30 km from Kharkiv.", Some("Sumy"), "Kharkiv"),
            ("Kharkiv lies 256 mi east of Kyiv and more than 600 kilometers south of Moscow.", Some("Kharkiv"), "Moscow"),
            ("A Russian official described Kherson as more than 150 km from Odesa.", Some("Kherson"), "Odesa"),
            ("Russian forces were now about 10.5 kilometers from the city of Sumy.", None, "Sumy"),
            ("Ukraine says the front line now runs 20-30 km from Kramatorsk.", None, "Kramatorsk"),
        ];
        for &(text, subject, reference) in table {
            let got = claims(text);
            let last = got.last().unwrap_or_else(|| panic!("no claim in {text:?}"));
            assert_eq!(last.1.as_deref(), subject, "{text}");
            assert_eq!(last.2.as_deref(), Some(reference), "{text}");
        }
    }

    #[test]
    fn counts_durations_and_sizes_are_not_claims() {
        for text in [
            "Over 200 people were killed in Belgorod in a 24-hour period.",
            "The bridge near Harbin has a span of 1,080 metres.",
            "Kyiv asked for $1.5 billion during a two-day visit to Brussels.",
            "Russia holds 14 border villages near Kharkiv, 18 months on.",
            "A 30-km buffer zone around Kharkiv was announced in 2024.",
        ] {
            assert_eq!(claims(text), Vec::new(), "{text}");
        }
    }

    #[test]
    fn a_false_distance_is_inconsistent_and_a_forces_distance_unverifiable() {
        if gazetteer().is_none() {
            return;
        }
        let got = claims("Bloggers wrote that Belgorod is just 20 km from Kharkiv.");
        assert_eq!(got[0].3, Verdict::Inconsistent);
        let got = claims("Russian units were reported some 10 km from Sumy.");
        assert_eq!(got[0].3, Verdict::Unverifiable);
    }
}
