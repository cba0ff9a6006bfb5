//! Units of length and area: the [`Unit`] values the output names, with
//! their exact sizes; the spellings a text writes them with; and the
//! quick tests of whether a word can begin one ([`begins_unit`], and
//! [`unit_words`] over a whole text), which decide where quantities are
//! looked for at all.
//!
//! This module knows words, not tokens in context: matching a whole
//! spelling against the tokens after a number is [`super::quantity`]'s.

use crate::text::bytes::{ascii_letters, first_lane, lanes_at_or_zero};

/// A unit of length or area, as the output names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Km,
    Mi,
    M,
    Nmi,
    Km2,
    Mi2,
    M2,
    Ha,
    Acre,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 9] = [
        Unit::Km,
        Unit::Mi,
        Unit::M,
        Unit::Nmi,
        Unit::Km2,
        Unit::Mi2,
        Unit::M2,
        Unit::Ha,
        Unit::Acre,
    ];

    /// The unit the output names `name` ([`Unit::as_str`]).
    pub fn from_name(name: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == name)
    }

    /// The normalized spelling written to the output.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Km => "km",
            Unit::Mi => "mi",
            Unit::M => "m",
            Unit::Nmi => "nmi",
            Unit::Km2 => "km2",
            Unit::Mi2 => "mi2",
            Unit::M2 => "m2",
            Unit::Ha => "ha",
            Unit::Acre => "acre",
        }
    }

    pub fn is_area(self) -> bool {
        matches!(
            self,
            Unit::Km2 | Unit::Mi2 | Unit::M2 | Unit::Ha | Unit::Acre
        )
    }

    /// Kilometres per unit (lengths) or square kilometres per unit (areas),
    /// from the exact definitions: the international mile is 1609.344 m,
    /// the nautical mile 1852 m, the acre 4046.8564224 m², the hectare 10⁴ m².
    pub fn to_km(self) -> f64 {
        const MILE_KM: f64 = 1.609_344;
        match self {
            Unit::Km => 1.0,
            Unit::Mi => MILE_KM,
            Unit::M => 0.001,
            Unit::Nmi => 1.852,
            Unit::Km2 => 1.0,
            Unit::Mi2 => MILE_KM * MILE_KM,
            Unit::M2 => 1e-6,
            Unit::Ha => 0.01,
            Unit::Acre => 0.004_046_856_422_4,
        }
    }
}

/// Unit spellings, as sequences of lower-cased tokens, area units first so
/// "km²" is not read as "km".
pub(super) const UNITS: &[(&[&str], Unit)] = &[
    (&["nautical", "miles"], Unit::Nmi),
    (&["nautical", "mile"], Unit::Nmi),
    (&["nmi"], Unit::Nmi),
    (&["square", "kilometres"], Unit::Km2),
    (&["square", "kilometers"], Unit::Km2),
    (&["square", "kilometre"], Unit::Km2),
    (&["square", "kilometer"], Unit::Km2),
    (&["square", "km"], Unit::Km2),
    (&["sq", ".", "km"], Unit::Km2),
    (&["sq", "km"], Unit::Km2),
    (&["km", "²"], Unit::Km2),
    (&["km", "2"], Unit::Km2),
    (&["square", "miles"], Unit::Mi2),
    (&["square", "mile"], Unit::Mi2),
    (&["sq", ".", "mi"], Unit::Mi2),
    (&["sq", "mi"], Unit::Mi2),
    (&["mi", "²"], Unit::Mi2),
    (&["square", "metres"], Unit::M2),
    (&["square", "meters"], Unit::M2),
    (&["square", "metre"], Unit::M2),
    (&["square", "meter"], Unit::M2),
    (&["m", "²"], Unit::M2),
    (&["hectares"], Unit::Ha),
    (&["hectare"], Unit::Ha),
    (&["ha"], Unit::Ha),
    (&["acres"], Unit::Acre),
    (&["acre"], Unit::Acre),
    (&["kilometres"], Unit::Km),
    (&["kilometers"], Unit::Km),
    (&["kilometre"], Unit::Km),
    (&["kilometer"], Unit::Km),
    (&["kms"], Unit::Km),
    (&["km"], Unit::Km),
    (&["miles"], Unit::Mi),
    (&["mile"], Unit::Mi),
    (&["mi"], Unit::Mi),
    (&["metres"], Unit::M),
    (&["meters"], Unit::M),
    (&["metre"], Unit::M),
    (&["meter"], Unit::M),
    (&["m"], Unit::M),
];

