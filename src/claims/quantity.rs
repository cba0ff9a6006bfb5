//! Reads stated quantities out of text: numbers as written ("500", "10.5",
//! "1,200", "1 200", "two", "a dozen", "half a"), ranges ("20-30 km",
//! "between 5 and 10 miles"), units of length and area with their exact
//! definitions, qualifiers ("about", "more than", "nearly" ...) normalized to
//! a small set, and compass directions ("north-east of").
//!
//! This module only knows words and numbers. It does not decide whether a
//! quantity is a claim about places (that needs the words around it and the
//! resolved mentions: see [`super::extract`]), and it never guesses: a number
//! with no unit ("18 months", "14 villages", "12%") is not a quantity here.

use std::borrow::Cow;

use super::window::View;

/// A word, a number or a punctuation mark, with its byte span in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// Lower-cased words; the digits of numbers; the mark itself. Borrowed
    /// from the text when it already is that (most words of a sentence).
    pub lower: Cow<'a, str>,
    /// White space separates it from the previous token.
    pub spaced: bool,
    /// The first token after a sentence break.
    pub sentence_start: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    /// Digits, possibly grouped ("1,200", "1 200") or with decimals ("10.5").
    Number,
    Punct,
}

impl Token<'_> {
    pub fn is_word(&self, w: &str) -> bool {
        self.kind == TokenKind::Word && self.lower == w
    }

    pub fn is_punct(&self, marks: &[char]) -> bool {
        self.kind == TokenKind::Punct
            && self
                .lower
                .chars()
                .next()
                .is_some_and(|c| marks.contains(&c))
    }
}

const HYPHENS: &[char] = &['-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}'];
/// Spaces that may separate groups of thousands ("1 200").
const GROUP_SPACES: &[char] = &[' ', '\u{00A0}', '\u{202F}', '\u{2009}'];

/// Splits `text` into words, numbers and punctuation marks.
///
/// A sentence starts after `.`, `!` or `?` followed by white space, after a
/// blank line, and after a line break followed by anything but a lower-case
/// letter or a digit (hard-wrapped paragraphs keep their sentences).
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    tokens.extend(tokens_from(text, 0));
    tokens
}

/// The tokens of `text` from byte `start` on, which must be 0 or a
/// sentence start (see [`sentence_start_before`]): exactly the tokens
/// [`tokenize`] gives from there, since a sentence start is a token start
/// and the tokenizer carries nothing across one but that it is a start.
pub fn tokens_from(text: &str, start: usize) -> Tokens<'_> {
    Tokens {
        text,
        i: start,
        spaced: true,
        newlines: 0,
        after_stop: None,
    }
}

/// The tokenizer, one token at a time: see [`tokens_from`].
pub struct Tokens<'a> {
    text: &'a str,
    /// Where the next token is looked for.
    i: usize,
    /// White space since the last token.
    spaced: bool,
    /// Line breaks since the last token.
    newlines: usize,
    /// Whether the last token is `.`, `!` or `?`; `None` before the first.
    after_stop: Option<bool>,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let char_at = |i: usize| text[i..].chars().next().unwrap_or(' ');
        let mut i = self.i;
        let c = loop {
            // ASCII, most of the characters, is read without decoding one.
            let &b = bytes.get(i)?;
            if b < 0x80 {
                if !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
                    break char::from(b);
                }
                self.spaced = true;
                self.newlines += usize::from(b == b'\n');
                i += 1;
                continue;
            }
            let c = char_at(i);
            if !c.is_whitespace() {
                break c;
            }
            self.spaced = true;
            i += c.len_utf8();
        };
        let sentence_start = starts_sentence(self.after_stop, c, self.newlines, self.spaced);
        // For words: whether a letter is an ASCII capital or not ASCII at
        // all, which decides how the word is lower-cased.
        let (mut capital, mut non_ascii) = (false, false);
        let (kind, end) = if c.is_ascii_digit() {
            (TokenKind::Number, number_end(text, i))
        } else if c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic()) {
            // Letters and the combining marks that belong to them; an ASCII
            // byte other than a letter always ends the word.
            capital = c.is_ascii_uppercase();
            non_ascii = !c.is_ascii();
            let mut end = i + c.len_utf8();
            // Most words are ASCII letters: eight bytes at a time while so.
            loop {
                let lanes = eight_at(bytes, end);
                let run = (!ascii_letters(lanes) & (ONES * 0x80)).trailing_zeros() / 8;
                let within = if run == 8 {
                    u64::MAX
                } else {
                    (1 << (8 * run)) - 1
                };
                capital |= ascii_capitals(lanes) & within != 0;
                end += run as usize;
                if run < 8 {
                    break;
                }
            }
            while end < bytes.len() {
                let b = bytes[end];
                if b < 0x80 {
                    if !b.is_ascii_alphabetic() {
                        break;
                    }
                    capital |= b.is_ascii_uppercase();
                    end += 1;
                    continue;
                }
                let d = char_at(end);
                if !(d.is_alphabetic() || unicode_normalization::char::is_combining_mark(d)) {
                    break;
                }
                non_ascii = true;
                end += d.len_utf8();
            }
            (TokenKind::Word, end)
        } else {
            (TokenKind::Punct, i + c.len_utf8())
        };
        let raw = &text[i..end];
        let lower = match kind {
            TokenKind::Word if non_ascii => Cow::Owned(raw.to_lowercase()),
            TokenKind::Word if capital => Cow::Owned(raw.to_ascii_lowercase()),
            TokenKind::Word => Cow::Borrowed(raw),
            TokenKind::Number if raw.contains(GROUP_SPACES) => {
                Cow::Owned(raw.chars().filter(|d| !GROUP_SPACES.contains(d)).collect())
            }
            TokenKind::Number | TokenKind::Punct => Cow::Borrowed(raw),
        };
        let token = Token {
            kind,
            start: i,
            end,
            lower,
            spaced: self.spaced,
            sentence_start,
        };
        self.i = end;
        self.spaced = false;
        self.newlines = 0;
        // A stop mark is one ASCII byte.
        self.after_stop = Some(kind == TokenKind::Punct && matches!(bytes[i], b'.' | b'!' | b'?'));
        Some(token)
    }
}

