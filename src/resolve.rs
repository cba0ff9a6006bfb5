//! Chooses the place each mention refers to, and how sure that choice is.
//!
//! Every candidate gets a score from what is known before reading the
//! document (population, feature type, whether the name is the place's own
//! or an alternate) and from the document itself: the countries and regions
//! it names, how close a candidate lies to the other places mentioned (news
//! is local: "Volchansk" next to Sumy and Kursk is the Ukrainian town, not
//! the one in the Urals), and cue words ("the city of", "region"). The
//! context is recomputed from the current choices a few times, and one
//! spelling keeps one meaning throughout a document.
//!
//! A frequent English word ("March", "West") is kept only when it names a
//! large place or the text says it is a place; a tiny place must have
//! company nearby. A place far from everything else in its document gets a
//! low confidence and an outlier flag.

// A fast hasher for maps that are only looked up, never iterated: output
// does not depend on it.
use foldhash::{HashMap, HashMapExt};

use crate::gazetteer::{Gazetteer, PlaceFacts, PlaceIdx, PlaceKind, Posting, Rank};
use crate::recognize::Mention;
use crate::text::fold;

/// A mention with the place chosen for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedMention {
    pub byte_start: usize,
    pub byte_end: usize,
    /// Code-point offsets into the document text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub place: PlaceIdx,
    /// In [0, 1].
    pub confidence: f64,
    /// Far from every other place of the document.
    pub outlier: bool,
}

/// Tunable thresholds of resolution.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    /// Mentions whose confidence is below this are dropped.
    pub min_confidence: f64,
    /// A place farther than this (km) from every other place of its document is an outlier.
    pub outlier_km: f64,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            min_confidence: 0.05,
            outlier_km: 1500.0,
        }
    }
}

/// A point on the unit sphere: distances between places are compared as
/// chords, which costs a few multiplications instead of the trigonometry of
/// a haversine for every pair (resolution compares every candidate with
/// every other mention's place, several times).
type Unit = [f64; 3];

/// Straight-line (chord) distance in km between two unit vectors: the
/// great-circle distance to within 1% up to 1,500 km, and always shorter.
fn chord_km(a: &Unit, b: &Unit) -> f64 {
    EARTH_RADIUS_KM * ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// The great-circle distance in km that a chord of `chord` km spans.
fn arc_km(chord: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord / (2.0 * EARTH_RADIUS_KM)).min(1.0).asin()
}

const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A group whose name has more candidates than this is scored on the most
/// likely ones only ("Springfield" has dozens); the rest could not win.
const MAX_CANDIDATES: usize = 24;

/// What the document says, independent of any one mention.
#[derive(Default)]
struct Context {
    /// Country (see [`PlaceFacts::country`]) → weight of the evidence that
    /// the document is about it.
    countries: HashMap<u16, f64>,
    /// Country and admin1 (see [`PlaceFacts::region`]) → weight.
    regions: HashMap<u32, f64>,
    /// Chosen places of every mention group, with the group's weight and point.
    anchors: Vec<(usize, PlaceIdx, f64, Unit)>,
    /// `ln(min(weight, 1))` of every anchor, for [`proximity`].
    log_weights: Vec<f64>,
    /// The country of every group's chosen place.
    members: Vec<(usize, u16)>,
}

/// Mentions that share one folded spelling: one meaning per document.
struct Group {
    members: Vec<usize>,
    candidates: Vec<Posting>,
    region_cue: bool,
    city_cue: bool,
    /// Every mention is sentence-initial, or a frequent word.
    weak_evidence: bool,
    word_frequency: f32,
    /// Found by sound, not spelling.
    fuzzy: bool,
}

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

