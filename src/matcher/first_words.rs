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
//! gazetteer in use, refreshed or not. It holds the words texts have asked
//! about, each stepped through the FST the first time it is asked for:
//! a corpus has some tens of thousands of distinct capitalized words, the
//! FST some 400,000 first words, and building a table of all of them (as
//! the matcher once did, a part at a time) cost more than the rest of
//! start-up. Words that begin no name are kept too, as misses.
//!
//! The table is shared by the threads of a batch and read without locks:
//! a fixed array of slots, each set once, found by hashing the word and
//! probing the slots after it. When the probed slots are all taken by
//! other words, the word is stepped through the FST again each time it
//! comes: a corpus large enough for that is slower at rare words, never
//! wrong.
//!
//! A look-up per capitalized word of text is a load from a table far
//! larger than the caches, so the table is kept small: a slot is four
//! words of 64 bits (two to a cache line), and there are no more slots
//! than a large corpus fills to a third.

use std::sync::atomic::{AtomicU64, Ordering};
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
    /// The bytes from `' '` to `'?'` the walk goes on with from here: bit
    /// `b - b' '` for byte `b` (see [`goes_on_with`]).
    pub goes_on: u32,
}

/// Whether the walk goes on from a word's end with the folded byte `b`,
/// as far as `goes_on` (see [`WordEnd::goes_on`]) tells: it does not when
/// `b` is one of the bytes it covers and its bit is clear, so a word that
/// is a name only, or is followed by a comma or full stop no name has
/// after it, needs no look at the FST past its end.
pub fn goes_on_with(goes_on: u32, b: u8) -> bool {
    match b.checked_sub(b' ') {
        Some(k) if k < 32 => goes_on & 1 << k != 0,
        _ => true,
    }
}

/// [`WordEnd::goes_on`] of a node's transition on byte `b`.
fn going_on(b: u8) -> u32 {
    match b.checked_sub(b' ') {
        Some(k) if k < 32 => 1 << k,
        _ => 0,
    }
}

/// Slots in the table: a 50 MB news corpus asks for some 47,000
/// distinct words, which fill a third of them and keep probes short
/// (4 MB, made at the first look-up).
const SLOTS: usize = 1 << 17;

/// Slots probed for a word before it is looked up without the table.
const PROBES: usize = 32;

/// A word (packed, see [`pack`]: its low half is never zero) and where it
/// leaves the walk, if anywhere, set once by the thread that claims it.
///
/// `word_lo` is 0 while the slot is free and [`CLAIMED`] while a thread
/// writes it; it is stored last, with release order, so a reader that
/// loads a word there (with acquire order) sees the rest of the slot as
/// written.
#[derive(Default)]
#[repr(align(32))]
struct Slot {
    word_lo: AtomicU64,
    word_hi: AtomicU64,
    /// The node's address in the low 32 bits and the output in the high,
    /// or [`MISS`].
    end: AtomicU64,
    /// The name's postings offset, or [`NO_NAME`], in the low 32 bits,
    /// and [`WordEnd::goes_on`] in the high.
    name: AtomicU64,
}

/// `word_lo` of a slot being written: bytes no word has.
const CLAIMED: u64 = u64::MAX;

/// `end` of a word that begins no match: no node address is `u32::MAX`
/// (an end whose address or output does not fit 32 bits is not stored).
const MISS: u64 = u64::MAX;

/// The name offset of a word that is no name (a name with this offset, or
/// one that does not fit 32 bits, is not stored).
const NO_NAME: u32 = u32::MAX;

impl Slot {
    /// The slot's word's end, if its word is `key`: `Some(None)` for a
    /// miss.
    fn end_of(&self, lo: u64, key: u128) -> Option<Option<WordEnd>> {
        if lo != key as u64 || self.word_hi.load(Ordering::Relaxed) != (key >> 64) as u64 {
            return None;
        }
        let end = self.end.load(Ordering::Relaxed);
        if end == MISS {
            return Some(None);
        }
        let name = self.name.load(Ordering::Relaxed);
        let offset = (name & 0xFFFF_FFFF) as u32;
        Some(Some(WordEnd {
            addr: (end & 0xFFFF_FFFF) as CompiledAddr,
            out: end >> 32,
            name: (offset != NO_NAME).then_some(u64::from(offset)),
            goes_on: (name >> 32) as u32,
        }))
    }

