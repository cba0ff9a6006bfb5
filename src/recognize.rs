//! Decides which names found by the [`crate::matcher`] are mentions of
//! places, by principle rather than by list: text inside web and e-mail
//! addresses is not prose; a given name followed by a capitalized word is a
//! person ("Vladimir Putin"); a name glued to a preceding rare capitalized word
//! is part of a longer proper name ("Xi Jinping"); month and weekday names are
//! dates. Whether a frequent English word ("March", "West") is meant as a
//! place is left to the resolver, which knows how big the place is.
//!
//! With [`RecognizeOptions::demonyms`], a nationality adjective or noun
//! ("Russian troops", "the Chinese government", "Israelis") is a mention of
//! its country too, marked as such ([`Mention::demonym`]).

use crate::gazetteer::{Gazetteer, PlaceIdx, Posting};
use crate::matcher::NameSpan;
use crate::text::sentence::is_sentence_initial;
use crate::text::{next_capital_or_non_ascii, with_lowercase};

/// A span of text that names a place, with the places it could be.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub byte_start: usize,
    pub byte_end: usize,
    /// The words as written.
    pub text: String,
    pub candidates: Vec<Posting>,
    /// Followed by or containing a region word: "Kharkiv region", "Kursk Oblast".
    pub region_cue: bool,
    /// Preceded by a settlement word: "the city of Sumy", "the town of March".
    pub city_cue: bool,
    /// The first word of a sentence or headline, where capitals say nothing.
    pub sentence_initial: bool,
    /// Zipf frequency of the surface as an English word (0 when it is not one).
    pub word_frequency: f32,
    /// Found by sound rather than spelling ("Kubyansk" for Kupiansk): weak
    /// evidence that the resolver accepts only near the document's other places.
    pub fuzzy: bool,
    /// A nationality word ("Russian", "Israelis") standing for its country.
    pub demonym: bool,
    /// Right after "the": "the White House", "the Kremlin" name buildings
    /// and institutions; a town is seldom written so.
    pub after_the: bool,
}

/// What recognition looks for besides the names of places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecognizeOptions {
    /// Nationality adjectives and nouns ("Russian troops", "Israelis") are
    /// mentions of their country.
    pub demonyms: bool,
}

impl Default for RecognizeOptions {
    /// Demonyms on: see the README ("Demonyms") for why a map wants them.
    fn default() -> Self {
        RecognizeOptions { demonyms: true }
    }
}

/// Months and weekdays: a closed class of capitalized words that are dates.
const CALENDAR: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words that make a following name a region ("Belgorod region", "Belgorod’s
/// regional governor", "Belgorod Governor").
const REGION_WORDS: &[&str] = &[
    "region",
    "regions",
    "oblast",
    "oblasts",
    "province",
    "provinces",
    "governorate",
    "krai",
    "kray",
    "republic",
    "regional",
    "governor",
];

/// Words that say the next name is a settlement.
const SETTLEMENT_WORDS: &[&str] = &["city", "town", "village", "capital", "port", "settlement"];

/// Capitalized words that may stand before a place name without making it
/// part of another name ("Northern Virginia", "Greater Manchester").
const GEO_MODIFIERS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "upper",
    "lower",
    "greater",
    "downtown",
    "metro",
    "inner",
    "outer",
    "occupied",
    "liberated",
    "mid",
    "midtown",
    "uptown",
    "suburban",
    "rural",
];

/// Words that may follow a given name without it being a person's name:
/// the name is then part of a longer place ("Victoria Station", "Jordan River").
const GEO_HEADS: &[&str] = &[
    "region",
    "oblast",
    "province",
    "county",
    "city",
    "street",
    "square",
    "river",
    "lake",
    "station",
    "airport",
    "bay",
    "mountain",
    "mountains",
    "valley",
    "island",
    "islands",
    "district",
    "raion",
    "state",
    "avenue",
    "road",
    "park",
    "bridge",
    "port",
    "harbor",
    "harbour",
    "sea",
    "gulf",
    "strait",
    "peninsula",
    "front",
    "direction",
    "axis",
];

/// Verbs of speech: a bare town name before one is a person ("Burley
/// said"). Countries and regions speak in news ("Russia said"), towns rarely.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "explained",
    "testified",
    "stated",
    "noted",
    "wrote",
    "asked",
    "replied",
    "recalled",
    "insisted",
    "acknowledged",
];

/// Titles that make the next capitalized word a person ("Sheriff Torres",
/// "Mr. Jones"), abbreviations without their period.
const PERSON_TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "sheriff",
    "capt",
    "captain",
    "sgt",
    "sergeant",
    "lt",
    "lieutenant",
    "officer",
    "judge",
    "coach",
    "mayor",
    "detective",
    "trooper",
    "pastor",
    "rev",
    "reverend",
    "deputy",
    "councilman",
    "councilwoman",
    "commissioner",
    "superintendent",
    "principal",
    "attorney",
    "prof",
    "professor",
    "cpl",
    "corporal",
    "pvt",
    "det",
    "chief",
    "president",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "pope",
];

/// Words after a name that make it a street ("Memphis Street", "Dublin
/// Road", "Lakeview and Harrison streets"): a street is not the town.
const STREET_WORDS: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "highway",
    "hwy",
    "parkway",
    "pkwy",
    "court",
    "ct",
    "pike",
    "streets",
    "roads",
    "avenues",
    "drives",
    "lanes",
];