/// Resolves the mentions of one document.
pub fn resolve(
    text: &str,
    mentions: &[Mention],
    gazetteer: &Gazetteer,
    options: &ResolveOptions,
) -> Vec<ResolvedMention> {
    // Group by folded spelling.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        let key = group_key(m);
        let g = *by_key.entry(key).or_insert_with(|| {
            groups.push(Group {
                members: Vec::new(),
                candidates: m.candidates.clone(),
                region_cue: false,
                city_cue: false,
                weak_evidence: true,
                word_frequency: m.word_frequency,
                fuzzy: m.fuzzy,
            });
            groups.len() - 1
        });
        let group = &mut groups[g];
        group.members.push(i);
        group.region_cue |= m.region_cue;
        group.city_cue |= m.city_cue;
        let weak = m.sentence_initial && m.word_frequency >= 2.5 || m.word_frequency >= 4.0;
        group.weak_evidence &= weak;
    }

    // "Paris, Texas": a place followed by a comma and a larger place it lies in.
    let mut containers: HashMap<usize, Vec<Posting>> = HashMap::new();
    for w in mentions.windows(2) {
        let between = &text[w[0].byte_end..w[1].byte_start];
        if between == ", " {
            let g = by_key[&group_key(&w[0])];
            containers
                .entry(g)
                .or_default()
                .extend(w[1].candidates.iter().copied());
        }
    }

    let priors: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| {
            g.candidates
                .iter()
                .map(|&p| prior(gazetteer.facts(p.place()), p, g))
                .collect()
        })
        .collect();

    // Keep the likeliest candidates of crowded names, best first.
    let mut priors = priors;
    for (g, group) in groups.iter_mut().enumerate() {
        if group.candidates.len() > MAX_CANDIDATES {
            let mut order: Vec<usize> = (0..group.candidates.len()).collect();
            order.sort_by(|&a, &b| priors[g][b].total_cmp(&priors[g][a]));
            order.truncate(MAX_CANDIDATES);
            group.candidates = order.iter().map(|&k| group.candidates[k]).collect();
            priors[g] = order.iter().map(|&k| priors[g][k]).collect();
        }
    }
    let units: Vec<Vec<Unit>> = groups
        .iter()
        .map(|g| {
            g.candidates
                .iter()
                .map(|p| gazetteer.facts(p.place()).unit)
                .collect()
        })
        .collect();
    let mut choice: Vec<usize> = priors.iter().map(|s| argmax(s)).collect();
    let mut alive = vec![true; groups.len()];
    let mut scores = priors.clone();
    for _round in 0..3 {
        let ctx = context(&groups, &choice, &scores, &alive, gazetteer);
        for (g, group) in groups.iter().enumerate() {
            for (k, &posting) in group.candidates.iter().enumerate() {
                let place = gazetteer.facts(posting.place());
                let mut s = priors[g][k];
                s += 1.2
                    * ctx
                        .countries
                        .get(&place.country)
                        .copied()
                        .unwrap_or(0.0)
                        .min(2.0);
                if place.kind == PlaceKind::City {
                    s += 1.0
                        * ctx
                            .regions
                            .get(&place.region)
                            .copied()
                            .unwrap_or(0.0)
                            .min(1.5);
                }
                if place.kind != PlaceKind::Country {
                    s += 2.5 * proximity(&ctx, g, &units[g][k]);
                }
                if let Some(cont) = containers.get(&g) {
                    if cont
                        .iter()
                        .any(|c| contains(gazetteer.facts(c.place()), place))
                    {
                        s += 3.0;
                    }
                }
                scores[g][k] = s;
            }
            choice[g] = argmax(&scores[g]);
        }
    }

    // Decide, per group, whether it is a place at all, and how sure we are;
    // a group refused does not vouch for its neighbours, so repeat until
    // the set of places stands still.
    let mut keep: Vec<Option<(PlaceIdx, f64, bool)>> = vec![None; groups.len()];
    for _round in 0..4 {
        let ctx = context(&groups, &choice, &scores, &alive, gazetteer);
        keep = decide(
            &groups,
            &choice,
            &scores,
            &alive,
            &containers,
            &ctx,
            gazetteer,
            options,
        );
        let next: Vec<bool> = keep.iter().map(Option::is_some).collect();
        if next == alive {
            break;
        }
        alive = next;
    }
    emit(text, mentions, &groups, &keep)
}

