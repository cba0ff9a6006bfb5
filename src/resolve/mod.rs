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

/// One candidate of one group, with what scoring asks of its place,
/// gathered once per document rather than looked up in every round.
struct Candidate {
    place: PlaceIdx,
    kind: PlaceKind,
    rank: Rank,
    has_admin1: bool,
    /// Index of the place's country among the document's countries.
    country: usize,
    /// Index of the place's region among the document's regions.
    region: usize,
    /// Lies in a place named right after its mention ("Paris, Texas").
    contained: bool,
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
    /// A mention of it is followed by ", " and another place ("Paris, Texas").
    has_container: bool,
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
    if mentions.iter().any(|m| m.candidates.is_empty()) {
        // A name no place has cannot be resolved (recognition never makes
        // one); the grouping below expects every group to have a candidate.
        let named: Vec<Mention> = mentions
            .iter()
            .filter(|m| !m.candidates.is_empty())
            .cloned()
            .collect();
        return resolve(text, &named, gazetteer, options);
    }
    // Group by folded spelling.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(mentions.len());
    let mut group_of: Vec<usize> = Vec::with_capacity(mentions.len());
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
                has_container: false,
            });
            groups.len() - 1
        });
        group_of.push(g);
        let group = &mut groups[g];
        group.members.push(i);
        group.region_cue |= m.region_cue;
        group.city_cue |= m.city_cue;
        let weak = m.sentence_initial && m.word_frequency >= 2.5 || m.word_frequency >= 4.0;
        group.weak_evidence &= weak;
    }

    // "Paris, Texas": a place followed by a comma and a larger place it lies in.
    let mut containers: Vec<Option<Vec<Posting>>> = vec![None; groups.len()];
    for (i, w) in mentions.windows(2).enumerate() {
        let between = &text[w[0].byte_end..w[1].byte_start];
        if between == ", " {
            groups[group_of[i]].has_container = true;
            containers[group_of[i]]
                .get_or_insert_with(Vec::new)
                .extend(w[1].candidates.iter().copied());
        }
    }

    // A lone candidate's score is never read (its softmax is 1 whatever
    // it is), so it is left at 0 rather than worked out.
    let priors: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| match g.candidates[..] {
            [_] => vec![0.0],
            _ => g
                .candidates
                .iter()
                .map(|&p| prior(gazetteer.facts(p.place()), p, g))
                .collect(),
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
    // Every candidate in one flat list, a group's together. Groups with a
    // choice to make come first: a lone candidate's score is never read
    // (its softmax is 1 whatever it is, see `softmax_top`), so rounds score
    // only the first `contested` rows.
    let mut first: Vec<usize> = vec![0; groups.len()];
    let mut cands: Vec<Candidate> = Vec::new();
    let mut flat_priors: Vec<f64> = Vec::new();
    let mut units: Vec<&Unit> = Vec::new();
    let total: usize = groups.iter().map(|g| g.candidates.len()).sum();
    let mut countries = Slots::with_capacity(total);
    let mut regions = Slots::with_capacity(total);
    let order = (0..groups.len())
        .filter(|&g| groups[g].candidates.len() > 1)
        .chain((0..groups.len()).filter(|&g| groups[g].candidates.len() <= 1));
    let mut contested = 0;
    for g in order {
        let group = &groups[g];
        first[g] = cands.len();
        for &posting in &group.candidates {
            let place = gazetteer.facts(posting.place());
            let contained = containers[g].as_ref().is_some_and(|cont| {
                cont.iter()
                    .any(|c| contains(gazetteer.facts(c.place()), place))
            });
            cands.push(Candidate {
                place: posting.place(),
                kind: place.kind,
                rank: place.rank,
                has_admin1: place.has_admin1,
                country: countries.slot(place.country),
                region: regions.slot(place.region),
                contained,
            });
            units.push(&place.unit);
        }
        flat_priors.extend_from_slice(&priors[g]);
        if group.candidates.len() > 1 {
            contested = cands.len();
        }
    }
    let ends: Vec<usize> = (0..groups.len())
        .map(|g| first[g] + groups[g].candidates.len())
        .collect();
    let range = |g: usize| first[g]..ends[g];
    let priors = flat_priors;
    let mut chords = Chords::new(
        Points::new(units.into_iter()),
        groups.len(),
        MAX_CACHED_CHORDS,
    );

    let mut choice: Vec<usize> = (0..groups.len())
        .map(|g| argmax(&priors[range(g)]))
        .collect();
    let mut scores = priors.clone();
    let mut country_weight = vec![0.0; countries.len()];
    let mut region_weight = vec![0.0; regions.len()];
    let mut nearness = vec![0.0; contested];
    for _round in 0..3 {
        // The document's evidence, from each group's current choice
        // weighted by how clear that choice is; the sums run in group
        // order.
        country_weight.fill(0.0);
        region_weight.fill(0.0);
        nearness.fill(f64::NEG_INFINITY);
        for (g, group) in groups.iter().enumerate() {
            let k = choice[g];
            let weight =
                softmax_top(&scores[range(g)], k) * (group.members.len() as f64).sqrt().min(2.0);
            let i = first[g] + k;
            let place = &cands[i];
            let w = if place.kind == PlaceKind::Country {
                1.0
            } else {
                0.5
            } * weight;
            country_weight[place.country] += w;
            if place.kind == PlaceKind::Region && place.rank == Rank::Adm1 {
                region_weight[place.region] += weight;
            } else if place.kind != PlaceKind::Country && place.has_admin1 {
                // A county or a town also says which state the text is in,
                // more weakly than naming the state (Springfield next to
                // Decatur and Peoria is the one in Illinois).
                region_weight[place.region] += 0.3 * weight;
            }
            if place.kind != PlaceKind::Country {
                let column = chords.column(g, place.place, i);
                let log_w = weight.min(1.0).ln();
                // Every contested row but the group's own.
                let own = range(g);
                let (before, after) = (own.start.min(contested), own.end.min(contested));
                draw_near(&mut nearness[..before], &column[..before], log_w);
                draw_near(
                    &mut nearness[after..contested],
                    &column[after..contested],
                    log_w,
                );
            }
        }
        for g in 0..groups.len() {
            if groups[g].candidates.len() <= 1 {
                continue;
            }
            for i in range(g) {
                let place = &cands[i];
                let mut s = priors[i];
                s += 1.2 * country_weight[place.country].min(2.0);
                if place.kind == PlaceKind::City {
                    s += 1.0 * region_weight[place.region].min(1.5);
                }
                if place.kind != PlaceKind::Country {
                    s += 2.5 * nearness[i].exp();
                }
                if place.contained {
                    s += 3.0;
                }
                scores[i] = s;
            }
            choice[g] = argmax(&scores[range(g)]);
        }
    }

    // Decide, per group, whether it is a place at all, and how sure we are;
    // a group refused does not vouch for its neighbours, so repeat until
    // the set of places stands still. The scores no longer change, so
    // neither do the confidences nor the distances between chosen places.
    let chosen: Vec<usize> = (0..groups.len()).map(|g| first[g] + choice[g]).collect();
    let confidence: Vec<f64> = (0..groups.len())
        .map(|g| softmax_top(&scores[range(g)], choice[g]))
        .collect();
    for (g, &i) in chosen.iter().enumerate() {
        if cands[i].kind != PlaceKind::Country {
            chords.anchor(g, cands[i].place, i);
        }
    }
    let doc = Chosen {
        cands: &cands,
        chosen: &chosen,
        confidence: &confidence,
        chords: &chords,
        countries: countries.len(),
    };
    let mut alive = vec![true; groups.len()];
    let mut keep: Vec<Option<(PlaceIdx, f64, bool)>> = vec![None; groups.len()];
    let mut nearest = vec![None; groups.len()];
    for _round in 0..4 {
        keep = decide(&groups, &doc, &alive, &mut nearest, gazetteer, options);
        let next: Vec<bool> = keep.iter().map(Option::is_some).collect();
        if next == alive {
            break;
        }
        alive = next;
    }
    emit(text, mentions, &groups, &keep)
}