    /// Stores `key` and its `end` in this slot, if it is still free and
    /// the end fits; `false` if another thread took the slot first.
    fn claim(&self, key: u128, end: Option<WordEnd>) -> bool {
        let packed = match end {
            None => Some((MISS, 0)),
            Some(e) => {
                let name = match e.name {
                    None => Ok(NO_NAME),
                    Some(n) => u32::try_from(n),
                };
                match (u32::try_from(e.addr), u32::try_from(e.out), name) {
                    (Ok(addr), Ok(out), Ok(name))
                        if addr != u32::MAX && e.name != Some(u64::from(NO_NAME)) =>
                    {
                        Some((
                            u64::from(addr) | u64::from(out) << 32,
                            u64::from(name) | u64::from(e.goes_on) << 32,
                        ))
                    }
                    _ => None,
                }
            }
        };
        let Some((end, name)) = packed else {
            // Not stored: the slot stays free, and the word is walked
            // each time it comes.
            return true;
        };
        if self
            .word_lo
            .compare_exchange(0, CLAIMED, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return false;
        }
        self.word_hi.store((key >> 64) as u64, Ordering::Relaxed);
        self.end.store(end, Ordering::Relaxed);
        self.name.store(name, Ordering::Relaxed);
        self.word_lo.store(key as u64, Ordering::Release);
        true
    }
}

/// First words of names, each found in the FST the first time it is
/// asked for.
pub struct FirstWords {
    /// Made at the first look-up: a run with no text makes none.
    slots: OnceLock<Box<[Slot]>>,
}

impl Default for FirstWords {
    fn default() -> Self {
        FirstWords::new()
    }
}

impl FirstWords {
    /// An empty table; words are added by [`FirstWords::get`].
    pub fn new() -> FirstWords {
        FirstWords {
            slots: OnceLock::new(),
        }
    }

    /// Where the walk over `fst` stands after `word` (lower-case ASCII
    /// letters and digits, none zero, at most [`MAX_WORD`] bytes), or
    /// `None` when no match that ends on a word boundary can begin with
    /// it. `fst` must be the same on every call.
    pub fn get(&self, fst: &Fst<impl AsRef<[u8]>>, word: &[u8]) -> Option<WordEnd> {
        // The first two bytes are checked on every look-up, as the table
        // was always keyed; the rest only before a word is stored (a word
        // with a byte that is not a letter or digit is never stored, so
        // never found).
        let lower = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if word.is_empty() || word.len() > MAX_WORD || !word.iter().take(2).all(lower) {
            return None;
        }
        let key = pack(word);
        let slots = self
            .slots
            .get_or_init(|| (0..SLOTS).map(|_| Slot::default()).collect());
        let start = slot_of(key);
        for k in 0..PROBES {
            let slot = &slots[(start + k) % SLOTS];
            let mut lo = slot.word_lo.load(Ordering::Acquire);
            if lo == 0 {
                if !word.iter().all(u8::is_ascii_alphanumeric) {
                    return None;
                }
                // Free: this word's slot, unless another thread takes it
                // first (for this word or another: then probing goes on).
                let end = walk(fst, word);
                if slot.claim(key, end) {
                    return end;
                }
                lo = slot.word_lo.load(Ordering::Acquire);
            }
            if lo == CLAIMED {
                // Being written by another thread, perhaps for this word.
                break;
            }
            if let Some(end) = slot.end_of(lo, key) {
                return end;
            }
        }
        if !word.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        walk(fst, word)
    }
}

/// The first slot to probe for a packed word.
fn slot_of(key: u128) -> usize {
    let (lo, hi) = (key as u64, (key >> 64) as u64);
    let h = (lo.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ hi).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h >> (64 - SLOTS.trailing_zeros())) as usize
}

/// Steps the FST through `word` (see [`FirstWords::get`]). The word is
/// kept when a name ends there (two bytes or more) or goes on with a byte
/// that is not a letter or digit (a space, hyphen, apostrophe ...): a
/// word whose node does neither cannot begin a match that ends on a word
/// boundary, so it is a miss.
fn walk(fst: &Fst<impl AsRef<[u8]>>, word: &[u8]) -> Option<WordEnd> {
    let mut node = fst.root();
    let mut out = Output::zero();
    for &b in word {
        let t = node.transition(node.find_input(b)?);
        out = out.cat(t.out);
        node = fst.node(t.addr);
    }
    let mut goes_on = 0;
    let mut past_word = false;
    for t in node.transitions() {
        if t.inp.is_ascii() && !t.inp.is_ascii_alphanumeric() {
            past_word = true;
            goes_on |= going_on(t.inp);
        }
    }
    let name = (node.is_final() && word.len() >= 2).then(|| out.cat(node.final_output()).value());
    (past_word || name.is_some()).then_some(WordEnd {
        addr: node.addr(),
        out: out.value(),
        name,
        goes_on,
    })
}

