//! Stated distances and areas ("Harbin, situated just 500 kilometers from
//! Vladivostok", "seizing over 200 square kilometers"), extracted as claims,
//! checked against the map, and drawn.
//!
//! - [`tokens`] splits text into words, numbers and marks, with sentence
//!   starts;
//! - [`units`] knows units of length and area and the words that begin
//!   them;
//! - [`window`] cuts the text around those words into windows that read
//!   as the whole text would;
//! - [`quantity`] reads numbers, units, qualifiers and directions from a
//!   window's tokens;
//! - [`roles`] finds the places a quantity is about (subject, reference,
//!   area anchor) among the document's resolved mentions;
//! - [`check`] measures geodesic distances and gives the verdict;
//! - [`shape`] says how a claim is drawn, as unrounded geometry (writers,
//!   in [`crate::output`], turn it into their format).
//!
//! A number is a claim only with a unit of length or area, and a distance
//! is not one after "by" (a winning margin: "won by 12 metres from
//! Kenya's champion") or "the" (a race: "the 10,000 metres"); a distance
//! also needs a relation word after it ("from", "off", "outside", "into", "away",
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
pub mod quantity;
pub mod roles;
pub mod shape;
pub mod tokens;
pub mod units;
pub mod window;

use crate::document::Document;
use crate::gazetteer::{Gazetteer, PlaceIdx, PlaceKind};
use crate::resolve::ResolvedMention;

pub use check::{Check, Verdict};
pub use quantity::{Bearing, Qualifier};
pub use roles::Role;
pub use units::Unit;

use quantity::{quantity_at, relation_at, Quantity, Relation};

/// Enums serialize as the names the output gives them ([`Unit::as_str`] ...).
macro_rules! serialize_by_name {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}
serialize_by_name!(ClaimKind, Unit, Qualifier, Verdict);
use roles::{Names, Reader};
use window::{is_unit_word, Cut, View, Window};

/// What a claim measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimKind {
    Distance,
    Area,
}

impl ClaimKind {
    /// The kind the output names `name` ("distance", "area").
    pub fn from_name(name: &str) -> Option<ClaimKind> {
        [ClaimKind::Distance, ClaimKind::Area]
            .into_iter()
            .find(|k| k.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Distance => "distance",
            ClaimKind::Area => "area",
        }
    }
}

/// A spatial claim stated in a document, with what the map says about it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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
    /// Names this claim read as another of their places than resolution
    /// chose, because the distance holds only for that one: (the name as
    /// written, the place chosen, the place read). The pipeline moves the
    /// document's mentions of the name to the place read.
    #[serde(skip)]
    pub rechosen: Vec<(String, PlaceIdx, PlaceIdx)>,
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
///
/// Every quantity has a unit, and most sentences have none: only windows
/// around the words that can begin one ([`units::unit_words`]) are
/// tokenized and read (see [`window`]). A reading that needed more of the
/// text than its window had (the roles read as far as two sentences back)
/// is read again in a larger window, which takes in the window before it
/// when they meet. So every window reads what the whole text would, and
/// outside them no quantity can start.
pub fn extract(doc: &Document, mentions: &[ResolvedMention], gazetteer: &Gazetteer) -> Vec<Claim> {
    let text = doc.text.as_str();
    let names = Names::new(mentions);
    let mut claims: Vec<Claim> = Vec::new();
    let Some(units) = units::unit_words(text) else {
        let tokens = tokens::tokenize(text);
        let view = View::whole(&tokens);
        let units: Vec<usize> = (0..tokens.len())
            .filter(|&k| is_unit_word(text, &tokens[k]))
            .collect();
        claims = read_window(text, &view, &units, &names, gazetteer);
        claims.iter_mut().for_each(|c| measure(c, gazetteer));
        set_char_offsets(text, &mut claims);
        return claims;
    };
    // The windows read so far, with the number of claims before each.
    let mut windows: Vec<(Window, usize)> = Vec::new();
    let floor = |windows: &[(Window, usize)]| windows.last().map_or(0, |(w, _)| w.end());
    for &unit in &units {
        if unit < floor(&windows) {
            // In the window before.
            continue;
        }
        let mut window = Window::at(text, unit, floor(&windows))
            .unwrap_or_else(|| take_last(&mut windows, &mut claims, unit));
        loop {
            window.fill_to_sentence(&units);
            let (found, short) = if window.open_before(NUMBER_REACH) {
                let before = Cut {
                    before: true,
                    after: false,
                };
                (Vec::new(), before)
            } else {
                let view = window.view();
                let found = read_window(text, &view, &window.units, &names, gazetteer);
                (found, view.short())
            };
            if short == Cut::default() {
                let before = claims.len();
                for mut c in found {
                    // Measured once its window is read for good.
                    measure(&mut c, gazetteer);
                    claims.push(c);
                }
                windows.push((window, before));
                break;
            }
            if short.after {
                window.grow();
            }
            if short.before && !window.grow_back(floor(&windows)) {
                // The window before ends in this one's first sentence.
                let reach = window.tokens.last().map_or(window.reach, |t| t.start);
                window = take_last(&mut windows, &mut claims, reach);
            }
        }
    }
    set_char_offsets(text, &mut claims);
    claims
}
/// The last window read, to be read again reaching byte `reach`, with its
/// claims taken back.
fn take_last<'t>(
    windows: &mut Vec<(Window<'t>, usize)>,
    claims: &mut Vec<Claim>,
    reach: usize,
) -> Window<'t> {
    let (mut window, before) = windows
        .pop()
        .expect("only the start of the text has no sentence start before it");
    claims.truncate(before);
    window.reach = window.reach.max(reach);
    window
}