/// Whether a token that begins with `c` starts a sentence, after `newlines`
/// line breaks and, when `spaced`, white space since the previous token,
/// which is a stop mark when `after_stop` is `Some(true)` (`None`: there is
/// no previous token).
fn starts_sentence(after_stop: Option<bool>, c: char, newlines: usize, spaced: bool) -> bool {
    let Some(after_stop) = after_stop else {
        return true;
    };
    newlines >= 2
        || (newlines == 1 && !c.is_lowercase() && !c.is_ascii_digit())
        || (spaced && after_stop)
}

/// A sentence start: its byte, and the byte of the stop mark (`.`, `!` or
/// `?`) that is the token before it, if one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceStart {
    pub at: usize,
    pub stop: Option<usize>,
}

/// The last byte from `floor` to `at` where a sentence starts whatever the
/// text before it is, if there is one; the start of the text is one.
///
/// Such a start is a character that is not white space after a run of ASCII
/// white space that follows `.`, `!` or `?`, holds two line breaks, or holds
/// one before a character that is neither lower-case nor a digit. White
/// space never belongs to a token but for the one space inside a number
/// ("1 200"), which has digits on both sides, and a stop mark before white
/// space is a token of its own, so [`tokenize`] starts a sentence there
/// (after white space beyond ASCII too, which can only add line breaks).
/// Starts after other white space are missed, which costs a reader of a
/// window some more text, never a different reading.
pub fn sentence_start_before(text: &str, at: usize, floor: usize) -> Option<SentenceStart> {
    let b = text.as_bytes();
    let space = |x: u8| matches!(x, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C);
    // The white space before a start holds a line break or follows a stop:
    // starts are looked for only after those, found from `at` back.
    let mut end = at.min(b.len());
    while let Some(q) = b[..end]
        .iter()
        .rposition(|&x| matches!(x, b'\n' | b'.' | b'!' | b'?'))
    {
        end = q;
        // The run of white space `q` is in or before, and the byte after it.
        let mut w = if b[q] == b'\n' { q } else { q + 1 };
        while w > 0 && space(b[w - 1]) {
            w -= 1;
        }
        let mut p = q + 1;
        while p < b.len() && space(b[p]) {
            p += 1;
        }
        if p < floor {
            // So are the starts after white space before this one.
            break;
        }
        if p == w || p > at || p == b.len() {
            continue;
        }
        // After an ASCII byte, `p` begins a character.
        let c = text[p..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            continue;
        }
        let newlines = b[w..p].iter().filter(|&&x| x == b'\n').count();
        let stop = (w > 0 && matches!(b[w - 1], b'.' | b'!' | b'?')).then(|| w - 1);
        if newlines >= 2
            || (newlines == 1 && !c.is_lowercase() && !c.is_ascii_digit())
            || stop.is_some()
        {
            return Some(SentenceStart { at: p, stop });
        }
    }
    (floor == 0).then_some(SentenceStart { at: 0, stop: None })
}

/// The end of the number that starts at `start`: digits, `,` or `.`
/// followed by a digit, and groups of exactly three digits after a single
/// space when the number so far is one to three plain digits ("1 200").
fn number_end(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let mut end = start;
    while end < b.len() {
        let separator_then_digit =
            (b[end] == b',' || b[end] == b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit);
        if b[end].is_ascii_digit() || separator_then_digit {
            end += 1;
        } else {
            break;
        }
    }
    // Space-grouped thousands: "1 200", "12 500 000".
    let mut group_len = end - start;
    if group_len > 3 || !text[start..end].bytes().all(|d| d.is_ascii_digit()) {
        return end;
    }
    loop {
        let rest = &text[end..];
        let Some(sp) = rest.chars().next().filter(|c| GROUP_SPACES.contains(c)) else {
            return end;
        };
        let digits = &rest[sp.len_utf8()..];
        let n = digits.bytes().take_while(u8::is_ascii_digit).count();
        let after = digits.as_bytes().get(n).copied();
        let continues_number = after.is_some_and(|a| {
            (a == b',' || a == b'.') && digits.as_bytes().get(n + 1).is_some_and(u8::is_ascii_digit)
        });
        if n != 3 || continues_number || group_len == 0 {
            return end;
        }
        end += sp.len_utf8() + 3;
        group_len = 3;
    }
}

/// The value of a number token as written ("1,200" → 1200) and the place
/// value of its last significant digit ("500" → 100, "510" → 10, "10.5" →
/// 0.1), which says how precisely it was stated.
pub fn parse_number(digits: &str) -> Option<(f64, f64)> {
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) if !f.contains(['.', ',']) => (i, Some(f)),
        Some(_) => return None,
        None => (digits, None),
    };
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    // The digits without their group commas, then the fraction: on the
    // stack for any number a text states, as they are parsed and dropped.
    let mut buf = [0u8; 40];
    let mut len = 0;
    let fraction = frac.map_or(&[][..], |f| f.as_bytes());
    if int.len() + 1 + fraction.len() > buf.len() {
        return parse_long_number(int, frac);
    }
    for &d in int.as_bytes().iter().filter(|&&d| d != b',') {
        buf[len] = d;
        len += 1;
    }
    let plain_len = len;
    let plain = &buf[..plain_len];
    if plain.is_empty() || !plain.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let zeros = plain.iter().rev().take_while(|&&d| d == b'0').count();
    if frac.is_some() {
        buf[len] = b'.';
        buf[len + 1..len + 1 + fraction.len()].copy_from_slice(fraction);
        len += 1 + fraction.len();
    }
    let value: f64 = std::str::from_utf8(&buf[..len]).ok()?.parse().ok()?;
    Some((value, number_step(frac, zeros, plain_len)))
}

