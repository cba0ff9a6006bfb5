//! How text is normalized for name lookup, and the character/byte offset
//! bookkeeping that lets every mention report code-point offsets into the
//! document as it was read.
//!
//! Gazetteer names and document text go through the same [`fold_char`], so a
//! name matches however the article spells its accents, apostrophes, dashes
//! or letter case ("Kyïv", "Russia’s", "KHARKIV").
//!
//! Two submodules hold what several stages read text with: [`sentence`],
//! where each stage's rule for where a sentence starts or stops is written
//! down beside the others, and `bytes`, the eight-bytes-at-a-time tests the
//! hot scans are built from. Nothing here knows about places, mentions,
//! claims or output.

pub(crate) mod bytes;
pub mod sentence;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use bytes::{ascii_capitals, first_lane, lanes_at, non_ascii};

/// Appends the folded form of `c` to `out`: compatibility-decomposed, accents
/// dropped, lower-cased; typographic apostrophes become `'`, dashes `-`, and
/// every kind of white space one ASCII space.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(char::from(fold_ascii(c as u8)));
        return;
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{02BB}' | '\u{2032}' | '`' | '\u{00B4}' => {
            out.push('\'');
            return;
        }
        '\u{2010}'..='\u{2015}' | '\u{2212}' => {
            out.push('-');
            return;
        }
        _ if c.is_whitespace() => {
            out.push(' ');
            return;
        }
        _ => {}
    }
    decompose_compatible(c, |d| {
        if !is_combining_mark(d) {
            for l in d.to_lowercase() {
                out.push(l);
            }
        }
    });
}

/// The folded form of an ASCII byte: white space becomes a space,
/// letters lower case.
pub fn fold_ascii(b: u8) -> u8 {
    if b.is_ascii_whitespace() {
        b' '
    } else {
        b.to_ascii_lowercase()
    }
}

/// Calls `f` with `word` in lower case, without allocating for the short
/// ASCII words that recognition and the lexicon ask about thousands of times per document.
pub fn with_lowercase<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 32];
    if word.len() <= buf.len() && word.is_ascii() {
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        f(std::str::from_utf8(lower).expect("ASCII is UTF-8"))
    } else {
        f(&word.to_lowercase())
    }
}

/// The folded form of a whole name, with runs of spaces collapsed and the
/// ends trimmed: the key under which the gazetteer stores it.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        // Nearly every name asked about: ASCII folds to lower case, with
        // the same white space as `fold_ascii` sees.
        let mut out = String::with_capacity(s.len());
        for word in s.split_ascii_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.make_ascii_lowercase();
        return out;
    }
    fold_chars(s)
}

/// [`fold`], a character at a time.
fn fold_chars(s: &str) -> String {
    let mut raw = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut raw);
    }
    let mut out = String::with_capacity(raw.len());
    for word in raw.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A document's text folded whole, with a map back to the original: the
/// matcher's reference in tests (the matcher itself folds only the bytes
/// its walks read).
///
/// `folded` is the folded text; [`FoldedText::origin`] gives the byte offset
/// in the original text of the character that produced a folded byte, so a
/// match in folded text maps back exactly.
#[cfg(test)]
pub struct FoldedText {
    pub folded: String,
    /// `(folded start, folded end, original start, original end)` of every
    /// character that is not ASCII. An ASCII character folds to one byte,
    /// so between these the two texts advance together and need no map.
    others: Vec<(u32, u32, u32, u32)>,
    /// `(original byte, folded byte)` of every character that can start a
    /// name: the first letter of a word, capitalized or from a script
    /// without case. Found in the folding pass so the matcher need not
    /// decode the text again.
    pub name_starts: Vec<(u32, u32)>,
}

#[cfg(test)]
impl FoldedText {
    /// Folds `text` character by character (no space collapsing: offsets must
    /// stay one-to-one with the original characters).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut folded: Vec<u8> = Vec::with_capacity(text.len() + 16);
        let mut others = Vec::new();
        let mut name_starts = Vec::new();
        let mut in_word = false;
        let mut scratch = String::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                // The common case: a run of ASCII, folded a byte at a time
                // in simple loops the compiler can vectorize.
                let end = bytes[i..]
                    .iter()
                    .position(|b| !b.is_ascii())
                    .map_or(bytes.len(), |p| i + p);
                let run = &bytes[i..end];
                let base = folded.len();
                for (k, &b) in run.iter().enumerate() {
                    let word = b.is_ascii_alphanumeric();
                    if word && !in_word && b.is_ascii_uppercase() {
                        name_starts.push(((i + k) as u32, (base + k) as u32));
                    }
                    in_word = word;
                }
                folded.extend(run.iter().map(|&b| fold_ascii(b)));
                i = end;
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let word = is_word_char(c);
            if word && !in_word && starts_name(c) {
                name_starts.push((i as u32, folded.len() as u32));
            }
            in_word = word;
            scratch.clear();
            fold_char(c, &mut scratch);
            let at = folded.len() as u32;
            folded.extend_from_slice(scratch.as_bytes());
            others.push((at, folded.len() as u32, i as u32, (i + c.len_utf8()) as u32));
            i += c.len_utf8();
        }
        // Every byte pushed came from a whole character or its folded form.
        let folded = String::from_utf8(folded).unwrap_or_default();
        FoldedText {
            folded,
            others,
            name_starts,
        }
    }

    /// The original byte range of folded bytes `start..end`.
    pub fn original_range(&self, start: usize, end: usize, text: &str) -> (usize, usize) {
        let s = self.origin(start);
        // The end is the end of the original character that produced the last folded byte.
        let last = self.origin(end - 1);
        let e = last + text[last..].chars().next().map_or(0, char::len_utf8);
        (s, e)
    }

    /// The original byte offset of the character that produced folded byte
    /// `f` (the original length for the folded length).
    pub fn origin(&self, f: usize) -> usize {
        let f = f as u32;
        let k = self.others.partition_point(|o| o.0 <= f);
        match k.checked_sub(1).map(|k| self.others[k]) {
            None => f as usize,
            Some((_, fend, orig, _)) if f < fend => orig as usize,
            Some((_, fend, _, orig_end)) => (orig_end + (f - fend)) as usize,
        }
    }
}

/// Converts byte offsets into code-point offsets for many sorted or unsorted
/// queries on one text.
pub struct CharIndex {
    /// Byte offset of every 64th character, for a quick start point.
    marks: Vec<usize>,
}

impl CharIndex {
    const STEP: usize = 64;

    pub fn new(text: &str) -> Self {
        let marks = text
            .char_indices()
            .step_by(Self::STEP)
            .map(|(b, _)| b)
            .collect();
        CharIndex { marks }
    }

    /// The code-point offset of byte offset `byte` (which must be a char boundary).
    pub fn char_offset(&self, text: &str, byte: usize) -> usize {
        let k = match self.marks.binary_search(&byte) {
            Ok(k) => return k * Self::STEP,
            Err(0) => 0,
            Err(k) => k - 1,
        };
        let from = self.marks[k];
        k * Self::STEP + text[from..byte].chars().count()
    }
}

/// The first byte at or after `from` (a character boundary) that is an
/// ASCII capital or begins a character that is not ASCII: where the
/// scans for names and capitalized words stop.
/// Looks at eight bytes at a time, since most bytes of news copy are
/// neither.
pub fn next_capital_or_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(lanes) = lanes_at(bytes, i) {
        let found = ascii_capitals(lanes) | non_ascii(lanes);
        if found != 0 {
            return Some(i + first_lane(found));
        }
        i += 8;
    }
    (i..bytes.len()).find(|&k| bytes[k].is_ascii_uppercase() || !bytes[k].is_ascii())
}

/// True for characters that can be part of a word in a place name.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_combining_mark(c)
    }
}

/// A name can start with an upper-case letter, or with a letter of a script
/// that has no case (Arabic, Hebrew, CJK ...). Lower-case words are not
/// proper names in news copy.
pub fn starts_name(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase())
    }
}

/// True when `c` is a letter from a script that has letter case (Latin,
/// Cyrillic, Greek, Armenian ...), where proper names are capitalized.
pub fn is_cased_letter(c: char) -> bool {
    c.is_uppercase() || c.is_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_without_allocating_is_lowercase() {
        let long = "Ab".repeat(40);
        for w in ["Kharkiv", "MARCH", "", "Zürich", "ΑΘΗΝΑ", long.as_str()] {
            assert_eq!(with_lowercase(w, str::to_string), w.to_lowercase(), "{w}");
        }
    }

    #[test]
    fn ascii_folds_as_its_characters_do() {
        let bytes: Vec<u8> = (0u8..0x80).collect();
        let mut seed = 7u64;
        for n in 0..2000 {
            let s: String = (0..n % 23)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    char::from(bytes[(seed >> 33) as usize % bytes.len()])
                })
                .collect();
            assert_eq!(fold(&s), fold_chars(&s), "{s:?}");
        }
        for s in ["  Chasiv\t Yar \n", "New\x0bYork", "ST. LOUIS", ""] {
            assert_eq!(fold(s), fold_chars(s), "{s:?}");
        }
    }

    #[test]
    fn folds_accents_case_apostrophes_and_dashes() {
        assert_eq!(fold("Kyïv"), "kyiv");
        assert_eq!(fold("Russia’s"), "russia's");
        assert_eq!(fold("  Chasiv\u{00A0} Yar "), "chasiv yar");
        assert_eq!(fold("Ivano‐Frankivsk"), "ivano-frankivsk");
        assert_eq!(fold("ХАРКІВ"), "харків");
        assert_eq!(fold("Київ"), "киів");
    }

    #[test]
    fn sparse_origin_equals_the_byte_by_byte_map() {
        let text = "Kharkiv’s “Харків” — Zürich, straße, ﬁle, İstanbul, 東京 and Kyiv.";
        let f = FoldedText::new(text);
        let mut dense = Vec::new();
        for (i, c) in text.char_indices() {
            let mut folded = String::new();
            if c.is_ascii() {
                folded.push(c);
            } else {
                fold_char(c, &mut folded);
            }
            dense.extend(std::iter::repeat_n(i, folded.len()));
        }
        dense.push(text.len());
        assert_eq!(dense.len(), f.folded.len() + 1);
        for (k, &want) in dense.iter().enumerate() {
            assert_eq!(f.origin(k), want, "folded byte {k}");
        }
    }

    #[test]
    fn folded_text_maps_back_to_original_bytes() {
        let text = "In Kyïv’s centre, Харків";
        let f = FoldedText::new(text);
        let at = f.folded.find("kyiv").unwrap();
        let (s, e) = f.original_range(at, at + 4, text);
        assert_eq!(&text[s..e], "Kyïv");
        let at = f.folded.find("харків").unwrap();
        let (s, e) = f.original_range(at, at + "харків".len(), text);
        assert_eq!(&text[s..e], "Харків");
    }

    #[test]
    fn finds_capitals_and_non_ascii_eight_bytes_at_a_time() {
        let text = "abcdefgh ijk lmnop qRst uvwxyz [@]^ é Z";
        let mut want = Vec::new();
        let mut i = 0;
        while let Some(at) = (i..text.len())
            .find(|&k| text.as_bytes()[k].is_ascii_uppercase() || !text.as_bytes()[k].is_ascii())
        {
            want.push(at);
            i = at + 1;
        }
        let mut got = Vec::new();
        let mut i = 0;
        while let Some(at) = next_capital_or_non_ascii(text.as_bytes(), i) {
            got.push(at);
            i = at + 1;
        }
        assert_eq!(got, want);
        // Every byte value, in every lane.
        for b in 0..=255u8 {
            for lane in 0..9 {
                let mut bytes = vec![b'a'; 9];
                bytes[lane] = b;
                let expect = (b.is_ascii_uppercase() || !b.is_ascii()).then_some(lane);
                assert_eq!(
                    next_capital_or_non_ascii(&bytes, 0),
                    expect,
                    "{b:#x} at {lane}"
                );
            }
        }
    }

    #[test]
    fn char_index_counts_code_points() {
        let text = "Харків is in Ukraine. ".repeat(20);
        let idx = CharIndex::new(&text);
        for (chars, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(idx.char_offset(&text, b), chars);
        }
        assert_eq!(idx.char_offset(&text, text.len()), text.chars().count());
    }
}

/// A coarse sound key for Latin-script names, equal for spellings that a
/// round trip through another script confuses: Arabic has no p, v or o, so
/// "Kupiansk" comes back as "Kubyansk"; Cyrillic and German give "Charkiw"
/// and "Kharkiv". Vowels fall into three classes, p/b, f/v/w, k/c/q and
/// s/z merge, "h" after a consonant is dropped, and doubled letters collapse.
/// Returns `None` for names with non-Latin letters.
pub fn sound_key(name: &str) -> Option<String> {
    let folded = fold(name);
    let mut out = String::with_capacity(folded.len());
    let mut prev: Option<char> = None;
    for c in folded.chars() {
        let k = match c {
            'a' => 'a',
            'e' | 'i' | 'y' | 'j' => 'i',
            'o' | 'u' => 'u',
            'p' | 'b' => 'b',
            'f' | 'v' | 'w' => 'f',
            'k' | 'c' | 'q' | 'g' => 'k',
            's' | 'z' => 's',
            'x' => {
                out.push('k');
                's'
            }
            'h' if prev.is_some_and(|p| !matches!(p, 'a' | 'i' | 'u')) => continue,
            'a'..='z' => c,
            '\'' | '-' | ' ' => continue,
            _ if c.is_alphabetic() => return None,
            _ => continue,
        };
        if prev != Some(k) {
            out.push(k);
        }
        prev = Some(k);
    }
    (out.len() >= 4).then_some(out)
}

#[cfg(test)]
mod sound_key_tests {
    use super::sound_key;

    #[test]
    fn round_trip_spellings_share_a_key() {
        let k = sound_key("Kupiansk");
        assert!(k.is_some());
        assert_eq!(sound_key("Kubyansk"), k);
        assert_eq!(sound_key("Kupyansk"), k);
        assert_eq!(sound_key("Kharkiv"), sound_key("Charkiw"));
        assert_ne!(sound_key("Kharkiv"), sound_key("Kherson"));
        assert_eq!(sound_key("Харків"), None);
    }
}

/// Up to 16 bytes as one number, byte `i` in bits `8i..8i+8` and the rest
/// zero: short words that compare and hash as integers. Two inputs give
/// one number only if one is the other with NUL bytes added at its end,
/// so callers keep NULs out.
///
/// # Panics
/// If `bytes` is longer than 16.
pub(crate) fn pack16(bytes: &[u8]) -> u128 {
    let mut packed = [0u8; 16];
    packed[..bytes.len()].copy_from_slice(bytes);
    u128::from_le_bytes(packed)
}