/// `word` (at most [`MAX_WORD`] bytes, none of them zero) as one number
/// ([`crate::text::pack16`]).
fn pack(word: &[u8]) -> u128 {
    const _: () = assert!(MAX_WORD == 16);
    crate::text::pack16(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as it was built before words were looked up on demand:
    /// every first word of the FST, in parts by the first two bytes, each
    /// part built whole by walking the FST depth-first along letters and
    /// digits. Kept to check the table against.
    mod reference {
        use super::super::*;
        use std::sync::OnceLock;

        /// Words keyed by their bytes packed into a `u128`.
        pub type Part = foldhash::HashMap<u128, WordEnd>;

        pub struct Table {
            pub parts: Box<[OnceLock<Part>]>,
        }

        impl Table {
            pub fn new() -> Table {
                Table {
                    parts: (0..ALNUM * (ALNUM + 1)).map(|_| OnceLock::new()).collect(),
                }
            }

            pub fn get(&self, fst: &Fst<impl AsRef<[u8]>>, word: &[u8]) -> Option<&WordEnd> {
                if word.len() > MAX_WORD {
                    return None;
                }
                let index = part_index(word)?;
                let part =
                    self.parts[index].get_or_init(|| build_part(fst, &word[..word.len().min(2)]));
                part.get(&pack(word))
            }
        }

        /// Letters and digits, the bytes a first word is made of.
        const ALNUM: usize = 36;

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
                let mut bytes_on = 0;
                for t in node.transitions() {
                    if t.inp.is_ascii_alphanumeric() {
                        // A one-byte prefix stands for the one-byte word alone.
                        if len < MAX_WORD && prefix.len() == 2 {
                            let key = key | u128::from(t.inp) << (8 * len);
                            stack.push((t.addr, out + t.out.value(), key, len + 1));
                        }
                    } else if t.inp.is_ascii() {
                        goes_on = true;
                        bytes_on |= going_on(t.inp);
                    }
                }
                let name = (node.is_final() && len >= 2)
                    .then(|| Output::new(out).cat(node.final_output()).value());
                if goes_on || name.is_some() {
                    part.insert(
                        key,
                        WordEnd {
                            addr,
                            out,
                            name,
                            goes_on: bytes_on,
                        },
                    );
                }
            }
            part
        }
    }

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

    /// Every word the table had, and words around them (cut short, made
    /// longer, the sample corpus's), are found as the table found them:
    /// on the shipped gazetteer, with more words than the slots hold, so
    /// that both the slots and the look-up without them are checked, from
    /// several threads at once.
    #[test]
    fn finds_what_the_whole_table_held() {
        let Ok(g) = crate::gazetteer::Gazetteer::embedded() else {
            return;
        };
        let fst = g.names().as_fst();
        let table = reference::Table::new();
        let mut words: Vec<Vec<u8>> = Vec::new();
        for a in (b'0'..=b'9').chain(b'a'..=b'z') {
            words.push(vec![a]);
            for b in (b'0'..=b'9').chain(b'a'..=b'z') {
                words.push(vec![a, b]);
            }
        }
        for w in words.clone() {
            table.get(fst, &w);
        }
        let mut kept = 0;
        for part in table.parts.iter().filter_map(OnceLock::get) {
            for &key in part.keys() {
                let bytes = key.to_le_bytes();
                let word = bytes[..bytes.iter().take_while(|&&b| b != 0).count()].to_vec();
                kept += 1;
                if kept % 4 == 0 {
                    words.push([&word[..], b"q"].concat());
                    words.push([&word[..], b"1"].concat());
                    words.push(word[..word.len() - 1].to_vec());
                }
                words.push(word);
            }
        }
        assert!(kept > 100_000, "{kept}");
        for text in crate::sample_texts::with_corpus(&["Kharkiv KYIV XXXXXXXXXXXXXXXXXXXXXXX"]) {
            for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                words.push(w.as_bytes().to_vec());
                words.push(w.to_ascii_lowercase().into_bytes());
            }
        }
        words.push(Vec::new());
        words.push(b"ab-c".to_vec());
        words.push("é".as_bytes().to_vec());
        let first = FirstWords::new();
        std::thread::scope(|scope| {
            for t in 0..2 {
                let (first, table, words) = (&first, &table, &words);
                scope.spawn(move || {
                    // Each thread in its own order, twice: the second time
                    // from the slots the threads filled.
                    for round in 0..2 {
                        for i in 0..words.len() {
                            let w = &words[(i * (2 * t + 1) + round * 7) % words.len()];
                            assert_eq!(first.get(fst, w), table.get(fst, w).copied(), "{w:?}");
                        }
                    }
                });
            }
        });
    }
}
