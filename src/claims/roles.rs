//! Which places a stated quantity is about: the subject a distance is
//! measured from, the reference it is measured to, the anchor of an area.
//!
//! The reading is structural and stays inside one clause, so that a wrong
//! guess is rare and a missing one is honest (an unverifiable claim rather
//! than a wrong verdict):
//! - subject: the place the quantity is attached to, or the land around it
//!   ("the Vovchansk outskirts lie 3 km"): "Vovchansk lies 10 km",
//!   "Kupiansk, about 100 km", "Harbin, the capital of Heilongjiang province,
//!   lies 510 km" (an appositive is skipped when a main verb follows it),
//!   "Sudzha, the Russian border town about 45 km", "described Kherson as 150
//!   km"; "the city"/"the town" point back to the city the sentence (or the
//!   one before) starts with; "Kharkiv lies 256 mi east of Kyiv and 600 km
//!   south of Moscow" carries the subject over. "Russian forces were 10 km
//!   from Sumy" has no place subject.
//! - reference: the place right after "from"/"of"/"off" (skipping "the city
//!   of", "central", "the coast of occupied" ...); "the Russian border" (a
//!   nationality adjective from the lexicon, then "border") and a bare country
//!   ("10 km from Russia") are that country's border. "a school in Sumy" is
//!   not a place reference.
//! - "X and Y are 70 km apart", "the two cities are 70 km apart": the first
//!   and the last city of the sentence (or the one before); "From Harbin,
//!   Khabarovsk is 440 miles away": Harbin is the reference.
//! - area anchor: a place right after "in"/"of"/"around"/"near" ... within a
//!   few words of the unit ("15 km² around the Avdiivka coke plant").
//!
//! This module does not measure anything (see [`super::check`]).

use crate::gazetteer::{Gazetteer, PlaceIdx, PlaceKind};
use crate::resolve::ResolvedMention;
use crate::text::sentence::sentence_numbers;

use super::tokens::{Token, TokenKind};
use super::window::View;

/// A place playing a role in a claim.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Role {
    pub place: PlaceIdx,
    /// The words that name it ("the Russian border", "Sumy", "the town").
    pub text: String,
    /// The role is this country's border (ISO 3166-1 alpha-2).
    pub border_of: Option<String>,
    /// Other places the name could be, as resolution left them
    /// ([`ResolvedMention::alternatives`]): a distance may settle it.
    #[serde(skip)]
    pub alternatives: Vec<PlaceIdx>,
}

/// An appositive between a subject and its verb is at most this many
/// tokens long.
const APPOSITIVE_REACH: usize = 40;

/// Words between a place and its distance that do not change the subject.
const LINKS: &[&str] = &[
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "being",
    "lies",
    "lie",
    "lay",
    "sits",
    "sit",
    "sat",
    "stands",
    "stand",
    "remains",
    "remain",
    "situated",
    "located",
    "lying",
    "sitting",
    "standing",
    "which",
    "that",
    "itself",
    "now",
    "still",
    "also",
    "currently",
    "as",
    "just",
    "only",
];
/// Main verbs: after an appositive they belong to the word before it.
const FINITE: &[&str] = &[
    "is", "was", "are", "were", "lies", "lie", "lay", "sits", "sit", "sat", "stands", "stand",
    "remains", "remain",
];
/// Words between "from" and the place it names.
const FILLERS: &[&str] = &[
    "the",
    "city",
    "town",
    "village",
    "port",
    "coast",
    "centre",
    "center",
    "central",
    "downtown",
    "occupied",
    "outskirts",
    "capital",
    "of",
    "heart",
    "edge",
    "settlement",
    "regional",
    "besieged",
];
/// Words that end the noun phrase after a relation word.
const NP_STOPS: &[&str] = &[
    "and",
    "but",
    "or",
    "before",
    "after",
    "since",
    "according",
    "which",
    "that",
    "where",
    "when",
    "to",
    "as",
    "while",
    "in",
    "on",
    "at",
    "for",
    "during",
    "by",
    "with",
    "was",
    "is",
    "were",
    "are",
    "has",
    "have",
    "had",
];
/// Words after a place's name that name the land around it, not another
/// place: "the Vovchansk outskirts", "the Kupiansk district", "the Sumy
/// area" are where Vovchansk, Kupiansk and Sumy are.
const AREA_WORDS: &[&str] = &[
    "outskirts",
    "suburbs",
    "environs",
    "vicinity",
    "area",
    "district",
    "basin",
    "countryside",
];
const ANCHOR_PREPOSITIONS: &[&str] = &[
    "in", "of", "around", "near", "across", "inside", "within", "outside",
];