/// Which of the word lists above a word (in lower case) is on, as bits:
/// a name's neighbours are looked up once each, not once per list.
mod cue {
    pub const CALENDAR: u16 = 1 << 0;
    pub const REGION: u16 = 1 << 1;
    pub const SETTLEMENT: u16 = 1 << 2;
    pub const GEO_MODIFIER: u16 = 1 << 3;
    pub const GEO_HEAD: u16 = 1 << 4;
    pub const SPEECH: u16 = 1 << 5;
    pub const PERSON_TITLE: u16 = 1 << 6;
    pub const STREET: u16 = 1 << 7;
    pub const ORGANISATION: u16 = 1 << 8;
}

/// Words after a place's name that make it an organisation's name ("the
/// Kyiv School of Economics", "Dynamo Kyiv" aside, "Lviv FC").
const ORGANISATION_HEADS: &[&str] = &["school", "university", "academy", "college", "club", "fc"];

/// Every list of [`cue`] words, with its bit.
const CUE_LISTS: [(&[&str], u16); 9] = [
    (CALENDAR, cue::CALENDAR),
    (REGION_WORDS, cue::REGION),
    (SETTLEMENT_WORDS, cue::SETTLEMENT),
    (GEO_MODIFIERS, cue::GEO_MODIFIER),
    (GEO_HEADS, cue::GEO_HEAD),
    (SPEECH_VERBS, cue::SPEECH),
    (PERSON_TITLES, cue::PERSON_TITLE),
    (STREET_WORDS, cue::STREET),
    (ORGANISATION_HEADS, cue::ORGANISATION),
];

/// The lists of [`cue`] words, read once into one table, keyed by the
/// word's bytes packed into a `u128` (every cue word is short ASCII): a
/// look-up compares one integer rather than following a string.
static CUE_WORDS: std::sync::LazyLock<foldhash::HashMap<u128, u16>> =
    std::sync::LazyLock::new(|| {
        let mut table = foldhash::HashMap::default();
        for (words, bit) in CUE_LISTS {
            for &w in words {
                let key = cue_key(w).expect("cue words are short ASCII");
                *table.entry(key).or_insert(0) |= bit;
            }
        }
        table
    });

/// `lower` packed into a `u128`, if it is ASCII and fits (no cue word has
/// a NUL byte, so the zero padding cannot make two words one key).
fn cue_key(lower: &str) -> Option<u128> {
    let b = lower.as_bytes();
    if b.len() > 16 || !lower.is_ascii() || b.contains(&0) {
        return None;
    }
    Some(crate::text::pack16(b))
}

/// The [`cue`] lists `lower`, a word in lower case, is on.
fn cues_of_lowercase(lower: &str) -> u16 {
    cue_key(lower).map_or(0, |k| CUE_WORDS.get(&k).copied().unwrap_or(0))
}

/// The [`cue`] lists `word` is on, whatever its case.
fn cues(word: &str) -> u16 {
    with_lowercase(word, cues_of_lowercase)
}

/// The places a gazetteer name `word` (one word, as written) refers to.
/// A short ASCII word folds to its lower case, which is made on the stack:
/// recognition asks this of the words around thousands of names.
fn places_named<'g>(gazetteer: &'g Gazetteer, word: &str) -> impl Iterator<Item = Posting> + 'g {
    let offset = if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_whitespace()) {
        with_lowercase(word, |lower| gazetteer.names().get(lower))
    } else {
        gazetteer.names().get(crate::text::fold(word))
    };
    offset.into_iter().flat_map(|at| gazetteer.postings_at(at))
}

/// Whether `word` (one word, as written) is a gazetteer name. Every name
/// has at least one place (the gazetteer refuses an empty list at load),
/// so the name index answers alone, and the postings are not read.
fn is_place_name(gazetteer: &Gazetteer, word: &str) -> bool {
    if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_whitespace()) {
        with_lowercase(word, |lower| gazetteer.names().contains_key(lower))
    } else {
        gazetteer.names().contains_key(crate::text::fold(word))
    }
}

/// Whether `pos` lies in one of `ranges`, sorted and not overlapping.
fn in_ranges(ranges: &[(usize, usize)], pos: usize) -> bool {
    let k = ranges.partition_point(|&(s, _)| s <= pos);
    k > 0 && pos < ranges[k - 1].1
}

/// Byte ranges of web addresses, e-mail addresses and bare domain names.
///
/// Only the words that hold a `.`, `@` or `:` can be addresses, so the
/// text is searched for those bytes and only the words around them are
/// read.
pub fn address_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let bytes = text.as_bytes();
    // Words that end before this were read already.
    let mut done = 0;
    for hit in memchr::memchr3_iter(b'.', b'@', b':', bytes) {
        if hit < done {
            continue;
        }
        let start = bytes[..hit]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(0, |p| p + 1);
        let mut i = bytes[hit..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(bytes.len(), |p| hit + p);
        let token = text[start..i].trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']);
        if is_address(token) {
            let mut end = start + token.len();
            if let Some(e) = url_continuation(text, token, i) {
                end = e;
                i = e;
            }
            ranges.push((start, end));
        }
        done = i;
    }
    ranges
}

/// Where a URL `token` that ends at byte `i` continues to when it was
/// broken across lines: it ends with a separator and the next word is
/// printable ASCII.
fn url_continuation(text: &str, token: &str, i: usize) -> Option<usize> {
    if !(token.contains("://") && token.ends_with(['-', '/', '_'])) {
        return None;
    }
    let rest = &text[i..];
    let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    let next = rest[skipped..]
        .split(char::is_whitespace)
        .next()
        .unwrap_or("");
    (!next.is_empty() && next.chars().all(|c| c.is_ascii_graphic()))
        .then(|| i + skipped + next.len())
}

