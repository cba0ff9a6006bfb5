//! Finds every gazetteer name in a text: the candidate spans that the
//! recognizer then accepts or refuses.
//!
//! Names are found by walking the gazetteer's FST from each capitalized
//! word, folding the text ([`crate::text::fold_char`]) as the walk reads
//! it: no folded copy of the document is made, and only the bytes a walk
//! reads are folded. The walk is a trie search that needs no automaton
//! built at start-up (building an Aho-Corasick automaton over more than a
//! million names would cost seconds and gigabytes), and it stops at the
//! first byte no name continues with. The first word of a walk is settled
//! by one look-up in [`FirstWords`]; only names of several words step on
//! through the FST. A name matches only on word boundaries, so "Sputnik"
//! is not found in "SputnikFILE" and "Kharkiv" is found in "Kharkiv’s" and
//! "Kharkiv-based".

mod first_words;

use fst::raw::Output;

use first_words::goes_on_with;
pub use first_words::{FirstWords, WordEnd, MAX_WORD};

use crate::gazetteer::Gazetteer;
use crate::text::{fold_ascii, fold_char, is_word_char, next_capital_or_non_ascii, starts_name};

/// Every name that starts at one position, longest first.
#[derive(Debug, Clone, PartialEq)]
pub struct NameSpan {
    /// Byte offset of the first character in the original text.
    pub byte_start: usize,
    /// `(byte_end, postings offset)` of each name found from here, longest first.
    pub names: Vec<(usize, u64)>,
}

/// Searches texts for the names of one gazetteer.
pub struct Matcher<'g> {
    gazetteer: &'g Gazetteer,
    first_words: Table<'g>,
}

/// A matcher's first-word table: its own, or one kept by whoever holds
/// the gazetteer (a [`crate::Geoparser`]) and lent for each text.
enum Table<'g> {
    Own(FirstWords),
    Lent(&'g FirstWords),
}

impl<'g> Matcher<'g> {
    /// A matcher with a first-word table of its own, filled as texts need.
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        Matcher {
            gazetteer,
            first_words: Table::Own(FirstWords::new()),
        }
    }

    /// A matcher that fills `first_words`, which must only ever be used
    /// with this gazetteer (it caches walks of its name index).
    pub fn with_table(gazetteer: &'g Gazetteer, first_words: &'g FirstWords) -> Self {
        Matcher {
            gazetteer,
            first_words: Table::Lent(first_words),
        }
    }

    fn first_words(&self) -> &FirstWords {
        match &self.first_words {
            Table::Own(t) => t,
            Table::Lent(t) => t,
        }
    }

    /// All names starting at a capitalized word (or a word of a script
    /// without letter case, such as Arabic), in text order. Spans may
    /// overlap: choosing among them is the recognizer's job.
    pub fn find(&self, text: &str) -> Vec<NameSpan> {
        let bytes = text.as_bytes();
        let mut spans = Vec::new();
        let mut i = 0;
        while let Some(at) = next_capital_or_non_ascii(bytes, i) {
            let (starts, len) = if bytes[at].is_ascii() {
                (true, 1)
            } else {
                match text[at..].chars().next() {
                    Some(c) => (is_word_char(c) && starts_name(c), c.len_utf8()),
                    None => break,
                }
            };
            if starts && !word_before(text, at) {
                let names = self.names_from(text, at);
                if !names.is_empty() {
                    spans.push(NameSpan {
                        byte_start: at,
                        names,
                    });
                }
            }
            i = at + len;
        }
        spans
    }

    /// `(byte_end, postings offset)` of every name starting at byte
    /// `start`, longest first.
    fn names_from(&self, text: &str, start: usize) -> Vec<(usize, u64)> {
        let bytes = text.as_bytes();
        let mut names = Vec::new();
        // The common case: an ASCII word ended by ASCII (or the text's
        // end), whose folded form is the word in lower case.
        let run = bytes[start..]
            .iter()
            .take(MAX_WORD + 1)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let after = start + run;
        if run <= MAX_WORD && bytes.get(after).is_none_or(u8::is_ascii) {
            let mut word = [0u8; MAX_WORD];
            for (w, b) in word.iter_mut().zip(&bytes[start..after]) {
                // Letters and digits: setting bit 5 lower-cases a letter
                // and leaves a digit as it is.
                *w = b | 0x20;
            }
            let fst = self.gazetteer.names().as_fst();
            let Some(end) = self.first_words().get(fst, &word[..run]) else {
                return names;
            };
            if let Some(value) = end.name {
                names.push((after, value));
            }
            // The byte after the word is ASCII: when the walk cannot go on
            // with it, the FST is not read at all.
            if bytes
                .get(after)
                .is_some_and(|&b| goes_on_with(end.goes_on, fold_ascii(b)))
            {
                let cursor = FoldCursor::at(after);
                let out = Output::new(end.out);
                self.walk_on(text, cursor, end.addr, out, run, &mut names);
            }
        } else {
            let root = self.gazetteer.names().as_fst().root().addr();
            let cursor = FoldCursor::at(start);
            self.walk_on(text, cursor, root, Output::zero(), 0, &mut names);
        }
        names.reverse();
        names
    }

    /// Steps the FST from node `addr`, reached after `read` folded bytes,
    /// through the folded bytes `cursor` yields, recording every name that
    /// ends on a word boundary.
    fn walk_on(
        &self,
        text: &str,
        mut cursor: FoldCursor,
        addr: fst::raw::CompiledAddr,
        mut out: Output,
        mut read: usize,
        names: &mut Vec<(usize, u64)>,
    ) {
        let fst = self.gazetteer.names().as_fst();
        let mut node = fst.node(addr);
        while let Some((b, end)) = cursor.next(text) {
            let Some(i) = node.find_input(b) else {
                break;
            };
            let t = node.transition(i);
            out = out.cat(t.out);
            node = fst.node(t.addr);
            read += 1;
            // No name is one byte long.
            if node.is_final() && read >= 2 && cursor.at_boundary(text) {
                names.push((end, out.cat(node.final_output()).value()));
            }
        }
    }
}