/// The mentions of a document that are names, found by the byte offsets
/// their words start and end at: built once, read by every window.
pub struct Names<'a> {
    mentions: &'a [ResolvedMention],
    /// `(byte_start, mention)` and `(byte_end, mention)`, sorted: mentions
    /// never overlap, so both orders are text order, and a binary search
    /// finds the mention at a token.
    starts: Vec<(usize, usize)>,
    ends: Vec<(usize, usize)>,
}

impl<'a> Names<'a> {
    pub fn new(mentions: &'a [ResolvedMention]) -> Self {
        let mut starts = Vec::with_capacity(mentions.len());
        let mut ends = Vec::with_capacity(mentions.len());
        for (i, m) in mentions.iter().enumerate() {
            // A nationality word is read as such ("the Russian border"),
            // never as a subject ("Russian forces were 10 km from Sumy").
            if m.demonym {
                continue;
            }
            // "The city" resolved as a place is an anaphor, not a name.
            if m.text
                .get(..4)
                .is_some_and(|w| w.eq_ignore_ascii_case("the "))
            {
                continue;
            }
            starts.push((m.byte_start, i));
            ends.push((m.byte_end, i));
        }
        starts.sort_unstable();
        ends.sort_unstable();
        Names {
            mentions,
            starts,
            ends,
        }
    }
}

/// The mention listed at byte `offset` in `sorted` (see [`Names::starts`]).
fn at_offset(sorted: &[(usize, usize)], offset: usize) -> Option<usize> {
    sorted
        .binary_search_by_key(&offset, |&(at, _)| at)
        .ok()
        .map(|k| sorted[k].1)
}

/// Whether `fold(name)` starts with `stem`, which has no space: whether the
/// first word of its folded characters does (folding drops the spaces
/// before it and makes those after it one), folding only as much of `name`
/// as that takes rather than every country's name for every adjective.
fn folds_to_start(name: &str, stem: &str, folded: &mut String) -> bool {
    folded.clear();
    for c in name.chars() {
        crate::text::fold_char(c, folded);
        let word = folded.trim_start_matches(' ');
        if word.len() >= stem.len() || !stem.starts_with(word) {
            return word.starts_with(stem);
        }
    }
    folded.trim_start_matches(' ').starts_with(stem)
}

/// A window of a document's text, read for the claims in it.
///
/// Tokens that may lie past the window are read through [`View::get`],
/// steps back that may leave it through [`View::back`] and
/// [`Reader::sentence_before`], so that a reading that needed more than the
/// window noted it (see [`super::window`]).
pub struct Reader<'a> {
    pub text: &'a str,
    view: &'a View<'a>,
    names: &'a Names<'a>,
    gazetteer: &'a Gazetteer,
    /// Sentence number of every token ([`sentence_numbers`]).
    sentence: Vec<usize>,
}

impl<'a> Reader<'a> {
    pub fn new(
        text: &'a str,
        view: &'a View<'a>,
        names: &'a Names<'a>,
        gazetteer: &'a Gazetteer,
    ) -> Self {
        let sentence = sentence_numbers((0..view.len()).map(|k| view[k].sentence_start));
        Reader {
            text,
            view,
            names,
            gazetteer,
            sentence,
        }
    }

    pub fn view(&self) -> &'a View<'a> {
        self.view
    }

    fn tok(&self, k: usize) -> Option<&'a Token<'a>> {
        self.view.get(k)
    }

    fn back(&self, k: usize, n: usize) -> Option<usize> {
        self.view.back(k, n)
    }