fn is_address(token: &str) -> bool {
    let t = token.trim_start_matches(['(', '"', '\'', '<', '[']);
    // Every address has one of these; most words have none.
    if !t.contains(['.', '@', ':']) {
        return false;
    }
    if t.contains("://") || t.starts_with("www.") {
        return true;
    }
    if let Some((user, host)) = t.split_once('@') {
        return !user.is_empty() && host.contains('.');
    }
    // A bare domain: dotted labels ending in a lower-case top-level domain.
    let (Some(first), Some(tld)) = (t.split('.').next(), t.rsplit('.').next()) else {
        return false;
    };
    t.contains('.')
        && t.split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && first.chars().any(|c| c.is_ascii_lowercase())
}

/// A capitalized word right before a place name makes the name the end
/// of a longer proper name only when it is rarer than this as an English
/// word (Zipf 3.5: about three in a million words), or a given name. A
/// more frequent word is an ordinary word that happens to be capitalized
/// ("Soviet Kharkiv", "Historic Lviv"). So is "Xi" (4.1): "Jinping" after
/// it is left to resolution, which refuses a small town alone in a text.
const NAME_PART_MAX_ZIPF: f32 = 3.5;

/// Chooses, among overlapping names, the mentions of places, with the
/// default [`RecognizeOptions`].
pub fn recognize(text: &str, spans: &[NameSpan], gazetteer: &Gazetteer) -> Vec<Mention> {
    recognize_with(text, spans, gazetteer, RecognizeOptions::default())
}

/// Chooses, among overlapping names, the mentions of places.
pub fn recognize_with(
    text: &str,
    spans: &[NameSpan],
    gazetteer: &Gazetteer,
    options: RecognizeOptions,
) -> Vec<Mention> {
    let addresses = address_ranges(text);
    let headline_lines = headline_line_starts(text);
    let lexicon = gazetteer.lexicon();
    let surnames = surnames(text, gazetteer);
    let mut out: Vec<Mention> = Vec::new();
    let mut covered_until = 0;
    for span in spans {
        if span.byte_start < covered_until {
            continue;
        }
        if in_ranges(&addresses, span.byte_start) {
            continue;
        }
        // The longest name whose candidates fit the way it is written.
        let mut chosen = None;
        for &(end, offset) in &span.names {
            let surface = &text[span.byte_start..end];
            let upper = surface
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
            let candidates: Vec<Posting> = gazetteer
                .postings_at(offset)
                .filter(|p| upper || !p.has(Posting::ABBREVIATION))
                .collect();
            if !candidates.is_empty() {
                chosen = Some((end, candidates));
                break;
            }
        }
        let Some((end, candidates)) = chosen else {
            continue;
        };
        let surface = &text[span.byte_start..end];
        let single_word = !surface.contains(char::is_whitespace);
        if cues(surface) & cue::CALENDAR != 0 {
            continue;
        }
        if options.demonyms {
            // "English" is the nationality, not the town in Indiana.
            // "Sri Lankan", where "Sri" alone is a name too.
            if let Some((e, country)) = demonym_at(text, span.byte_start, end, gazetteer) {
                covered_until = e;
                out.push(demonym_mention(text, span.byte_start, e, country));
                continue;
            }
        }
        let before = &text[..span.byte_start];
        let after = &text[end..];
        let prev = previous_word(before);
        let next = next_word(after);
        let sentence_initial =
            is_sentence_initial(before) || in_ranges(&headline_lines, span.byte_start);
        // The word lists the next word is on, and whether it is on one.
        let (next_cues, next_lower_ends_in_s) = next.map_or((0, false), |w| {
            with_lowercase(w, |l| (cues_of_lowercase(l), l.ends_with('s')))
        });
        let next_is = |bit: u16| next_cues & bit != 0;
        let next_is_head = next_is(cue::GEO_HEAD);
        let next_capitalized = next.is_some_and(|w| w.starts_with(char::is_uppercase));

        // "Vladimir Putin", "Jordan Henderson": a given name and a surname.
        if single_word && lexicon.is_first_name(surface) && next_capitalized && !next_is_head {
            continue;
        }
        // "Vladimir Zelensky", "Houston Texans": a name followed by a
        // capitalized word that is neither an ordinary word nor a place is
        // the first half of a longer proper name. "Kyiv Post" and "Harbin
        // Institute" keep their place: "post" and "institute" are words.
        let next_is_name_part = next.is_some_and(|w| {
            next_capitalized
                && !next_is_head
                && !after.starts_with(['\'', '’'])
                && w.chars().count() > 1
                && lexicon.word_frequency(w) == 0.0
                && lexicon.demonym_country(w).is_none()
                && !is_place_name(gazetteer, w)
        });
        if single_word && next_is_name_part && !candidates.iter().any(|c| is_country(gazetteer, *c))
        {
            continue;
        }
        // "the Xinhua news agency", "the Anadolu Agency": an agency named
        // after a place is an organisation, not a mention of the place; so
        // is a school, club or academy ("the Kyiv School of Economics",
        // "Lviv FC"), which may be anywhere ("Harbin Institute" and "Kyiv
        // Post" keep their city: institutes and papers name where they are).
        if single_word
            && (starts_with_ignore_case(after, "news agency")
                || starts_with_ignore_case(after, "agency"))
        {
            continue;
        }
        if next_capitalized && next_is(cue::ORGANISATION) {
            continue;
        }
        let big_place = candidates
            .iter()
            .any(|&c| is_country(gazetteer, c) || is_first_level(gazetteer, c));
        if single_word && !big_place {
            // "Burley said", "Sheriff Torres", and "Burley" again once the
            // text has called him "Jim Burley": people, not towns.
            let speaks = next_is(cue::SPEECH) && !after.starts_with(['\'', '’', ',']);
            let titled =
                prev.is_some_and(|p| cues(p.trim_end_matches('.')) & cue::PERSON_TITLE != 0);
            if speaks || titled || surnames.contains(surface) {
                continue;
            }
        }
        // "Memphis Street", "Dublin Road": a street named after a town.
        if next_is(cue::STREET)
            && (next_capitalized || next_lower_ends_in_s)
            && !after.starts_with(['\'', '’'])
        {
            continue;
        }
        // "Xi Jinping", "President Vladimir": the end of a longer proper name.
        let prev_cues = prev.map_or(0, cues);
        if let Some(p) = prev {
            // A word that is no English word, no given name and no
            // nationality is a name even at the start of a sentence
            // ("Shakhtar Donetsk played in Lviv": the club, not the city).
            let unknown_word = lexicon.word_frequency(p) == 0.0
                && !lexicon.is_first_name(p)
                && lexicon.demonym_country(p).is_none();
            let p_is_name_part = p.starts_with(char::is_uppercase)
                && (unknown_word || !is_sentence_initial(&before[..before.len() - p.len() - 1]))
                && prev_cues & cue::GEO_MODIFIER == 0
                && !is_place_name(gazetteer, p)
                && (lexicon.word_frequency(p) < NAME_PART_MAX_ZIPF || lexicon.is_first_name(p));
            // After a full stop the word before ends a sentence: it is
            // not the first half of this name ("... from Avdiivka. Kramatorsk, about").
            if p_is_name_part && single_word && !is_sentence_initial(before) {
                continue;
            }
        }
        let region_cue =
            candidates.iter().any(|c| c.has(Posting::REGION_FORM)) || next_is(cue::REGION);
        let mut candidates = candidates;
        if region_cue && !candidates.iter().any(|c| c.has(Posting::REGION_FORM)) {
            // "Belgorod’s regional governor": the region named after the city.
            candidates.extend(gazetteer.lookup(&format!("{surface} region")));
        }
        // "the port city Odesa", "the city of Sumy"; a capitalized "City"
        // or "Town" is the start of a longer name ("City Hall").
        let city_cue = prev.is_some_and(|p| {
            (prev_cues & cue::SETTLEMENT != 0 && !p.starts_with(char::is_uppercase))
                || (p.eq_ignore_ascii_case("of") && settlement_before_of(before))
        });
        covered_until = end;
        out.push(Mention {
            byte_start: span.byte_start,
            byte_end: end,
            text: surface.to_string(),
            candidates,
            region_cue,
            city_cue,
            sentence_initial,
            word_frequency: if single_word {
                lexicon.word_frequency(surface)
            } else {
                0.0
            },
            fuzzy: false,
            demonym: false,
            after_the: prev.is_some_and(|p| p.eq_ignore_ascii_case("the"))
                && acts_alone(next, next_cues),
        });
    }
    add_unlisted_names(text, &addresses, gazetteer, options, &mut out);
    out
}

