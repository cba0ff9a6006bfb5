//! What a claim looks like on a map, as geometry in degrees, unrounded:
//! - subject and reference known: a line from the subject to the
//!   reference (or to the nearest point of the reference border);
//! - no place subject: a ring of the stated radius around the reference
//!   (an annulus for a range): where the text says the thing is;
//! - an area with an anchor: a circle of that area around the anchor,
//!   illustrative (the real shape is unknown);
//! - nothing to draw: no places, or only a border with no subject.
//!
//! Writers turn a [`Shape`] into their format's geometry and round it to
//! what the format keeps; nothing here knows a format.

use crate::gazetteer::Gazetteer;

use super::{Claim, ClaimKind, Role};

/// A claim's geometry: points as (lat, lon).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Point((f64, f64)),
    Line((f64, f64), (f64, f64)),
    /// A ring of `km` around `center`, with a hole of `hole_km` in an
    /// annulus. Drawn by [`super::check::circle`].
    Circle {
        center: (f64, f64),
        km: f64,
        hole_km: Option<f64>,
    },
    /// A polygon drawn already: rings (the first the exterior, counter-
    /// clockwise; holes clockwise), each closed. What a circle becomes
    /// when a map is read back from a file.
    Polygon(Vec<Vec<(f64, f64)>>),
}

/// How a claim is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    /// `None` when there is nothing to draw.
    pub shape: Option<Shape>,
    /// The shape stands for an area whose real outline is unknown.
    pub illustrative: bool,
    /// The radius of a drawn circle, in km.
    pub radius_km: Option<f64>,
}

impl Claim {
    /// How the claim is drawn, with the places' points from `gazetteer`.
    pub fn drawing(&self, gazetteer: &Gazetteer) -> Drawing {
        let point_of = |r: &Role| {
            let p = gazetteer.place(r.place);
            (p.lat, p.lon)
        };
        let nothing = Drawing {
            shape: None,
            illustrative: false,
            radius_km: None,
        };
        let plain = |shape| Drawing {
            shape: Some(shape),
            ..nothing
        };
        match self.kind {
            ClaimKind::Area => {
                let Some(anchor) = &self.anchor else {
                    return nothing;
                };
                let r = (self.value_km() / std::f64::consts::PI).sqrt();
                Drawing {
                    shape: Some(Shape::Circle {
                        center: point_of(anchor),
                        km: r,
                        hole_km: None,
                    }),
                    illustrative: true,
                    radius_km: Some(r),
                }
            }
            ClaimKind::Distance => match (&self.subject, &self.reference) {
                (Some(s), Some(r)) => {
                    let from = point_of(s);
                    let to = match (&r.border_of, self.border_point) {
                        (Some(_), Some(b)) => Some(b),
                        (Some(_), None) => None,
                        (None, _) => Some(point_of(r)),
                    };
                    plain(match to {
                        Some(to) => Shape::Line(from, to),
                        None => Shape::Point(from),
                    })
                }
                (None, Some(r)) if r.border_of.is_none() => {
                    let outer_km = self.value_max_km().unwrap_or(self.value_km());
                    Drawing {
                        shape: Some(Shape::Circle {
                            center: point_of(r),
                            km: outer_km,
                            // An annulus for a range.
                            hole_km: self.value_max.map(|_| self.value_km()),
                        }),
                        illustrative: false,
                        radius_km: Some(outer_km),
                    }
                }
                (Some(s), _) => plain(Shape::Point(point_of(s))),
                _ => nothing,
            },
        }
    }
}
