//! The matcher's index of first words: for every lower-case ASCII word
//! that begins a gazetteer name, where the name FST stands once the word
//! has been read.
//!
//! Most walks start at a capitalized word that begins no name at all
//! ("The", "Officials", "Tuesday"), or at a one-word name. Stepping the FST
//! through such a word costs a node decode per letter; one look-up in this
//! table settles it, and only names of several words ("San Luis Obispo",
//! "Kharkiv Oblast") walk on from the word's end.
//!
//! The table is derived from the FST, so it always agrees with the
//! gazetteer in use, refreshed or not. Built whole it would hold some
//! 400,000 words and take longer than the rest of start-up, so it is split
//! by the word's first two bytes and each part is built the first time a
//! word needs it: a short article builds a few dozen parts, a corpus all
//! of them, spread over the threads that ask.

use std::sync::OnceLock;

use fst::raw::{CompiledAddr, Fst, Output};

/// The longest word the table holds: a word packs into one `u128`.
pub const MAX_WORD: usize = 16;

/// Where the walk stands after one first word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordEnd {
    /// The FST node after the word's last byte.
    pub addr: CompiledAddr,
    /// The output gathered on the way there.
    pub out: u64,
    /// The postings offset of the word itself as a whole name, if it is
    /// one (and at least two bytes long: no name is shorter).
    pub name: Option<u64>,
}

/// Words keyed by their bytes packed into a `u128`.
type Part = foldhash::HashMap<u128, WordEnd>;

/// First words of names, in parts built on demand.
pub struct FirstWords {
    /// One part per pair of first bytes, and one per one-byte word
    /// (see [`part_index`]).
    parts: Box<[OnceLock<Part>]>,
}

/// Letters and digits, the bytes a first word is made of.
const ALNUM: usize = 36;

impl Default for FirstWords {
    fn default() -> Self {
        FirstWords::new()
    }
}

impl FirstWords {
    /// An empty table; parts are built by [`FirstWords::get`].
    pub fn new() -> FirstWords {
        FirstWords {
            parts: (0..ALNUM * (ALNUM + 1)).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Where the walk over `fst` stands after `word` (lower-case ASCII
    /// letters and digits, at most [`MAX_WORD`] bytes), or `None` when no
    /// match that ends on a word boundary can begin with it.
    pub fn get(&self, fst: &Fst<impl AsRef<[u8]>>, word: &[u8]) -> Option<&WordEnd> {
        if word.len() > MAX_WORD {
            return None;
        }
        let index = part_index(word)?;
        let part = self.parts[index].get_or_init(|| build_part(fst, &word[..word.len().min(2)]));
        part.get(&pack(word))
    }
}

/// The part that holds `word`: by its first byte and its second, or the
/// end of the word.
fn part_index(word: &[u8]) -> Option<usize> {
    let first = alnum_index(*word.first()?)?;
    let second = match word.get(1) {
        Some(&b) => alnum_index(b)?,
        None => ALNUM,
    };
    Some(first * (ALNUM + 1) + second)
}

fn alnum_index(b: u8) -> Option<usize> {
    match b {
        b'0'..=b'9' => Some(usize::from(b - b'0')),
        b'a'..=b'z' => Some(10 + usize::from(b - b'a')),
        _ => None,
    }
}

/// The part of words starting with `prefix` (one or two bytes; one byte
/// means the one-byte word alone). Walks the FST from the prefix along
/// ASCII letters and digits, and keeps every word after which a name ends
/// or goes on with a byte that is not a letter or digit (a space, hyphen,
/// apostrophe ...). A word whose node does neither cannot begin a match
/// that ends on a word boundary, so leaving it out loses nothing.
fn build_part(fst: &Fst<impl AsRef<[u8]>>, prefix: &[u8]) -> Part {
    let mut part = Part::default();
    let mut node = fst.root();
    let mut out = Output::zero();
    for &b in prefix {
        let Some(i) = node.find_input(b) else {
            return part;
        };
        let t = node.transition(i);
        out = out.cat(t.out);
        node = fst.node(t.addr);
    }
    // (node, output so far, the word so far packed, its length)
    let mut stack = vec![(node.addr(), out.value(), pack(prefix), prefix.len())];
    while let Some((addr, out, key, len)) = stack.pop() {
        let node = fst.node(addr);
        let mut goes_on = false;
        for t in node.transitions() {
            if t.inp.is_ascii_alphanumeric() {
                // A one-byte prefix stands for the one-byte word alone.
                if len < MAX_WORD && prefix.len() == 2 {
                    let key = key | u128::from(t.inp) << (8 * len);
                    stack.push((t.addr, out + t.out.value(), key, len + 1));
                }
            } else if t.inp.is_ascii() {
                goes_on = true;
            }
        }
        let name = (node.is_final() && len >= 2)
            .then(|| Output::new(out).cat(node.final_output()).value());
        if goes_on || name.is_some() {
            part.insert(key, WordEnd { addr, out, name });
        }
    }
    part
}

/// `word` (at most [`MAX_WORD`] bytes, none of them zero) as one number:
/// byte `i` in bits `8i..8i+8`, the rest zero.
fn pack(word: &[u8]) -> u128 {
    let mut bytes = [0u8; MAX_WORD];
    bytes[..word.len()].copy_from_slice(word);
    u128::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_words_that_end_a_name_or_go_on_past_a_word_boundary() {
        let names = [
            "a b",
            "kharkiv",
            "kharkiv oblast",
            "new york",
            "newtown",
            "sankt-peterburg",
            "x1",
            "xy",
        ];
        let map = fst::Map::from_iter(names.iter().enumerate().map(|(i, n)| (n, i as u64)))
            .expect("sorted names");
        let fst = map.as_fst();
        let words = FirstWords::new();
        let name = |w: &str| words.get(fst, w.as_bytes()).map(|e| e.name);
        assert_eq!(name("kharkiv"), Some(Some(1)), "a name that also goes on");
        assert_eq!(name("new"), Some(None), "goes on with a space");
        assert_eq!(name("sankt"), Some(None), "goes on with a hyphen");
        assert_eq!(name("newtown"), Some(Some(4)));
        assert_eq!(name("x1"), Some(Some(6)));
        assert_eq!(name("xy"), Some(Some(7)));
        assert_eq!(name("a"), Some(None), "a one-byte word that goes on");
        assert_eq!(name("x"), None, "only letters and digits follow");
        assert_eq!(
            name("newt"),
            None,
            "only letters follow: no match can end here"
        );
        assert_eq!(name("york"), None, "not a first word");
        assert_eq!(name("kharkivoblast"), None);
        assert_eq!(name(""), None);
        assert_eq!(name("Kharkiv"), None, "words are looked up in lower case");
        assert_eq!(
            name("aaaaaaaaaaaaaaaaaaaaaaaa"),
            None,
            "longer than the table holds"
        );
        // Walking the FST by hand reaches the node the table gives.
        let end = words.get(fst, b"kharkiv").expect("kept");
        let mut node = fst.root();
        for &b in b"kharkiv" {
            let t = node.transition(node.find_input(b).expect("a prefix"));
            node = fst.node(t.addr);
        }
        assert_eq!(end.addr, node.addr());
    }
}
