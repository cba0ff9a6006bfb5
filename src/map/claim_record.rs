//! A claim as a map shows it: what the text states, what the map measured,
//! the places it is about (by value, not by gazetteer index) and how it is
//! drawn. Everything a writer needs is here, so no writer reads the
//! gazetteer or knows how claims were read.

use std::borrow::Cow;
use std::fmt::Write;

use crate::claims::shape::Shape;
use crate::claims::{Bearing, Check, Claim, ClaimKind, Qualifier, Role, Unit};
use crate::gazetteer::{Gazetteer, Place};

/// A place a claim is about, and the words that named it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleRecord<'p> {
    pub place: Cow<'p, Place>,
    /// The words that name it ("the Russian border", "Sumy", "the town").
    pub text: String,
    /// The role is this country's border (ISO 3166-1 alpha-2).
    pub border_of: Option<String>,
    /// The nearest point of that border to the subject (lat, lon): only a
    /// border reference has one.
    pub border_point: Option<(f64, f64)>,
}

/// One claim of a document, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRecord<'p> {
    pub kind: ClaimKind,
    /// As stated, in `unit`.
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: Unit,
    pub qualifier: Option<Qualifier>,
    /// The qualifier as written ("only", "more than").
    pub qualifier_text: Option<String>,
    pub bearing: Option<Bearing>,
    /// Code-point offsets of the claim's words in the document.
    pub start: usize,
    pub end: usize,
    /// The claim's words.
    pub text: String,
    /// The sentence, as a number into its document map's snippets.
    pub snippet: u32,
    pub subject: Option<RoleRecord<'p>>,
    pub reference: Option<RoleRecord<'p>>,
    /// The place an area is stated for.
    pub anchor: Option<RoleRecord<'p>>,
    /// How it is drawn; `None` when there is nothing to draw.
    pub shape: Option<Shape>,
    /// The shape stands for an area whose real outline is unknown.
    pub illustrative: bool,
    /// The radius of a drawn circle, in km.
    pub radius_km: Option<f64>,
    pub check: Check,
}

impl<'p> ClaimRecord<'p> {
    /// The record of `claim`, with its places from `gazetteer` and its
    /// sentence `snippet`.
    pub fn new(claim: Claim, gazetteer: &'p Gazetteer, snippet: u32) -> ClaimRecord<'p> {
        let drawing = claim.drawing(gazetteer);
        let role = |role: Option<Role>, border_point: Option<(f64, f64)>| {
            role.map(|r| RoleRecord {
                place: Cow::Borrowed(gazetteer.place(r.place)),
                border_point: border_point.filter(|_| r.border_of.is_some()),
                text: r.text,
                border_of: r.border_of,
            })
        };
        ClaimRecord {
            kind: claim.kind,
            value: claim.value,
            value_max: claim.value_max,
            unit: claim.unit,
            qualifier: claim.qualifier,
            qualifier_text: claim.qualifier_text,
            bearing: claim.bearing,
            start: claim.start,
            end: claim.end,
            text: claim.text,
            snippet,
            subject: role(claim.subject, None),
            reference: role(claim.reference, claim.border_point),
            anchor: role(claim.anchor, None),
            shape: drawing.shape,
            illustrative: drawing.illustrative,
            radius_km: drawing.radius_km,
            check: claim.check,
        }
    }

    /// The stated value in kilometres (distances) or square kilometres (areas).
    pub fn value_km(&self) -> f64 {
        self.value * self.unit.to_km()
    }

    pub fn value_max_km(&self) -> Option<f64> {
        self.value_max.map(|v| v * self.unit.to_km())
    }

    /// A one-line title: what the claim says, between which places, and
    /// the verdict.
    pub fn title(&self) -> String {
        fn name<'a>(r: &'a Option<RoleRecord>) -> Option<&'a str> {
            r.as_ref().map(|r| r.place.name.as_str())
        }
        // Built in one string: a claim's title is written once per claim.
        let mut title = String::with_capacity(self.text.len() + 64);
        let parts: [&str; 6] = match (
            name(&self.subject),
            name(&self.reference),
            name(&self.anchor),
        ) {
            (Some(s), Some(r), _) => {
                let border = self
                    .reference
                    .as_ref()
                    .is_some_and(|r| r.border_of.is_some());
                let border = if border { " border" } else { "" };
                [s, " → ", r, border, ": ", &self.text]
            }
            (None, Some(r), _) => [&self.text, " (around ", r, "): ", "no place subject", ""],
            (_, _, Some(a)) => [&self.text, " (", a, ")", "", ""],
            _ => [&self.text, "", "", "", "", ""],
        };
        for part in parts {
            title.push_str(part);
        }
        if let Some(m) = self.check.measured_km {
            // Rounded as the map writes it before it is printed, so that the
            // title reads the same when the map is read back and written again.
            let m = (m * 10.0).round() / 10.0;
            write!(title, ", measured {m:.1} km").expect("writing to a String cannot fail");
        }
        for part in [" [", self.check.verdict.as_str(), "]"] {
            title.push_str(part);
        }
        title
    }
}
