//! The claims tokenizer: text split into words, numbers and punctuation
//! marks, each with its byte span, its lower-cased form, and whether it
//! starts a sentence by the claim-sentence rule of
//! [`crate::text::sentence`]. It can begin at any sentence start, so that
//! a window of the text gets exactly the tokens the whole text has there.
//!
//! It also says which tokens can be part of a quantity's number (the
//! number words, [`in_number`]), which a window asks to know how far back
//! a quantity may reach. Reading values, units and relations out of the
//! tokens is [`super::quantity`]'s; this module knows nothing of units or
//! windows.

use std::borrow::Cow;

use crate::text::bytes::{ascii_capitals, ascii_letters, first_lane, lanes_at_or_zero, HIGHS};
use crate::text::sentence::starts_sentence;

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

/// Hyphens and the dashes written for them, between the words of a number
/// ("twenty-five"), of a range ("20-30") or of a unit as adjective.
pub(super) const HYPHENS: &[char] = &['-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}'];
/// Spaces that may separate groups of thousands ("1 200").
const GROUP_SPACES: &[char] = &[' ', '\u{00A0}', '\u{202F}', '\u{2009}'];

/// Splits `text` into words, numbers and punctuation marks.
///
/// A sentence starts after `.`, `!` or `?` followed by white space, after a
/// blank line, and after a line break followed by anything but a lower-case
/// letter or a digit (hard-wrapped paragraphs keep their sentences): the
/// claim-sentence rule, [`starts_sentence`].
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    tokens.extend(tokens_from(text, 0));
    tokens
}

/// The tokens of `text` from byte `start` on, which must be 0 or a
/// sentence start (see [`crate::text::sentence::sentence_start_before`]):
/// exactly the tokens
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
                let lanes = lanes_at_or_zero(bytes, end);
                let run = first_lane(!ascii_letters(lanes) & HIGHS);
                let within = if run == 8 {
                    u64::MAX
                } else {
                    (1 << (8 * run)) - 1
                };
                capital |= ascii_capitals(lanes) & within != 0;
                end += run;
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

/// The value of a number word ("two", "twenty"); vague amounts ("a
/// dozen", "half a") are read in context by [`super::quantity`].
pub(super) fn number_word(w: &str) -> Option<f64> {
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::text::sentence::{sentence_start_before, SentenceStart};

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

    /// Texts that the scans rewritten for speed must read as their
    /// references do: the sample corpus, and awkward white space, case,
    /// units and marks.
    pub(crate) fn awkward_texts() -> Vec<String> {
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
