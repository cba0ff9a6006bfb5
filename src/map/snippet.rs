//! The sentence a mention or a claim was read in, cut from its document
//! and put on one line: the provenance every feature carries, so a reader
//! sees the words behind a point without opening the article.
//!
//! A snippet is the sentence around the words, or about [`REACH`]
//! characters on each side of them when the sentence is longer, with every
//! run of white space made one space. Where a sentence stops is
//! [`crate::text::sentence::is_snippet_stop`]. It is plain text: writers
//! escape it for their format.

use crate::text::sentence::{is_snippet_stop, snippet_stops};

/// The sentence around byte range `start..end`, or about 160 characters
/// around it when the sentence is longer, on one line.
pub fn snippet(text: &str, start: usize, end: usize) -> String {
    let (from, to) = snippet_bounds(text, start, end);
    collapse_whitespace(&text[from..to])
}

/// How many characters a snippet reaches on each side of its mention when
/// the sentence is longer.
const REACH: usize = 160;

/// Where [`snippet`] cuts `text` around `start..end`.
///
/// Scans bytes rather than decoding characters: the marks that end a
/// sentence are ASCII, and every character starts at a byte that is not a
/// UTF-8 continuation byte, so characters can be counted without decoding.
fn snippet_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let char_start = |i: usize| bytes[i] & 0xC0 != 0x80;
    let mut from = start;
    let mut steps = 0;
    for i in (0..start).rev().filter(|&i| char_start(i)) {
        steps += 1;
        if steps > REACH {
            break;
        }
        // A stop right before the mention does not end its sentence.
        if i + 1 < start && is_snippet_stop(text, i) {
            break;
        }
        from = i;
    }
    let mut to = end;
    let mut steps = 0;
    for i in (end..bytes.len()).filter(|&i| char_start(i)) {
        steps += 1;
        let b = bytes[i];
        to = i + utf8_width(b);
        if steps > REACH || is_snippet_stop(text, i) {
            if b == b'\n' {
                to -= 1;
            }
            break;
        }
    }
    (from, to)
}

/// The sentence stops of one text, found once, so that the snippets of its
/// many mentions are cut without walking the text around each of them.
pub struct Sentences<'t> {
    text: &'t str,
    /// Where [`snippet_bounds`] stops, either way ([`snippet_stops`]).
    stops: Vec<usize>,
}

impl<'t> Sentences<'t> {
    pub fn new(text: &'t str) -> Sentences<'t> {
        Sentences {
            text,
            stops: snippet_stops(text),
        }
    }

    /// [`snippet_bounds`], from the stops: the sentence when it is within
    /// reach on both sides (nearly always); else, on a side where it is
    /// not, the reach itself, counted in bytes where the text there is
    /// ASCII; else by walking the text.
    pub fn bounds(&self, start: usize, end: usize) -> (usize, usize) {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let within_reach = |span: &str| span.len() <= REACH || span.chars().count() <= REACH;
        // The last stop that is not right before the mention.
        let k = self.stops.partition_point(|&i| i + 1 < start);
        let mut from = if k > 0 { self.stops[k - 1] + 1 } else { 0 };
        if !within_reach(&text[from..start]) {
            // No stop within reach: `snippet_bounds` walks REACH
            // characters back.
            match start.checked_sub(REACH) {
                Some(f) if bytes[f..start].is_ascii() => from = f,
                _ => return snippet_bounds(text, start, end),
            }
        }
        // The first stop at or after its end.
        let k = self.stops.partition_point(|&i| i < end);
        let to = match self.stops.get(k) {
            Some(&j) if within_reach(&text[end..j]) => {
                if bytes[j] == b'\n' {
                    j
                } else {
                    j + 1
                }
            }
            None if within_reach(&text[end..]) => text.len(),
            // No stop within reach: `snippet_bounds` takes REACH + 1
            // characters forward, none of them a line break.
            _ => match bytes.get(end..end + REACH + 1) {
                Some(after) if after.is_ascii() => end + REACH + 1,
                _ => return snippet_bounds(text, start, end),
            },
        };
        (from, to)
    }
}

/// The length of the UTF-8 character whose first byte is `b`.
fn utf8_width(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// `s` with every run of whitespace made one space, and none at either end.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character-by-character snippet that [`snippet`] replaced.
    fn snippet_by_chars(text: &str, start: usize, end: usize) -> String {
        const REACH: usize = 160;
        let mut from = start;
        let mut steps = 0;
        for (i, c) in text[..start].char_indices().rev() {
            steps += 1;
            if steps > REACH {
                break;
            }
            let ends_sentence = matches!(c, '.' | '!' | '?' | '\n')
                && i + c.len_utf8() < start
                && (c == '\n' || text[i + c.len_utf8()..].starts_with(char::is_whitespace));
            if ends_sentence {
                break;
            }
            from = i;
        }
        let mut to = end;
        let mut steps = 0;
        for (i, c) in text[end..].char_indices() {
            steps += 1;
            to = end + i + c.len_utf8();
            if steps > REACH
                || (matches!(c, '.' | '!' | '?')
                    && text[to..].chars().next().is_none_or(char::is_whitespace))
                || c == '\n'
            {
                if c == '\n' {
                    to -= 1;
                }
                break;
            }
        }
        text[from..to]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn snippet_by_bytes_equals_snippet_by_chars() {
        let long = "слово ".repeat(60);
        let text = format!(
            "Харків.\u{a0}Kharkiv’s “mayor” said.\n\nU.S. troops?! In Kyiv\u{2009}now. {long}Sumy. \
             Tail without a stop — Вовчанськ 10.5\u{a0}km away\r\n. End.\n"
        );
        let exact = format!("{}. Word{}", "x".repeat(159), "y".repeat(158));
        let long = format!(
            "Short one. {} Kyiv, {}\nthen {}é{}",
            "word ".repeat(40),
            "more words ".repeat(20),
            "ascii ".repeat(30),
            "z".repeat(170)
        );
        for text in [text, exact, long] {
            let sentences = Sentences::new(&text);
            let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            starts.push(text.len());
            for (k, &s) in starts.iter().enumerate() {
                for &e in starts[k..].iter().take(8) {
                    let want = snippet_by_chars(&text, s, e);
                    assert_eq!(snippet(&text, s, e), want, "{s}..{e}");
                    let (from, to) = sentences.bounds(s, e);
                    assert_eq!(collapse_whitespace(&text[from..to]), want, "{s}..{e}");
                }
            }
        }
    }

    #[test]
    fn snippet_is_the_sentence() {
        let text = "First one. Shelling hit Kharkiv on Friday. Next sentence.";
        let s = text.find("Kharkiv").unwrap();
        assert_eq!(snippet(text, s, s + 7), "Shelling hit Kharkiv on Friday.");
    }

    #[test]
    fn snippet_stays_on_its_line() {
        let text = "Headline about Kyiv\nBody starts here.";
        let s = text.find("Kyiv").unwrap();
        assert_eq!(snippet(text, s, s + 4), "Headline about Kyiv");
    }
}