/// True when the character before byte `at` is part of a word.
fn word_before(text: &str, at: usize) -> bool {
    match text.as_bytes()[..at].last() {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[..at].chars().next_back().is_some_and(is_word_char),
    }
}

/// Reads a text as the folded bytes [`fold_char`] makes of it, from a
/// starting byte on, each with the end of the original character it came
/// from.
struct FoldCursor {
    /// The next original byte to fold.
    at: usize,
    /// The folded form of the character before `at`, and how much of it
    /// has been read.
    pending: String,
    read: usize,
}

impl FoldCursor {
    fn at(at: usize) -> FoldCursor {
        FoldCursor {
            at,
            pending: String::new(),
            read: 0,
        }
    }

    /// The next folded byte and the end of its original character.
    fn next(&mut self, text: &str) -> Option<(u8, usize)> {
        loop {
            if self.read < self.pending.len() {
                self.read += 1;
                return Some((self.pending.as_bytes()[self.read - 1], self.at));
            }
            let b = *text.as_bytes().get(self.at)?;
            if b.is_ascii() {
                self.at += 1;
                return Some((fold_ascii(b), self.at));
            }
            let c = text[self.at..].chars().next()?;
            self.pending.clear();
            self.read = 0;
            fold_char(c, &mut self.pending);
            self.at += c.len_utf8();
        }
    }

    /// True when the folded text has no more bytes or its next character
    /// is not part of a word.
    fn at_boundary(&self, text: &str) -> bool {
        if self.read < self.pending.len() {
            // Names end on whole characters, so this is a character start.
            return self
                .pending
                .get(self.read..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| !is_word_char(c));
        }
        let mut scratch = String::new();
        for c in text[self.at..].chars() {
            if c.is_ascii() {
                return !c.is_ascii_alphanumeric();
            }
            scratch.clear();
            fold_char(c, &mut scratch);
            if let Some(f) = scratch.chars().next() {
                return !is_word_char(f);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::FoldedText;
    use std::sync::OnceLock;

    fn gazetteer() -> Option<&'static Gazetteer> {
        static G: OnceLock<Option<Gazetteer>> = OnceLock::new();
        G.get_or_init(|| Gazetteer::embedded().ok()).as_ref()
    }

    /// The walk as it was before the first-word table and lazy folding:
    /// fold the whole text, then step the FST byte by byte from every
    /// capitalized word.
    fn reference_find(gazetteer: &Gazetteer, text: &str) -> Vec<NameSpan> {
        let fst = gazetteer.names().as_fst();
        let folded = FoldedText::new(text);
        let bytes = folded.folded.as_bytes();
        let boundary = |end: usize| {
            folded.folded[end..]
                .chars()
                .next()
                .is_none_or(|c| !is_word_char(c))
        };
        let mut spans = Vec::new();
        for &(orig, fi) in &folded.name_starts {
            let fi = fi as usize;
            let mut node = fst.root();
            let mut out = Output::zero();
            let mut names = Vec::new();
            for (k, &b) in bytes[fi..].iter().enumerate() {
                let Some(i) = node.find_input(b) else {
                    break;
                };
                let t = node.transition(i);
                out = out.cat(t.out);
                node = fst.node(t.addr);
                let end = fi + k + 1;
                if k >= 1 && node.is_final() && boundary(end) {
                    let (_, byte_end) = folded.original_range(fi, end, text);
                    names.push((byte_end, out.cat(node.final_output()).value()));
                }
            }
            if !names.is_empty() {
                names.reverse();
                spans.push(NameSpan {
                    byte_start: orig as usize,
                    names,
                });
            }
        }
        spans
    }

    #[test]
    fn finds_what_the_reference_walk_finds() {
        let Some(g) = gazetteer() else {
            return;
        };
        let matcher = Matcher::new(g);
        let texts = crate::sample_texts::with_corpus(&[
            "In Kyïv’s centre and KYIV, Kyiv-based Kharkiv's SputnikFILE Sputnik",
            "Харків і Київ, Одеса. ХАРКІВ",
            "Ｋｙｉｖ ﬁle and Kharkiv\u{0301} then Zürich, São Paulo, İstanbul",
            "Ivano‐Frankivsk, Ivano-Frankivsk, Chasiv\u{00A0}Yar, New\nYork, San  Luis Obispo",
            "U.S. and the U.K.; A Coruña; Krasnoarmeyskoyevillage; 東京 and القاهرة",
            "New York-based in A",
            "Kharkiv",
            "K",
            "A1 M4 Kharkiv2 2Kharkiv",
            "\u{0301}Kyiv x\u{0301}Kyiv ²Kyiv Kyiv² Kyiv\u{FB01}",
        ]);
        for text in &texts {
            let want = reference_find(g, text);
            assert_eq!(matcher.find(text), want, "in {text:?}");
            // Every suffix too, so every character takes its turn at a
            // walk's start and end and at the text's end.
            for (at, _) in text.char_indices().take(400) {
                let rest = &text[at..];
                assert_eq!(matcher.find(rest), reference_find(g, rest), "in {rest:?}");
            }
        }
    }
}