fn is_country(gazetteer: &Gazetteer, p: Posting) -> bool {
    gazetteer.facts(p.place()).kind.is_country_or_larger()
}

fn is_first_level(gazetteer: &Gazetteer, p: Posting) -> bool {
    let f = gazetteer.facts(p.place());
    f.kind == crate::gazetteer::PlaceKind::Region && f.rank == crate::gazetteer::Rank::Adm1
}

/// Surnames of the people the text names in full: the capitalized word after
/// a given name ("Adam Moore" gives "Moore"), so that "Moore" alone later is
/// the same person. A surname that is itself a country or first-level region
/// ("Georgia") is not taken.
fn surnames<'t>(text: &'t str, gazetteer: &Gazetteer) -> foldhash::HashSet<&'t str> {
    let lexicon = gazetteer.lexicon();
    let mut out = foldhash::HashSet::default();
    for (first, last) in capitalized_pairs(text) {
        if last.chars().count() > 2
            && lexicon.is_first_name(first)
            && !places_named(gazetteer, last)
                .any(|p| is_country(gazetteer, p) || is_first_level(gazetteer, p))
            && !places_named(gazetteer, first).any(|p| is_country(gazetteer, p))
        {
            out.insert(last);
        }
    }
    out
}

/// Letters, digits and hyphens: what the surname scan counts as a word.
fn name_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// Pairs of capitalized words with exactly one space between them ("Jim
/// Burley"), as `(first, last)`; words are the longest runs of
/// [`name_word_char`]. Found from capital to capital.
fn capitalized_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let (s1, e1) = next_capitalized_word(text, from, name_word_char)?;
        from = e1;
        let s2 = e1 + 1;
        if text.as_bytes().get(e1) != Some(&b' ') || !text[s2..].starts_with(name_word_char) {
            continue;
        }
        let last = &text[s2..word_end(text, s2, name_word_char)];
        if last.starts_with(char::is_uppercase) {
            return Some((&text[s1..e1], last));
        }
    })
}

/// The next word at or after byte `from` (a character boundary) that starts
/// with a capital letter, as `(start, end)`: words are the longest runs of
/// characters `word_char` accepts. Found from capital to capital, eight
/// bytes at a time, rather than character by character.
fn next_capitalized_word(
    text: &str,
    from: usize,
    word_char: impl Fn(char) -> bool + Copy,
) -> Option<(usize, usize)> {
    let mut i = from;
    loop {
        let at = next_capital_or_non_ascii(text.as_bytes(), i)?;
        let c = text[at..].chars().next()?;
        let starts = c.is_uppercase()
            && word_char(c)
            && !text[..at].chars().next_back().is_some_and(word_char);
        if starts {
            return Some((at, word_end(text, at, word_char)));
        }
        i = at + c.len_utf8();
    }
}