/// What deciding needs of every group's final choice.
struct Chosen<'a> {
    cands: &'a [Candidate],
    /// Index into `cands` of every group's chosen candidate.
    chosen: &'a [usize],
    /// Softmax probability of every group's choice.
    confidence: &'a [f64],
    /// Filled for every chosen place that is not a country.
    chords: &'a Chords,
    countries: usize,
}

/// Whether each live group is a place, and with which confidence.
fn decide(
    groups: &[Group],
    doc: &Chosen,
    alive: &[bool],
    memo: &mut [Option<Option<(usize, f64)>>],
    gazetteer: &Gazetteer,
    options: &ResolveOptions,
) -> Vec<Option<(PlaceIdx, f64, bool)>> {
    // The places of the live groups: those that are not countries anchor
    // distances, and each one's country supports the others there.
    let mut anchors: Vec<(usize, usize)> = Vec::new();
    let mut in_country = vec![0usize; doc.countries];
    for (g, &i) in doc.chosen.iter().enumerate() {
        if !alive[g] {
            continue;
        }
        if doc.cands[i].kind != PlaceKind::Country {
            anchors.push((g, doc.chords.start(g)));
        }
        in_country[doc.cands[i].country] += 1;
    }
    let mut keep: Vec<Option<(PlaceIdx, f64, bool)>> = vec![None; groups.len()];
    for (g, group) in groups.iter().enumerate() {
        if !alive[g] {
            continue;
        }
        let cand = &doc.cands[doc.chosen[g]];
        let place_idx = cand.place;
        let place = gazetteer.facts(place_idx);
        let pop = place.population;
        let big = matches!(place.kind, PlaceKind::Country | PlaceKind::Region) || pop >= 100_000;
        let supported = group.city_cue || group.region_cue || group.has_container;
        if group.weak_evidence && !big && !supported {
            continue; // "March", "West": ordinary words, small namesakes
        }
        if group.word_frequency >= 3.0 && !big && !supported && pop < 20_000 {
            continue;
        }
        // Another live group in the same country (this one is live, so
        // it is counted once itself).
        let country_support = in_country[cand.country] > 1;
        if group.word_frequency >= 4.0
            && place.kind == PlaceKind::Region
            && !supported
            && !country_support
        {
            continue; // "the West" is not Cameroon's West Region
        }
        // Groups only ever drop out between rounds, so the nearest anchor
        // found before stands while it is alive.
        let nearest = match memo[g] {
            Some(Some((h, d))) if alive[h] => Some((h, d)),
            Some(None) => None,
            _ => nearest_anchor(doc, &anchors, g),
        };
        memo[g] = Some(nearest);
        let near = nearest.map(|(_, chord)| arc_km(chord));
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
        let confidence = doc.confidence[g];
        let others = anchors.len() - usize::from(place.kind != PlaceKind::Country);
        let outlier = place.kind != PlaceKind::Country
            && others >= 2
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
                start: 0,
                end: 0,
                text: m.text.clone(),
                place,
                confidence: (confidence * 1000.0).round() / 1000.0,
                outlier,
            });
        }
    }
    out.sort_by_key(|m| m.byte_start);
    // Code-point offsets in one walk through the text, mention after
    // mention: cheaper than indexing the characters of the whole document.
    let (mut byte, mut chars) = (0, 0);
    for m in &mut out {
        chars += char_count(&text[byte..m.byte_start]);
        byte = m.byte_start;
        m.start = chars;
        m.end = chars + char_count(&text[m.byte_start..m.byte_end]);
    }
    out
}