/// A number starts at most this many tokens before its unit word
/// ("between twenty - five and thirty - five thousand km" ...).
const NUMBER_REACH: usize = 12;

/// The claims of a window whose unit words are tokens `units`, not yet
/// measured, in the order and with the skips of a reading that tries a
/// quantity at every token: only the [`NUMBER_REACH`] tokens before a unit
/// word can start one.
fn read_window(
    text: &str,
    view: &View,
    units: &[usize],
    names: &Names,
    gazetteer: &Gazetteer,
) -> Vec<Claim> {
    let reader = Reader::new(text, view, names, gazetteer);
    let mut claims: Vec<Claim> = Vec::new();
    // First token, end token and sentence of every claim, for carried-over subjects.
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    let mut i = 0;
    for &unit in units {
        i = i.max(unit.saturating_sub(NUMBER_REACH));
        while i < unit {
            let Some(q) = quantity_at(text, view, i) else {
                i += 1;
                continue;
            };
            let previous = spans
                .last()
                .zip(claims.last())
                .filter(|((_, _, s), _)| *s == reader.sentence_of(q.first))
                .map(|(&(f, e, _), c)| (f, e, c.subject.as_ref()));
            if let Some(read) = read_quantity(&reader, &q, previous) {
                spans.push((q.first, read.end, reader.sentence_of(q.first)));
                claims.push(claim(&reader, &q, read));
            }
            i = q.next.max(i + 1);
        }
    }
    claims
}

fn read_quantity(
    reader: &Reader,
    q: &Quantity,
    previous: Option<(usize, usize, Option<&Role>)>,
) -> Option<Reading> {
    if q.unit.is_area() {
        Some(read_area(reader, q))
    } else {
        read_distance(reader, q, previous)
    }
}

/// The claim of quantity `q` read as `read`, not yet measured (see
/// [`measure`]) and without its character offsets (see [`set_char_offsets`]).
fn claim(reader: &Reader, q: &Quantity, read: Reading) -> Claim {
    let (text, tokens) = (reader.text, reader.view());
    let byte_start = tokens[q.first].start;
    let byte_end = tokens[read.end - 1].end;
    Claim {
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
        start: 0,
        end: 0,
        text: text[byte_start..byte_end].to_string(),
        subject: read.subject,
        reference: read.reference,
        anchor: read.anchor,
        border_point: None,
        check: Check::unverifiable(""),
        rechosen: Vec::new(),
    }
}