/// The end of the run of `word_char` characters from byte `start`. ASCII
/// bytes are taken as they are; only other characters are decoded.
fn word_end(text: &str, start: usize, word_char: impl Fn(char) -> bool) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        let (c, width) = if b < 0x80 {
            (char::from(b), 1)
        } else {
            let c = text[i..].chars().next().expect("i is a character boundary");
            (c, c.len_utf8())
        };
        if !word_char(c) {
            return i;
        }
        i += width;
    }
    text.len()
}

/// Whether a name followed by `next` (the word right after it, if one
/// space away) stands as the head of its phrase: before a verb of speech
/// or a small verb ("the Kremlin said", "the White House has"), or before
/// punctuation; not before a noun it modifies ("the Vovchansk outskirts").
fn acts_alone(next: Option<&str>, next_cues: u16) -> bool {
    const SMALL_VERBS: &[&str] = &[
        "has",
        "had",
        "have",
        "is",
        "was",
        "will",
        "would",
        "did",
        "does",
        "denied",
        "declined",
        "announced",
        "confirmed",
        "warned",
        "urged",
        "rejected",
    ];
    match next {
        None => true,
        Some(w) => next_cues & cue::SPEECH != 0 || SMALL_VERBS.contains(&w),
    }
}

/// A nationality word at `start..end` standing for `country`.
fn demonym_mention(text: &str, start: usize, end: usize, country: PlaceIdx) -> Mention {
    Mention {
        byte_start: start,
        byte_end: end,
        text: text[start..end].to_string(),
        candidates: vec![Posting::new(country, Posting::PREFERRED)],
        region_cue: false,
        city_cue: false,
        sentence_initial: false,
        word_frequency: 0.0,
        fuzzy: false,
        demonym: true,
        after_the: false,
    }
}

/// The longest nationality word at a capitalized word `s..i` of `text`:
/// one, two or three words ("Russian", "Sri Lankan", "Papua New Guinean"),
/// each capitalized, one space apart; its end and its country.
fn demonym_at(text: &str, s: usize, i: usize, gazetteer: &Gazetteer) -> Option<(usize, PlaceIdx)> {
    let lexicon = gazetteer.lexicon();
    let mut ends = [i; 3];
    let mut n = 1;
    while n < ends.len() {
        let Some(next) = text[ends[n - 1]..].strip_prefix(' ') else {
            break;
        };
        if !next.starts_with(char::is_uppercase) {
            break;
        }
        ends[n] = word_end(text, ends[n - 1] + 1, char::is_alphabetic);
        n += 1;
    }
    ends[..n].iter().rev().find_map(|&e| {
        let country = lexicon.demonym_country(&text[s..e])?;
        Some((e, gazetteer.country(country)?))
    })
}

/// Capitalized words that the gazetteer does not know: nationality words
/// standing for their country (when [`RecognizeOptions::demonyms`]), and
/// words that sound like a town it does: "Kubyansk" is Kupiansk after a
/// round trip through Arabic (only unknown proper-noun shapes mid-sentence
/// are tried for those). One walk from capital to capital finds both.
fn add_unlisted_names(
    text: &str,
    addresses: &[(usize, usize)],
    gazetteer: &Gazetteer,
    options: RecognizeOptions,
    out: &mut Vec<Mention>,
) {
    let lexicon = gazetteer.lexicon();
    let mut found = Vec::new();
    let mut mentions = out.iter().peekable();
    // Only capitalized words are tried: jump from capital to capital.
    let mut next = 0;
    while let Some((s, i)) = next_capitalized_word(text, next, char::is_alphabetic) {
        next = i;
        let word = &text[s..i];
        let proper = word.chars().skip(1).all(char::is_lowercase) && word.chars().count() >= 5;
        if !proper {
            continue;
        }
        while mentions.peek().is_some_and(|m| m.byte_end <= s) {
            mentions.next();
        }
        if mentions.peek().is_some_and(|m| m.byte_start < i) {
            continue; // already a mention
        }
        if options.demonyms && !in_ranges(addresses, s) {
            if let Some((end, country)) = demonym_at(text, s, i, gazetteer) {
                if mentions.peek().is_none_or(|m| m.byte_start >= end) {
                    found.push(demonym_mention(text, s, end, country));
                    next = end;
                    continue;
                }
            }
        }
        if in_ranges(addresses, s)
            || is_sentence_initial(&text[..s])
            || lexicon.word_frequency(word) > 0.0
            || lexicon.is_first_name(word)
            || lexicon.demonym_country(word).is_some()
            || is_place_name(gazetteer, word)
        {
            continue;
        }
        if let Some(place) = gazetteer.sound_lookup(word) {
            found.push(Mention {
                byte_start: s,
                byte_end: i,
                text: word.to_string(),
                candidates: vec![Posting::new(place, 0)],
                region_cue: false,
                city_cue: false,
                sentence_initial: false,
                word_frequency: 0.0,
                fuzzy: true,
                demonym: false,
                after_the: false,
            });
        }
    }
    if !found.is_empty() {
        out.extend(found);
        out.sort_by_key(|m| m.byte_start);
    }
}

/// Whether `after`, past its leading spaces, starts with the ASCII `phrase`
/// in any case. (No other character lower-cases to the letters of the
/// phrases asked about, so this is the lower-cased text's `starts_with`.)
fn starts_with_ignore_case(after: &str, phrase: &str) -> bool {
    let rest = after.trim_start_matches(' ').as_bytes();
    rest.len() >= phrase.len() && rest[..phrase.len()].eq_ignore_ascii_case(phrase.as_bytes())
}

