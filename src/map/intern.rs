//! Strings kept once however often they recur: an aggregated map holds
//! every listed mention until it is written, and most of their strings
//! repeat (the snippet shared by the mentions of one sentence, the same
//! place name, document ids and dates). Each distinct string is stored once
//! and named by a number.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

// A fast hasher for a map that is only looked up, never iterated: the
// output does not depend on it.
use foldhash::HashMap;

/// An interned string as a map key, found by its text.
struct Key(Arc<str>);

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes, for lookups by `&str`.
        (*self.0).hash(state);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Key {}

impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Distinct strings, each with its number.
#[derive(Default)]
pub(super) struct Interner {
    strings: Vec<Arc<str>>,
    ids: HashMap<Key, u32>,
}

impl Interner {
    /// The number of `s`, given to it now if it is new.
    pub(super) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.strings.len()).expect("fewer than 2^32 distinct strings");
        let s: Arc<str> = Arc::from(s);
        self.strings.push(Arc::clone(&s));
        self.ids.insert(Key(s), id);
        id
    }

    pub(super) fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_keeps_each_string_once() {
        let mut strings = Interner::default();
        let a = strings.intern("Shelling hit Kharkiv.");
        let b = strings.intern("Kharkiv");
        assert_ne!(a, b);
        assert_eq!(strings.intern("Shelling hit Kharkiv."), a);
        assert_eq!(strings.get(a), "Shelling hit Kharkiv.");
        assert_eq!(strings.get(b), "Kharkiv");
        assert_eq!(strings.strings.len(), 2);
    }
}