    /// The sentence before sentence `s`; a window's first sentence (after
    /// its context) has none it can read, which is noted.
    fn sentence_before(&self, s: usize) -> Option<usize> {
        if s <= self.sentence_of(self.view.first()) {
            self.view.note_before();
            return None;
        }
        Some(s - 1)
    }

    pub fn sentence_of(&self, tok: usize) -> usize {
        self.sentence.get(tok).copied().unwrap_or(usize::MAX)
    }

    fn word(&self, k: usize) -> Option<&'a str> {
        self.tok(k)
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.lower.as_ref())
    }

    fn mention_starting(&self, k: usize) -> Option<&'a ResolvedMention> {
        let t = self.tok(k)?;
        at_offset(&self.names.starts, t.start).map(|i| &self.names.mentions[i])
    }

    fn mention_ending(&self, k: usize) -> Option<&'a ResolvedMention> {
        let t = self.tok(k)?;
        at_offset(&self.names.ends, t.end).map(|i| &self.names.mentions[i])
    }

    /// The mention whose name ends at token `k`, or whose name and an area
    /// word ("the Vovchansk outskirts") do, as a role.
    fn role_ending(&self, k: usize) -> Option<Role> {
        if let Some(m) = self.mention_ending(k) {
            return Some(self.role(m));
        }
        if !self.word(k).is_some_and(|w| AREA_WORDS.contains(&w)) {
            return None;
        }
        let m = self.back(k, 1).and_then(|p| self.mention_ending(p))?;
        let mut role = self.role(m);
        role.text = self.text[m.byte_start..self.view[k].end].to_string();
        Some(role)
    }

    /// The token after the last token of mention `m` starting at `k`.
    fn after_mention(&self, k: usize, m: &ResolvedMention) -> usize {
        let mut j = k;
        while self.tok(j).is_some_and(|t| t.end <= m.byte_end) {
            j += 1;
        }
        j
    }

    fn role(&self, m: &ResolvedMention) -> Role {
        Role {
            place: m.place,
            text: m.text.clone(),
            border_of: None,
            alternatives: m.alternatives.clone(),
        }
    }

    fn span_text(&self, first: usize, end: usize) -> String {
        self.text[self.view[first].start..self.view[end - 1].end].to_string()
    }

    /// Token `k` starts a clause: a sentence, or after `;`, `:`, quotes,
    /// brackets, a dash, or ", and"/", but"/", while".
    fn clause_starts(&self, k: usize) -> bool {
        let Some(t) = self.tok(k) else {
            return true;
        };
        if k < self.view.first() {
            // The context before a window: whether it starts a clause is
            // not known.
            self.view.note_before();
            return true;
        }
        if t.sentence_start || k == 0 {
            return true;
        }
        let prev = &self.view[k - 1];
        if prev.is_punct(&[';', ':', '"', '\u{201C}', '\u{201D}', '(', ')', '\u{2014}'])
            || (prev.is_punct(&['\u{2013}', '-']) && prev.spaced && t.spaced)
        {
            return true;
        }
        let conj = matches!(
            t.lower.as_ref(),
            "and" | "but" | "while" | "whereas" | "yet" | "so"
        );
        conj && prev.is_punct(&[','])
    }

    /// The city a sentence is about: its first city, before token `before`
    /// (`None`: in all of it).
    fn topic_city(&self, sentence: usize, before: Option<usize>) -> Option<&'a ResolvedMention> {
        self.mentions_in(sentence, before)
            .into_iter()
            .find(|m| matches!(self.gazetteer.place(m.place).kind, PlaceKind::City))
    }

    /// The non-outlier mentions of a sentence that start before token
    /// `before` (`None`: in all of it). A window starts at a sentence start,
    /// and `before` is a token of the window, or the sentence ends before
    /// one: this reads all of the window's tokens of it.
    fn mentions_in(&self, sentence: usize, before: Option<usize>) -> Vec<&'a ResolvedMention> {
        let limit = before.map_or(usize::MAX, |k| self.view[k].start);
        (0..self.view.len())
            .filter(|&k| self.sentence[k] == sentence && self.view[k].start < limit)
            .filter_map(|k| self.mention_starting(k))
            .filter(|m| !m.outlier)
            .collect()
    }

    /// "the city"/"the town" at token `k`: the city its sentence starts
    /// with, or the city the previous sentence starts with.
    fn anaphor(&self, k: usize) -> Option<Role> {
        let s = self.sentence_of(k);
        let m = self.topic_city(s, Some(k)).or_else(|| {
            self.sentence_before(s)
                .and_then(|p| self.topic_city(p, None))
        })?;
        Some(Role {
            place: m.place,
            text: self.span_text(k, k + 2),
            border_of: None,
            alternatives: Vec::new(),
        })
    }

    fn is_anaphor(&self, k: usize) -> bool {
        self.word(k) == Some("the")
            && matches!(self.word(k + 1), Some("city" | "town"))
            && self.word(k + 2) != Some("of")
    }

    /// The subject of a quantity whose first token is `first`. `previous`
    /// is the last claim before it in the same sentence: its first token,
    /// its end token and its subject.
    pub fn subject_before(
        &self,
        first: usize,
        previous: Option<(usize, usize, Option<&Role>)>,
    ) -> Option<Role> {
        let mut k = first;
        let mut finite = false;
        let mut relative = false;
        while !self.clause_starts(k) {
            let Some(w) = self.word(k - 1) else { break };
            if !LINKS.contains(&w) {
                break;
            }
            finite |= FINITE.contains(&w);
            relative |= w == "which" || w == "that";
            k -= 1;
        }
        if self.clause_starts(k)
            && !self.tok(k).is_some_and(|t| {
                // ", and 600 km south of Moscow": the clause is the quantity itself.
                t.is_word("and")
            })
        {
            return None;
        }
        let prev = k - 1;
        if let Some(p) = self.back(prev, 1).filter(|&p| self.is_anaphor(p)) {
            return self.anaphor(p);
        }
        let previous_ends_at = |tok: usize| previous.filter(|&(_, end, _)| end == tok);
        if matches!(self.word(prev), Some("and" | "or" | "but")) {
            if let Some((_, _, subject)) = previous_ends_at(prev) {
                return subject.cloned();
            }
            return None;
        }
        if let Some(role) = self.role_ending(prev) {
            return Some(role);
        }
        if self.view[prev].is_punct(&[',']) {
            // "Sumy, about 130 km south-west of Kursk, lies 30 km": both are Sumy.
            if let Some((_, _, subject)) = previous_ends_at(prev) {
                return subject.cloned();
            }
            let before_comma = self.back(prev, 1).and_then(|p| self.role_ending(p));
            let appositive = self.appositive_head(prev);
            return if finite && !relative {
                appositive.or(before_comma)
            } else {
                before_comma.or(appositive)
            };
        }
        // "Sudzha, the Russian border town about 45 km"
        let mut j = prev;
        for _ in 0..6 {
            if self.view[j].kind != TokenKind::Word || self.clause_starts(j) {
                return None;
            }
            if matches!(self.word(j), Some("the" | "a" | "an")) && self.view[j - 1].is_punct(&[','])
            {
                return self
                    .back(j, 2)
                    .and_then(|p| self.mention_ending(p))
                    .map(|m| self.role(m));
            }
            j -= 1;
        }
        None
    }

    /// "X, <appositive>, ..." where `comma` is the closing comma: the place
    /// right before the opening comma. The appositive may be long, with a
    /// relative clause of its own ("Odesa, a port of about a million people
    /// that has been struck by drones almost nightly, lies ...").
    fn appositive_head(&self, comma: usize) -> Option<Role> {
        let mut j = comma;
        for _ in 0..APPOSITIVE_REACH {
            if self.clause_starts(j) {
                return None;
            }
            j -= 1;
            if self.view[j].is_punct(&[',']) {
                return self.back(j, 1).and_then(|p| self.role_ending(p));
            }
        }
        None
    }

    /// The reference named at token `k` (after "from", "of" ...) and the
    /// token after it.
    pub fn reference_after(&self, k: usize) -> Option<(Role, usize)> {
        let mut j = k;
        while j < k + 6 {
            let Some(t) = self.tok(j).filter(|t| j == k || !t.sentence_start) else {
                break;
            };
            if let Some(m) = self.mention_starting(j) {
                let mut end = self.after_mention(j, m);
                let mut role = self.role(m);
                let place = self.gazetteer.place(m.place);
                if self.word(end).is_some_and(|w| AREA_WORDS.contains(&w)) {
                    end += 1; // "from the Kupiansk district"
                }
                if place.kind == PlaceKind::Country {
                    // "10 km from Russia", "Russia's border": measured to its border.
                    role.border_of = Some(place.country.clone());
                    if self
                        .tok(end)
                        .is_some_and(|t| t.is_punct(&['\'', '\u{2019}']))
                        && self.word(end + 1) == Some("s")
                        && matches!(self.word(end + 2), Some("border" | "frontier"))
                    {
                        end += 3;
                    } else if matches!(self.word(end), Some("border" | "frontier")) {
                        end += 1;
                    }
                }
                role.text = self.span_text(j, end);
                return Some((role, end));
            }
            if self.is_anaphor(j) {
                return self.anaphor(j).map(|r| (r, j + 2));
            }
            if t.kind != TokenKind::Word {
                return None;
            }
            // "the Russian border": a nationality adjective, then "border".
            let written = &self.text[t.start..t.end];
            if written.starts_with(char::is_uppercase)
                && matches!(self.word(j + 1), Some("border" | "frontier" | "borders"))
            {
                let country = self.nationality(written)?;
                let place = self.gazetteer.country(&country)?;
                let first = if j > k && self.word(j - 1) == Some("the") {
                    j - 1
                } else {
                    j
                };
                return Some((
                    Role {
                        place,
                        text: self.span_text(first, j + 2),
                        border_of: Some(country),
                        alternatives: Vec::new(),
                    },
                    j + 2,
                ));
            }
            // "the border with Russia"
            if t.lower == "border" && self.word(j + 1) == Some("with") {
                let m = self.mention_starting(j + 2)?;
                let place = self.gazetteer.place(m.place);
                if place.kind != PlaceKind::Country {
                    return None;
                }
                let end = self.after_mention(j + 2, m);
                let first = if j > k && self.word(j - 1) == Some("the") {
                    j - 1
                } else {
                    j
                };
                return Some((
                    Role {
                        place: m.place,
                        text: self.span_text(first, end),
                        border_of: Some(place.country.clone()),
                        alternatives: Vec::new(),
                    },
                    end,
                ));
            }
            if !FILLERS.contains(&t.lower.as_ref()) {
                return None;
            }
            j += 1;
        }
        None
    }

    /// The country of a nationality adjective: the lexicon's, or, for an
    /// adjective it lacks ("Polish"), the one country whose name starts with
    /// the adjective's stem ("Pol-ish" → Poland, "Iraq-i" → Iraq).
    fn nationality(&self, adjective: &str) -> Option<String> {
        let lexicon = self.gazetteer.lexicon();
        if let Some(c) = lexicon.demonym_country(adjective) {
            return Some(c.to_string());
        }
        let lower = adjective.to_lowercase();
        let stem = ["ish", "ian", "ean", "an", "ese", "i"]
            .iter()
            .find_map(|s| lower.strip_suffix(s))
            .filter(|s| s.chars().count() >= 3)?;
        let outlines = self.gazetteer.outlines();
        let mut folded = String::new();
        let mut found = outlines.codes().filter(|code| {
            self.gazetteer
                .country(code)
                .is_some_and(|p| folds_to_start(&self.gazetteer.place(p).name, stem, &mut folded))
        });
        let first = found.next()?;
        found.next().is_none().then(|| first.to_string())
    }

    /// The end of the short noun phrase at token `k` ("a school", "the last
    /// inhabited house"), for the words of a claim without a place reference.
    pub fn phrase_end(&self, k: usize) -> usize {
        let mut j = k;
        while j < k + 5 {
            let Some(t) = self.tok(j) else { break };
            let glued = !t.spaced && t.is_punct(&['\'', '\u{2019}', '-']);
            let ok = (t.kind == TokenKind::Word && !NP_STOPS.contains(&t.lower.as_ref()))
                || glued
                || (j > k
                    && !self.view[j - 1].spaced
                    && self.view[j - 1].is_punct(&['\'', '\u{2019}', '-']));
            if !ok || (j > k && t.sentence_start) {
                break;
            }
            j += 1;
        }
        j
    }

    /// The two places of "X and Y are 70 km apart" / "the two cities are
    /// 70 km apart": the first and last city of the sentence, or of the
    /// sentence before when this one names fewer than two.
    pub fn pair_before(&self, first: usize) -> Option<(Role, Role)> {
        let s = self.sentence_of(first);
        let cities = |ms: Vec<&'a ResolvedMention>| -> Vec<&'a ResolvedMention> {
            let mut out: Vec<&ResolvedMention> = Vec::new();
            for m in ms {
                let kind = self.gazetteer.place(m.place).kind;
                if matches!(kind, PlaceKind::City | PlaceKind::Poi)
                    && !out.iter().any(|o| o.place == m.place)
                {
                    out.push(m);
                }
            }
            out
        };
        let mut found = cities(self.mentions_in(s, Some(first)));
        if found.len() < 2 {
            if let Some(p) = self.sentence_before(s) {
                found = cities(self.mentions_in(p, None));
            }
        }
        if found.len() < 2 {
            return None;
        }
        let a = found[0];
        let b = found[found.len() - 1];
        Some((self.role(a), self.role(b)))
    }

    /// "From Harbin, Khabarovsk is 440 miles away": the place after "from"
    /// earlier in the sentence.
    pub fn from_place_before(&self, first: usize) -> Option<Role> {
        let s = self.sentence_of(first);
        (0..first)
            .rev()
            .take_while(|&k| self.sentence[k] == s)
            .find(|&k| {
                self.back(k, 1)
                    .is_some_and(|p| self.word(p) == Some("from"))
                    && self.mention_starting(k).is_some()
            })
            .and_then(|k| self.mention_starting(k))
            .map(|m| self.role(m))
    }

    /// The place an area is stated for: right after "in", "of", "around" ...
    /// (skipping "the"), within six words after the unit.
    pub fn anchor_after(&self, k: usize) -> Option<Role> {
        let mut j = k;
        while j < k + 6 {
            let Some(t) = self.tok(j).filter(|t| j == k || !t.sentence_start) else {
                break;
            };
            let after_preposition = |p: usize| {
                let p = if self.word(p) == Some("the") {
                    self.back(p, 1).unwrap_or(p)
                } else {
                    p
                };
                self.word(p)
                    .is_some_and(|w| ANCHOR_PREPOSITIONS.contains(&w))
            };
            if let Some(m) = self.mention_starting(j) {
                return (j > 0 && after_preposition(j - 1)).then(|| self.role(m));
            }
            if t.kind != TokenKind::Word {
                return None;
            }
            j += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_to_start_is_fold_then_starts_with() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer");
        let outlines = g.outlines();
        let mut names: Vec<String> = outlines
            .codes()
            .filter_map(|c| g.country(c))
            .map(|p| g.place(p).name.clone())
            .collect();
        names.extend(
            [
                "",
                " ",
                "  Poland",
                "Pol and",
                "Pol\u{a0}\u{a0}and",
                "\u{FF30}oland",
                "\u{FB01}nland",
                "C\u{F4}te d\u{2019}Ivoire",
                "Co\u{302}te",
                "Iraq-i",
                "I",
            ]
            .map(String::from),
        );
        let mut stems: Vec<String> = [
            "pol", "fin", "fi", "cot", "c\u{f4}t", "iraq", "xyz", "polan",
        ]
        .map(String::from)
        .to_vec();
        for n in &names {
            let f = crate::text::fold(n);
            stems.extend(
                (1..=8)
                    .filter_map(|k| f.get(..k))
                    .filter(|s| !s.contains(' '))
                    .map(String::from),
            );
        }
        stems.sort();
        stems.dedup();
        for n in &names {
            for s in &stems {
                assert_eq!(
                    folds_to_start(n, s, &mut String::new()),
                    crate::text::fold(n).starts_with(s.as_str()),
                    "{n:?} {s:?}"
                );
            }
        }
    }
}