/// Whether each live group is a place, and with which confidence.
#[allow(clippy::too_many_arguments)]
fn decide(
    groups: &[Group],
    choice: &[usize],
    scores: &[Vec<f64>],
    alive: &[bool],
    containers: &HashMap<usize, Vec<Posting>>,
    ctx: &Context,
    gazetteer: &Gazetteer,
    options: &ResolveOptions,
) -> Vec<Option<(PlaceIdx, f64, bool)>> {
    let mut keep: Vec<Option<(PlaceIdx, f64, bool)>> = vec![None; groups.len()];
    for (g, group) in groups.iter().enumerate() {
        if !alive[g] {
            continue;
        }
        let k = choice[g];
        let place_idx = group.candidates[k].place();
        let place = gazetteer.facts(place_idx);
        let pop = place.population;
        let big = matches!(place.kind, PlaceKind::Country | PlaceKind::Region) || pop >= 100_000;
        let supported = group.city_cue || group.region_cue || containers.contains_key(&g);
        if group.weak_evidence && !big && !supported {
            continue; // "March", "West": ordinary words, small namesakes
        }
        if group.word_frequency >= 3.0 && !big && !supported && pop < 20_000 {
            continue;
        }
        let country_support = ctx
            .members
            .iter()
            .any(|&(h, cc)| h != g && cc == place.country);
        if group.word_frequency >= 4.0
            && place.kind == PlaceKind::Region
            && !supported
            && !country_support
        {
            continue; // "the West" is not Cameroon's West Region
        }
        let near = nearest_km(ctx, g, place);
        if group.fuzzy && !(country_support && near.is_some_and(|d| d <= 150.0)) {
            continue; // a sound-alike needs a neighbour to be believed
        }
        if place.kind == PlaceKind::City
            && pop < 5_000
            && !supported
            && near.is_none_or(|d| d > 300.0)
        {
            continue; // a hamlet with no company is more likely a word or a name
        }
        let confidence = softmax_top(&scores[g], k);
        let outlier = place.kind != PlaceKind::Country
            && ctx.anchors.iter().filter(|a| a.0 != g).count() >= 2
            && near.is_some_and(|d| d > options.outlier_km);
        if outlier && pop < 100_000 && !country_support {
            continue; // a small place alone in a country the text never names
        }
        let confidence = if group.fuzzy {
            0.6 * confidence
        } else {
            confidence
        };
        let confidence = if outlier {
            confidence * 0.25
        } else {
            confidence
        };
        if confidence >= options.min_confidence {
            keep[g] = Some((place_idx, confidence, outlier));
        }
    }
    keep
}

/// One resolved mention per member of every kept group, in text order.
fn emit(
    text: &str,
    mentions: &[Mention],
    groups: &[Group],
    keep: &[Option<(PlaceIdx, f64, bool)>],
) -> Vec<ResolvedMention> {
    let chars = crate::text::CharIndex::new(text);
    let mut out = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let Some((place, confidence, outlier)) = keep[g] else {
            continue;
        };
        for &i in &group.members {
            let m = &mentions[i];
            out.push(ResolvedMention {
                byte_start: m.byte_start,
                byte_end: m.byte_end,
                start: chars.char_offset(text, m.byte_start),
                end: chars.char_offset(text, m.byte_end),
                text: m.text.clone(),
                place,
                confidence: (confidence * 1000.0).round() / 1000.0,
                outlier,
            });
        }
    }
    out.sort_by_key(|m| m.byte_start);
    out
}

/// Mentions with one spelling share one meaning, except that "Belgorod"
/// followed by "region" or "governor" means the region wherever it stands.
fn group_key(m: &Mention) -> String {
    let mut key = fold(&m.text);
    if m.region_cue {
        key.push_str("\u{0}region");
    }
    key
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
    let max = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = s.iter().map(|v| (v - max).exp()).sum();
    (s[k] - max).exp() / total
}

