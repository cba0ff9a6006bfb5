//! Scores the candidates of a document: a prior from what is known before
//! reading it (population, feature type, whether the name is the place's
//! own, cue words), then a few rounds in which the document's current
//! choices add context (the countries and regions it is about, nearness to
//! its other places, a containing place named right after).
//!
//! This file owns the weights and the softmax that turns scores into
//! confidence. Whether a choice is kept at all is decided elsewhere
//! (`decide` in `resolve`); this file only ranks.

use super::candidates::Candidates;
use super::chords::Chords;
use super::group::Group;
use crate::gazetteer::{Gazetteer, PlaceFacts, PlaceKind, Posting, Rank};

/// The prior score of every candidate of every group, one list per group.
pub(super) fn priors(groups: &[Group], gazetteer: &Gazetteer) -> Vec<Vec<f64>> {
    // A lone candidate's score is never read (its softmax is 1 whatever
    // it is), so it is left at 0 rather than worked out.
    groups
        .iter()
        .map(|g| match g.candidates[..] {
            [_] => vec![0.0],
            _ => g
                .candidates
                .iter()
                .map(|&p| prior(gazetteer.facts(p.place()), p, g))
                .collect(),
        })
        .collect()
}

/// What a candidate scores before the document's other places are known.
fn prior(place: &PlaceFacts, posting: Posting, group: &Group) -> f64 {
    let pop = place.population as f64;
    let mut s = 0.45 * (pop + 10.0).log10();
    s += match (place.kind, place.rank) {
        (PlaceKind::Country, _) => 3.5,
        (PlaceKind::Region, Rank::Adm1) => 0.8,
        // Counties are named with their unit word ("Fulton County"), so
        // they rarely compete with towns; their summed population is prior enough.
        (PlaceKind::Region, Rank::Adm2) => 0.0,
        (PlaceKind::Region, _) => 1.2,
        (PlaceKind::City, Rank::Capital) => 1.5,
        (PlaceKind::City, Rank::Seat1) => 0.6,
        (PlaceKind::City, Rank::Seat2) => 0.3,
        _ => 0.0,
    };
    if posting.has(Posting::PREFERRED) {
        s += 0.6;
    }
    if group.region_cue {
        s += match place.kind {
            PlaceKind::Region => 4.0,
            PlaceKind::Country => 0.0,
            _ => -2.0,
        };
    } else if place.kind == PlaceKind::Region && place.rank == Rank::Adm1 {
        // A bare name shared by a region and a city means the city ("Kharkiv").
        s -= 1.5;
    }
    if group.city_cue && place.kind == PlaceKind::City {
        s += 1.5;
    }
    s
}

/// Each group's choice once the document's context is scored in, and the
/// scores it was made from.
pub(super) struct Ranking {
    /// The chosen candidate of each group, counted from its first row.
    pub(super) choice: Vec<usize>,
    /// The score of every row of the table.
    pub(super) scores: Vec<f64>,
}

impl Ranking {
    /// The row of group `g`'s choice.
    pub(super) fn row(&self, table: &Candidates, g: usize) -> usize {
        table.first[g] + self.choice[g]
    }

    /// The probability of group `g`'s choice among its candidates.
    pub(super) fn confidence(&self, table: &Candidates, g: usize) -> f64 {
        softmax_top(&self.scores[table.range(g)], self.choice[g])
    }
}

/// Chooses every group's candidate: first by prior, then again in a few
/// rounds, each scoring the candidates against the choices of the round
/// before.
pub(super) fn rank_in_context(
    groups: &[Group],
    table: &Candidates,
    chords: &mut Chords,
) -> Ranking {
    let mut choice: Vec<usize> = (0..groups.len())
        .map(|g| argmax(&table.priors[table.range(g)]))
        .collect();
    let mut scores = table.priors.clone();
    let mut evidence = Evidence::new(table);
    for _round in 0..3 {
        evidence.gather(groups, table, &choice, &scores, chords);
        for g in 0..groups.len() {
            if groups[g].candidates.len() <= 1 {
                continue;
            }
            for i in table.range(g) {
                scores[i] = evidence.score(table, i);
            }
            choice[g] = argmax(&scores[table.range(g)]);
        }
    }
    Ranking { choice, scores }
}

