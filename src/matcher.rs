//! Finds every gazetteer name in a text: the candidate spans that the
//! recognizer then accepts or refuses.
//!
//! Names are found by walking the gazetteer's FST over the folded text
//! ([`crate::text::FoldedText`]) from each capitalized word: the walk is a
//! trie search that needs no automaton built at start-up (building an
//! Aho-Corasick automaton over more than a million names would cost seconds
//! and gigabytes), and it stops at the first byte no name continues with.
//! A name matches only on word boundaries, so "Sputnik" is not found in
//! "SputnikFILE" and "Kharkiv" is found in "Kharkiv’s" and "Kharkiv-based".

use fst::raw::Output;

use crate::gazetteer::Gazetteer;
use crate::text::{is_word_char, FoldedText};

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
}

impl<'g> Matcher<'g> {
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        Matcher { gazetteer }
    }

    /// All names starting at a capitalized word (or a word of a script
    /// without letter case, such as Arabic), in text order. Spans may
    /// overlap: choosing among them is the recognizer's job.
    pub fn find(&self, text: &str) -> Vec<NameSpan> {
        let folded = FoldedText::new(text);
        self.find_folded(text, &folded)
    }

    /// As [`Matcher::find`], on a text already folded.
    pub fn find_folded(&self, text: &str, folded: &FoldedText) -> Vec<NameSpan> {
        let fst = self.gazetteer.names().as_fst();
        let bytes = folded.folded.as_bytes();
        let mut spans = Vec::new();
        let mut prev_orig: Option<usize> = None;
        let mut prev_char: Option<char> = None;
        for (fi, _) in folded.folded.char_indices() {
            let orig = folded.origin[fi] as usize;
            if prev_orig == Some(orig) {
                continue; // not the first folded byte of its original character
            }
            prev_orig = Some(orig);
            let Some(c) = text[orig..].chars().next() else {
                break;
            };
            let at_word_start = !prev_char.is_some_and(is_word_char);
            prev_char = Some(c);
            if !at_word_start || !starts_name(c) {
                continue;
            }
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
                if node.is_final() && boundary_at(&folded.folded, end) {
                    let (_, byte_end) = folded.original_range(fi, end, text);
                    names.push((byte_end, out.cat(node.final_output()).value()));
                }
            }
            if !names.is_empty() {
                names.reverse();
                spans.push(NameSpan {
                    byte_start: orig,
                    names,
                });
            }
        }
        spans
    }
}

/// A name can start with an upper-case letter, or with a letter of a script
/// that has no case (Arabic, Hebrew, CJK ...). Lower-case words are not
/// proper names in news copy.
fn starts_name(c: char) -> bool {
    c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase())
}

/// True when folded byte `end` is the end of the text or not inside a word.
fn boundary_at(folded: &str, end: usize) -> bool {
    folded[end..]
        .chars()
        .next()
        .is_none_or(|c| !is_word_char(c))
}