/// The number of characters in `s`; news copy is mostly ASCII, for which
/// that is the length, found faster than by counting.
fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
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

/// True when `outer` (a country or region) contains `inner`.
fn contains(outer: &PlaceFacts, inner: &PlaceFacts) -> bool {
    match outer.kind {
        PlaceKind::Country => outer.country == inner.country,
        PlaceKind::Region if outer.rank == Rank::Adm1 => outer.region == inner.region,
        _ => false,
    }
}

/// The candidates' points, one array per coordinate so that a whole
/// column of distances is computed a few candidates per instruction.
struct Points {
    x: Vec<f64>,
    y: Vec<f64>,
    z: Vec<f64>,
}

impl Points {
    fn new<'a>(units: impl Iterator<Item = &'a Unit>) -> Self {
        let (mut x, mut y, mut z) = (Vec::new(), Vec::new(), Vec::new());
        for u in units {
            x.push(u[0]);
            y.push(u[1]);
            z.push(u[2]);
        }
        Points { x, y, z }
    }

    fn get(&self, i: usize) -> Unit {
        [self.x[i], self.y[i], self.z[i]]
    }
}

/// Chord distances (km) from every candidate to the place each group has
/// chosen, one column per group. A group seldom changes its choice between
/// rounds, so a column is computed once per chosen place and then only
/// read: a round of scoring costs a subtraction and a comparison per pair,
/// not a square root.
///
/// A document with more groups × candidates than [`MAX_CACHED_CHORDS`]
/// (a gazetteer-like list) is not cached, to bound memory: each column is
/// then computed afresh into one buffer, and distances asked for later are
/// computed on demand, by the same arithmetic.
struct Chords {
    points: Points,
    /// The columns, each `rows` long, in the order they were first needed
    /// (a group whose choice is a country never needs one); or, uncached,
    /// the last column computed.
    km: Vec<f64>,
    rows: usize,
    cached: bool,
    /// Where column `g` starts in `km`, and the place it was computed for.
    at: Vec<Option<(usize, PlaceIdx)>>,
    /// The point of the place of group `g`'s latest column.
    units: Vec<Unit>,
}