/// What the document's current choices say: how much it is about each
/// country and each region, and how near each contested candidate lies
/// to the other groups' places.
struct Evidence {
    /// By country slot.
    country: Vec<f64>,
    /// By region slot.
    region: Vec<f64>,
    /// By contested row: the log of the strongest pull of another group's
    /// place (see [`draw_near`]).
    nearness: Vec<f64>,
}

impl Evidence {
    fn new(table: &Candidates) -> Self {
        Evidence {
            country: vec![0.0; table.countries],
            region: vec![0.0; table.regions],
            nearness: vec![0.0; table.contested],
        }
    }

    /// Gathers the evidence from each group's current choice, weighted by
    /// how clear that choice is; the sums run in group order.
    fn gather(
        &mut self,
        groups: &[Group],
        table: &Candidates,
        choice: &[usize],
        scores: &[f64],
        chords: &mut Chords,
    ) {
        let contested = table.contested;
        self.country.fill(0.0);
        self.region.fill(0.0);
        self.nearness.fill(f64::NEG_INFINITY);
        for (g, group) in groups.iter().enumerate() {
            let k = choice[g];
            let weight = softmax_top(&scores[table.range(g)], k)
                * (group.members.len() as f64).sqrt().min(2.0);
            let i = table.first[g] + k;
            let place = &table.rows[i];
            let w = if place.kind == PlaceKind::Country {
                1.0
            } else {
                0.5
            } * weight;
            self.country[place.country] += w;
            if place.kind == PlaceKind::Region && place.rank == Rank::Adm1 {
                self.region[place.region] += weight;
            } else if place.kind != PlaceKind::Country && place.has_admin1 {
                // A county or a town also says which state the text is in,
                // more weakly than naming the state (Springfield next to
                // Decatur and Peoria is the one in Illinois).
                self.region[place.region] += 0.3 * weight;
            }
            if place.kind != PlaceKind::Country {
                let column = chords.column(g, place.place, i);
                let log_w = weight.min(1.0).ln();
                // Every contested row but the group's own.
                let own = table.range(g);
                let (before, after) = (own.start.min(contested), own.end.min(contested));
                draw_near(&mut self.nearness[..before], &column[..before], log_w);
                draw_near(
                    &mut self.nearness[after..contested],
                    &column[after..contested],
                    log_w,
                );
            }
        }
    }

    /// The score of the contested row `i` in the context gathered.
    fn score(&self, table: &Candidates, i: usize) -> f64 {
        let place = &table.rows[i];
        let mut s = table.priors[i];
        s += 1.2 * self.country[place.country].min(2.0);
        if place.kind == PlaceKind::City {
            s += 1.0 * self.region[place.region].min(1.5);
        }
        if place.kind != PlaceKind::Country {
            s += 2.5 * self.nearness[i].exp();
        }
        if place.contained {
            s += 3.0;
        }
        s
    }
}

/// Folds one anchor into the nearness of every candidate: nearness is the
/// largest of `ln(min(w, 1)) - d / 250` over the anchors, the log of the
/// largest `min(w, 1) * exp(-d / 250)`, so that only the winner pays for
/// `exp`. The maximum of a set does not depend on the order it is taken
/// in (no term is NaN or a negative zero), so folding anchor by anchor
/// gives the value a fold over each candidate's anchors would.
fn draw_near(nearness: &mut [f64], chords_km: &[f64], log_w: f64) {
    for (best, &d) in nearness.iter_mut().zip(chords_km) {
        let t = log_w - d / 250.0;
        // What `f64::max` gives here, in one instruction.
        *best = if t > *best { t } else { *best };
    }
}

