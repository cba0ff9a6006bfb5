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
    /// The FST state after every two-byte start of a name, indexed by the
    /// two bytes: most walks begin at a capitalized word that is no name at
    /// all, and this settles them with one lookup instead of two node reads.
    starts: Vec<Option<Start>>,
}

/// Where a walk stands after its first two bytes.
#[derive(Clone, Copy)]
struct Start {
    addr: fst::raw::CompiledAddr,
    out: Output,
    /// The output of a two-byte name ("us"), if the two bytes are one.
    final_out: Option<Output>,
}

impl<'g> Matcher<'g> {
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        let fst = gazetteer.names().as_fst();
        let mut starts = vec![None; 1 << 16];
        let root = fst.root();
        for t1 in root.transitions() {
            let n1 = fst.node(t1.addr);
            for t2 in n1.transitions() {
                let n2 = fst.node(t2.addr);
                starts[usize::from(t1.inp) << 8 | usize::from(t2.inp)] = Some(Start {
                    addr: t2.addr,
                    out: t1.out.cat(t2.out),
                    final_out: n2.is_final().then(|| n2.final_output()),
                });
            }
        }
        Matcher { gazetteer, starts }
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
        for &(orig, fi) in &folded.name_starts {
            let (orig, fi) = (orig as usize, fi as usize);
            if fi + 2 > bytes.len() {
                continue; // no name is one byte long
            }
            let Some(start) = self.starts[usize::from(bytes[fi]) << 8 | usize::from(bytes[fi + 1])]
            else {
                continue;
            };
            let mut node = fst.node(start.addr);
            let mut out = start.out;
            let mut names = Vec::new();
            if let Some(f) = start.final_out {
                if boundary_at(&folded.folded, fi + 2) {
                    let (_, byte_end) = folded.original_range(fi, fi + 2, text);
                    names.push((byte_end, out.cat(f).value()));
                }
            }
            let fi0 = fi;
            let fi = fi + 2;
            for (k, &b) in bytes[fi..].iter().enumerate() {
                let Some(i) = node.find_input(b) else {
                    break;
                };
                let t = node.transition(i);
                out = out.cat(t.out);
                node = fst.node(t.addr);
                let end = fi + k + 1;
                if node.is_final() && boundary_at(&folded.folded, end) {
                    let (_, byte_end) = folded.original_range(fi0, end, text);
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

/// True when folded byte `end` is the end of the text or not inside a word.
fn boundary_at(folded: &str, end: usize) -> bool {
    folded[end..]
        .chars()
        .next()
        .is_none_or(|c| !is_word_char(c))
}