/// 32 MB of chords.
const MAX_CACHED_CHORDS: usize = 1 << 22;

impl Chords {
    fn new(points: Points, groups: usize, max_cached: usize) -> Self {
        let rows = points.x.len();
        let cached = groups.saturating_mul(rows) <= max_cached;
        Chords {
            points,
            km: Vec::with_capacity(if cached { groups * rows } else { rows }),
            rows,
            cached,
            at: vec![None; groups],
            units: vec![[0.0; 3]; groups],
        }
    }

    /// Column `g`, for `place`, the candidate at `row`: computed unless it
    /// already is.
    fn column(&mut self, g: usize, place: PlaceIdx, row: usize) -> &[f64] {
        let unit = self.points.get(row);
        self.units[g] = unit;
        let start = match self.at[g] {
            Some((start, was)) if was == place => return &self.km[start..start + self.rows],
            Some((start, _)) => start,
            None if !self.cached => {
                self.km.resize(self.rows, 0.0);
                fill_chords(&mut self.km, &self.points, &unit);
                return &self.km;
            }
            None => {
                let start = self.km.len();
                self.km.resize(start + self.rows, 0.0);
                start
            }
        };
        self.at[g] = Some((start, place));
        let column = &mut self.km[start..start + self.rows];
        fill_chords(column, &self.points, &unit);
        column
    }

    /// Makes group `g`'s distances to `place`, the candidate at `row`,
    /// available to [`nearest_anchor`].
    fn anchor(&mut self, g: usize, place: PlaceIdx, row: usize) {
        if self.cached {
            self.column(g, place, row);
        } else {
            self.units[g] = self.points.get(row);
        }
    }

    /// Where group `g`'s column starts in `km` (cached, once computed).
    fn start(&self, g: usize) -> usize {
        self.at[g].map_or(usize::MAX, |(start, _)| start)
    }
}