/// The step of a number with fraction `frac`, or with `zeros` trailing
/// zeros among its `digits` digits.
fn number_step(frac: Option<&str>, zeros: usize, digits: usize) -> f64 {
    match frac {
        Some(f) => 10f64.powi(-(f.len() as i32)),
        None if zeros == digits => 1.0,
        None => 10f64.powi(zeros as i32),
    }
}

/// [`parse_number`] for a number too long for its buffer.
fn parse_long_number(int: &str, frac: Option<&str>) -> Option<(f64, f64)> {
    let plain: String = int.chars().filter(|&c| c != ',').collect();
    if plain.is_empty() || !plain.bytes().all(|d| d.is_ascii_digit()) {
        return None;
    }
    let value: f64 = match frac {
        Some(f) => format!("{plain}.{f}").parse().ok()?,
        None => plain.parse().ok()?,
    };
    let zeros = plain.bytes().rev().take_while(|&d| d == b'0').count();
    Some((value, number_step(frac, zeros, plain.len())))
}

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

/// A qualifier, normalized: "only" is `Just`, "around"/"roughly"/"some" are
/// `About`, "more than" is `Over`, "less than"/"nearly"/"almost" are `Under`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    Just,
    About,
    Over,
    Under,
    AtLeast,
    UpTo,
    Within,
    Between,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Just => "just",
            Qualifier::About => "about",
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::AtLeast => "at least",
            Qualifier::UpTo => "up to",
            Qualifier::Within => "within",
            Qualifier::Between => "between",
        }
    }
}

/// Qualifier phrases, longest first so "just under" wins over "just".
const QUALIFIERS: &[(&[&str], Qualifier)] = &[
    (&["no", "more", "than"], Qualifier::UpTo),
    (&["no", "less", "than"], Qualifier::AtLeast),
    (&["in", "excess", "of"], Qualifier::Over),
    (&["a", "little", "over"], Qualifier::Over),
    (&["a", "little", "under"], Qualifier::Under),
    (&["as", "much", "as"], Qualifier::UpTo),
    (&["as", "far", "as"], Qualifier::UpTo),
    (&["as", "little", "as"], Qualifier::Just),
    (&["just", "under"], Qualifier::Under),
    (&["just", "over"], Qualifier::Over),
    (&["more", "than"], Qualifier::Over),
    (&["greater", "than"], Qualifier::Over),
    (&["upwards", "of"], Qualifier::Over),
    (&["less", "than"], Qualifier::Under),
    (&["fewer", "than"], Qualifier::Under),
    (&["close", "to"], Qualifier::Under),
    (&["at", "least"], Qualifier::AtLeast),
    (&["at", "most"], Qualifier::UpTo),
    (&["up", "to"], Qualifier::UpTo),
    (&["a", "mere"], Qualifier::Just),
    (&["an", "estimated"], Qualifier::About),
    (&["just"], Qualifier::Just),
    (&["only"], Qualifier::Just),
    (&["merely"], Qualifier::Just),
    (&["about"], Qualifier::About),
    (&["around"], Qualifier::About),
    (&["roughly"], Qualifier::About),
    (&["some"], Qualifier::About),
    (&["approximately"], Qualifier::About),
    (&["approx"], Qualifier::About),
    (&["circa"], Qualifier::About),
    (&["over"], Qualifier::Over),
    (&["above"], Qualifier::Over),
    (&["under"], Qualifier::Under),
    (&["below"], Qualifier::Under),
    (&["nearly"], Qualifier::Under),
    (&["almost"], Qualifier::Under),
    (&["within"], Qualifier::Within),
];

/// A compass direction as stated ("north-east of Odesa").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bearing {
    /// "north", "northeast" ...
    pub name: &'static str,
    /// Clockwise from north.
    pub degrees: f64,
}

const DIRECTIONS: &[(&str, f64)] = &[
    ("north", 0.0),
    ("northeast", 45.0),
    ("east", 90.0),
    ("southeast", 135.0),
    ("south", 180.0),
    ("southwest", 225.0),
    ("west", 270.0),
    ("northwest", 315.0),
];

fn direction(word: &str) -> Option<Bearing> {
    DIRECTIONS
        .iter()
        .find(|(n, _)| *n == word)
        .map(|&(name, degrees)| Bearing { name, degrees })
}

/// A quantity stated in the text, with the qualifier in front of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// First token: the qualifier's, or the number's.
    pub first: usize,
    /// Token after the unit.
    pub next: usize,
    pub value: f64,
    /// Upper end of a range ("20-30 km", "between 5 and 10 miles").
    pub value_max: Option<f64>,
    /// Place value of the last significant digit, in the stated unit.
    pub step: f64,
    pub unit: Unit,
    pub qualifier: Option<Qualifier>,
    /// The qualifier's words as written ("more than", "only").
    pub qualifier_text: Option<String>,
    /// The unit is glued to the number as an adjective ("a 1 200-hectare zone").
    pub adjectival: bool,
}

/// Number words: value and whether the word is vague ("a dozen").
fn number_word(w: &str) -> Option<f64> {
    // A `match` rather than a search of a list: every word of a document
    // that could start a quantity is asked.
    Some(match w {
        "zero" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    })
}

