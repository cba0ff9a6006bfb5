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
//!
//! The steps live apart: `group` forms the groups of mentions, `candidates`
//! lays out their candidates in one table, `score` holds the weights and
//! ranks the candidates, and `chords` measures distances between them.
//! This file runs the steps in order, decides which choices are places
//! (`decide`) and writes the resolved mentions.

mod candidates;
mod chords;
mod group;
mod score;

use candidates::{drop_weak_rivals, keep_likeliest, Candidate, Candidates};
use chords::{arc_km, Chords, MAX_CACHED_CHORDS};
use group::{group_by_spelling, note_containers, Group};
use score::{rank_in_context, Ranking};

use crate::gazetteer::{Gazetteer, PlaceIdx, PlaceKind};
use crate::recognize::Mention;

/// A mention with the place chosen for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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
    /// A nationality word standing for its country ("Russian troops").
    pub demonym: bool,
    /// The other places the name could be that the document's context
    /// does not rule out, likeliest first (see [`ALTERNATIVE_MARGIN`]):
    /// a stated distance may settle between them ("Lebanon, 5 miles south
    /// of Hanover" in a New Hampshire story).
    #[serde(skip)]
    pub alternatives: Vec<PlaceIdx>,
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

/// A candidate scoring at most this much below the chosen one is kept as
/// an alternative (about 6.7 factors of ten in population): a country
/// against a small town of its name in a text about the town's state.
pub const ALTERNATIVE_MARGIN: f64 = 3.0;
/// At most this many alternatives are kept per mention.
const MAX_ALTERNATIVES: usize = 6;

// What deciding asks of a choice before it is believed.

/// Deciding repeats at most this often. Each pass can only refuse more
/// groups, those that leaned on a group refused the pass before; the
/// bound caps the work when refusals cascade.
const DECIDE_PASSES: usize = 4;
/// A town this large is believed, as a country or a region is, even when
/// its name reads as an ordinary word and nothing in the text says it is
/// a place.
const LARGE_PLACE_POPULATION: u64 = 100_000;
/// A name this frequent as an English word (Zipf 3: one in a million
/// words) ...
const COMMON_WORD_ZIPF: f32 = 3.0;
/// ... is believed only when the text says it is a place, or the place
/// has at least this many people.
const COMMON_WORD_MIN_POPULATION: u64 = 20_000;
/// A sound-alike spelling ("Kubyansk") is believed only within this many
/// km of another place of the text, in the same country.
const SOUND_ALIKE_NEIGHBOUR_KM: f64 = 150.0;
/// A name that reads as an ordinary word this often (Zipf 4.7: "West",
/// "Southern", "Upper") names a first-level region only when the text
/// says so; rarer ones ("Michigan", 4.54, a card game to the dictionary)
/// are names.
const ORDINARY_WORD_REGION_ZIPF: f32 = 4.7;
/// A village smaller than this ...
const HAMLET_POPULATION: u64 = 5_000;
/// ... needs another place of the text within this many km, or words
/// that say it is a place: alone it is more likely a word or a name.
const HAMLET_COMPANY_KM: f64 = 300.0;
/// A place is an outlier only among at least this many other places (not
/// countries): two places far apart say nothing of which one is astray.
const OUTLIER_MIN_OTHERS: usize = 2;
/// An outlier smaller than this is refused unless its country has other
/// places in the text: a small place alone in a country the text never
/// names is more likely a namesake chosen wrongly.
const LONE_OUTLIER_MIN_POPULATION: u64 = 100_000;
/// A sound-alike's confidence is cut to this share: the spelling itself
/// is doubtful.
const SOUND_ALIKE_CONFIDENCE: f64 = 0.6;
/// An outlier's confidence is cut to this share: it is kept, but a map
/// should show it as doubtful.
const OUTLIER_CONFIDENCE: f64 = 0.25;

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
    let (mut groups, group_of) = group_by_spelling(mentions);
    drop_weak_rivals(&mut groups, gazetteer);
    note_containers(text, mentions, &group_of, &mut groups);
    let mut priors = score::priors(&groups, gazetteer);
    keep_likeliest(&mut groups, &mut priors);
    let (table, points) = Candidates::lay_out(&groups, &priors, gazetteer);
    let mut chords = Chords::new(points, groups.len(), MAX_CACHED_CHORDS);
    let ranking = rank_in_context(&groups, &table, &mut chords);
    let kept = decide_until_stable(&groups, &table, &ranking, chords, gazetteer, options);
    let alternatives: Vec<Vec<PlaceIdx>> = (0..groups.len())
        .map(|g| alternatives_of(&table, &ranking, g))
        .collect();
    emit(text, mentions, &groups, &kept, &alternatives)
}