/// True when `outer` (a country or region) contains `inner`.
fn contains(outer: &PlaceFacts, inner: &PlaceFacts) -> bool {
    match outer.kind {
        PlaceKind::Country => outer.country == inner.country,
        PlaceKind::Region if outer.rank == Rank::Adm1 => outer.region == inner.region,
        _ => false,
    }
}

/// The document's evidence, from each group's current choice weighted by
/// how clear that choice is.
fn context(
    groups: &[Group],
    choice: &[usize],
    scores: &[Vec<f64>],
    alive: &[bool],
    gazetteer: &Gazetteer,
) -> Context {
    let mut ctx = Context::default();
    for (g, group) in groups.iter().enumerate() {
        if !alive[g] {
            continue;
        }
        let k = choice[g];
        let weight = softmax_top(&scores[g], k) * (group.members.len() as f64).sqrt().min(2.0);
        let idx = group.candidates[k].place();
        let place = gazetteer.facts(idx);
        let w = if place.kind == PlaceKind::Country {
            1.0
        } else {
            0.5
        } * weight;
        *ctx.countries.entry(place.country).or_default() += w;
        if place.kind == PlaceKind::Region && place.rank == Rank::Adm1 {
            *ctx.regions.entry(place.region).or_default() += weight;
        } else if place.kind != PlaceKind::Country && place.has_admin1 {
            // A county or a town also says which state the text is in,
            // more weakly than naming the state (Springfield next to
            // Decatur and Peoria is the one in Illinois).
            *ctx.regions.entry(place.region).or_default() += 0.3 * weight;
        }
        if place.kind != PlaceKind::Country {
            ctx.anchors.push((g, idx, weight, place.unit));
            ctx.log_weights.push(weight.min(1.0).ln());
        }
        ctx.members.push((g, place.country));
    }
    ctx
}

/// How close `place` lies to the other groups' places: 1 when on top of a
/// confident one, falling off over a few hundred kilometres. The largest of
/// `min(w, 1) * exp(-d / 250)` over the anchors, found in log space so that
/// only the winner pays for `exp` (this runs for every candidate of every
/// group against every anchor, three times per document).
fn proximity(ctx: &Context, g: usize, place: &Unit) -> f64 {
    ctx.anchors
        .iter()
        .zip(&ctx.log_weights)
        .filter(|(a, _)| a.0 != g)
        .map(|((_, _, _, u), log_w)| log_w - chord_km(place, u) / 250.0)
        .fold(f64::NEG_INFINITY, f64::max)
        .exp()
}

/// Distance (km) to the nearest place of another group.
fn nearest_km(ctx: &Context, g: usize, place: &PlaceFacts) -> Option<f64> {
    let u = place.unit;
    ctx.anchors
        .iter()
        .filter(|a| a.0 != g)
        .map(|(_, _, _, a)| chord_km(&u, a))
        .reduce(f64::min)
        .map(arc_km)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Unit {
        crate::gazetteer::unit_vector(lat, lon)
    }

    #[test]
    fn chords_give_great_circle_distances() {
        // Kharkiv to Kyiv: 411.03 km on a sphere of mean radius (haversine).
        let (kharkiv, kyiv) = (at(49.98177, 36.25475), at(50.45466, 30.5238));
        let arc = arc_km(chord_km(&kharkiv, &kyiv));
        assert!((arc - 411.03).abs() < 0.01, "{arc}");
        // A chord is never longer than its arc, and close to it nearby.
        assert!(chord_km(&kharkiv, &kyiv) <= arc);
        assert!(arc - chord_km(&kharkiv, &kyiv) < 0.01 * arc);
        // Antipodes: half the circumference.
        let arc = arc_km(chord_km(&at(0.0, 0.0), &at(0.0, 180.0)));
        assert!((arc - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }
}
