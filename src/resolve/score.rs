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

// The weights of the prior. Scores are in one unit throughout: a factor
// of ten in population is worth `POPULATION_WEIGHT` (0.45), and each
// bonus says what factor of population it outweighs, to compare them.

/// Score per factor of ten in population: larger places are in the news
/// more, but not in proportion to their size, so the score follows the
/// logarithm.
const POPULATION_WEIGHT: f64 = 0.45;
/// Added to the population before its logarithm, so that a place of
/// unknown population (0) scores as a place of ten, not minus infinity.
const POPULATION_OFFSET: f64 = 10.0;
/// A country: a name shared by a country and a town nearly always means
/// the country (about 7.8 factors of ten).
const COUNTRY_BONUS: f64 = 3.5;
/// A continent, as a country: "Africa" is the continent, not a town that
/// lists it among its names.
const CONTINENT_BONUS: f64 = 3.5;
/// A first-level region (state, oblast), which news names as the place
/// of events more than its population says (about 1.8 factors of ten).
const ADM1_BONUS: f64 = 0.8;
/// A second-level unit (county, raion): nothing. Counties are named with
/// their unit word ("Fulton County"), so they rarely compete with towns;
/// their summed population is prior enough.
const ADM2_BONUS: f64 = 0.0;
/// Any other region (a named area, or a union of regions such as
/// Donbas): the gazetteer keeps one only when it is widely named or
/// listed by hand, so its name is most likely meant for it (about 2.7
/// factors of ten).
const OTHER_REGION_BONUS: f64 = 1.2;
/// A national capital, in the news far beyond its size (about 3.3
/// factors of ten).
const CAPITAL_BONUS: f64 = 1.5;
/// The seat of a first-level region (about 1.3 factors of ten).
const SEAT1_BONUS: f64 = 0.6;
/// The seat of a second-level unit (about 0.7 factors of ten).
const SEAT2_BONUS: f64 = 0.3;
/// The name is the place's own (preferred or ASCII) rather than one of
/// its alternates, so the writer more likely meant this place (about 1.3
/// factors of ten).
const PREFERRED_NAME_BONUS: f64 = 0.6;
/// "Kharkiv region" means the region (about 8.9 factors of ten for it).
const REGION_CUE_ON_REGION: f64 = 4.0;
/// "Kharkiv region" says nothing for or against a country of the name.
const REGION_CUE_ON_COUNTRY: f64 = 0.0;
/// "Kharkiv region" is not the city (about 4.4 factors of ten against it).
const REGION_CUE_ON_OTHER: f64 = -2.0;
/// A bare name shared by a first-level region and a city inside it means
/// the city ("Kharkiv", the oblast's seat): taken from the region (about
/// 3.3 factors of ten). A namesake town elsewhere takes nothing from the
/// region: "California" is the state, not a village in Pennsylvania;
/// "Ontario" the province, not the Californian city. Measured: taking
/// half as much from such regions cost LGL 0.007 of accuracy at 161 km
/// (Georgia, Ontario); it would have kept Manchester, alone in a
/// sentence of BBC copy, from going to Jamaica's parish of that name.
const BARE_NAME_REGION_PENALTY: f64 = 1.5;
/// The name is a weak one for the place (historic, colloquial, another
/// place's own name, a part of its own: see [`Posting::WEAK`]): taken
/// from it (about 2 factors of ten), so that it needs the document's
/// context to win ("Berea" is Aleppo only in a text about Syria).
/// Measured on LGL with the seeds: 1.5 lost Vovchansk, whose Russian name
/// "Volchansk" is a Urals town's own, in a text about the Kharkiv front;
/// 0.9 keeps it and scores as 1.5 did within 0.001.
const WEAK_NAME_PENALTY: f64 = 0.9;
/// "The city of Sumy": a settlement word before the name (about 3.3
/// factors of ten for a city).
const CITY_CUE_BONUS: f64 = 1.5;

// The weights of the context, added to the prior in every round.

/// Rounds of scoring in context: each round's choices are the context of
/// the next.
const CONTEXT_ROUNDS: usize = 3;
/// A group votes with the square root of its number of mentions, up to
/// this (four mentions): a name repeated is what the text is about, but
/// only so far.
const REPETITION_CAP: f64 = 2.0;
/// A country's vote for itself when it is a group's choice.
const COUNTRY_OWN_VOTE: f64 = 1.0;
/// The vote for its country of a region or town that is a group's
/// choice: half a country's own, as naming a town says less of which
/// country a text is about than naming the country.
const COUNTRY_VOTE_OF_A_PLACE: f64 = 0.5;
/// A county's or town's vote for its first-level region, a region's own
/// being 1: Springfield next to Decatur and Peoria is the one in
/// Illinois. Measured on LGL when it was added: accuracy at 161 km 0.805
/// → 0.807; 0.6 raised F1 by 0.002 but lost 0.005 of that accuracy.
const TOWN_REGION_VOTE: f64 = 0.3;
/// Score per vote for a candidate's country ...
const COUNTRY_CONTEXT_WEIGHT: f64 = 1.2;
/// ... counting at most this many votes, so that a country named
/// throughout adds at most 2.4 (about 5.3 factors of ten): a much larger
/// place abroad can still win.
const COUNTRY_CONTEXT_CAP: f64 = 2.0;
/// Score per vote for a city's first-level region ...
const REGION_CONTEXT_WEIGHT: f64 = 1.0;
/// ... counting at most this many votes (1.5, about 3.3 factors of ten).
const REGION_CONTEXT_CAP: f64 = 1.5;
/// Score for lying right beside another group's place, with that
/// group's vote at least [`ANCHOR_WEIGHT_CAP`] (about 5.6 factors of ten):
/// news is local.
const NEARNESS_WEIGHT: f64 = 2.5;
/// The distance (as a chord) over which a neighbour's pull falls by a
/// factor of e: 0.37 of [`NEARNESS_WEIGHT`] remains at 250 km, 0.14 at
/// 500 km.
const NEARNESS_KM: f64 = 250.0;
/// A group pulls its neighbours with at most this vote: a name repeated
/// pulls no harder than one said once and chosen clearly.
const ANCHOR_WEIGHT_CAP: f64 = 1.0;
/// "Paris, Texas": the candidate lies in the place named after the comma
/// (about 6.7 factors of ten).
const CONTAINED_BONUS: f64 = 3.0;

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
                .map(|&p| {
                    let place = gazetteer.facts(p.place());
                    // A city of the group inside this region: the region
                    // is named after it.
                    let seat_inside = place.rank == Rank::Adm1
                        && g.candidates.iter().any(|&q| {
                            let town = gazetteer.facts(q.place());
                            town.kind == PlaceKind::City && town.region == place.region
                        });
                    prior(place, p, g, seat_inside)
                })
                .collect(),
        })
        .collect()
}