/// Decides, per group, whether its choice is a place at all, and how sure
/// that is. A group refused does not vouch for its neighbours, so deciding
/// repeats until the set of places stands still. The scores no longer
/// change, so neither do the confidences nor the distances between chosen
/// places.
fn decide_until_stable(
    groups: &[Group],
    table: &Candidates,
    ranking: &Ranking,
    mut chords: Chords,
    gazetteer: &Gazetteer,
    options: &ResolveOptions,
) -> Vec<Option<Kept>> {
    let chosen: Vec<usize> = (0..groups.len()).map(|g| ranking.row(table, g)).collect();
    let confidence: Vec<f64> = (0..groups.len())
        .map(|g| ranking.confidence(table, g))
        .collect();
    for (g, &i) in chosen.iter().enumerate() {
        if !table.rows[i].kind.is_country_or_larger() {
            chords.anchor(g, table.rows[i].place, i);
        }
    }
    let doc = FinalChoices {
        cands: &table.rows,
        chosen: &chosen,
        confidence: &confidence,
        chords: &chords,
        countries: table.countries,
    };
    let mut alive = vec![true; groups.len()];
    let mut kept: Vec<Option<Kept>> = vec![None; groups.len()];
    let mut nearest = vec![None; groups.len()];
    for _pass in 0..DECIDE_PASSES {
        kept = decide(groups, &doc, &alive, &mut nearest, gazetteer, options);
        let next: Vec<bool> = kept.iter().map(Option::is_some).collect();
        if next == alive {
            break;
        }
        alive = next;
    }
    kept
}

/// A group's choice, kept as a place.
#[derive(Debug, Clone, Copy)]
struct Kept {
    place: PlaceIdx,
    confidence: f64,
    outlier: bool,
}