/// The number at token `i`: its value, precision step, and the next token.
fn number_at(tokens: &View, i: usize) -> Option<(f64, f64, usize)> {
    let t = tokens.get(i)?;
    let word = |k: usize, w: &str| tokens.get(k).is_some_and(|t| t.is_word(w));
    let is_a = |k: usize| word(k, "a") || word(k, "an");
    match t.kind {
        TokenKind::Number => {
            let (v, step) = parse_number(&t.lower)?;
            Some((v, step, i + 1))
        }
        TokenKind::Word => {
            // Most words start no number: leave before the checks below.
            if !matches!(&*t.lower, "a" | "an" | "half" | "dozen")
                && number_word(&t.lower).is_none()
            {
                return None;
            }
            // Vague amounts count as precise to their own size.
            if t.lower == "half" && is_a(i + 1) {
                return Some((0.5, 0.5, i + 2));
            }
            if is_a(i) && word(i + 1, "dozen") {
                return Some((12.0, 12.0, i + 2));
            }
            if t.lower == "dozen" {
                return Some((12.0, 12.0, i + 1));
            }
            if is_a(i) && word(i + 1, "hundred") {
                return Some((100.0, 100.0, i + 2));
            }
            if is_a(i) || t.lower == "one" {
                // "a mile from", "one kilometre from": only before a singular unit.
                let singular = tokens.get(i + 1).is_some_and(|u| {
                    matches!(
                        &*u.lower,
                        "mile" | "kilometre" | "kilometer" | "metre" | "meter" | "hectare" | "acre"
                    ) || (u.lower == "nautical" && word(i + 2, "mile"))
                        || (u.lower == "square"
                            && tokens.get(i + 2).is_some_and(|v| {
                                v.lower == "mile"
                                    || v.lower == "kilometre"
                                    || v.lower == "kilometer"
                            }))
                });
                return singular.then_some((1.0, 1.0, i + 1));
            }
            let mut v = number_word(&t.lower)?;
            let mut next = i + 1;
            // "twenty-five"
            if v >= 20.0
                && tokens
                    .get(next)
                    .is_some_and(|h| h.is_punct(HYPHENS) && !h.spaced)
            {
                if let Some(ones) = tokens.get(next + 1).and_then(|o| number_word(&o.lower)) {
                    if ones < 10.0 {
                        v += ones;
                        next += 2;
                    }
                }
            }
            let mut step = if v >= 20.0 && v % 10.0 == 0.0 {
                10.0
            } else {
                1.0
            };
            for (w, m) in [("hundred", 100.0), ("thousand", 1000.0)] {
                if word(next, w) {
                    v *= m;
                    step *= m;
                    next += 1;
                }
            }
            Some((v, step, next))
        }
        TokenKind::Punct => None,
    }
}