/// `column[i] = chord_km(point i, unit)`, over plain arrays so that it
/// vectorizes.
fn fill_chords(column: &mut [f64], points: &Points, unit: &Unit) {
    let n = column.len();
    let (x, y, z) = (&points.x[..n], &points.y[..n], &points.z[..n]);
    for i in 0..n {
        column[i] = chord_km(&[x[i], y[i], z[i]], unit);
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

/// The anchor (group, start of its column) nearest to group `g`'s chosen
/// place, other than `g` itself, and its chord distance (km).
fn nearest_anchor(doc: &Chosen, anchors: &[(usize, usize)], g: usize) -> Option<(usize, f64)> {
    let row = doc.chosen[g];
    let chords = doc.chords;
    let (mut nearest, mut chord) = (usize::MAX, f64::INFINITY);
    // Chords are finite and never NaN: the first anchor sets these, and
    // the least value is what `f64::min` would give.
    if chords.cached {
        for &(h, start) in anchors {
            let d = chords.km[start + row];
            if d < chord && h != g {
                (nearest, chord) = (h, d);
            }
        }
    } else {
        let unit = chords.points.get(row);
        for &(h, _) in anchors {
            let d = chord_km(&unit, &chords.units[h]);
            if d < chord && h != g {
                (nearest, chord) = (h, d);
            }
        }
    }
    (nearest != usize::MAX).then_some((nearest, chord))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Unit {
        crate::gazetteer::unit_vector(lat, lon)
    }

    #[test]
    fn a_mention_without_candidates_is_left_out() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let text = "Kharkiv and Nowhereville";
        let kharkiv = Mention {
            byte_start: 0,
            byte_end: 7,
            text: "Kharkiv".into(),
            candidates: g.lookup("Kharkiv"),
            region_cue: false,
            city_cue: false,
            sentence_initial: true,
            word_frequency: 0.0,
            fuzzy: false,
        };
        let nowhere = Mention {
            byte_start: 12,
            byte_end: 24,
            text: "Nowhereville".into(),
            candidates: Vec::new(),
            ..kharkiv.clone()
        };
        let alone = resolve(
            text,
            std::slice::from_ref(&kharkiv),
            &g,
            &ResolveOptions::default(),
        );
        let both = resolve(text, &[kharkiv, nowhere], &g, &ResolveOptions::default());
        assert_eq!(both, alone);
        assert_eq!(both.len(), 1);
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

    /// A small deterministic generator (SplitMix64), for random cases.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform in [0, 1).
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Points mostly within a few hundred km of each other, as in news,
    /// with some far away and some repeated exactly.
    fn random_points(rng: &mut Rng, n: usize) -> Vec<Unit> {
        let mut points: Vec<Unit> = Vec::new();
        for _ in 0..n {
            let p = match rng.below(4) {
                0 => at(180.0 * rng.unit() - 90.0, 360.0 * rng.unit() - 180.0),
                1 if !points.is_empty() => points[rng.below(points.len())],
                _ => at(48.0 + 6.0 * rng.unit(), 30.0 + 10.0 * rng.unit()),
            };
            points.push(p);
        }
        points
    }

    /// Weights as a round of scoring makes them: some at or above 1, some
    /// tiny, some zero.
    fn random_weight(rng: &mut Rng) -> f64 {
        match rng.below(5) {
            0 => 1.0 + rng.unit(),
            1 => 0.0,
            2 => 1e-12 * rng.unit(),
            _ => 2.0 * rng.unit(),
        }
    }

    #[test]
    fn columns_of_chords_give_the_nearness_and_nearest_of_a_pairwise_scan() {
        let mut rng = Rng(7);
        // Cached columns, and (a limit of 0) the uncached fallback.
        for case in 0..600 {
            let max_cached = if case % 2 == 0 { usize::MAX } else { 0 };
            // Groups of candidates, flat, each group's together.
            let groups = 1 + rng.below(12);
            let mut group_of: Vec<usize> = Vec::new();
            let mut first = Vec::new();
            for g in 0..groups {
                first.push(group_of.len());
                for _ in 0..1 + rng.below(6) {
                    group_of.push(g);
                }
            }
            let points = random_points(&mut rng, group_of.len());
            // Anchors: some groups' chosen candidates, with weights.
            let mut anchors: Vec<(usize, usize, f64)> = Vec::new();
            for (g, &start) in first.iter().enumerate() {
                if rng.below(4) != 0 {
                    let rows = group_of.iter().filter(|&&h| h == g).count();
                    anchors.push((g, start + rng.below(rows), random_weight(&mut rng)));
                }
            }

            // The straightforward scan: every candidate against every
            // other group's anchor.
            let expected: Vec<f64> = (0..group_of.len())
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

            let mut chords = Chords::new(Points::new(points.iter()), groups, max_cached);
            assert_eq!(chords.cached, max_cached > 0);
            let mut nearness = vec![f64::NEG_INFINITY; group_of.len()];
            for &(g, k, w) in &anchors {
                // Once for a stale place, to exercise recomputing a column.
                chords.column(g, k as PlaceIdx + 1000, (k + 1) % points.len());
                let column = chords.column(g, k as PlaceIdx, k);
                let own = first[g]..first[g] + group_of.iter().filter(|&&h| h == g).count();
                let log_w = w.min(1.0).ln();
                draw_near(&mut nearness[..own.start], &column[..own.start], log_w);
                draw_near(&mut nearness[own.end..], &column[own.end..], log_w);
            }
            for i in 0..group_of.len() {
                assert_eq!(nearness[i].to_bits(), expected[i].to_bits(), "{i}");
            }

            // Nearest other anchor of a chosen candidate, against `reduce(f64::min)`.
            let cands: Vec<Candidate> = (0..group_of.len())
                .map(|_| Candidate {
                    place: 0,
                    kind: PlaceKind::City,
                    rank: Rank::Other,
                    has_admin1: false,
                    country: 0,
                    region: 0,
                    contained: false,
                })
                .collect();
            let chosen = first.clone();
            let doc = Chosen {
                cands: &cands,
                chosen: &chosen,
                confidence: &[],
                chords: &chords,
                countries: 1,
            };
            let starts: Vec<(usize, usize)> =
                anchors.iter().map(|a| (a.0, chords.start(a.0))).collect();
            for (g, &row) in chosen.iter().enumerate() {
                let expected = anchors
                    .iter()
                    .filter(|a| a.0 != g)
                    .map(|a| chord_km(&points[row], &points[a.1]))
                    .reduce(f64::min);
                let found = nearest_anchor(&doc, &starts, g);
                assert_eq!(found.map(|n| n.1.to_bits()), expected.map(f64::to_bits));
                if let Some((h, d)) = found {
                    let a = anchors.iter().find(|a| a.0 == h).unwrap();
                    assert_eq!(chord_km(&points[row], &points[a.1]).to_bits(), d.to_bits());
                }
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