/// Whether a word, lower-cased and as `written`, can be the first word of
/// a unit in [`UNITS`] (a [`CASE_SENSITIVE`] one only as written): a
/// quantity is read only where one is.
pub fn begins_unit(lower: &str, written: &str) -> bool {
    let l = lower.as_bytes();
    let could = l
        .first()
        .is_some_and(|&f| could_begin_unit(f, l.get(1).copied().unwrap_or(0)));
    if !could || l.len() > LONGEST_UNIT_WORD {
        return false;
    }
    match unit_first_word(l) {
        Some(case_sensitive) => !case_sensitive || written == lower,
        None => false,
    }
}

/// Whether `lower` is the first word of a unit, and if so whether that
/// unit is one only as written in lower case.
fn unit_first_word(lower: &[u8]) -> Option<bool> {
    match lower {
        b"m" | b"mi" | b"ha" => Some(true),
        b"nautical" | b"nmi" | b"square" | b"sq" | b"km" | b"kms" | b"kilometres"
        | b"kilometers" | b"kilometre" | b"kilometer" | b"miles" | b"mile" | b"metres"
        | b"meters" | b"metre" | b"meter" | b"hectares" | b"hectare" | b"acres" | b"acre" => {
            Some(false)
        }
        _ => None,
    }
}

/// Where the words that can begin a unit ([`begins_unit`]) are in `text`:
/// the start of every such run of ASCII letters, in order. A token lower-
/// cased to ASCII letters is written in ASCII letters, but for the Kelvin
/// sign ("\u{212A}m" is "km"): `None` for a text that has one.
///
/// A word token written in ASCII letters is a whole run of them (no other
/// token holds a letter, and a word goes on over any letter), so this
/// finds every word [`begins_unit`] accepts, without tokenizing.
pub fn unit_words(text: &str) -> Option<Vec<usize>> {
    if text.contains('\u{212A}') {
        return None;
    }
    let b = text.as_bytes();
    let mut found = Vec::new();
    // Eight bytes at a time, the starts of runs of letters, of which only
    // the few that begin as a unit's first word does are read on.
    // Bit 7: the byte before the eight is a letter.
    let mut carry = 0;
    let mut base = 0;
    while base < b.len() {
        let lanes = lanes_at_or_zero(b, base);
        let letters = ascii_letters(lanes);
        let mut starts = letters & !((letters << 8) | carry);
        carry = letters >> 56;
        while starts != 0 {
            let lane = first_lane(starts);
            starts &= starts - 1;
            let first = (lanes >> (8 * lane)) as u8;
            if UNIT_FIRST_LETTERS & (1 << (first & 31)) == 0 {
                continue;
            }
            let at = base + lane;
            let second = if lane < 7 {
                (lanes >> (8 * lane + 8)) as u8
            } else {
                b.get(at + 1).copied().unwrap_or(0)
            };
            if !could_begin_unit(first, second) {
                continue;
            }
            let mut end = at + 1;
            while end < b.len() && end <= at + LONGEST_UNIT_WORD && b[end].is_ascii_alphabetic() {
                end += 1;
            }
            if ascii_begins_unit(&b[at..end]) {
                found.push(at);
            }
        }
        base += 8;
    }
    Some(found)
}

/// Bit `c & 31` for every letter `c` that begins a word in
/// [`unit_first_word`]: the same bit for both cases of a letter.
const UNIT_FIRST_LETTERS: u64 = {
    let (letters, mut bits, mut k) = (b"ahkmns", 0, 0);
    while k < letters.len() {
        bits |= 1 << (letters[k] & 31);
        k += 1;
    }
    bits
};

/// Whether a run of letters that starts with bytes `first` and `second`
/// can be a word in [`unit_first_word`], in either case: most words are
/// ruled out here, before their length is known.
fn could_begin_unit(first: u8, second: u8) -> bool {
    // A letter that begins no unit's word, as most do, is ruled out first.
    if UNIT_FIRST_LETTERS & (1 << (first & 31)) == 0 {
        return false;
    }
    match (first | 0x20, second | 0x20) {
        (b'a', b'c') | (b'h', b'a' | b'e') | (b'k', b'i' | b'm') | (b'n', b'a' | b'm') => true,
        (b's', b'q') | (b'm', b'e' | b'i') => true,
        // "m" alone
        (b'm', _) => !second.is_ascii_alphabetic(),
        _ => false,
    }
}