/// Unit spellings, as sequences of lower-cased tokens, area units first so
/// "km²" is not read as "km".
const UNITS: &[(&[&str], Unit)] = &[
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
        let lanes = eight_at(b, base);
        let letters = ascii_letters(lanes);
        let mut starts = letters & !((letters << 8) | carry);
        carry = letters >> 56;
        while starts != 0 {
            let lane = starts.trailing_zeros() / 8;
            starts &= starts - 1;
            let first = (lanes >> (8 * lane)) as u8;
            if UNIT_FIRST_LETTERS & (1 << (first & 31)) == 0 {
                continue;
            }
            let at = base + lane as usize;
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

/// A byte in every lane.
const ONES: u64 = u64::MAX / 255;

/// The eight bytes from `at` as lanes of a `u64`, zero past the end.
fn eight_at(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
        None => {
            let mut last = [0u8; 8];
            let rest = bytes.get(at..).unwrap_or_default();
            last[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(last)
        }
    }
}

/// Bit 7 of every byte of `lanes` strictly between `above` and `below`
/// (both ASCII), computed in all lanes at once without carries between
/// them; bytes beyond ASCII are in no range.
fn ascii_between(lanes: u64, above: u8, below: u8) -> u64 {
    let low = lanes & (ONES * 0x7F);
    let under = ONES * (127 + u64::from(below)) - low;
    let over = low + ONES * (127 - u64::from(above));
    under & over & !lanes & (ONES * 0x80)
}

/// Bit 7 of every byte of `lanes` that is an ASCII letter: once `0x20` is
/// set in it, strictly between `` ` `` and `{`.
fn ascii_letters(lanes: u64) -> u64 {
    ascii_between(lanes | (ONES * 0x20), b'`', b'{')
}

/// Bit 7 of every byte of `lanes` that is an ASCII capital.
fn ascii_capitals(lanes: u64) -> u64 {
    ascii_between(lanes, b'@', b'[')
}

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
const CASE_SENSITIVE: &[&str] = &["m", "mi", "ha"];

/// The unit at token `i`, and the token after it.
fn unit_at(text: &str, tokens: &View, i: usize) -> Option<(Unit, usize)> {
    // Most tokens after a number begin no unit: leave before the search.
    let t = tokens.get(i)?;
    if !begins_unit(&t.lower, &text[t.start..t.end]) {
        return None;
    }
    'units: for (words, unit) in UNITS {
        if words[0].as_bytes()[0] != t.lower.as_bytes()[0] {
            continue;
        }
        for (k, w) in words.iter().enumerate() {
            let Some(t) = tokens.get(i + k) else {
                continue 'units;
            };
            // Inner parts of a unit are glued ("km²", "km2", "sq.") or spaced words.
            let glued_ok = k == 0 || t.kind == TokenKind::Word || !t.spaced;
            if t.lower != *w || !glued_ok {
                continue 'units;
            }
            if k == 0 && CASE_SENSITIVE.contains(w) && &text[t.start..t.end] != *w {
                continue 'units;
            }
        }
        let next = i + words.len();
        // A speed ("50 km/h") or a glued word ("5mph") is not a distance.
        if tokens
            .get(next)
            .is_some_and(|t| t.is_punct(&['/']) || (!t.spaced && t.kind != TokenKind::Punct))
        {
            return None;
        }
        return Some((*unit, next));
    }
    None
}

/// The qualifier that ends just before token `i`: its normalized form, its
/// words as written, and its first token.
fn qualifier_before(text: &str, tokens: &View, i: usize) -> Option<(Qualifier, String, usize)> {
    for (words, q) in QUALIFIERS {
        // Its last word first: most fail there, before reading further back.
        let n = words.len();
        let matches = (1..=n).all(|k| {
            tokens
                .back(i, k)
                .is_some_and(|j| tokens[j].is_word(words[n - k]))
        });
        if matches {
            let first = i - n;
            let written = &text[tokens[first].start..tokens[i - 1].end];
            return Some((*q, written.to_string(), first));
        }
    }
    // "approx." keeps its dot.
    let dot = tokens
        .back(i, 1)
        .is_some_and(|j| tokens[j].is_punct(&['.']));
    if dot
        && tokens
            .back(i, 2)
            .is_some_and(|j| tokens[j].is_word("approx"))
    {
        let written = &text[tokens[i - 2].start..tokens[i - 1].end];
        return Some((Qualifier::About, written.to_string(), i - 2));
    }
    None
}

/// Whether token `t` can be one of a quantity's words from its number to
/// its unit: a number or a number word, "a", "half", "dozen", "hundred",
/// "thousand", the "and" or "to" of a range, a hyphen. A quantity that
/// starts before a token that is none of these ends before it.
pub fn in_number(t: &Token) -> bool {
    match t.kind {
        TokenKind::Number => true,
        TokenKind::Word => {
            matches!(
                &*t.lower,
                "a" | "an" | "half" | "dozen" | "hundred" | "thousand" | "and" | "to"
            ) || number_word(&t.lower).is_some()
        }
        TokenKind::Punct => t.is_punct(HYPHENS),
    }
}

/// The quantity whose number starts at token `i`, if a unit follows it.
pub fn quantity_at(text: &str, tokens: &View, i: usize) -> Option<Quantity> {
    let t = tokens.get(i)?;
    // Money ("$1.5"), or digits glued to a word ("A1", "33rd" is caught by
    // the unit): the token before matters only to digits glued to it.
    if t.kind == TokenKind::Number && !t.spaced {
        if let Some(p) = tokens.back(i, 1) {
            let prev = &tokens[p];
            if prev.is_punct(&['$', '€', '£', '¥', '#']) || prev.kind != TokenKind::Punct {
                return None;
            }
        }
    }
    let (value, step, mut next) = number_at(tokens, i)?;
    // "between" sets the qualifier here; any other is read once a unit is found.
    let mut qualifier = None;
    let mut value_max = None;
    let mut step = step;
    if tokens
        .back(i, 1)
        .is_some_and(|p| tokens[p].is_word("between"))
    {
        // "between 5 and 10 miles"
        if !tokens.get(next).is_some_and(|t| t.is_word("and")) {
            return None;
        }
        let (hi, hi_step, after) = number_at(tokens, next + 1)?;
        value_max = Some(hi);
        step = step.min(hi_step);
        next = after;
        let written = text[tokens[i - 1].start..tokens[i - 1].end].to_string();
        qualifier = Some((Qualifier::Between, written, i - 1));
    } else if let Some(sep) = tokens.get(next) {
        // "20-30 km", "20 to 30 km"
        let is_range_sep = sep.is_punct(HYPHENS) || sep.is_word("to");
        if is_range_sep
            && tokens
                .get(next + 1)
                .is_some_and(|n| n.kind == tokens[i].kind)
        {
            if let Some((hi, hi_step, after)) = number_at(tokens, next + 1) {
                if hi > value && unit_at(text, tokens, after).is_some() {
                    value_max = Some(hi);
                    step = step.min(hi_step);
                    next = after;
                }
            }
        }
    }
    // "1 200-hectare": the unit as an adjective.
    let mut adjectival = false;
    if tokens
        .get(next)
        .is_some_and(|h| h.is_punct(HYPHENS) && !h.spaced)
        && tokens.get(next + 1).is_some_and(|u| !u.spaced)
    {
        adjectival = true;
        next += 1;
    }
    let (unit, after_unit) = unit_at(text, tokens, next)?;
    let qualifier = qualifier.or_else(|| qualifier_before(text, tokens, i));
    let (qualifier, qualifier_text, first) = match qualifier {
        Some((q, w, f)) => (Some(q), Some(w), f),
        None => (None, None, i),
    };
    Some(Quantity {
        first,
        next: after_unit,
        value,
        value_max,
        step,
        unit,
        qualifier,
        qualifier_text,
        adjectival,
    })
}

/// How a distance is related to what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// "from X", "off X", "outside X", "north of X", "within 2 miles of X".
    From,
    /// "into X", "inside X": measured from X's edge inwards.
    Into,
    /// "5 km away" (from a place named elsewhere in the sentence).
    Away,
    /// "70 km apart": between two places named before.
    Apart,
}

/// The relation after a distance: optional direction, then a relation word.
/// Returns the relation, the direction, and the token after the relation word.
pub fn relation_at(
    tokens: &View,
    i: usize,
    qualifier: Option<Qualifier>,
) -> Option<(Relation, Option<Bearing>, usize)> {
    let word = |k: usize| {
        tokens
            .get(k)
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| &*t.lower)
    };
    let mut k = i;
    // "to the north of"
    if word(k) == Some("to")
        && word(k + 1) == Some("the")
        && word(k + 2).and_then(direction_prefix).is_some()
    {
        k += 2;
    }
    if let Some(first) = word(k).and_then(direction_prefix) {
        // "north-east", "north east", "northeast"
        let mut name = first.to_string();
        let mut j = k + 1;
        let glue = tokens.get(j).is_some_and(|t| t.is_punct(HYPHENS));
        let second_at = if glue { j + 1 } else { j };
        if matches!(first, "north" | "south") {
            if let Some(second @ ("east" | "west")) = word(second_at) {
                name.push_str(second);
                j = second_at + 1;
            }
        }
        let bearing = direction(&name)?;
        if word(j) == Some("of") {
            return Some((Relation::From, Some(bearing), j + 1));
        }
        return None;
    }
    match word(k)? {
        "from" | "off" | "outside" => Some((Relation::From, None, k + 1)),
        "of" if qualifier == Some(Qualifier::Within) => Some((Relation::From, None, k + 1)),
        "into" | "inside" | "beyond" | "behind" => Some((Relation::Into, None, k + 1)),
        "away" if word(k + 1) == Some("from") => Some((Relation::From, None, k + 2)),
        "away" => Some((Relation::Away, None, k + 1)),
        "apart" => Some((Relation::Apart, None, k + 1)),
        _ => None,
    }
}

