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
pub fn raw(json: String) -> Box<RawValue> {
    RawValue::from_string(json).expect("an escaped string is valid JSON")
}

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

    #[test]
    fn ascii_white_space_is_at_most_a_space() {
        // `push_collapsed` takes a space followed by an ASCII byte above
        // the space for a single space between words.
        for c in (0..0x80u8).map(char::from) {
            assert_eq!(c.is_whitespace(), matches!(c, '\t'..='\r' | ' '), "{c:?}");
        }
    }
}