/// Sets the code-point offsets of claims in text order, counting the
/// characters from one offset to the next rather than from the start.
fn set_char_offsets(text: &str, claims: &mut [Claim]) {
    let (mut byte, mut chars) = (0, 0);
    let mut offset = |to: usize| {
        if to >= byte {
            chars += text[byte..to].chars().count();
        } else {
            chars -= text[to..byte].chars().count();
        }
        byte = to;
        chars
    };
    for c in claims {
        c.start = offset(c.byte_start);
        c.end = offset(c.byte_end);
    }
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
    let before = reader
        .view()
        .back(q.first, 1)
        .and_then(|k| reader.view().get(k))
        .filter(|t| t.kind == tokens::TokenKind::Word);
    if before.is_some_and(|t| t.lower == "by" || t.lower == "the") {
        // "won by 12 metres from Kenya's champion" is a margin, "fourth in
        // the 10,000 metres" a race: sport, not where anything is.
        return None;
    }
    let (relation, bearing, after) = relation_at(reader.view(), q.next, q.qualifier)?;
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

/// Measures a claim on the map and sets its verdict. When the places
/// resolution chose do not make the distance hold but other places of the
/// same names that the document allows do ([`Role::alternatives`]), the
/// claim is read with those, and says so in its reason; when none do, the
/// chosen places' verdict stands.
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
    let chosen = measure_pair(claim, gazetteer, subject.place, reference.place);
    let holds = matches!(&chosen, Ok((c, _)) if c.verdict == Verdict::Consistent);
    if !holds {
        if let Some((s, r, check, border)) = namesakes_that_hold(claim, gazetteer) {
            let (subject, reference) = (subject.clone(), reference.clone());
            let mut read = Vec::new();
            for (role, place) in [(&subject, s), (&reference, r)] {
                if place != role.place {
                    let p = gazetteer.place(place);
                    read.push(format!("{} as {} ({})", role.text, p.name, p.country));
                    claim.rechosen.push((role.text.clone(), role.place, place));
                }
            }
            claim.check = Check {
                reason: format!(
                    "read {}, the one of the places the text allows that the distance fits: {}",
                    read.join(" and "),
                    check.reason
                ),
                ..check
            };
            claim.border_point = border;
            if let Some(role) = claim.subject.as_mut() {
                role.place = s;
            }
            if let Some(role) = claim.reference.as_mut() {
                role.place = r;
            }
            return;
        }
    }
    match chosen {
        Ok((check, border)) => {
            claim.check = check;
            claim.border_point = border;
        }
        Err(reason) => claim.check = Check::unverifiable(reason),
    }
}

/// The first pair of other places of the subject's and the reference's
/// names (likeliest first) that makes the claim hold, with its check; none
/// for a distance stated as a lower bound only.
#[allow(clippy::type_complexity)]
fn namesakes_that_hold(
    claim: &Claim,
    gazetteer: &Gazetteer,
) -> Option<(PlaceIdx, PlaceIdx, Check, Option<(f64, f64)>)> {
    let (subject, reference) = (claim.subject.as_ref()?, claim.reference.as_ref()?);
    if matches!(claim.qualifier, Some(Qualifier::Over | Qualifier::AtLeast)) {
        // "more than 150 km" holds for any namesake far enough away: it
        // cannot tell them apart.
        return None;
    }
    let subjects: Vec<PlaceIdx> = std::iter::once(subject.place)
        .chain(subject.alternatives.iter().copied())
        .collect();
    let references: Vec<PlaceIdx> = if reference.border_of.is_some() {
        vec![reference.place]
    } else {
        std::iter::once(reference.place)
            .chain(reference.alternatives.iter().copied())
            .collect()
    };
    let mut pairs: Vec<(usize, usize)> = (0..subjects.len())
        .flat_map(|i| (0..references.len()).map(move |j| (i, j)))
        .filter(|&p| p != (0, 0))
        .collect();
    pairs.sort_by_key(|&(i, j)| (i + j, i));
    pairs.into_iter().find_map(|(i, j)| {
        let (s, r) = (subjects[i], references[j]);
        if s == r {
            return None;
        }
        let (check, border) = measure_pair(claim, gazetteer, s, r).ok()?;
        (check.verdict == Verdict::Consistent).then_some((s, r, check, border))
    })
}