fn direction_prefix(w: &str) -> Option<&'static str> {
    DIRECTIONS.iter().map(|(n, _)| *n).find(|n| *n == w)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The marks that end a sentence when white space follows them.
    const STOPS: &[char] = &['.', '!', '?'];

    /// The character-iterator tokenizer that [`tokenize`] replaced.
    fn tokenize_by_chars(text: &str) -> Vec<Token<'_>> {
        let mut tokens: Vec<Token> = Vec::new();
        let mut chars = text.char_indices().peekable();
        let mut spaced = true;
        let mut newlines = 0usize;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() {
                spaced = true;
                if c == '\n' {
                    newlines += 1;
                }
                chars.next();
                continue;
            }
            let after_stop = tokens.last().map(|t: &Token| t.is_punct(STOPS));
            let sentence_start = starts_sentence(after_stop, c, newlines, spaced);
            newlines = 0;
            let (kind, end) = if c.is_ascii_digit() {
                (TokenKind::Number, number_end(text, i))
            } else if c.is_alphabetic() {
                let mut end = i;
                for (j, d) in text[i..].char_indices() {
                    if !(d.is_alphabetic() || unicode_normalization::char::is_combining_mark(d)) {
                        break;
                    }
                    end = i + j + d.len_utf8();
                }
                (TokenKind::Word, end)
            } else {
                (TokenKind::Punct, i + c.len_utf8())
            };
            let raw = &text[i..end];
            let lower: Cow<str> = match kind {
                TokenKind::Word => Cow::Owned(raw.to_lowercase()),
                TokenKind::Number => {
                    Cow::Owned(raw.chars().filter(|d| !GROUP_SPACES.contains(d)).collect())
                }
                TokenKind::Punct => Cow::Owned(raw.to_string()),
            };
            tokens.push(Token {
                kind,
                start: i,
                end,
                lower,
                spaced,
                sentence_start,
            });
            spaced = false;
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
        }
        tokens
    }

    #[test]
    fn tokenize_equals_the_character_walk() {
        let texts = crate::sample_texts::with_corpus(&[
            "Kharkiv, just 30 kilometers from the Russian border. Then: 1 200 ha!",
            "Вовчанськ — 10.5\u{a0}km; e\u{301}te\u{301} Zürich’s “12,500” km2\n\nnext\nline",
            "a\u{300}b 3rd $1.5 20-30 km\r\n\u{2009}x",
            "KHARKIV ÉMILE KÖLN İstanbul ΩMEGA MiXeD\u{b}x\u{c}y\u{1c}z\u{85}w\u{2028}v\u{3000}u",
            "\n \nA. b! C? \n\nd",
            "a.\u{a0}\nB x.\n\n\u{2028}Y end.\t\r\nNext 1.\n2 . . \n\n\n a!?  b q?\u{3000}x 5.\n\u{e9}",
            "",
        ]);
        for t in &texts {
            assert_eq!(tokenize(t), tokenize_by_chars(t), "{t:?}");
        }
    }

    fn awkward_texts() -> Vec<String> {
        crate::sample_texts::with_corpus(&[
            "Kharkiv, just 30 kilometers from the Russian border. Then: 1 200 ha!",
            "10km, 5 Km, 3 KM, 2 M, 7 MI, 1 HA, ha, mi, m, km\u{b2}, sq. km, I'm, a.m.",
            "Kilometres\u{a0}away.\u{a0}Miles\n\nmetres\nMeters; Nautical 5square",
            "é km, kmé, e\u{301}km, km\u{301}, 5\u{301}km, \u{212A}m",
            "A. b! C? \n\nd\n e\n5 f.\u{2028}G . \t\u{b}H ?\r\nI 1 200. 2 300",
            "\n \nA. b! C? \n\nd",
            "a.\u{a0}\nB x.\n\n\u{2028}Y end.\t\r\nNext 1.\n2 . . \n\n\n a!?  b q?\u{3000}x 5.\n\u{e9}",
            "",
        ])
    }

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
        for b in 0..=255u8 {
            let lanes = u64::from_le_bytes([b, b'a', b, b'Z', b, 0x80, b, b' ']);
            let want = [b, b'a', b, b'Z', b, 0x80, b, b' ']
                .iter()
                .enumerate()
                .map(|(k, c)| u64::from(c.is_ascii_alphabetic()) << (8 * k + 7))
                .sum::<u64>();
            assert_eq!(ascii_letters(lanes), want, "{b:#x}");
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

    /// The walk back byte by byte that [`sentence_start_before`] replaced.
    fn sentence_start_by_bytes(text: &str, at: usize, floor: usize) -> Option<SentenceStart> {
        let b = text.as_bytes();
        let space = |x: u8| matches!(x, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C);
        let mut p = at.min(b.len().saturating_sub(1));
        while p >= floor {
            if p == 0 {
                return Some(SentenceStart { at: 0, stop: None });
            }
            if space(b[p - 1]) && !space(b[p]) {
                // After an ASCII byte, `p` begins a character.
                let c = text[p..].chars().next().unwrap_or(' ');
                if !c.is_whitespace() {
                    let mut w = p - 1;
                    while w > 0 && space(b[w - 1]) {
                        w -= 1;
                    }
                    let newlines = b[w..p].iter().filter(|&&x| x == b'\n').count();
                    let stop = (w > 0 && matches!(b[w - 1], b'.' | b'!' | b'?')).then(|| w - 1);
                    if newlines >= 2
                        || (newlines == 1 && !c.is_lowercase() && !c.is_ascii_digit())
                        || stop.is_some()
                    {
                        return Some(SentenceStart { at: p, stop });
                    }
                }
            }
            p -= 1;
        }
        None
    }

    #[test]
    fn sentence_starts_equal_the_byte_walk() {
        for t in &awkward_texts() {
            let step = if t.len() < 2000 { 1 } else { 7 };
            for at in (0..=t.len() + 1).step_by(step) {
                for floor in [0, at / 2, at.saturating_sub(3), at] {
                    assert_eq!(
                        sentence_start_before(t, at, floor),
                        sentence_start_by_bytes(t, at, floor),
                        "{t:?} at {at} floor {floor}"
                    );
                }
            }
        }
    }

    #[test]
    fn reading_from_a_sentence_start_gives_the_tokens_of_the_whole_text() {
        for t in &awkward_texts() {
            let tokens = tokenize(t);
            let mut starts: Vec<SentenceStart> = (0..=t.len())
                .step_by(3)
                .flat_map(|at| {
                    [
                        sentence_start_before(t, at, 0),
                        sentence_start_before(t, at, at / 2),
                    ]
                })
                .flatten()
                .collect();
            starts.sort_unstable_by_key(|s| s.at);
            starts.dedup();
            for SentenceStart { at: p, stop } in starts {
                let k = tokens.partition_point(|k| k.start < p);
                if p > 0 {
                    assert!(
                        tokens[k].start == p && tokens[k].sentence_start,
                        "{t:?} at {p}"
                    );
                }
                // A stop mark found before it is the token before it.
                if let Some(stop) = stop {
                    let before = &tokens[k - 1];
                    assert!(
                        before.start == stop && before.is_punct(STOPS),
                        "{t:?} at {p}"
                    );
                }
                assert!(
                    tokens_from(t, p).eq(tokens[k..].iter().cloned()),
                    "{t:?} from {p}"
                );
            }
            // The start of the text is a sentence start.
            assert!(sentence_start_before(t, t.len(), 0).is_some());
        }
    }

    fn first_quantity(text: &str) -> Option<Quantity> {
        let tokens = tokenize(text);
        (0..tokens.len()).find_map(|i| quantity_at(text, &View::whole(&tokens), i))
    }

    /// The reading [`parse_number`] replaced, which built its strings.
    fn parse_number_by_strings(digits: &str) -> Option<(f64, f64)> {
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) if !f.contains(['.', ',']) => (i, Some(f)),
            Some(_) => return None,
            None => (digits, None),
        };
        if int.contains(',') {
            let mut groups = int.split(',');
            let first = groups.next()?;
            if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
                return None;
            }
        }
        parse_long_number(int, frac)
    }

    #[test]
    fn parse_number_equals_the_string_reading() {
        let mut numbers: Vec<String> = [
            "0", "00", "0.0", "1,200", "1,200.50", ".5", "5.", "1.2.3", "12,3456",
        ]
        .map(String::from)
        .to_vec();
        for t in &awkward_texts() {
            numbers.extend(
                tokenize(t)
                    .iter()
                    .filter(|k| k.kind == TokenKind::Number)
                    .map(|k| k.lower.to_string()),
            );
        }
        for n in 0..60 {
            numbers.push("9".repeat(n) + "." + &"0".repeat(60 - n));
            numbers.push("1".to_string() + &",000".repeat(n / 4));
        }
        for n in &numbers {
            assert_eq!(parse_number(n), parse_number_by_strings(n), "{n}");
        }
    }

    #[test]
    fn numbers_are_read_as_written_with_their_precision() {
        let table: &[(&str, f64, f64)] = &[
            ("500", 500.0, 100.0),
            ("510", 510.0, 10.0),
            ("10.5", 10.5, 0.1),
            ("1,200", 1200.0, 100.0),
            ("1,050", 1050.0, 10.0),
            ("256", 256.0, 1.0),
            ("0", 0.0, 1.0),
            ("12,500.25", 12500.25, 0.01),
        ];
        for &(s, v, step) in table {
            let (gv, gs) = parse_number(s).unwrap_or_else(|| panic!("{s} did not parse"));
            assert_eq!(gv, v, "{s}");
            assert!((gs - step).abs() < 1e-12, "{s}: step {gs}");
        }
        for bad in ["1,20", "12,3456", "1.2.3", ",100"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn quantities_are_read_with_units_qualifiers_and_ranges() {
        type Row = (&'static str, f64, Option<f64>, Unit, Option<Qualifier>);
        let table: &[Row] = &[
            (
                "situated just 500 kilometers from",
                500.0,
                None,
                Unit::Km,
                Some(Qualifier::Just),
            ),
            (
                "only 300 km from",
                300.0,
                None,
                Unit::Km,
                Some(Qualifier::Just),
            ),
            (
                "about 10.5 kilometers from",
                10.5,
                None,
                Unit::Km,
                Some(Qualifier::About),
            ),
            (
                "roughly 30 kilometres",
                30.0,
                None,
                Unit::Km,
                Some(Qualifier::About),
            ),
            (
                "some 28 km north",
                28.0,
                None,
                Unit::Km,
                Some(Qualifier::About),
            ),
            (
                "around 510 kilometres",
                510.0,
                None,
                Unit::Km,
                Some(Qualifier::About),
            ),
            (
                "approximately 40 km",
                40.0,
                None,
                Unit::Km,
                Some(Qualifier::About),
            ),
            (
                "more than 70 km apart",
                70.0,
                None,
                Unit::Km,
                Some(Qualifier::Over),
            ),
            (
                "over 200 square kilometers of land",
                200.0,
                None,
                Unit::Km2,
                Some(Qualifier::Over),
            ),
            (
                "less than 10 kilometres",
                10.0,
                None,
                Unit::Km,
                Some(Qualifier::Under),
            ),
            (
                "nearly 310 km east",
                310.0,
                None,
                Unit::Km,
                Some(Qualifier::Under),
            ),
            (
                "almost 200 square miles",
                200.0,
                None,
                Unit::Mi2,
                Some(Qualifier::Under),
            ),
            (
                "just under 5 km",
                5.0,
                None,
                Unit::Km,
                Some(Qualifier::Under),
            ),
            (
                "at least 20 nautical miles",
                20.0,
                None,
                Unit::Nmi,
                Some(Qualifier::AtLeast),
            ),
            (
                "up to 20 km inside",
                20.0,
                None,
                Unit::Km,
                Some(Qualifier::UpTo),
            ),
            (
                "within two miles of",
                2.0,
                None,
                Unit::Mi,
                Some(Qualifier::Within),
            ),
            ("1,050 km north-east", 1050.0, None, Unit::Km, None),
            ("a 1 200-hectare zone", 1200.0, None, Unit::Ha, None),
            (
                "some 45 acres",
                45.0,
                None,
                Unit::Acre,
                Some(Qualifier::About),
            ),
            ("1,200 acres of forest", 1200.0, None, Unit::Acre, None),
            (
                "about 15 km² around",
                15.0,
                None,
                Unit::Km2,
                Some(Qualifier::About),
            ),
            ("a 2.5 sq km zone", 2.5, None, Unit::Km2, None),
            (
                "about 3,000 ha of farmland",
                3000.0,
                None,
                Unit::Ha,
                Some(Qualifier::About),
            ),
            ("256 mi east", 256.0, None, Unit::Mi, None),
            ("800 meters from", 800.0, None, Unit::M, None),
            ("300 m from a school", 300.0, None, Unit::M, None),
            ("a dozen kilometres from", 12.0, None, Unit::Km, None),
            ("half a kilometre from", 0.5, None, Unit::Km, None),
            ("twenty-five miles from", 25.0, None, Unit::Mi, None),
            ("a mile from the border", 1.0, None, Unit::Mi, None),
            ("20-30 km from", 20.0, Some(30.0), Unit::Km, None),
            ("5–10 km into", 5.0, Some(10.0), Unit::Km, None),
            (
                "between 5 and 10 miles west",
                5.0,
                Some(10.0),
                Unit::Mi,
                Some(Qualifier::Between),
            ),
            ("10km from", 10.0, None, Unit::Km, None),
            ("40 sq. km", 40.0, None, Unit::Km2, None),
            ("12 km2 of", 12.0, None, Unit::Km2, None),
            ("10.5 nautical miles off", 10.5, None, Unit::Nmi, None),
        ];
        for &(text, v, vmax, unit, q) in table {
            let got = first_quantity(text).unwrap_or_else(|| panic!("no quantity in {text:?}"));
            assert_eq!(
                (got.value, got.value_max, got.unit, got.qualifier),
                (v, vmax, unit, q),
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_without_a_unit_of_length_or_area_are_not_quantities() {
        for text in [
            "18 months",
            "14 Russian border villages",
            "over 200 people",
            "a 24-hour period",
            "4 Min Read",
            "a two-day visit",
            "grew 12% last year",
            "in 2022",
            "$1.5 billion",
            "3.2 million tonnes",
            "a 73-year-old man",
            "the 33rd edition",
            "155mm shells",
            "as many as 50,000 soldiers",
            "a dozen villages",
            "Every metre we lose",
            "measured in metres",
            "within minutes",
            "at 50 km/h",
            "a $5 M grant",
            "one point",
        ] {
            assert_eq!(first_quantity(text), None, "{text}");
        }
    }

    #[test]
    fn directions_and_relations_are_read() {
        let table: &[(&str, Relation, Option<&str>)] = &[
            (
                "60 km northeast of Kharkiv",
                Relation::From,
                Some("northeast"),
            ),
            (
                "60 km north-east of Kharkiv",
                Relation::From,
                Some("northeast"),
            ),
            (
                "60 km north east of Kharkiv",
                Relation::From,
                Some("northeast"),
            ),
            (
                "60 km to the south of Kharkiv",
                Relation::From,
                Some("south"),
            ),
            ("60 km from Kharkiv", Relation::From, None),
            ("60 km off Odesa", Relation::From, None),
            ("60 km away from Odesa", Relation::From, None),
            ("60 km away", Relation::Away, None),
            ("60 km apart", Relation::Apart, None),
            ("60 km into Ukraine", Relation::Into, None),
        ];
        for &(text, rel, bearing) in table {
            let tokens = tokenize(text);
            let q = quantity_at(text, &View::whole(&tokens), 0).unwrap();
            let (r, b, _) = relation_at(&View::whole(&tokens), q.next, q.qualifier)
                .unwrap_or_else(|| panic!("{text}"));
            assert_eq!((r, b.map(|b| b.name)), (rel, bearing), "{text}");
        }
        let text = "a span of 1,080 metres.";
        let tokens = tokenize(text);
        let q = (0..tokens.len())
            .find_map(|i| quantity_at(text, &View::whole(&tokens), i))
            .unwrap();
        assert_eq!(
            relation_at(&View::whole(&tokens), q.next, q.qualifier),
            None
        );
    }

    #[test]
    fn sentences_break_at_stops_and_headlines_but_not_wrapped_lines() {
        let text = "Headline here\nBody one. Body two, wrapped\nacross lines.";
        let tokens = tokenize(text);
        let starts: Vec<&str> = tokens
            .iter()
            .filter(|t| t.sentence_start)
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(starts, ["Headline", "Body", "Body"]);
    }
}