fn argmax(s: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in s.iter().enumerate() {
        if v > s[best] {
            best = i;
        }
    }
    best
}

/// The probability of candidate `k` under a softmax of the scores.
fn softmax_top(s: &[f64], k: usize) -> f64 {
    // As `f64::max` would find it, in one instruction a score: NaN is
    // passed over either way, and whichever zero wins when +0 meets -0,
    // every `v - max` below comes out the same.
    let max = s
        .iter()
        .fold(f64::NEG_INFINITY, |max, &v| if v > max { v } else { max });
    // `exp(0)` is exactly 1: the top score (at least one) and a lone
    // candidate's need no call.
    let exp = |x: f64| if x == 0.0 { 1.0 } else { x.exp() };
    let total: f64 = s.iter().map(|v| exp(v - max)).sum();
    exp(s[k] - max) / total
}

#[cfg(test)]
mod tests {
    use super::super::chords::{chord_km, Chords, Points};
    use super::super::random_cases::{random_groups, random_points, random_weight, Rng};
    use super::*;

    #[test]
    fn columns_of_chords_give_the_nearness_of_a_pairwise_scan() {
        let mut rng = Rng(7);
        // Cached columns, and (a limit of 0) the uncached fallback.
        for case in 0..600 {
            let max_cached = if case % 2 == 0 { usize::MAX } else { 0 };
            let groups = random_groups(&mut rng);
            let points = random_points(&mut rng, groups.rows());
            let group_of: Vec<usize> = (0..groups.len())
                .flat_map(|g| groups.range(g).map(move |_| g))
                .collect();
            // Anchors: some groups' chosen candidates, with weights.
            let mut anchors: Vec<(usize, usize, f64)> = Vec::new();
            for g in 0..groups.len() {
                if rng.below(4) != 0 {
                    anchors.push((g, groups.row(g, &mut rng), random_weight(&mut rng)));
                }
            }

            // The straightforward scan: every candidate against every
            // other group's anchor.
            let expected: Vec<f64> = (0..groups.rows())
                .map(|i| {
                    anchors
                        .iter()
                        .filter(|a| a.0 != group_of[i])
                        .map(|&(_, k, w)| {
                            w.min(1.0).ln() - chord_km(&points[i], &points[k]) / 250.0
                        })
                        .fold(f64::NEG_INFINITY, f64::max)
                })
                .collect();

            let mut chords = Chords::new(Points::new(points.iter()), groups.len(), max_cached);
            let mut nearness = vec![f64::NEG_INFINITY; groups.rows()];
            for &(g, k, w) in &anchors {
                // Once for a stale place, to exercise recomputing a column.
                chords.column(g, k as u32 + 1000, (k + 1) % points.len());
                let column = chords.column(g, k as u32, k);
                let own = groups.range(g);
                let log_w = w.min(1.0).ln();
                draw_near(&mut nearness[..own.start], &column[..own.start], log_w);
                draw_near(&mut nearness[own.end..], &column[own.end..], log_w);
            }
            for i in 0..groups.rows() {
                assert_eq!(nearness[i].to_bits(), expected[i].to_bits(), "{i}");
            }
        }
    }

    #[test]
    fn softmax_skips_only_calls_whose_answer_is_one() {
        let straightforward = |s: &[f64], k: usize| {
            let max = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let total: f64 = s.iter().map(|v| (v - max).exp()).sum();
            (s[k] - max).exp() / total
        };
        let mut rng = Rng(11);
        for _ in 0..2000 {
            let n = 1 + rng.below(24);
            let mut s: Vec<f64> = (0..n).map(|_| 12.0 * rng.unit() - 3.0).collect();
            if n > 1 && rng.below(3) == 0 {
                s[1] = s[0]; // a tie
            }
            for k in 0..n {
                assert_eq!(
                    softmax_top(&s, k).to_bits(),
                    straightforward(&s, k).to_bits()
                );
            }
        }
        assert_eq!(softmax_top(&[-2.7], 0), 1.0);
    }
}