/// What deciding needs of every group's final choice.
struct FinalChoices<'a> {
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
    doc: &FinalChoices,
    alive: &[bool],
    memo: &mut [Option<Option<(usize, f64)>>],
    gazetteer: &Gazetteer,
    options: &ResolveOptions,
) -> Vec<Option<Kept>> {
    // The places of the live groups: those that are not countries anchor
    // distances, and each one's country supports the others there.
    let mut anchors: Vec<(usize, usize)> = Vec::new();
    let mut in_country = vec![0usize; doc.countries];
    // The first-level regions chosen: a village in one of them is not
    // alone ("Robotyne, in Ukraine's Zaporizhzhia region").
    let mut regions_named: Vec<usize> = Vec::new();
    for (g, &i) in doc.chosen.iter().enumerate() {
        if !alive[g] {
            continue;
        }
        if !doc.cands[i].kind.is_country_or_larger() {
            anchors.push((g, doc.chords.start(g)));
        }
        in_country[doc.cands[i].country] += 1;
        if doc.cands[i].kind == PlaceKind::Region
            && doc.cands[i].rank == crate::gazetteer::Rank::Adm1
        {
            regions_named.push(doc.cands[i].region);
        }
    }
    let mut kept: Vec<Option<Kept>> = vec![None; groups.len()];
    for (g, group) in groups.iter().enumerate() {
        if !alive[g] {
            continue;
        }
        let cand = &doc.cands[doc.chosen[g]];
        let place_idx = cand.place;
        let place = gazetteer.facts(place_idx);
        let pop = place.population;
        let big = matches!(
            place.kind,
            PlaceKind::Continent | PlaceKind::Country | PlaceKind::Region
        ) || pop >= LARGE_PLACE_POPULATION;
        let supported = group.city_cue || group.region_cue || group.has_container();
        if group.weak_evidence && !big && !supported {
            continue; // "March", "West": ordinary words, small namesakes
        }
        if group.word_frequency >= COMMON_WORD_ZIPF
            && !big
            && !supported
            && pop < COMMON_WORD_MIN_POPULATION
        {
            continue;
        }
        // Another live group in the same country (this one is live, so
        // it is counted once itself).
        let country_support = in_country[cand.country] > 1;
        if group.word_frequency >= ORDINARY_WORD_REGION_ZIPF
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
            _ => doc.chords.nearest_anchor(&anchors, g, doc.chosen[g]),
        };
        memo[g] = Some(nearest);
        let near = nearest.map(|(_, chord)| arc_km(chord));
        let close_company = near.is_some_and(|d| d <= SOUND_ALIKE_NEIGHBOUR_KM);
        if group.fuzzy && !(country_support && close_company) {
            continue; // a sound-alike needs a neighbour to be believed
        }
        let region_named = place.kind == PlaceKind::City && regions_named.contains(&cand.region);
        if place.kind == PlaceKind::City
            && pop < HAMLET_POPULATION
            && !supported
            && !region_named
            && near.is_none_or(|d| d > HAMLET_COMPANY_KM)
        {
            continue; // a hamlet with no company is more likely a word or a name
        }
        if group.after_the
            && place.kind == PlaceKind::City
            && (pop < LARGE_PLACE_POPULATION || cand.weak)
            && !supported
        {
            // "the White House said": a building, not a town of the name
            // nor Casablanca, which has it as another name.
            continue;
        }
        if cand.weak && group.word_frequency >= COMMON_WORD_ZIPF && !supported {
            continue; // "an Outstanding Young Man" is not the Isle of Man
        }
        if cand.weak
            && !big
            && !supported
            && !region_named
            && !country_support
            && near.is_none_or(|d| d > HAMLET_COMPANY_KM)
        {
            continue; // "Hall": a weak name wants context
        }
        let confidence = doc.confidence[g];
        let others = anchors.len() - usize::from(!place.kind.is_country_or_larger());
        let outlier = !place.kind.is_country_or_larger()
            && others >= OUTLIER_MIN_OTHERS
            && near.is_some_and(|d| d > options.outlier_km);
        if outlier && pop < LONE_OUTLIER_MIN_POPULATION && !country_support {
            continue; // a small place alone in a country the text never names
        }
        let confidence = if group.fuzzy {
            SOUND_ALIKE_CONFIDENCE * confidence
        } else {
            confidence
        };
        let confidence = if outlier {
            confidence * OUTLIER_CONFIDENCE
        } else {
            confidence
        };
        if confidence >= options.min_confidence {
            kept[g] = Some(Kept {
                place: place_idx,
                confidence,
                outlier,
            });
        }
    }
    kept
}

/// The candidates of group `g` other than its choice that score within
/// [`ALTERNATIVE_MARGIN`] of it, best first.
fn alternatives_of(table: &Candidates, ranking: &Ranking, g: usize) -> Vec<PlaceIdx> {
    let range = table.range(g);
    if range.len() <= 1 {
        return Vec::new();
    }
    let chosen = ranking.row(table, g);
    let best = ranking.scores[chosen];
    let mut rows: Vec<usize> = range
        .filter(|&i| i != chosen && ranking.scores[i] >= best - ALTERNATIVE_MARGIN)
        .collect();
    rows.sort_by(|&a, &b| ranking.scores[b].total_cmp(&ranking.scores[a]));
    rows.truncate(MAX_ALTERNATIVES);
    rows.into_iter().map(|i| table.rows[i].place).collect()
}

