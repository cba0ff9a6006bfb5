//! JSON string literals written a word at a time, for the long strings of
//! the output (mention snippets): serde_json escapes one byte at a time,
//! and a map writes each snippet once per mention of its sentence, so
//! here each distinct snippet is escaped once, eight bytes per step, and
//! handed to serde as a [`RawValue`].
//!
//! The bytes written are exactly serde_json's: `"` and `\` escaped with a
//! backslash, `\b` `\t` `\n` `\f` `\r` by name, other control characters
//! below U+0020 as `\u00xx`, everything else (DEL, U+2028, non-ASCII) as
//! it is. The tests hold this against serde_json itself.
//!
//! Features are serialized with [`to_writer`], serde_json's compact
//! format with a quicker way to write the numbers most floats of the
//! output are, coordinates rounded to 6 decimals and 3-decimal
//! confidences: the same text, from integer arithmetic.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::value::RawValue;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `w` that is zero, exactly: no carry
/// crosses from one byte to the next.
fn zero_bytes(w: u64) -> u64 {
    let low7 = (w & !HIGHS).wrapping_add(!HIGHS);
    !(low7 | w | !HIGHS)
}

/// The high bit of every byte of `w` equal to `b`.
fn bytes_equal(w: u64, b: u8) -> u64 {
    zero_bytes(w ^ (ONES * u64::from(b)))
}

/// The high bit of every byte of `w` that must be escaped: below 0x20,
/// `"` or `\`.
fn escape_bytes(w: u64) -> u64 {
    zero_bytes(w & (ONES * 0xE0)) | bytes_equal(w, b'"') | bytes_equal(w, b'\\')
}

/// Eight bytes of `bytes` from `i`, the first in the lowest byte.
fn word_at(bytes: &[u8], i: usize) -> Option<u64> {
    let chunk = bytes.get(i..i + 8)?;
    Some(u64::from_le_bytes(chunk.try_into().expect("eight bytes")))
}

