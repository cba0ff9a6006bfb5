//! Where sentences start and stop, as each stage of the pipeline needs to
//! know it. There is no one rule: the stages ask different questions, and
//! the output depends on each rule as it is, so they are kept as named
//! variants, side by side, each saying how it differs from the others.
//!
//! | Variant | Functions | Asked by | A sentence breaks at |
//! |---|---|---|---|
//! | openings | [`is_sentence_initial`] | `recognize` | any line break; `.` `!` `?` `:` `;` `\|` `•`, with or without white space after |
//! | claim sentences | [`starts_sentence`], [`sentence_start_before`] | `claims::tokens`, `claims::window` | `.` `!` `?` then white space; a blank line; a line break before anything but a lower-case letter or a digit |
//! | numbered sentences | [`sentence_numbers`] | `claims::roles` | the claim sentences' starts, counted |
//! | snippet stops | [`is_snippet_stop`], [`snippet_stops`] | `output` (snippets) | `.` `!` `?` then white space or the end; any line break |
//!
//! - Openings are the loosest: recognition asks whether a capital there
//!   says anything about a name, and a capital after a colon, a bullet or
//!   "U.S." says as little as one after a full stop.
//! - Claim sentences are the strictest about lines: the places a distance
//!   relates are looked for within its sentence, so a hard-wrapped
//!   paragraph ("... wrapped\nacross lines.") must stay one sentence, and
//!   only a blank line or a line that starts like a new sentence (a
//!   headline, then its first paragraph) breaks one. A stop mark breaks
//!   one only with white space after it ("U.S.-led" does not).
//! - Snippets show a mention to a person, on one line: any line break ends
//!   one, as a line is what a reader sees as a unit.
//!
//! This module reads text only; it knows nothing of tokens, mentions,
//! claims or features. It does not change what any rule decides: making
//! two of them one would change the output.

/// The marks that end a sentence in every variant (openings need no white
/// space after them; the other variants do).
const STOPS: [u8; 3] = [b'.', b'!', b'?'];

/// ASCII white space as the claim tokenizer skips it (`char::is_whitespace`
/// for ASCII).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

// ---- Openings: recognition -------------------------------------------

/// Whether a word right after `before` opens a sentence for recognition:
/// true when nothing but opening punctuation (quotes, brackets, dashes,
/// spaces) stands between it and the start of the text, a line break, or
/// one of `.` `!` `?` `:` `;` `|` `•`.
///
/// The loosest variant: no white space is needed after a mark, a colon or
/// a bullet counts, and every line break does (a line of its own is a
/// headline or a list item). Recognition uses it to ignore capitals that
/// say nothing, and over-reading an opening only costs a word a weak hint
/// that it is a name.
pub fn is_sentence_initial(before: &str) -> bool {
    for c in before.chars().rev() {
        match c {
            ' ' | '\t' | '"' | '\'' | '“' | '‘' | '(' | '[' | '«' | '—' | '–' | '-' => {
                continue
            }
            '\n' | '.' | '!' | '?' | ':' | ';' | '|' | '•' => return true,
            _ => return false,
        }
    }
    true
}

// ---- Claim sentences: the claims tokenizer and its windows -----------

/// Whether a token that begins with character `c` starts a claim
/// sentence. Since the previous token, the text held `newlines` line
/// breaks and, when `spaced`, white space; `after_stop` says whether that
/// token was a stop mark (`.`, `!` or `?`), and is `None` when there was
/// none (the first token starts a sentence).
///
/// A sentence starts after a stop mark and white space, after a blank
/// line, and after one line break before anything but a lower-case letter
/// or a digit. Stricter about lines than the other variants: a
/// hard-wrapped line goes on with its sentence. Claims look for the
/// places a distance relates within its sentence.
#[inline]
pub fn starts_sentence(after_stop: Option<bool>, c: char, newlines: usize, spaced: bool) -> bool {
    let Some(after_stop) = after_stop else {
        return true;
    };
    newlines >= 2
        || (newlines == 1 && !c.is_lowercase() && !c.is_ascii_digit())
        || (spaced && after_stop)
}

/// A claim sentence start: its byte, and the byte of the stop mark (`.`,
/// `!` or `?`) right before its white space, if there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceStart {
    pub at: usize,
    pub stop: Option<usize>,
}

