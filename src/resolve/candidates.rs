//! Lays out every candidate place of a document in one flat table, a
//! group's together, with what scoring and deciding ask of each place
//! gathered once: the rounds of scoring then read plain arrays by index
//! instead of looking places up.
//!
//! This file owns the layout (which rows a group has, which groups are
//! contested) and the candidates' facts; it does not score them.

use std::ops::Range;

// A fast hasher for maps that are only looked up, never iterated: output
// does not depend on it.
use foldhash::{HashMap, HashMapExt};

use super::chords::{Points, UnitVec};
use super::group::Group;
use crate::gazetteer::{Gazetteer, PlaceFacts, PlaceIdx, PlaceKind, Posting, Rank};

/// A group whose name has more candidates than this is scored on the most
/// likely ones only ("Springfield" has dozens); the rest could not win.
const MAX_CANDIDATES: usize = 24;

/// One candidate of one group, with what scoring asks of its place,
/// gathered once per document rather than looked up in every round.
pub(super) struct Candidate {
    pub(super) place: PlaceIdx,
    pub(super) kind: PlaceKind,
    pub(super) rank: Rank,
    pub(super) has_admin1: bool,
    /// Index of the place's country among the document's countries.
    pub(super) country: usize,
    /// Index of the place's region among the document's regions.
    pub(super) region: usize,
    /// Lies in a place named right after its mention ("Paris, Texas").
    pub(super) contained: bool,
    /// The name is a weak one for this place ([`crate::gazetteer::Posting::WEAK`]).
    pub(super) weak: bool,
}

/// Every candidate of a document in one flat list, a group's together.
/// Groups with a choice to make come first: a lone candidate's score is
/// never read (its softmax is 1 whatever it is), so rounds of scoring
/// touch only the first `contested` rows.
pub(super) struct Candidates {
    /// Each group's candidates together (see [`Candidates::range`]).
    pub(super) rows: Vec<Candidate>,
    /// Each row's prior score (0 for a lone candidate, see
    /// [`super::score::priors`]).
    pub(super) priors: Vec<f64>,
    /// The first row of each group.
    pub(super) first: Vec<usize>,
    /// One past the last row of each group.
    ends: Vec<usize>,
    /// Rows before this belong to groups of two candidates or more.
    pub(super) contested: usize,
    /// How many countries the candidates lie in: the slots of
    /// [`Candidate::country`].
    pub(super) countries: usize,
    /// How many regions the candidates lie in: the slots of
    /// [`Candidate::region`].
    pub(super) regions: usize,
}

impl Candidates {
    /// The table of `groups`, whose priors are `priors` (one list per
    /// group, in the order of its candidates), and the points of its rows.
    pub(super) fn lay_out(
        groups: &[Group],
        priors: &[Vec<f64>],
        gazetteer: &Gazetteer,
    ) -> (Candidates, Points) {
        let mut first: Vec<usize> = vec![0; groups.len()];
        let mut rows: Vec<Candidate> = Vec::new();
        let mut flat_priors: Vec<f64> = Vec::new();
        let mut units: Vec<&UnitVec> = Vec::new();
        let total: usize = groups.iter().map(|g| g.candidates.len()).sum();
        let mut countries = Slots::with_capacity(total);
        let mut regions = Slots::with_capacity(total);
        let order = (0..groups.len())
            .filter(|&g| groups[g].candidates.len() > 1)
            .chain((0..groups.len()).filter(|&g| groups[g].candidates.len() <= 1));
        let mut contested = 0;
        for g in order {
            let group = &groups[g];
            first[g] = rows.len();
            for &posting in &group.candidates {
                let place = gazetteer.facts(posting.place());
                let contained = group.containers.as_ref().is_some_and(|cont| {
                    cont.iter()
                        .any(|c| contains(gazetteer.facts(c.place()), place))
                });
                rows.push(Candidate {
                    place: posting.place(),
                    kind: place.kind,
                    rank: place.rank,
                    has_admin1: place.has_admin1,
                    country: countries.slot(place.country),
                    region: regions.slot(place.region),
                    contained,
                    weak: posting.has(Posting::WEAK) && !posting.has(Posting::PREFERRED),
                });
                units.push(&place.unit);
            }
            flat_priors.extend_from_slice(&priors[g]);
            if group.candidates.len() > 1 {
                contested = rows.len();
            }
        }
        let ends: Vec<usize> = (0..groups.len())
            .map(|g| first[g] + groups[g].candidates.len())
            .collect();
        let table = Candidates {
            rows,
            priors: flat_priors,
            first,
            ends,
            contested,
            countries: countries.len(),
            regions: regions.len(),
        };
        (table, Points::new(units.into_iter()))
    }