/// The word right before, when only one space separates it from the name.
fn previous_word(before: &str) -> Option<&str> {
    let b = before.strip_suffix(' ')?;
    let start = b
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let w = &b[start..];
    (!w.is_empty()).then_some(w)
}

/// The word right after, when only one space separates it from the name
/// (or its possessive: "Belgorod’s regional").
fn next_word(after: &str) -> Option<&str> {
    let after = ["'s", "’s"]
        .iter()
        .find_map(|p| after.strip_prefix(p))
        .unwrap_or(after);
    let a = after.strip_prefix(' ')?;
    let end = a
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(a.len(), |(i, _)| i);
    let w = &a[..end];
    (!w.is_empty()).then_some(w)
}

/// "... city of" / "... town of": the words before "of".
fn settlement_before_of(before: &str) -> bool {
    let b = before.trim_end();
    let Some(b) = b.strip_suffix("of") else {
        return false;
    };
    previous_word(b).is_some_and(|w| cues(w) & cue::SETTLEMENT != 0)
}

/// Byte ranges of lines set in title case (headlines), where every word is
/// capitalized and capitals say nothing about names.
fn headline_line_starts(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if is_title_case(line) {
            out.push((offset, offset + line.len()));
        }
        offset += line.len();
    }
    out
}

/// A line is a headline when at least this many in ten of its words are
/// capitalized: fewer than all, so that a title with a lower-case "with"
/// or "from" still counts, and enough that prose, whose capitals are
/// names and sentence starts, does not.
const HEADLINE_CAPITALS_IN_TEN: usize = 7;