/// What a candidate scores before the document's other places are known.
fn prior(place: &PlaceFacts, posting: Posting, group: &Group, seat_inside: bool) -> f64 {
    let pop = place.population as f64;
    let mut s = POPULATION_WEIGHT * (pop + POPULATION_OFFSET).log10();
    s += match (place.kind, place.rank) {
        (PlaceKind::Continent, _) => CONTINENT_BONUS,
        (PlaceKind::Country, _) => COUNTRY_BONUS,
        (PlaceKind::Region, Rank::Adm1) => ADM1_BONUS,
        (PlaceKind::Region, Rank::Adm2) => ADM2_BONUS,
        (PlaceKind::Region, _) => OTHER_REGION_BONUS,
        (PlaceKind::City, Rank::Capital) => CAPITAL_BONUS,
        (PlaceKind::City, Rank::Seat1) => SEAT1_BONUS,
        (PlaceKind::City, Rank::Seat2) => SEAT2_BONUS,
        _ => 0.0,
    };
    if posting.has(Posting::PREFERRED) {
        s += PREFERRED_NAME_BONUS;
    } else if posting.has(Posting::WEAK) {
        s -= WEAK_NAME_PENALTY;
    }
    if group.region_cue {
        s += match place.kind {
            PlaceKind::Region => REGION_CUE_ON_REGION,
            PlaceKind::Country | PlaceKind::Continent => REGION_CUE_ON_COUNTRY,
            _ => REGION_CUE_ON_OTHER,
        };
    } else if place.kind == PlaceKind::Region && place.rank == Rank::Adm1 && seat_inside {
        s -= BARE_NAME_REGION_PENALTY;
    }
    if group.city_cue && place.kind == PlaceKind::City {
        s += CITY_CUE_BONUS;
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
    for _round in 0..CONTEXT_ROUNDS {
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
                * (group.members.len() as f64).sqrt().min(REPETITION_CAP);
            let i = table.first[g] + k;
            let place = &table.rows[i];
            let w = if place.kind.is_country_or_larger() {
                COUNTRY_OWN_VOTE
            } else {
                COUNTRY_VOTE_OF_A_PLACE
            } * weight;
            self.country[place.country] += w;
            if place.kind == PlaceKind::Region && place.rank == Rank::Adm1 {
                self.region[place.region] += weight;
            } else if !place.kind.is_country_or_larger() && place.has_admin1 {
                // A county or a town also says which state the text is in,
                // more weakly than naming the state.
                self.region[place.region] += TOWN_REGION_VOTE * weight;
            }
            if !place.kind.is_country_or_larger() {
                let column = chords.column(g, place.place, i);
                let log_w = weight.min(ANCHOR_WEIGHT_CAP).ln();
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
        s += COUNTRY_CONTEXT_WEIGHT * self.country[place.country].min(COUNTRY_CONTEXT_CAP);
        // A town or a county follows the state the text is about.
        if place.kind == PlaceKind::City || place.rank == Rank::Adm2 {
            s += REGION_CONTEXT_WEIGHT * self.region[place.region].min(REGION_CONTEXT_CAP);
        }
        if !place.kind.is_country_or_larger() {
            s += NEARNESS_WEIGHT * self.nearness[i].exp();
        }
        if place.contained {
            s += CONTAINED_BONUS;
        }
        s
    }
}

/// Folds one anchor into the nearness of every candidate: nearness is the
/// largest of `ln(min(w, 1)) - d / 250` over the anchors (see
/// [`ANCHOR_WEIGHT_CAP`] and [`NEARNESS_KM`]), the log of the largest
/// `min(w, 1) * exp(-d / 250)`, so that only the winner pays for `exp`. The maximum of a set does not depend on the order it is taken
/// in (no term is NaN or a negative zero), so folding anchor by anchor
/// gives the value a fold over each candidate's anchors would.
fn draw_near(nearness: &mut [f64], chords_km: &[f64], log_w: f64) {
    for (best, &d) in nearness.iter_mut().zip(chords_km) {
        let t = log_w - d / NEARNESS_KM;
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
                            w.min(ANCHOR_WEIGHT_CAP).ln()
                                - chord_km(&points[i], &points[k]) / NEARNESS_KM
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
                let log_w = w.min(ANCHOR_WEIGHT_CAP).ln();
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