/// One resolved mention per member of every kept group, in text order.
fn emit(
    text: &str,
    mentions: &[Mention],
    groups: &[Group],
    kept: &[Option<Kept>],
    alternatives: &[Vec<PlaceIdx>],
) -> Vec<ResolvedMention> {
    let mut out = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let Some(Kept {
            place,
            confidence,
            outlier,
        }) = kept[g]
        else {
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
                demonym: m.demonym,
                alternatives: alternatives[g].clone(),
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

#[cfg(test)]
mod random_cases;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::testing::TinyGazetteer;
    use crate::matcher::Matcher;
    use crate::recognize::recognize;

    /// The chain up to resolution, as the pipeline runs it.
    fn resolved(g: &Gazetteer, text: &str) -> Vec<ResolvedMention> {
        let spans = Matcher::new(g).find(text);
        let mentions = recognize(text, &spans, g);
        resolve(text, &mentions, g, &ResolveOptions::default())
    }

    /// Each mention of `text` and the place it resolves to, as
    /// "Name, CC".
    fn places(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
        resolved(g, text)
            .into_iter()
            .map(|m| {
                let place = g.place(m.place);
                (m.text, format!("{}, {}", place.name, place.country))
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|&(m, p)| (m.to_string(), p.to_string()))
            .collect()
    }

    /// Eastern Ukraine, two Russian regions and a far Russian port, with
    /// two towns called Volchansk: Vovchansk in Ukraine (Volchansk is its
    /// Russian name) and a small town of that name in the Urals.
    fn ukraine_and_russia() -> TinyGazetteer {
        TinyGazetteer::new()
            .country("UA", "Ukraine", 41_000_000, (49.0, 32.0))
            .country("RU", "Russia", 144_000_000, (61.5, 105.3))
            .region("UA.07", "Kharkiv Oblast", 2_600_000, (49.5, 36.5))
            .also_named("Kharkiv")
            .town("Kharkiv", "PPLA", "UA.07", 1_430_000, (49.98, 36.25))
            .town("Kupiansk", "PPL", "UA.07", 27_000, (49.71, 37.62))
            .town("Vovchansk", "PPL", "UA.07", 17_000, (50.29, 36.94))
            .also_named("Volchansk")
            .region("RU.71", "Sverdlovsk Oblast", 4_300_000, (58.7, 61.3))
            .town("Yekaterinburg", "PPLA", "RU.71", 1_500_000, (56.84, 60.61))
            .town("Volchansk", "PPL", "RU.71", 8_900, (59.93, 60.05))
            .town("Vladivostok", "PPLA", "RU.59", 600_000, (43.11, 131.87))
    }

    #[test]
    fn a_namesake_is_chosen_by_the_places_around_it() {
        let g = ukraine_and_russia().build();
        // Alone, the town whose own name it is wins over the one for
        // which it is only another spelling.
        assert_eq!(
            places(&g, "Shelling hit Volchansk overnight."),
            pairs(&[("Volchansk", "Volchansk, RU")])
        );
        assert_eq!(
            places(&g, "Shelling hit Volchansk, north-east of Kharkiv."),
            pairs(&[("Volchansk", "Vovchansk, UA"), ("Kharkiv", "Kharkiv, UA")])
        );
        assert_eq!(
            places(&g, "Miners from Volchansk marched to Yekaterinburg."),
            pairs(&[
                ("Volchansk", "Volchansk, RU"),
                ("Yekaterinburg", "Yekaterinburg, RU")
            ])
        );
    }

    #[test]
    fn a_region_cue_means_the_region_and_a_bare_name_the_city() {
        let g = ukraine_and_russia().build();
        // "Kharkiv" names both the oblast and its capital.
        assert_eq!(g.lookup("Kharkiv").len(), 2);
        assert_eq!(
            places(
                &g,
                "Kharkiv was shelled, and villages in the Kharkiv region lost power."
            ),
            pairs(&[
                ("Kharkiv", "Kharkiv, UA"),
                ("Kharkiv region", "Kharkiv Oblast, UA")
            ])
        );
        // A region word after the name picks the region among both.
        assert_eq!(
            places(&g, "Kharkiv was shelled, the Kharkiv governor wrote."),
            pairs(&[
                ("Kharkiv", "Kharkiv, UA"),
                ("Kharkiv", "Kharkiv Oblast, UA")
            ])
        );
    }

    #[test]
    fn without_context_the_larger_namesake_wins() {
        let g = TinyGazetteer::new()
            .country("US", "United States", 330_000_000, (39.8, -98.6))
            .region("US.OR", "Oregon", 4_200_000, (44.0, -120.5))
            .town("Springfield", "PPL", "US.OR", 62_000, (44.05, -123.02))
            .town("Portland", "PPL", "US.OR", 650_000, (45.52, -122.68))
            .region("US.MO", "Missouri", 6_200_000, (38.3, -92.5))
            .town("Springfield", "PPL", "US.MO", 169_000, (37.21, -93.29))
            .build();
        let found = resolved(&g, "Storms closed schools in Springfield.");
        assert_eq!(found.len(), 1);
        let place = g.place(found[0].place);
        assert_eq!(
            (place.name.as_str(), place.admin1.as_str()),
            ("Springfield", "MO")
        );
        // Only a prior tells them apart, and not by much.
        assert!(found[0].confidence > 0.5 && found[0].confidence < 0.6);
        // A state named right after the comma settles it the other way.
        let found = resolved(&g, "Storms closed schools in Springfield, Oregon.");
        assert_eq!(g.place(found[0].place).admin1, "OR");
    }

    #[test]
    fn a_place_far_from_all_the_others_is_flagged() {
        let g = ukraine_and_russia().build();
        let text = "Troops left Kharkiv, Kupiansk and Vovchansk; the ship sailed from Vladivostok.";
        let found = resolved(&g, text);
        let flags: Vec<(&str, bool)> = found
            .iter()
            .map(|m| (&text[m.byte_start..m.byte_end], m.outlier))
            .collect();
        assert_eq!(
            flags,
            [
                ("Kharkiv", false),
                ("Kupiansk", false),
                ("Vovchansk", false),
                ("Vladivostok", true)
            ]
        );
        // Large enough to be kept, but doubtful: its only candidate, so
        // sure in itself, at a quarter.
        assert_eq!(found[3].confidence, OUTLIER_CONFIDENCE);
        // With one place less it is far from a single other, which says
        // nothing of which of the two is astray.
        let found = resolved(&g, "Troops left Kharkiv; the ship sailed from Vladivostok.");
        assert!(found.iter().all(|m| !m.outlier));
    }

    #[test]
    fn a_given_name_before_a_surname_is_not_a_place() {
        let g = TinyGazetteer::new()
            .country("IT", "Italy", 59_000_000, (42.8, 12.8))
            .town("Florence", "PPLA", "IT.16", 370_000, (43.77, 11.25))
            .first_name("Florence")
            .build();
        assert_eq!(places(&g, "Florence Pugh starred in the film."), []);
        assert_eq!(
            places(&g, "The film was shot in Florence last spring."),
            pairs(&[("Florence", "Florence, IT")])
        );
    }

    /// Issue 18, point 3: without context the larger unit wins a name it
    /// shares with a small town elsewhere, and the country a text is about
    /// settles a name two regions share. Three families of namesakes.
    #[test]
    fn the_higher_level_unit_wins_a_bare_name_and_the_country_settles_it() {
        let g = TinyGazetteer::new()
            .country("US", "United States", 330_000_000, (39.8, -98.6))
            .region("US.CA", "California", 39_000_000, (37.25, -119.75))
            .region("US.PA", "Pennsylvania", 13_000_000, (40.9, -77.7))
            .town("California", "PPL", "US.PA", 6_000, (40.07, -79.89))
            .country("AU", "Australia", 26_000_000, (-25.0, 135.0))
            .region("AU.07", "Victoria", 6_500_000, (-37.0, 144.0))
            .town("Melbourne", "PPLA", "AU.07", 4_900_000, (-37.81, 144.96))
            .country("CA", "Canada", 38_000_000, (60.1, -113.6))
            .region("CA.02", "British Columbia", 5_000_000, (53.9, -124.9))
            .town("Victoria", "PPLA", "CA.02", 290_000, (48.43, -123.37))
            .country("PK", "Pakistan", 220_000_000, (30.0, 70.0))
            .region("PK.04", "Punjab", 110_000_000, (30.9, 72.6))
            .country("IN", "India", 1_300_000_000, (22.0, 79.0))
            .region("IN.23", "Punjab", 28_000_000, (30.9, 75.4))
            .build();
        assert_eq!(
            places(&g, "A new law passed in California."),
            pairs(&[("California", "California, US")])
        );
        assert_eq!(
            places(
                &g,
                "Australia declared an emergency as fires burned across Victoria."
            ),
            pairs(&[("Australia", "Australia, AU"), ("Victoria", "Victoria, AU")])
        );
        assert_eq!(
            places(
                &g,
                "In British Columbia, ferries to Victoria were cancelled."
            ),
            pairs(&[
                ("British Columbia", "British Columbia, CA"),
                ("Victoria", "Victoria, CA")
            ])
        );
        assert_eq!(
            places(
                &g,
                "Floods in Punjab, India's breadbasket, destroyed crops."
            ),
            pairs(&[("Punjab", "Punjab, IN"), ("India", "India, IN")])
        );
        assert_eq!(
            places(&g, "Pakistan said floods in Punjab destroyed crops."),
            pairs(&[("Pakistan", "Pakistan, PK"), ("Punjab", "Punjab, PK")])
        );
    }

    /// Issue 18, points 2, 4 and 12: a place's own name beats a name it
    /// has only as another place's, a historic name, or a part of its own.
    #[test]
    fn an_own_name_beats_another_places_variant_name() {
        let g = TinyGazetteer::new()
            .continent("Africa", 1_100_000_000, (7.19, 21.09))
            .country("TN", "Tunisia", 12_000_000, (34.0, 9.0))
            .town("Mahdia", "PPLA", "TN.15", 60_000, (35.5, 11.06))
            .also_named("Africa")
            .country("SY", "Syria", 21_000_000, (35.0, 38.0))
            .town("Aleppo", "PPLA", "SY.09", 2_000_000, (36.2, 37.16))
            .formerly_named("Berea")
            .country("US", "United States", 330_000_000, (39.8, -98.6))
            .region("US.OH", "Ohio", 11_700_000, (40.25, -83.0))
            .town("Berea", "PPL", "US.OH", 19_000, (41.37, -81.85))
            .town("Cleveland", "PPLA2", "US.OH", 370_000, (41.5, -81.7))
            .region("US.MO", "Missouri", 6_200_000, (38.25, -92.5))
            .region("US.MI", "Michigan", 10_000_000, (44.25, -85.5))
            .town("Milan", "PPL", "US.MI", 6_000, (42.09, -83.68))
            .also_named("Farmers")
            .region("US.MT", "Montana", 1_100_000, (47.0, -109.5))
            .town("Bozeman", "PPL", "US.MT", 53_000, (45.68, -111.04))
            .also_named("Missouri")
            .country("DE", "Germany", 83_000_000, (51.5, 10.5))
            .town("Schwäbisch Hall", "PPLA3", "DE.01", 40_000, (49.11, 9.74))
            .also_named("Hall")
            .country("GB", "United Kingdom", 66_000_000, (54.76, -2.7))
            .also_named("England")
            .region("GB.ENG", "England", 56_000_000, (52.16, -0.70))
            .region("GB.SCT", "Scotland", 5_400_000, (56.0, -4.0))
            .word("farmer", 4.2)
            .word("michigan", 4.54)
            .word("hall", 5.0)
            .build();
        assert_eq!(
            places(&g, "Leaders from Africa met in Tunisia."),
            pairs(&[("Africa", "Africa, "), ("Tunisia", "Tunisia, TN")])
        );
        assert_eq!(
            places(&g, "He moved from Berea to Cleveland."),
            pairs(&[("Berea", "Berea, US"), ("Cleveland", "Cleveland, US")])
        );
        assert_eq!(places(&g, "Protesters gathered outside City Hall."), []);
        assert_eq!(
            places(&g, "The governor of Michigan spoke on Tuesday."),
            pairs(&[("Michigan", "Michigan, US")])
        );
        assert_eq!(
            places(&g, "Farmers in Missouri lost crops to the flood."),
            pairs(&[("Missouri", "Missouri, US")])
        );
        assert_eq!(
            places(&g, "Officials in England and Scotland agreed."),
            pairs(&[("England", "England, GB"), ("Scotland", "Scotland, GB")])
        );
        // With its context a historic name is still the place.
        assert_eq!(
            places(
                &g,
                "Fighting in Syria reached Berea, which the Greeks founded."
            ),
            pairs(&[("Syria", "Syria, SY"), ("Berea", "Aleppo, SY")])
        );
    }

    /// Issue 18, point 6: a village alone is refused, but not when the
    /// text names its region beside it.
    #[test]
    fn a_village_with_its_region_named_is_not_alone() {
        let g = TinyGazetteer::new()
            .country("UA", "Ukraine", 41_000_000, (49.0, 32.0))
            .region("UA.26", "Zaporizhzhia Oblast", 1_600_000, (47.5, 35.8))
            .town("Robotyne", "PPL", "UA.26", 500, (47.45, 35.84))
            .build();
        assert_eq!(places(&g, "Fighting continued around Robotyne."), []);
        assert_eq!(
            places(
                &g,
                "Fighting continued around Robotyne, in Ukraine's Zaporizhzhia Oblast."
            ),
            pairs(&[
                ("Robotyne", "Robotyne, UA"),
                ("Ukraine", "Ukraine, UA"),
                ("Zaporizhzhia Oblast", "Zaporizhzhia Oblast, UA")
            ])
        );
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
            demonym: false,
            after_the: false,
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
}