/// The longest word in [`unit_first_word`].
const LONGEST_UNIT_WORD: usize = "kilometres".len();

/// [`begins_unit`] for a word of ASCII letters.
fn ascii_begins_unit(written: &[u8]) -> bool {
    // Most words are ruled out by their first letter or their length.
    let (first, second) = (written.first(), written.get(1));
    let could = first.is_some_and(|&f| could_begin_unit(f, second.copied().unwrap_or(0)));
    if !could || written.len() > LONGEST_UNIT_WORD {
        return false;
    }
    let mut lower = [0u8; LONGEST_UNIT_WORD];
    let lower = &mut lower[..written.len()];
    lower.copy_from_slice(written);
    lower.make_ascii_lowercase();
    match unit_first_word(lower) {
        Some(case_sensitive) => !case_sensitive || written == lower,
        None => false,
    }
}

/// Abbreviations that are units only in lower case ("M" is a million).
pub(super) const CASE_SENSITIVE: &[&str] = &["m", "mi", "ha"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::tokens::tests::awkward_texts;
    use crate::claims::tokens::{tokenize, Token, TokenKind};

    fn is_unit(text: &str, t: &Token) -> bool {
        t.kind == TokenKind::Word && begins_unit(&t.lower, &text[t.start..t.end])
    }

    #[test]
    fn unit_words_are_where_the_tokens_that_begin_units_are() {
        for t in &awkward_texts() {
            let tokens = tokenize(t);
            let found: Vec<usize> = tokens
                .iter()
                .filter(|k| is_unit(t, k))
                .map(|k| k.start)
                .collect();
            match unit_words(t) {
                // A run of ASCII letters beside letters beyond ASCII ("Chełm")
                // is only part of a word: found, never a unit word missed.
                Some(words) if t.is_ascii() => assert_eq!(words, found, "{t:?}"),
                Some(words) => assert!(found.iter().all(|k| words.contains(k)), "{t:?}"),
                None => assert!(t.contains('\u{212A}'), "{t:?}"),
            }
        }
        // The Kelvin sign is the one character beyond ASCII whose lower
        // case is ASCII, so the only one a unit word can be written with.
        let to_ascii = ('\u{80}'..=char::MAX).filter(|c| c.to_lowercase().all(|l| l.is_ascii()));
        assert_eq!(to_ascii.collect::<Vec<_>>(), ['\u{212A}']);
    }

    /// The byte walk [`unit_words`] replaced.
    fn unit_words_by_bytes(text: &str) -> Vec<usize> {
        let b = text.as_bytes();
        let mut found = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            if ascii_begins_unit(&b[start..i]) {
                found.push(start);
            }
        }
        found
    }

    #[test]
    fn unit_words_equal_the_byte_walk() {
        for t in &awkward_texts() {
            // Every alignment of the words to the eight-byte chunks.
            for shift in 0..8 {
                let t = format!("{}{t}", "k".repeat(shift % 2) + &" ".repeat(shift));
                if let Some(words) = unit_words(&t) {
                    assert_eq!(words, unit_words_by_bytes(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn begins_unit_accepts_the_first_words_of_units_and_no_other() {
        let of_units = |lower: &str, written: &str| {
            UNITS.iter().any(|(words, _)| {
                words[0] == lower && (!CASE_SENSITIVE.contains(&lower) || written == lower)
            })
        };
        let mut words: Vec<String> = UNITS.iter().map(|(w, _)| w[0].to_string()).collect();
        words.extend(words.clone().iter().map(|w| w.to_uppercase()));
        words
            .extend(["Km", "Mi", "Ha", "mI", "he", "has", "miles", "kilo", "m2"].map(String::from));
        for t in &awkward_texts() {
            words.extend(tokenize(t).iter().map(|k| t[k.start..k.end].to_string()));
        }
        for w in &words {
            let lower = w.to_lowercase();
            assert_eq!(begins_unit(&lower, w), of_units(&lower, w), "{w}");
            if w.bytes().all(|b| b.is_ascii_alphabetic()) {
                assert_eq!(ascii_begins_unit(w.as_bytes()), of_units(&lower, w), "{w}");
            }
        }
    }
}