/// The last byte from `floor` to `at` where a claim sentence starts
/// whatever the text before it is, if there is one; the start of the text
/// is one. [`starts_sentence`] read backwards from a byte, so that a
/// window of the text can be read without the text before it.
///
/// Such a start is a character that is not white space after a run of
/// ASCII white space that follows a stop mark, or holds a line break, and
/// that [`starts_sentence`] accepts there. It is where a tokenizer that
/// keeps white space out of its tokens (but for a single space inside a
/// number, "1 200", which has digits on both sides) and makes every stop
/// mark a token of its own starts a sentence; `claims::tokens` is that
/// tokenizer, and its tests hold the two together. Starts after other
/// white space (beyond ASCII) are missed, which costs a reader of a window
/// some more text, never a different reading.
pub fn sentence_start_before(text: &str, at: usize, floor: usize) -> Option<SentenceStart> {
    let b = text.as_bytes();
    // The white space before a start holds a line break or follows a stop:
    // starts are looked for only after those, found from `at` back.
    let mut end = at.min(b.len());
    while let Some(q) = b[..end]
        .iter()
        .rposition(|&x| x == b'\n' || STOPS.contains(&x))
    {
        end = q;
        // The run of white space `q` is in or before, and the byte after it.
        let mut w = if b[q] == b'\n' { q } else { q + 1 };
        while w > 0 && is_ascii_space(b[w - 1]) {
            w -= 1;
        }
        let mut p = q + 1;
        while p < b.len() && is_ascii_space(b[p]) {
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
        let stop = (w > 0 && STOPS.contains(&b[w - 1])).then(|| w - 1);
        if starts_sentence(Some(stop.is_some()), c, newlines, true) {
            return Some(SentenceStart { at: p, stop });
        }
    }
    (floor == 0).then_some(SentenceStart { at: 0, stop: None })
}

// ---- Numbered sentences: the claims' role reader ---------------------

/// The sentence number of every token, from whether each starts a claim
/// sentence (`starts`, in order): 0 for the first sentence, one more at
/// every start after the first token.
///
/// The same breaks as claim sentences, counted so that "the sentence
/// before" is a subtraction and "the same sentence" a comparison, which is
/// what the role reader asks ("X and Y are 70 km apart" looks for its
/// cities in its sentence or the one before). The first token opens
/// sentence 0 whether or not it is marked: a window read for claims may
/// begin with the stop mark before its first sentence, which is marked as
/// a start and then sits alone in sentence 0, before the window's own.
pub fn sentence_numbers(starts: impl ExactSizeIterator<Item = bool>) -> Vec<usize> {
    let mut numbers = Vec::with_capacity(starts.len());
    let mut n = 0;
    for (k, start) in starts.enumerate() {
        if start && k > 0 {
            n += 1;
        }
        numbers.push(n);
    }
    numbers
}

// ---- Snippet stops: the output's snippets ----------------------------

/// Whether byte `i` of `text` ends a sentence for a snippet: a line
/// break, or `.`, `!` or `?` followed by white space or the end of the
/// text.
///
/// Between the other two variants: a stop mark needs white space after it
/// as in claim sentences, but every line break stops, as in openings,
/// and a colon does not. A snippet shows a mention in its sentence on one
/// line, and a line of the source is what its reader takes as a unit.
/// (Looking back from a mention, the snippet code also passes over a stop
/// right before the mention's first byte: that is its own condition, not
/// part of this rule.)
#[inline]
pub fn is_snippet_stop(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    match b.get(i) {
        Some(b'\n') => true,
        Some(x) if STOPS.contains(x) => {
            // After an ASCII byte, `i + 1` begins a character.
            i + 1 == b.len() || text[i + 1..].starts_with(char::is_whitespace)
        }
        _ => false,
    }
}

/// Every byte of `text` where [`is_snippet_stop`] holds, in order: found
/// once for a text, so that the snippets of its many mentions are cut
/// without walking the text around each.
pub fn snippet_stops(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let [a, b, c] = STOPS;
    let stops = memchr::memchr3_iter(a, b, c, bytes).filter(|&i| is_snippet_stop(text, i));
    let mut stops: Vec<usize> = stops.chain(memchr::memchr_iter(b'\n', bytes)).collect();
    stops.sort_unstable();
    stops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Vec<String> {
        crate::sample_texts::with_corpus(&[
            "Kharkiv, just 30 kilometers from the Russian border. Then: 1 200 ha!",
            "A. b! C? \n\nd\n e\n5 f.\u{2028}G . \t\u{b}H ?\r\nI 1 200. 2 300",
            "\n \nA. b! C? \n\nd",
            "a.\u{a0}\nB x.\n\n\u{2028}Y end.\t\r\nNext 1.\n2 . . \n\n\n a!?  b q?\u{3000}x 5.\n\u{e9}",
            "Headline here\nBody one. Body two, wrapped\nacross lines.",
            "é km. Éte\u{301}\nÉ. \u{85}x? «Y» • z | w: V",
            ".",
            "\n",
            "",
        ])
    }

    #[test]
    fn openings_are_after_any_mark_or_line_break() {
        assert!(is_sentence_initial(""));
        assert!(is_sentence_initial("It ended. \""));
        assert!(is_sentence_initial("Title\n"));
        assert!(is_sentence_initial("Also: “"));
        assert!(is_sentence_initial("U.S."));
        assert!(is_sentence_initial("• ("));
        assert!(!is_sentence_initial("in the "));
        assert!(!is_sentence_initial("said, “"));
    }

    #[test]
    fn claim_sentences_break_at_stops_blank_lines_and_headlines() {
        // (after_stop, first character, newlines, spaced)
        let table = [
            (None, 'a', 0, false, true),
            (Some(true), 'a', 0, true, true),
            (Some(true), 'A', 0, false, false),
            (Some(false), 'A', 0, true, false),
            (Some(false), 'a', 2, true, true),
            (Some(false), 'a', 1, true, false),
            (Some(false), '5', 1, true, false),
            (Some(false), 'A', 1, true, true),
            (Some(false), '(', 1, true, true),
            (Some(false), 'é', 1, true, false),
        ];
        for (after_stop, c, newlines, spaced, want) in table {
            assert_eq!(
                starts_sentence(after_stop, c, newlines, spaced),
                want,
                "{after_stop:?} {c:?} {newlines} {spaced}"
            );
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
    fn claim_sentence_starts_equal_the_byte_walk() {
        for t in &texts() {
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
    fn sentences_are_numbered_from_the_second_start() {
        let none: [bool; 0] = [];
        assert_eq!(sentence_numbers(none.into_iter()), Vec::<usize>::new());
        let starts = [true, true, false, false, true, false];
        assert_eq!(sentence_numbers(starts.into_iter()), [0, 1, 1, 1, 2, 2]);
        let starts = [false, false, true];
        assert_eq!(sentence_numbers(starts.into_iter()), [0, 0, 1]);
    }

    #[test]
    fn snippet_stops_are_line_breaks_and_spaced_stop_marks() {
        let text = "One. Two!Three? \nU.S. end.";
        let stops: Vec<usize> = snippet_stops(text);
        let at = |s: &str| text.find(s).unwrap();
        assert_eq!(
            stops,
            [at(". Two"), at("? "), at("\n"), at(". end"), text.len() - 1]
        );
    }

    /// The tests `output`'s snippets wrote out for themselves, looking back
    /// from a mention and forward from it, at a character start `i`.
    fn snippet_stops_as_written(text: &str, i: usize) -> (bool, bool) {
        let bytes = text.as_bytes();
        let space_at = |i: usize| text[i..].starts_with(char::is_whitespace);
        let b = bytes[i];
        let back = matches!(b, b'.' | b'!' | b'?' | b'\n')
            && i + 1 < text.len()
            && (b == b'\n' || space_at(i + 1));
        let to = i + text[i..].chars().next().map_or(1, char::len_utf8);
        let forward =
            (matches!(b, b'.' | b'!' | b'?') && (to == bytes.len() || space_at(to))) || b == b'\n';
        (back, forward)
    }

    #[test]
    fn snippet_stops_equal_the_tests_snippets_wrote() {
        for t in &texts() {
            let each: Vec<usize> = (0..t.len()).filter(|&i| is_snippet_stop(t, i)).collect();
            assert_eq!(snippet_stops(t), each, "{t:?}");
            for (i, _) in t.char_indices() {
                let (back, forward) = snippet_stops_as_written(t, i);
                // Looking back, the snippet code asks only of bytes before
                // its mention, so never of the last byte.
                if i + 1 < t.len() {
                    assert_eq!(is_snippet_stop(t, i), back, "{t:?} at {i}");
                }
                assert_eq!(is_snippet_stop(t, i), forward, "{t:?} at {i}");
            }
        }
    }

    #[test]
    fn the_variants_differ_as_documented() {
        // A colon opens a sentence for recognition only.
        let text = "Also: Kharkiv";
        assert!(is_sentence_initial(&text[..6]));
        assert_eq!(sentence_start_before(text, 6, 0).map(|s| s.at), Some(0));
        assert!(!is_snippet_stop(text, 4));
        // A wrapped line goes on with its claim sentence, but a line break
        // ends a snippet and opens a sentence for recognition.
        let text = "wrapped\nacross lines";
        assert!(is_sentence_initial(&text[..8]));
        assert_eq!(sentence_start_before(text, 8, 0).map(|s| s.at), Some(0));
        assert!(is_snippet_stop(text, 7));
        // A stop mark with no space after it: an opening only.
        let text = "U.S.Army";
        assert!(is_sentence_initial(&text[..4]));
        assert!(!is_snippet_stop(text, 3));
        assert_eq!(sentence_start_before(text, 4, 0).map(|s| s.at), Some(0));
    }
}