    /// The rows of group `g`.
    pub(super) fn range(&self, g: usize) -> Range<usize> {
        self.first[g]..self.ends[g]
    }
}

/// Drops, from a name that is the own name of a continent, country or
/// region, the places for which it is only a weak name: "England" is the
/// region, not the United Kingdom that lists it; "Africa" the continent,
/// not a Tunisian town that does; "Berea" a district of Lesotho or a town
/// of Ohio before it is Aleppo's ancient name.
pub(super) fn drop_weak_rivals(groups: &mut [Group], gazetteer: &Gazetteer) {
    for group in groups.iter_mut() {
        let owned_by_a_unit = group.candidates.iter().any(|p| {
            let f = gazetteer.facts(p.place());
            p.has(Posting::PREFERRED)
                && (f.kind.is_country_or_larger()
                    || (f.kind == PlaceKind::Region && f.rank != Rank::Adm2))
        });
        if owned_by_a_unit {
            group
                .candidates
                .retain(|p| p.has(Posting::PREFERRED) || !p.has(Posting::WEAK));
        }
    }
}

/// Keeps the likeliest candidates of crowded names, best first, with their
/// priors.
pub(super) fn keep_likeliest(groups: &mut [Group], priors: &mut [Vec<f64>]) {
    for (g, group) in groups.iter_mut().enumerate() {
        if group.candidates.len() > MAX_CANDIDATES {
            let mut order: Vec<usize> = (0..group.candidates.len()).collect();
            order.sort_by(|&a, &b| priors[g][b].total_cmp(&priors[g][a]));
            order.truncate(MAX_CANDIDATES);
            group.candidates = order.iter().map(|&k| group.candidates[k]).collect();
            priors[g] = order.iter().map(|&k| priors[g][k]).collect();
        }
    }
}

/// True when `outer` (a country or region) contains `inner`.
fn contains(outer: &PlaceFacts, inner: &PlaceFacts) -> bool {
    match outer.kind {
        PlaceKind::Country => outer.country == inner.country,
        PlaceKind::Region if outer.rank == Rank::Adm1 => outer.region == inner.region,
        _ => false,
    }
}

/// Gives small dense numbers to the countries or regions of a document, so
/// that the evidence for each lives in a plain array: a round of scoring
/// then reads it by index instead of hashing every candidate's key.
struct Slots<K> {
    of: HashMap<K, usize>,
    /// The last key asked for and its slot: a document's candidates often
    /// come several in a row from one country or region.
    last: Option<(K, usize)>,
}

impl<K: std::hash::Hash + Eq + Copy> Slots<K> {
    fn with_capacity(n: usize) -> Self {
        Slots {
            of: HashMap::with_capacity(n),
            last: None,
        }
    }

    fn slot(&mut self, key: K) -> usize {
        match self.last {
            Some((last, slot)) if last == key => slot,
            _ => {
                let next = self.of.len();
                let slot = *self.of.entry(key).or_insert(next);
                self.last = Some((key, slot));
                slot
            }
        }
    }

    fn len(&self) -> usize {
        self.of.len()
    }
}