/// The first position from `i` where `flags` (a word test as above)
/// flags a byte or, past the last whole word, where `flag` holds; or the
/// end.
fn next_flagged(bytes: &[u8], mut i: usize, flags: fn(u64) -> u64, flag: fn(u8) -> bool) -> usize {
    while let Some(w) = word_at(bytes, i) {
        let m = flags(w);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + bytes[i..]
        .iter()
        .position(|&b| flag(b))
        .unwrap_or(bytes.len() - i)
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends the escape of `b`, a byte for which [`needs_escape`] holds.
fn push_escape(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let named = match b {
        b'"' => '"',
        b'\\' => '\\',
        0x08 => 'b',
        0x0C => 'f',
        b'\n' => 'n',
        b'\r' => 'r',
        b'\t' => 't',
        _ => {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
            return;
        }
    };
    out.push('\\');
    out.push(named);
}

/// Appends `s` to `out` as a JSON string literal, quotes included, with
/// serde_json's escapes.
pub fn push_str(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    loop {
        let i = next_flagged(bytes, start, escape_bytes, needs_escape);
        out.push_str(&s[start..i]);
        let Some(&b) = bytes.get(i) else { break };
        push_escape(out, b);
        start = i + 1;
    }
    out.push('"');
}

/// The high bit of every byte of `w` where [`push_collapsed`] must look
/// closer: an escape, any byte of a non-ASCII character (which may be
/// white space), and a space that is not followed, within the word, by
/// a byte that is neither white space nor one of these (the usual single
/// space between two words is not flagged).
fn collapse_bytes(w: u64) -> u64 {
    let other = escape_bytes(w) | (w & HIGHS);
    let spaces = bytes_equal(w, b' ');
    // Spaces whose next byte is a space or flagged; the last byte's next
    // is in the next word, so a space there is always flagged.
    let crowded = spaces & (((spaces | other) >> 8) | (0x80 << 56));
    other | crowded
}

fn collapse_flag(b: u8) -> bool {
    b <= b' ' || b == b'"' || b == b'\\' || b >= 0x80
}

/// The white space character at `i` in `s` and its length, if there is one.
fn space_at(s: &str, i: usize) -> Option<usize> {
    let c = s[i..].chars().next()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// Appends `s` with every run of white space made one space and none at
/// either end (as `s.split_whitespace()` joined by spaces) to `out`, as a
/// JSON string literal with serde_json's escapes.
pub fn push_collapsed(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(s.len() + 2);
    out.push('"');
    let mut i = 0;
    while let Some(n) = space_at(s, i) {
        i += n;
    }
    // `s[start..i]` is still to be copied.
    let mut start = i;
    while i < bytes.len() {
        i = next_flagged(bytes, i, collapse_bytes, collapse_flag);
        let Some(&b) = bytes.get(i) else { break };
        if b == b' ' && bytes.get(i + 1).is_some_and(|&c| c > b' ' && c < 0x80) {
            // A single space between words: copied as it is.
            i += 1;
        } else if let Some(n) = space_at(s, i) {
            out.push_str(&s[start..i]);
            i += n;
            while let Some(n) = space_at(s, i) {
                i += n;
            }
            if i < bytes.len() {
                out.push(' ');
            }
            start = i;
        } else if needs_escape(b) {
            out.push_str(&s[start..i]);
            push_escape(out, b);
            i += 1;
            start = i;
        } else {
            // A non-ASCII character that is not white space.
            i += 1;
            while bytes.get(i).is_some_and(|&c| c & 0xC0 == 0x80) {
                i += 1;
            }
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// `json`, made by [`push_str`] or [`push_collapsed`], as a raw JSON value
/// that serde writes as it is.
fn raw(json: String) -> Box<RawValue> {
    RawValue::from_string(json).expect("an escaped string is valid JSON")
}

/// `s` as a JSON string, escaped once to be written many times.
pub fn string(s: &str) -> Box<RawValue> {
    let mut json = String::with_capacity(s.len() + 2);
    push_str(&mut json, s);
    raw(json)
}

/// `s` on one line (see [`push_collapsed`]) as a JSON string.
pub fn collapsed(s: &str) -> Box<RawValue> {
    let mut json = String::with_capacity(s.len() + 2);
    push_collapsed(&mut json, s);
    raw(json)
}

/// Serializes `value` as compact JSON to `out`, as `serde_json::to_writer`
/// does, with [`Decimals`] writing floats.
pub fn to_writer<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(out, Decimals))
}

/// serde_json's compact formatter, writing floats with at most 6 decimals
/// from their integer number of millionths.
pub struct Decimals;

impl Formatter for Decimals {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        let mut buf = [0u8; 24];
        match write_millionths(value, &mut buf) {
            Some(len) => writer.write_all(&buf[..len]),
            None => CompactFormatter.write_f64(writer, value),
        }
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
    let (mut whole, frac) = (m / 1_000_000, (m % 1_000_000) as usize);
    let mut len = 0;
    if n < 0 {
        buf[0] = b'-';
        len = 1;
    }
    // The whole part's digits, from the last.
    let mut width = 1;
    while width < 10 && whole >= 10u64.pow(width) {
        width += 1;
    }
    len += width as usize;
    for d in buf[..len].iter_mut().rev().take(width as usize) {
        *d = b'0' + (whole % 10) as u8;
        whole /= 10;
    }
    buf[len] = b'.';
    len += 1;
    // Six decimals, two at a time, then without the zeros that end them
    // (but one, after a whole number).
    for (i, pair) in [frac / 10_000, frac / 100 % 100, frac % 100]
        .into_iter()
        .enumerate()
    {
        buf[len + 2 * i..len + 2 * i + 2].copy_from_slice(&PAIRS[2 * pair..2 * pair + 2]);
    }
    let mut end = len + 6;
    while end > len + 1 && buf[end - 1] == b'0' {
        end -= 1;
    }
    Some(end)
}

/// "00" to "99".
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

#[cfg(test)]
mod tests {
    use super::*;

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
            let mut out = String::new();
            push_str(&mut out, &text);
            assert_eq!(out, serde_json::to_string(&text).unwrap(), "{text:?}");
            assert_eq!(raw(out.clone()).get(), out);
        }
    }

    #[test]
    fn collapses_and_escapes_as_serde_json_does() {
        for text in awkward() {
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut out = String::new();
            push_collapsed(&mut out, &text);
            assert_eq!(out, serde_json::to_string(&collapsed).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn appends() {
        let mut out = String::from("[");
        push_str(&mut out, "a\"b");
        out.push(',');
        push_collapsed(&mut out, "  c \n d ");
        out.push(']');
        assert_eq!(out, r#"["a\"b","c d"]"#);
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
                // Every byte a word test passes over must pass the byte test.
                let m = collapse_bytes(word);
                let first = if m == 0 {
                    8
                } else {
                    (m.trailing_zeros() / 8) as usize
                };
                for (k, &c) in w.iter().enumerate().take(first) {
                    assert!(
                        !collapse_flag(c) || (c == b' ' && k + 1 < 8 && !collapse_flag(w[k + 1])),
                        "{b:#x} at {pos}"
                    );
                }
            }
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
            fast += usize::from(write_millionths(v, &mut [0; 24]).is_some());
        }
        assert!(fast > 100_000, "{fast}");
    }

    #[test]
    fn ascii_white_space_is_at_most_a_space() {
        // `push_collapsed` takes a space followed by an ASCII byte above
        // the space for a single space between words.
        for c in (0..0x80u8).map(char::from) {
            assert_eq!(c.is_whitespace(), matches!(c, '\t'..='\r' | ' '), "{c:?}");
        }
    }
}
