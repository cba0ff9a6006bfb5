//! Reads stated quantities out of a window's tokens: numbers as written
//! ("500", "10.5", "1,200", "1 200", "two", "a dozen", "half a"), ranges
//! ("20-30 km", "between 5 and 10 miles"), the unit after them (spelled as
//! [`super::units`] lists them), qualifiers ("about", "more than", "nearly"
//! ...) normalized to a small set, and after a distance its compass
//! direction ("north-east of") and relation word ("from", "into", "apart").
//!
//! This module reads tokens; it does not split text into them (see
//! [`super::tokens`]). It does not decide whether a quantity is a claim
//! about places (that needs the words around it and the resolved
//! mentions: see [`super::extract`]), and it never guesses: a number with
//! no unit ("18 months", "14 villages", "12%") is not a quantity here.

use super::tokens::{number_word, TokenKind, HYPHENS};
use super::units::{begins_unit, Unit, CASE_SENSITIVE, UNITS};
use super::window::View;

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
    /// Every qualifier.
    pub const ALL: [Qualifier; 8] = [
        Qualifier::Just,
        Qualifier::About,
        Qualifier::Over,
        Qualifier::Under,
        Qualifier::AtLeast,
        Qualifier::UpTo,
        Qualifier::Within,
        Qualifier::Between,
    ];

    /// The qualifier the output names `name` ([`Qualifier::as_str`]).
    pub fn from_name(name: &str) -> Option<Qualifier> {
        Qualifier::ALL.into_iter().find(|q| q.as_str() == name)
    }

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
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Bearing {
    /// "north", "northeast" ...
    pub name: &'static str,
    /// Clockwise from north.
    pub degrees: f64,
}

impl Bearing {
    /// The direction the output names `name` ("northeast").
    pub fn from_name(name: &str) -> Option<Bearing> {
        direction(name)
    }
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
    if !measurable(value, value_max, step, unit) {
        return None;
    }
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

/// Whether a stated amount can be checked against the map: finite in its
/// unit and in kilometres (400 nines overflow an `f64` to infinity, which
/// would allow any distance and be written as `null`), with a finite
/// precision step, and more than nothing (a distance of zero places
/// nothing; a range may start at zero, "between 0 and 5 km", if it ends
/// above it). Anything else is not a quantity, so never a claim.
fn measurable(value: f64, value_max: Option<f64>, step: f64, unit: Unit) -> bool {
    let finite = |v: f64| v.is_finite() && (v * unit.to_km()).is_finite();
    let amount = match value_max {
        None => value > 0.0,
        Some(hi) => value >= 0.0 && hi > 0.0 && finite(hi),
    };
    amount && finite(value) && finite(step)
}

/// How a distance is related to what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// "from X", "off X", "outside X", "north of X", "south from X",
    /// "within 2 miles of X".
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
        // "north of Kyiv", "some 440 km south from Kyiv"
        if matches!(word(j), Some("of" | "from")) {
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
    use crate::claims::tokens::tests::awkward_texts;
    use crate::claims::tokens::tokenize;

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
    fn amounts_that_are_not_finite_or_not_positive_are_not_quantities() {
        let nines = "9".repeat(400);
        let one_and_zeros = format!("1{}", "0".repeat(400));
        let huge = format!("1{}", ",000".repeat(103));
        for text in [
            format!("Sumy is {nines} km from Kharkiv"),
            format!("Sumy is {one_and_zeros} km from Kharkiv"),
            format!("Sumy is {huge} miles from Kharkiv"),
            format!("between 5 and {nines} km from Kharkiv"),
            "Sumy is 0 km from Kharkiv".to_string(),
            "Sumy is 0.0 km from Kharkiv".to_string(),
            "between 0 and 0 km from Kharkiv".to_string(),
        ] {
            assert_eq!(first_quantity(&text), None, "{text}");
        }
        let q = first_quantity("between 0 and 5 km from Kharkiv").unwrap();
        assert_eq!((q.value, q.value_max), (0.0, Some(5.0)));
        // The largest amount that fits is still one.
        let big = format!("{} km from Kharkiv", "9".repeat(300));
        assert!(first_quantity(&big).is_some_and(|q| q.value.is_finite()));
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
}
