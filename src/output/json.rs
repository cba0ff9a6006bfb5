//! The output's JSON, written straight into a byte buffer: the bytes
//! serde_json would write for the same values, without serde's machinery.
//!
//! Why it exists, measured (bench/README.md, instructions per 2 MB of the
//! benchmark corpus, output byte-identical before and after each step):
//! writing features through serde_json's map serializer and its
//! byte-at-a-time string escaper took 548 million; escaping each snippet
//! once, eight bytes at a time, and floats from their millionths took it
//! to 389 million; this writer, where a key is one copy of a literal made
//! at compile time ([`key!`]) and no map of values is built per feature,
//! took preparing and rendering from 400 to 217 million. Output is about
//! ten times the size of its input, so this is a fifth of a worker's time.
//!
//! Strings are escaped a word at a time, with serde_json's escapes: `"`
//! and `\` with a backslash, `\b` `\t` `\n` `\f` `\r` by name, other
//! control characters below U+0020 as `\u00xx`, everything else (DEL,
//! U+2028, non-ASCII) as it is. Floats with at most six decimals (most of
//! the output's: coordinates rounded to microdegrees, confidences) are
//! written from integer arithmetic, the same text serde_json's float
//! writer gives. The tests hold every value type against serde_json.

use serde_json::ser::{CompactFormatter, Formatter};

use crate::text::bytes::{bytes_below, bytes_equal, first_lane, lanes_at, ONES};

// The quick lane tests of `text::bytes` are right up to the first byte they
// flag, and that is all the scans below read. (Exact tests take a third
// more instructions a word.)

/// The high bit of every byte of `w` that must be escaped: below 0x20,
/// `"` or `\`; exact up to the first.
fn escape_bytes(w: u64) -> u64 {
    bytes_below(w, 0x20) | bytes_equal(w, b'"') | bytes_equal(w, b'\\')
}

/// The first position from `i` where `flags` (a word test as above)
/// flags a byte, or the end.
#[inline(always)]
fn next_flagged(bytes: &[u8], mut i: usize, flags: impl Fn(u64) -> u64) -> usize {
    while let Some(w) = lanes_at(bytes, i) {
        let m = flags(w);
        if m != 0 {
            return i + first_lane(m);
        }
        i += 8;
    }
    // Fewer than eight bytes are left: they are tested as one word, its
    // missing bytes zero. Every test flags a zero byte, so a flag past
    // the end stands for none, and a space at the end is not taken for
    // one between two words. (Not byte by byte: most strings written
    // are short, and end here.)
    let rest = bytes.len() - i;
    if rest == 0 {
        return i;
    }
    let w = match bytes.len().checked_sub(8) {
        // The last eight bytes, those before `i` shifted out.
        Some(last) => lanes_at(bytes, last).expect("eight bytes") >> (8 * (8 - rest)),
        None => (bytes[i..].iter().rev()).fold(0, |w, &b| w << 8 | u64::from(b)),
    };
    i + first_lane(flags(w)).min(rest)
}

/// Whether any byte of `bytes` needs escaping.
fn has_escapes(bytes: &[u8]) -> bool {
    let Some(last) = bytes.len().checked_sub(8) else {
        // Fewer than eight bytes: one word, the missing bytes plain ones.
        let w = (bytes.iter().rev()).fold(ONES * u64::from(b'a'), |w, &b| w << 8 | u64::from(b));
        return escape_bytes(w) != 0;
    };
    // Whole words, and the last eight bytes, which may overlap the last of
    // them: testing a byte twice does no harm.
    let mut words = bytes.chunks_exact(8);
    let whole =
        words.any(|w| escape_bytes(u64::from_le_bytes(w.try_into().expect("eight bytes"))) != 0);
    whole
        || (!words.remainder().is_empty()
            && escape_bytes(lanes_at(bytes, last).expect("eight bytes")) != 0)
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends the escape of `b`, a byte for which [`needs_escape`] holds.
fn push_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let named = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0C => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            out.extend_from_slice("\\u00".as_bytes());
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
            return;
        }
    };
    out.push(b'\\');
    out.push(named);
}