/// The check of `claim` read with `subject` and `reference` as its
/// places, and the border point measured to; or why it cannot be measured.
fn measure_pair(
    claim: &Claim,
    gazetteer: &Gazetteer,
    subject: PlaceIdx,
    reference: PlaceIdx,
) -> Result<(Check, Option<(f64, f64)>), String> {
    let s = gazetteer.place(subject);
    if s.kind != PlaceKind::City && s.kind != PlaceKind::Poi {
        return Err(format!("the subject is a {}, not a point", s.kind.as_str()));
    }
    let from = (s.lat, s.lon);
    let border_of = claim.reference.as_ref().and_then(|r| r.border_of.as_ref());
    let (to, border) = match border_of {
        Some(iso) => {
            let b = (gazetteer.outlines())
                .nearest_border_point(iso, s.lat, s.lon)
                .ok_or_else(|| format!("no outline for {iso}"))?;
            ((b.lat, b.lon), Some((b.lat, b.lon)))
        }
        None => {
            let r = gazetteer.place(reference);
            if r.kind != PlaceKind::City && r.kind != PlaceKind::Poi {
                return Err(format!(
                    "the reference is a {}: distances to it run to its edge, which the gazetteer does not have",
                    r.kind.as_str()
                ));
            }
            ((r.lat, r.lon), None)
        }
    };
    let measured = check::geodesic_km(from, to);
    let measured_bearing = claim.bearing.map(|_| check::azimuth_deg(to, from));
    let stated = check::Stated {
        km: claim.value_km(),
        max_km: claim.value_max_km(),
        step_km: claim.step * claim.unit.to_km(),
        qualifier: claim.qualifier,
        bearing: claim.bearing,
    };
    Ok((check::verdict(&stated, measured, measured_bearing), border))
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

    /// The reading [`extract`] replaced: the whole text tokenized, a
    /// quantity tried at every token.
    fn extract_whole(
        doc: &Document,
        mentions: &[ResolvedMention],
        gazetteer: &Gazetteer,
    ) -> Vec<Claim> {
        let text = doc.text.as_str();
        let tokens = tokens::tokenize(text);
        let names = Names::new(mentions);
        let view = View::whole(&tokens);
        let reader = Reader::new(text, &view, &names, gazetteer);
        let chars = crate::text::CharIndex::new(text);
        let mut claims: Vec<Claim> = Vec::new();
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let Some(q) = quantity_at(text, &view, i) else {
                i += 1;
                continue;
            };
            let previous = spans
                .last()
                .zip(claims.last())
                .filter(|((_, _, s), _)| *s == reader.sentence_of(q.first))
                .map(|(&(f, e, _), c)| (f, e, c.subject.as_ref()));
            if let Some(read) = read_quantity(&reader, &q, previous) {
                spans.push((q.first, read.end, reader.sentence_of(q.first)));
                let mut c = claim(&reader, &q, read);
                measure(&mut c, gazetteer);
                c.start = chars.char_offset(text, c.byte_start);
                c.end = chars.char_offset(text, c.byte_end);
                claims.push(c);
            }
            i = q.next.max(i + 1);
        }
        assert_eq!(view.short(), Cut::default());
        claims
    }

    /// Texts made of the sample corpus's sentences joined and broken in
    /// ways that put windows' edges where readings look: breaks between a
    /// qualifier and its number, "the city" after a break, stops before
    /// white space beyond ASCII, places a sentence or two away.
    fn shuffled_texts(extra: &[&str]) -> Vec<String> {
        let corpus = crate::sample_texts::with_corpus(&[]);
        let sentences: Vec<&str> = corpus
            .iter()
            .flat_map(|t| t.split_inclusive(['.', '\n']))
            .chain(extra.iter().copied())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let joins = [
            " ",
            " ",
            ". ",
            ".\n\n",
            "\n",
            "\n\n",
            "! ",
            "? ",
            ".\u{a0}",
            ";\n",
            ", ",
            "\n\nthe\n\n",
            " the\n",
            ". The city ",
            "\u{2028}",
            "\n\nmore than\n\n",
            " about\n\n",
            " between\n",
            "\n\n$",
            "-",
            ". Kyiv and Irpin.\n\n",
        ];
        // A small linear congruential generator: the same texts every run.
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        (0..400)
            .map(|_| {
                let mut text = String::new();
                for _ in 0..1 + next(12) {
                    text.push_str(sentences[next(sentences.len())]);
                    text.push_str(joins[next(joins.len())]);
                }
                // A break inside a sentence, now and then before a number.
                if let Some(at) = text.match_indices(' ').map(|(i, _)| i).nth(next(40)) {
                    text.replace_range(at..at + 1, joins[next(joins.len())]);
                }
                text
            })
            .collect()
    }

    #[test]
    fn windows_read_what_the_whole_text_reads() {
        let g = gazetteer().expect("the built-in gazetteer");
        let parser = Geoparser::new(g);
        let awkward = [
            "More than\n\n5 km from Kharkiv, Vovchansk is quiet.",
            "Harbin is a big city.\n\nThe city lies 500 km from Vladivostok.",
            "Sumy and Kharkiv.\n\nThe two cities are 140 km apart.",
            "Officials met in Kyiv. The\n\nCity lies 30 km from Irpin.",
            "the\n\nCity lies 30 km from Irpin, officials in Kharkiv said.",
            "From Harbin, Khabarovsk is 440 miles away.",
            "Kharkiv lies 256 mi east of Kyiv and more than 600 kilometers south of Moscow.",
            "km from Kyiv",
            "Kyiv is 5",
            "5\n\nkm from Kyiv. 30\n\nkm\n\nfrom\n\nSumy.",
            "Sumy is 30 \u{212A}m from Kharkiv, and Kupiansk is 100 km from Kharkiv.",
            "Sumy is 30 km from Kharkiv.\u{a0}The city is 40 km from the Russian border.",
            "A $5 km road, an A1 km post, 50 km/h near Sumy, 10 km\u{b2} of Kharkiv.",
            "Washington D.C. , the capital, is 5 km from Arlington.",
            "Between\n\n5 and 10 km from Kharkiv lies Chuhuiv; some\n20 km from Sumy.",
            "Goma lies 5 km to the north-east of the coast of Democratic Republic of the Congo's border.",
            "Bihac is 9 km to the north - west of the city of Bosnia and Herzegovina's frontier",
            "Narva is 2 km from the border with Russia's Ivangorod, across the river.",
            "Irpin is twenty -\n\nfive km from Kyiv; a\n\nmile from Bucha lies Hostomel.",
            "Sumy lies thirty\nKm from the border, and 5 -\n\n10 km from Kharkiv, one\n\nkm away.",
            "Kupiansk lies between\n\nfive and\n\nten km from the front, said officials in Kharkiv.",
        ];
        let mut texts = crate::sample_texts::with_corpus(&awkward);
        texts.extend(shuffled_texts(&awkward));
        let mut claims = 0;
        for (n, text) in texts.iter().enumerate() {
            let doc = Document::new(format!("t{n}"), text.clone());
            let mentions = parser.mentions(text);
            let whole = extract_whole(&doc, &mentions, g);
            assert_eq!(extract(&doc, &mentions, g), whole, "{text:?}");
            claims += whole.len();
        }
        assert!(claims > 400, "only {claims} claims were compared");
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
            // Issue 18, point 8: a long appositive with a relative clause
            // of its own, and "south from".
            ("Odesa, a port of about a million people that has been struck by drones almost nightly, lies some 440 km south from Kyiv.", Some("Odesa"), "Kyiv"),
            // Point 10: the land around a place is the place.
            ("Shelling hit the Vovchansk outskirts, about 5 km from the Russian border.", Some("Vovchansk"), "Russia"),
            ("The Sumy area lies some 30 km from the Russian border.", Some("Sumy"), "Russia"),
            ("Drones struck the Kupiansk district, 100 km from the Kharkiv outskirts.", Some("Kupyansk"), "Kharkiv"),
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
            // Issue 18, point 11: sport is not geography, even beside a country.
            "Running for Ukraine, she finished fourth in the 10,000 metres in Rome.",
            "She won the 5km in Lviv by 12 metres from Kenya's champion.",
            "Mudryk's 30-metre strike gave Ukraine the lead against Poland.",
        ] {
            assert_eq!(claims(text), Vec::new(), "{text}");
        }
    }

    /// Issue 18, point 9: when the context allows other places of a name,
    /// the distance chooses among them, and says so; a distance that fits
    /// none stays inconsistent.
    #[test]
    fn a_stated_distance_chooses_between_namesakes() {
        let Some(g) = gazetteer() else { return };
        let text = "Polls closed across New Hampshire. In Lebanon, about 5 miles south of Hanover, turnout was high.";
        let analysis = Geoparser::new(g).parse(&Document::new("t", text));
        let c = &analysis.claims[0];
        let place = |r: &Option<Role>| g.place(r.as_ref().unwrap().place);
        assert_eq!(c.check.verdict, Verdict::Consistent, "{:?}", c.check);
        assert_eq!(
            (
                place(&c.subject).country.as_str(),
                place(&c.subject).admin1.as_str()
            ),
            ("US", "NH")
        );
        assert_eq!(place(&c.reference).admin1, "NH");
        assert!(
            c.check.reason.starts_with("read Lebanon as Lebanon (US)"),
            "{}",
            c.check.reason
        );
        // The map follows the reading: Lebanon is the town, not the country.
        let lebanon = analysis
            .mentions
            .iter()
            .find(|m| m.text == "Lebanon")
            .unwrap();
        assert_eq!(g.place(lebanon.place).country, "US");

        let got = claims("Polls closed across New Hampshire. In Lebanon, about 50 miles south of Hanover, turnout was high.");
        assert_ne!(got[0].3, Verdict::Consistent);
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