/// True when `line` has three words of four letters or more (runs of
/// letters) and at least seven in ten of them are capitalized
/// ([`HEADLINE_CAPITALS_IN_TEN`]).
///
/// Headline detection reads every line of every document, and most lines
/// are paragraphs: ASCII bytes are classified as bytes, only other
/// characters are decoded, and the scan stops once the words left in the
/// line could no longer make up the capitals it lacks.
fn is_title_case(line: &str) -> bool {
    let bytes = line.as_bytes();
    let (mut words, mut capitalized) = (0usize, 0usize);
    // Letters in the current run, and whether its first one is a capital.
    let (mut run, mut upper) = (0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (letter, capital, width) = if b < 0x80 {
            (b.is_ascii_alphabetic(), b.is_ascii_uppercase(), 1)
        } else {
            let c = line[i..].chars().next().expect("i is a character boundary");
            (c.is_alphabetic(), c.is_uppercase(), c.len_utf8())
        };
        i += width;
        if letter {
            if run == 0 {
                upper = capital;
            }
            run += 1;
            continue;
        }
        if run >= 4 {
            words += 1;
            capitalized += usize::from(upper);
            // A word still to come takes four letters and a separator.
            let most_capitals = capitalized + (bytes.len() - i) / 5 + 1;
            // The share of capitals could no longer reach the threshold.
            if (10 - HEADLINE_CAPITALS_IN_TEN) * most_capitals
                < HEADLINE_CAPITALS_IN_TEN * (words - capitalized)
            {
                return false;
            }
        }
        run = 0;
    }
    if run >= 4 {
        words += 1;
        capitalized += usize::from(upper);
    }
    words >= 3 && capitalized * 10 >= words * HEADLINE_CAPITALS_IN_TEN
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sentences, a gazetteer name in each (its last occurrence), and
    /// whether it ends up on the map, for the rules that refuse names:
    /// people, dates and the ends of longer proper names. Each name is a
    /// place in the shipped gazetteer, so a row fails if its rule stops
    /// refusing it.
    const PEOPLE_AND_DATES: &[(&str, &str, bool)] = &[
        // A given name followed by a capitalized word: a person.
        ("Vladimir Putin met the envoy.", "Vladimir", false),
        ("The envoy flew on to Vladimir.", "Vladimir", true),
        ("Jordan Henderson scored twice.", "Jordan", false),
        ("Aid arrived in Jordan overnight.", "Jordan", true),
        ("Florence Pugh starred in the film.", "Florence", false),
        // ... unless the capitalized word says what kind of place it is.
        ("Trains stopped at Florence Station.", "Florence", true),
        // A town that speaks, or has a title, is a person.
        ("Burley said the road was closed.", "Burley", false),
        ("Snow fell in Burley overnight.", "Burley", true),
        ("Sheriff Torres closed the road.", "Torres", false),
        ("Storms flooded Torres again.", "Torres", true),
        // A surname once given with a given name stays a person.
        (
            "Jim Burley spoke first. Later, Burley left.",
            "Burley",
            false,
        ),
        // Months and weekdays are dates, even where a town has the name.
        ("Talks resume in March.", "March", false),
        ("Elections are due in May.", "May", false),
        // The second half of a longer proper name. "Xi" is too frequent a
        // word (see NAME_PART_MAX_ZIPF) for recognition to refuse
        // "Jinping" after it; resolution refuses the small town, alone in
        // the text.
        ("Chinese leader Xi Jinping arrived.", "Jinping", false),
        // A full stop ends the name before; a word of direction is not
        // part of a name.
        (
            "Shelling hit Avdiivka. Kramatorsk, about 80 km away, was spared.",
            "Kramatorsk",
            true,
        ),
        ("Storms hit Northern Virginia overnight.", "Virginia", true),
        // Issue 18, point 7: a school or a club named after a city is an
        // organisation, wherever it plays; a palace is not a district.
        (
            "Economists at the Kyiv School of Economics published a survey.",
            "Kyiv",
            false,
        ),
        (
            "Shakhtar Donetsk played its home game in Lviv.",
            "Donetsk",
            false,
        ),
        (
            "Fans watched Shakhtar Donetsk beat Zorya in Lviv.",
            "Donetsk",
            false,
        ),
        ("Shelling hit Donetsk again.", "Donetsk", true),
        (
            "The Élysée said on Monday that talks would resume.",
            "Élysée",
            false,
        ),
    ];

    #[test]
    fn people_dates_and_longer_names_are_not_mapped() {
        use crate::resolve::{resolve, ResolveOptions};
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let matcher = crate::matcher::Matcher::new(&g);
        for &(sentence, name, mapped) in PEOPLE_AND_DATES {
            assert!(!g.lookup(name).is_empty(), "{name} is a gazetteer name");
            let at = sentence.rfind(name).expect("the name is in the sentence");
            let mentions = recognize(sentence, &matcher.find(sentence), &g);
            let places = resolve(sentence, &mentions, &g, &ResolveOptions::default());
            let found = places.iter().any(|m| m.byte_start == at && m.text == name);
            assert_eq!(found, mapped, "{name} in {sentence:?}: {places:?}");
        }
    }

    /// Issue 18, point 7: buildings that stand for governments move no
    /// place onto the map.
    #[test]
    fn seats_of_government_are_not_places() {
        use crate::resolve::{resolve, ResolveOptions};
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let matcher = crate::matcher::Matcher::new(&g);
        for sentence in [
            "The Kremlin denied the report.",
            "The Pentagon said the drills would continue.",
            "Downing Street declined to comment.",
            "The White House said talks were under way.",
        ] {
            let mentions = recognize(sentence, &matcher.find(sentence), &g);
            let places = resolve(sentence, &mentions, &g, &ResolveOptions::default());
            assert!(places.is_empty(), "{sentence:?}: {places:?}");
        }
    }

    #[test]
    fn cue_words_are_found_on_their_lists_in_any_case() {
        for (words, bit) in CUE_LISTS {
            for w in words {
                assert_ne!(cues(w) & bit, 0, "{w}");
                assert_ne!(cues(&w.to_uppercase()) & bit, 0, "{w}");
            }
        }
        // "Dr" is a title and a street; "region" a region word and a head.
        assert_eq!(cues("Dr"), cue::PERSON_TITLE | cue::STREET);
        assert_eq!(cues("Region"), cue::REGION | cue::GEO_HEAD);
        for w in [
            "Kharkiv",
            "",
            "of",
            "regions of",
            "Mayday",
            "march\0",
            "superintendents",
        ] {
            assert_eq!(cues(w), 0, "{w}");
        }
    }

    #[test]
    fn ranges_are_searched_as_a_scan_would() {
        let ranges = [(3, 7), (7, 9), (12, 20), (25, 26)];
        for pos in 0..30 {
            let scan = ranges.iter().any(|&(s, e)| pos >= s && pos < e);
            assert_eq!(in_ranges(&ranges, pos), scan, "{pos}");
        }
        assert!(!in_ranges(&[], 0));
    }

    #[test]
    fn places_named_are_the_gazetteer_lookup() {
        let Ok(g) = Gazetteer::embedded() else {
            return;
        };
        let long = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch";
        for w in [
            "Kharkiv",
            "KHARKIV",
            "kharkiv",
            "Kyïv",
            "Харків",
            "Russia’s",
            "Nowhereville",
            long,
            "",
            "St.",
            "Sumy-",
            "Bakhmut",
        ] {
            assert_eq!(places_named(&g, w).collect::<Vec<_>>(), g.lookup(w), "{w}");
            assert_eq!(is_place_name(&g, w), !g.lookup(w).is_empty(), "{w}");
        }
    }

    /// Words of four letters or more in `line` and how many are
    /// capitalized, by splitting it: what [`is_title_case`] counts.
    fn title_words_by_split(line: &str) -> (usize, usize) {
        let words: Vec<&str> = line
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() >= 4)
            .collect();
        let capitalized = words
            .iter()
            .filter(|w| w.starts_with(char::is_uppercase))
            .count();
        (words.len(), capitalized)
    }

    /// Every word (the longest runs of `word_char`) with its start, found
    /// character by character: what the capital-to-capital scans replaced.
    fn words_by_chars(text: &str, word_char: impl Fn(char) -> bool) -> Vec<(usize, &str)> {
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            if word_char(c) {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                words.push((s, &text[s..i]));
            }
        }
        words
    }

    #[test]
    fn capital_scans_match_the_character_by_character_ones() {
        let texts = crate::sample_texts::with_corpus(&[
            "Vladimir Putin met Jim Burley and Olga  Smith; -Anna Kovalenko, Ivan-Petrov Kharkiv",
            "ÉMILE Zola, Émile Zola and Ørjan Haaland; iPhone Kyiv 5Kharkiv Kubyansk Харків Ольга Петренко",
            "Troops left Kubyansk and Vovchansk, near Kupyansk; see www.Kubyansk.com. Charkiw Ⅻ Ⓐbcdef",
            "HEADLINE IN CAPITALS ABOUT KHARKIV\nAnd Then A Title Case Line Here\nА Це Заголовок Для Тесту Тут\nplain text",
            "Tail Word",
        ]);
        for text in &texts {
            for (at, _) in text.char_indices().take(200) {
                let t = &text[at..];
                // Capitalized words, for each kind of word the scans use.
                for word_char in [char::is_alphabetic, name_word_char] {
                    let want: Vec<(usize, usize)> = words_by_chars(t, word_char)
                        .into_iter()
                        .filter(|(_, w)| w.starts_with(char::is_uppercase))
                        .map(|(s, w)| (s, s + w.len()))
                        .collect();
                    let mut got = Vec::new();
                    let mut from = 0;
                    while let Some((s, e)) = next_capitalized_word(t, from, word_char) {
                        got.push((s, e));
                        from = e;
                    }
                    assert_eq!(got, want, "{t:?}");
                }
                // Adjacent pairs of them, one space apart.
                let words = words_by_chars(t, name_word_char);
                let want: Vec<(&str, &str)> = words
                    .windows(2)
                    .filter(|p| {
                        let ((s1, first), (s2, last)) = (p[0], p[1]);
                        s2 == s1 + first.len() + 1
                            && t.as_bytes()[s1 + first.len()] == b' '
                            && first.starts_with(char::is_uppercase)
                            && last.starts_with(char::is_uppercase)
                    })
                    .map(|p| (p[0].1, p[1].1))
                    .collect();
                assert_eq!(capitalized_pairs(t).collect::<Vec<_>>(), want, "{t:?}");
                for line in t.split_inclusive('\n') {
                    let (words, capitalized) = title_words_by_split(line);
                    let want = words >= 3 && capitalized * 10 >= words * HEADLINE_CAPITALS_IN_TEN;
                    assert_eq!(is_title_case(line), want, "{line:?}");
                }
            }
        }
    }

    #[test]
    fn phrase_check_is_lower_casing_the_text() {
        let texts = [
            "News Agency said",
            " agency",
            "  AGENCY of",
            "Agenc",
            "İnews agency",
            "\u{212A}agency",
            "NEWS AGENCYx",
            "",
            " ",
            "news  agency",
            "Agency\u{300}",
            "ΑΓΕΝΣΥ",
        ];
        for after in texts {
            let lowered: String = after
                .trim_start_matches(' ')
                .chars()
                .take(12)
                .flat_map(char::to_lowercase)
                .collect();
            for phrase in ["news agency", "agency"] {
                assert_eq!(
                    starts_with_ignore_case(after, phrase),
                    lowered.starts_with(phrase),
                    "{after:?} {phrase:?}"
                );
            }
        }
    }

    #[test]
    fn title_case_stops_early_only_when_the_answer_is_no() {
        // Lines of random words near the seven-in-ten threshold, where the
        // early stop must never cut a headline short.
        let words = [
            "Kharkiv",
            "then",
            "THEN",
            "Émile",
            "émile",
            "Харків",
            "харків",
            "a",
            "Abc",
            "x1y",
            "Oblast",
            "news",
            "Tail",
        ];
        let seps = [" ", ", ", "—", " ’", "  ", "-"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..5000 {
            let mut line = String::new();
            for _ in 0..next(16) {
                line.push_str(words[next(words.len())]);
                line.push_str(seps[next(seps.len())]);
            }
            let (w, c) = title_words_by_split(&line);
            let want = w >= 3 && c * 10 >= w * HEADLINE_CAPITALS_IN_TEN;
            assert_eq!(is_title_case(&line), want, "{line:?}");
        }
    }

    #[test]
    fn finds_web_and_mail_addresses() {
        let text = "See https://example.com/kharkiv-news-\nsecond-part and aljazeera.net or kyiv@post.ua. U.S. forces";
        let r = address_ranges(text);
        let found: Vec<&str> = r.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            found,
            vec![
                "https://example.com/kharkiv-news-\nsecond-part",
                "aljazeera.net",
                "kyiv@post.ua"
            ]
        );
        for yes in ["www.kyivpost.com", "(news.kharkiv.ua", "http://x", "a@b.c"] {
            assert!(is_address(yes), "{yes}");
        }
        for no in [
            "St.Petersburg",
            "Kyiv.Post",
            "3.5",
            "e.g",
            "a.m",
            "U.S",
            "@x",
            "ok",
            "a..b.com",
        ] {
            assert!(!is_address(no), "{no}");
        }
    }

    /// The word-by-word scan that [`address_ranges`] replaced.
    fn address_ranges_by_words(text: &str) -> Vec<(usize, usize)> {
        let mut ranges = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let token = text[start..i].trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']);
            if is_address(token) {
                let mut end = start + token.len();
                if let Some(e) = url_continuation(text, token, i) {
                    end = e;
                    i = e;
                }
                ranges.push((start, end));
            }
        }
        ranges
    }

    #[test]
    fn address_search_equals_the_word_scan() {
        let texts = [
            "See https://example.com/kharkiv-news-\nsecond-part.kyiv.ua and aljazeera.net.",
            "Mail a@b.com, (www.rt.com) or http://x.y/a_\n\n b.c: U.S. forces, 10.5 km. e.g. St.Louis",
            "Харків: «kyiv@post.ua»; ftp://host/path- \t x@y.z.\u{a0}end",
            "",
            "no dots here at all",
            "trailing https://a.b/-",
        ];
        for t in texts {
            assert_eq!(address_ranges(t), address_ranges_by_words(t), "{t:?}");
        }
    }

    #[test]
    fn neighbouring_words() {
        assert_eq!(previous_word("President "), Some("President"));
        assert_eq!(previous_word("counterpart Xi "), Some("Xi"));
        assert_eq!(previous_word("said, "), None);
        assert_eq!(next_word(" Putin said"), Some("Putin"));
        assert_eq!(next_word("’s renewed"), Some("renewed"));
        assert_eq!(next_word(", said"), None);
        assert!(settlement_before_of("the Chinese city of "));
    }

    #[test]
    fn title_case_lines_are_headlines() {
        let text = "Kremlin Denies Offensive On Ukraine’s Northeast Failed\nThe Kremlin said on Wednesday that it had not failed.";
        let h = headline_line_starts(text);
        assert_eq!(h.len(), 1);
        assert!(h[0].1 <= text.find("The").unwrap());
    }
}