/// Appends `s` to `out` as a JSON string literal, quotes included, with
/// serde_json's escapes.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    push_escaped(out, s);
    out.push(b'"');
}

/// Appends `s` to `out` escaped as inside a JSON string literal, without
/// the quotes: for a string written in parts (each character is escaped
/// on its own, so the escape of a concatenation is the concatenation of
/// the escapes).
pub fn push_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if !has_escapes(bytes) {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    let mut start = 0;
    loop {
        let i = next_flagged(bytes, start, escape_bytes);
        out.extend_from_slice(&s.as_bytes()[start..i]);
        let Some(&b) = bytes.get(i) else { break };
        push_escape(out, b);
        start = i + 1;
    }
}

/// A value written as compact JSON: exactly the bytes serde_json writes
/// for it (the tests hold the two together).
pub trait Json {
    fn write_json(&self, out: &mut Vec<u8>);
}

impl Json for str {
    fn write_json(&self, out: &mut Vec<u8>) {
        // Most strings written are short and need no escaping: then one
        // test a word and one copy.
        let bytes = self.as_bytes();
        if has_escapes(bytes) {
            push_str(out, self);
        } else {
            out.reserve(bytes.len() + 2);
            out.push(b'"');
            out.extend_from_slice(bytes);
            out.push(b'"');
        }
    }
}

impl Json for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        self.as_str().write_json(out);
    }
}

impl Json for f64 {
    fn write_json(&self, out: &mut Vec<u8>) {
        // Written in place rather than copied from a buffer of its own:
        // the output has hundreds of thousands of coordinates.
        let start = out.len();
        out.resize(start + 24, 0);
        let buf = (&mut out[start..]).try_into().expect("24 bytes");
        if let Some(len) = write_millionths(*self, buf) {
            out.truncate(start + len);
            return;
        }
        out.truncate(start);
        // As `serde_json::Serializer::serialize_f64`.
        if self.is_finite() {
            CompactFormatter
                .write_f64(out, *self)
                .expect("writing to a Vec cannot fail");
        } else {
            out.extend_from_slice(b"null");
        }
    }
}

impl Json for u64 {
    fn write_json(&self, out: &mut Vec<u8>) {
        CompactFormatter
            .write_u64(out, *self)
            .expect("writing to a Vec cannot fail");
    }
}

impl Json for u32 {
    fn write_json(&self, out: &mut Vec<u8>) {
        u64::from(*self).write_json(out);
    }
}

impl Json for usize {
    fn write_json(&self, out: &mut Vec<u8>) {
        (*self as u64).write_json(out);
    }
}

impl Json for bool {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
    }
}

impl<T: Json> Json for Option<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Some(v) => v.write_json(out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

impl<T: Json + ?Sized> Json for &T {
    fn write_json(&self, out: &mut Vec<u8>) {
        (**self).write_json(out);
    }
}

impl<T: Json> Json for [T] {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            v.write_json(out);
        }
        out.push(b']');
    }
}

impl<T: Json, const N: usize> Json for [T; N] {
    fn write_json(&self, out: &mut Vec<u8>) {
        self.as_slice().write_json(out);
    }
}

impl<T: Json> Json for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        self.as_slice().write_json(out);
    }
}

/// A string of the program's own (a type name, a colour, a unit) that
/// needs no escaping, written between quotes as it is.
#[derive(Clone, Copy, Debug)]
pub struct Plain(pub &'static str);

impl Json for Plain {
    fn write_json(&self, out: &mut Vec<u8>) {
        debug_assert!(!self.0.bytes().any(needs_escape), "{:?}", self.0);
        out.push(b'"');
        out.extend_from_slice(self.0.as_bytes());
        out.push(b'"');
    }
}

/// `,"name":`, what an [`Object`] writes before the value of the member
/// `name` (which must need no escaping): made at compile time, so that a
/// key costs one copy of a few bytes of known length.
macro_rules! key {
    ($name:literal) => {
        concat!(",\"", $name, "\":")
    };
}
pub(crate) use key;

/// A JSON object being written: keys in the order they are given (the
/// callers give them sorted, as serde writes a `JsonObject`), each
/// written as it is.
pub struct Object<'o> {
    out: &'o mut Vec<u8>,
    /// Where the object starts in `out`.
    start: usize,
}

impl<'o> Object<'o> {
    /// Starts an object in `out`.
    pub fn start(out: &'o mut Vec<u8>) -> Object<'o> {
        let start = out.len();
        Object { out, start }
    }

    /// Writes `key`, made by [`key!`], and returns the buffer for its
    /// value.
    #[inline]
    pub fn key(&mut self, key: &'static str) -> &mut Vec<u8> {
        debug_assert!(
            key.starts_with(",\"")
                && key.ends_with("\":")
                && !key[2..key.len() - 2].bytes().any(needs_escape),
            "{key:?}"
        );
        self.out.extend_from_slice(key.as_bytes());
        // The first key's comma opens the object.
        if self.out.len() == self.start + key.len() {
            self.out[self.start] = b'{';
        }
        self.out
    }

    #[inline]
    pub fn field<T: Json + ?Sized>(&mut self, key: &'static str, value: &T) {
        value.write_json(self.key(key));
    }

    /// Closes the object.
    pub fn end(self) {
        if self.out.len() == self.start {
            self.out.push(b'{');
        }
        self.out.push(b'}');
    }
}

/// Writes `v` to `buf` as serde_json writes it and returns the length, if
/// `v` is the double nearest to a decimal with at most 6 decimals, at
/// least 0.0001 and below 10^9 in magnitude; else `None`.
///
/// Such a decimal has at most 15 significant digits, and two such decimals
/// are never nearest to the same double, so it is the shortest text that
/// reads back as `v`: what serde_json's float writer (zmij) prints, in its
/// fixed notation (used from 10^-5 to 10^16), with `.0` after a whole
/// number.
#[inline(always)]
fn write_millionths(v: f64, buf: &mut [u8; 24]) -> Option<usize> {
    let scaled = v * 1e6;
    if !(100.0..1e15).contains(&scaled.abs()) {
        return None;
    }
    // The nearest whole number of millionths, but for rare halves that
    // the check below sends to serde_json's writer (`f64::round` is a
    // function call on this target, the conversion one instruction).
    let n = (scaled + 0.5f64.copysign(scaled)) as i64;
    if n as f64 / 1e6 != v {
        return None;
    }
    let m = n.unsigned_abs();
    // Below 10^9 and 10^6, from the range checked above.
    let (whole, frac) = ((m / 1_000_000) as u32, (m % 1_000_000) as usize);
    buf[0] = b'-';
    let point = usize::from(n < 0) + write_whole(&mut buf[usize::from(n < 0)..], whole);
    buf[point] = b'.';
    // Six decimals, two at a time, then without the zeros that end them
    // (but one, after a whole number).
    let pairs = [frac / 10_000, frac / 100 % 100, frac % 100];
    for (i, pair) in pairs.into_iter().enumerate() {
        let at = point + 1 + 2 * i;
        buf[at..at + 2].copy_from_slice(&PAIRS[2 * pair..2 * pair + 2]);
    }
    let decimals = match pairs {
        [0, 0, 0] => 1,
        [hi, 0, 0] => 2 - usize::from(hi % 10 == 0),
        [_, mid, 0] => 4 - usize::from(mid % 10 == 0),
        [_, _, lo] => 6 - usize::from(lo % 10 == 0),
    };
    Some(point + 1 + decimals)
}

/// Writes `v`, below 10^9, in decimal at the start of `out`, and returns
/// how many digits it took.
#[inline]
fn write_whole(out: &mut [u8], v: u32) -> usize {
    let width = match v {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        _ => 4 + POWERS_OF_TEN.iter().filter(|&&p| v >= p).count(),
    };
    // Two digits at a time, from the last.
    let (mut v, mut i) = (v as usize, width);
    while i >= 2 {
        let pair = 2 * (v % 100);
        out[i - 2..i].copy_from_slice(&PAIRS[pair..pair + 2]);
        v /= 100;
        i -= 2;
    }
    if i == 1 {
        out[0] = b'0' + v as u8;
    }
    width
}

/// 10^4 to 10^8: a number of at least 10^3 has four digits and one more
/// for each of these it is at least.
const POWERS_OF_TEN: [u32; 5] = [10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/// "00" to "99".
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

#[cfg(test)]
mod tests {
    use std::io;

    use serde::Serialize;

    use super::*;

    /// Serializes `value` as compact JSON to `out`, as `serde_json::to_writer`
    /// does, with [`Decimals`] writing floats.
    pub fn to_writer<T: Serialize + ?Sized>(
        out: &mut Vec<u8>,
        value: &T,
    ) -> serde_json::Result<()> {
        value.serialize(&mut serde_json::Serializer::with_formatter(out, Decimals))
    }

    /// serde_json's compact formatter, writing floats with at most 6 decimals
    /// from their integer number of millionths.
    pub struct Decimals;

    impl Formatter for Decimals {
        fn write_f64<W: ?Sized + io::Write>(
            &mut self,
            writer: &mut W,
            value: f64,
        ) -> io::Result<()> {
            let mut buf = [0u8; 24];
            match write_millionths(value, &mut buf) {
                Some(len) => writer.write_all(&buf[..len]),
                None => CompactFormatter.write_f64(writer, value),
            }
        }
    }

    /// `s` as a JSON string literal.
    fn escape(s: &str) -> String {
        let mut out = Vec::new();
        push_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    /// Text with everything an escaper can get wrong, at every alignment.
    fn awkward() -> Vec<String> {
        let mut texts: Vec<String> = vec![
            String::new(),
            " ".into(),
            "  \t\n ".into(),
            "plain words only".into(),
            "quote \" backslash \\ both \\\" end\\".into(),
            "\"\"\"\"\"\"\"\"\"\\\\\\\\\\\\\\\\\\".into(),
            "line\u{2028}sep\u{2029}para \u{7f} del".into(),
            "Харків, “mayor” — Вовчанськ 10,5\u{a0}km\u{202f}away\u{3000}end".into(),
            "tabs\tand\u{0b}vt\u{0c}ff\rcr\nlf\u{85}nel\u{1680}ogham\u{2000}\u{200a}x".into(),
            "ctl \u{1}\u{8}\u{1b}\u{1c}\u{1f} done".into(),
            "  leading and trailing  ".into(),
            "a  b   c    d     e      f       g        h         i".into(),
            "\u{a0}\u{a0}nbsp\u{a0}\u{a0}".into(),
            "emoji 🚀 and 𝄞 and é".into(),
        ];
        texts.push((0u8..0x80).map(char::from).collect());
        texts.push((0u8..0x80).rev().map(char::from).collect());
        let every: String = (0u8..0x80)
            .map(|b| format!("w{}x ", char::from(b)))
            .collect();
        texts.push(every);
        // Every awkward text again after 1 to 8 plain bytes, so that each
        // byte lands at each position of a word.
        let shifted: Vec<String> = texts
            .iter()
            .flat_map(|t| (1..=8).map(move |k| format!("{}{t}", "abcdefgh".get(..k).unwrap())))
            .collect();
        texts.extend(shifted);
        // Pairs of interesting characters, each at every position.
        let chars = [
            ' ', '\t', '\n', '"', '\\', '\u{1}', '\u{8}', '\u{7f}', '\u{a0}', '\u{85}', '\u{2028}',
            '\u{3000}', 'é', 'x', '🚀',
        ];
        for a in chars {
            for b in chars {
                for k in 0..9 {
                    texts.push(format!("{}{a}{b}{}", "y".repeat(k), "z".repeat(9 - k)));
                }
            }
        }
        texts
    }

    #[test]
    fn escapes_as_serde_json_does() {
        for text in awkward() {
            assert_eq!(
                escape(&text),
                serde_json::to_string(&text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn appends() {
        let mut out = b"[".to_vec();
        push_str(&mut out, "a\"b");
        out.push(b',');
        push_str(&mut out, "c d");
        out.push(b']');
        assert_eq!(out, br#"["a\"b","c d"]"#);
    }

    #[test]
    fn word_tests_flag_exactly_their_bytes() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut w = [b'a'; 8];
                w[pos] = b;
                let word = u64::from_le_bytes(w);
                let flagged = escape_bytes(word) != 0;
                assert_eq!(flagged, needs_escape(b), "{b:#x} at {pos}");
                if flagged {
                    assert_eq!(escape_bytes(word).trailing_zeros() / 8, pos as u32);
                }
            }
        }
    }

    /// The word tests are exact up to the first byte they flag, in words
    /// crowded with the bytes they look for.
    #[test]
    fn word_tests_are_exact_up_to_their_first_flag() {
        let alphabet = [
            0u8, 1, 0x1f, b' ', b'!', b'"', b'#', b'\\', b']', b'a', 0x7f, 0x80, 0xa0, 0xc3, 0xff,
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let w: [u8; 8] = std::array::from_fn(|k| alphabet[(x >> (5 * k)) as usize % 15]);
            let word = u64::from_le_bytes(w);
            let first = |m: u64| (m != 0).then(|| (m.trailing_zeros() / 8) as usize);
            let want = w.iter().position(|&b| needs_escape(b));
            assert_eq!(first(escape_bytes(word)), want, "{w:x?}");
        }
    }

    /// What serde_json writes for `v`, and what [`Decimals`] writes.
    fn both(v: f64) -> (String, String) {
        let mut out = Vec::new();
        to_writer(&mut out, &v).unwrap();
        (
            serde_json::to_string(&v).unwrap(),
            String::from_utf8(out).unwrap(),
        )
    }

    #[test]
    fn floats_are_written_as_serde_json_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            34.0,
            0.1,
            0.2,
            0.3,
            0.7,
            1e-7,
            1e-6,
            1e-5,
            1e-4,
            0.0001,
            0.00012,
            0.001,
            0.999_999_5,
            0.853,
            0.25,
            1.5,
            10.5,
            100.0,
            180.0,
            -180.0,
            90.0,
            121.60222,
            38.91222,
            -122.69487,
            36.254753,
            49.981774,
            123_456_789.123_456,
            999_999_999.999_999,
            1e9,
            1e9 + 0.5,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.1 + 0.2,
            1.0 / 3.0,
            2.0 / 3.0,
            123.456_789_1,
            f64::EPSILON,
            4503599627370496.5,
            9007199254740993.0,
        ];
        // Every millionth near some round numbers, and pseudo-random
        // values at every scale, rounded to 0 to 7 decimals and not.
        for base in [0.0, 1.0, 10.0, 36.25, 179.99, -45.5, 1000.0, 123_456.0] {
            for k in -2000..2000 {
                values.push(base + f64::from(k) * 1e-6);
                values.push(crate::output::round6(base + f64::from(k) * 1e-6));
            }
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            let scale = 10f64.powi((x % 24) as i32 - 8);
            let v = if x & 1 << 5 == 0 {
                mantissa * scale
            } else {
                -mantissa * scale
            };
            let decimals = ((x >> 6) % 9) as i32;
            let p = 10f64.powi(decimals);
            values.push(v);
            values.push((v * p).round() / p);
            values.push(f64::from_bits(x));
        }
        let mut fast = 0;
        for v in values.into_iter().filter(|v| v.is_finite()) {
            let (want, got) = both(v);
            assert_eq!(got, want, "{v:e}");
            assert_eq!(written(&v), want, "{v:e}");
            fast += usize::from(write_millionths(v, &mut [0; 24]).is_some());
        }
        assert!(fast > 100_000, "{fast}");
        // serde_json writes what is not a number as `null`.
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(written(&v), serialized(&v));
        }
    }

    /// What [`Json`] writes for `v`.
    fn written<T: Json + ?Sized>(v: &T) -> String {
        let mut out = Vec::new();
        v.write_json(&mut out);
        String::from_utf8(out).unwrap()
    }

    /// What [`to_writer`] writes for `v`.
    fn serialized<T: Serialize + ?Sized>(v: &T) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_are_written_as_serde_writes_them() {
        for text in awkward() {
            assert_eq!(written(text.as_str()), serialized(&text), "{text:?}");
            assert_eq!(written(&text), serialized(&text), "{text:?}");
            let some = Some(text.as_str());
            assert_eq!(written(&some), serialized(&some), "{text:?}");
        }
        assert_eq!(written(&None::<&str>), serialized(&None::<&str>));
        for word in ["Feature", "Point", "#e31a1c", "marker-size", ""] {
            assert_eq!(written(&Plain(word)), serialized(word));
        }
        for n in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(written(&n), serialized(&n));
            assert_eq!(written(&(n as usize)), serialized(&(n as usize)));
            assert_eq!(written(&(n as u32)), serialized(&(n as u32)));
            assert_eq!(written(&Some(n)), serialized(&Some(n)));
        }
        assert_eq!(written(&None::<u64>), serialized(&None::<u64>));
        for b in [true, false] {
            assert_eq!(written(&b), serialized(&b));
        }
        let nested = vec![
            vec![vec![36.25, 49.98], vec![-0.5, 1e-7]],
            vec![],
            vec![vec![]],
        ];
        assert_eq!(written(&nested), serialized(&nested));
        assert_eq!(written(&nested[..0]), serialized(&nested[..0]));
        let strings = ["a", "\"b\"", ""];
        assert_eq!(written(&strings[..]), serialized(&strings[..]));
    }

    #[test]
    fn objects_are_written_as_serde_writes_maps() {
        use serde::ser::{SerializeMap, Serializer};
        let mut out = Vec::new();
        Object::start(&mut out).end();
        assert_eq!(out, b"{}");
        // With the first key present or not.
        for first in [false, true] {
            let mut got = Vec::new();
            let mut map = Object::start(&mut got);
            if first {
                map.field(key!("border_lat"), &50.5);
            }
            map.field(key!("name"), "Kharkiv \"city\"");
            map.field(key!("population"), &None::<u64>);
            let mut inner = Object::start(map.key(key!("z")));
            inner.field(key!("a"), &1u32);
            inner.end();
            map.end();
            let mut want = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(&mut want, Decimals);
            let mut m = ser.serialize_map(None).unwrap();
            if first {
                m.serialize_entry("border_lat", &50.5).unwrap();
            }
            m.serialize_entry("name", "Kharkiv \"city\"").unwrap();
            m.serialize_entry("population", &None::<u64>).unwrap();
            m.serialize_entry("z", &serde_json::json!({"a": 1}))
                .unwrap();
            m.end().unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }

    #[test]
    fn parts_are_escaped_as_their_concatenation() {
        for text in awkward() {
            let cuts = (0..=text.len()).filter(|&i| text.is_char_boundary(i));
            for i in cuts {
                let (a, b) = text.split_at(i);
                let mut out = b"\"".to_vec();
                for part in [a, "", b] {
                    push_escaped(&mut out, part);
                }
                out.push(b'"');
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    escape(&text),
                    "{text:?} at {i}"
                );
            }
        }
    }

    #[test]
    fn escapes_are_found_at_every_position() {
        for text in awkward() {
            let bytes = text.as_bytes();
            for i in 0..bytes.len() {
                for part in [&bytes[i..], &bytes[..i]] {
                    let want = part.iter().any(|&b| needs_escape(b));
                    assert_eq!(has_escapes(part), want, "{text:?} at {i}");
                }
            }
        }
    }
}
