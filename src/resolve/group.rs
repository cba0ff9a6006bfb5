//! Groups a document's mentions by spelling, so that one spelling keeps one
//! meaning throughout the document, and gathers what the text says of each
//! group: cue words, how much like an ordinary word it reads, and a larger
//! place named right after it ("Paris, Texas").
//!
//! Groups are what resolution scores and decides; this file only forms
//! them from the recognizer's mentions and knows nothing of scores or
//! distances.

// A fast hasher for maps that are only looked up, never iterated: output
// does not depend on it.
use foldhash::{HashMap, HashMapExt};

use crate::gazetteer::Posting;
use crate::recognize::Mention;
use crate::text::fold;

/// A word this frequent in English (Zipf scale: 4 is ten in a million
/// words) reads as an ordinary word wherever it stands: "West", "March".
const VERY_COMMON_WORD_ZIPF: f32 = 4.0;

/// A word this frequent (about three in a million words) reads as an
/// ordinary word at the start of a sentence, where its capital says
/// nothing.
const COMMON_AT_SENTENCE_START_ZIPF: f32 = 2.5;

/// Mentions that share one folded spelling: one meaning per document.
pub(super) struct Group {
    /// Indexes of the mentions, in text order.
    pub(super) members: Vec<usize>,
    pub(super) candidates: Vec<Posting>,
    pub(super) region_cue: bool,
    pub(super) city_cue: bool,
    /// Every mention is sentence-initial, or a frequent word.
    pub(super) weak_evidence: bool,
    pub(super) word_frequency: f32,
    /// Found by sound, not spelling.
    pub(super) fuzzy: bool,
    /// Every mention comes right after "the" ("the White House").
    pub(super) after_the: bool,
    /// The candidates of the places named right after a mention of this
    /// group and a comma ("Paris, Texas"), if any are.
    pub(super) containers: Option<Vec<Posting>>,
}

impl Group {
    /// A mention of it is followed by ", " and another place ("Paris, Texas").
    pub(super) fn has_container(&self) -> bool {
        self.containers.is_some()
    }
}

/// The groups of `mentions`, in order of first mention, and the group of
/// each mention.
pub(super) fn group_by_spelling(mentions: &[Mention]) -> (Vec<Group>, Vec<usize>) {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(mentions.len());
    let mut group_of: Vec<usize> = Vec::with_capacity(mentions.len());
    for (i, m) in mentions.iter().enumerate() {
        let key = group_key(m);
        let g = *by_key.entry(key).or_insert_with(|| {
            groups.push(Group {
                members: Vec::new(),
                candidates: m.candidates.clone(),
                region_cue: false,
                city_cue: false,
                weak_evidence: true,
                word_frequency: m.word_frequency,
                fuzzy: m.fuzzy,
                after_the: true,
                containers: None,
            });
            groups.len() - 1
        });
        group_of.push(g);
        let group = &mut groups[g];
        group.members.push(i);
        group.region_cue |= m.region_cue;
        group.city_cue |= m.city_cue;
        let weak = m.sentence_initial && m.word_frequency >= COMMON_AT_SENTENCE_START_ZIPF
            || m.word_frequency >= VERY_COMMON_WORD_ZIPF;
        group.weak_evidence &= weak;
        group.after_the &= m.after_the;
    }
    (groups, group_of)
}

/// Records, for "Paris, Texas", that Texas's candidates may contain Paris:
/// a mention followed by a comma and another mention.
pub(super) fn note_containers(
    text: &str,
    mentions: &[Mention],
    group_of: &[usize],
    groups: &mut [Group],
) {
    for (i, w) in mentions.windows(2).enumerate() {
        let between = &text[w[0].byte_end..w[1].byte_start];
        if between == ", " {
            groups[group_of[i]]
                .containers
                .get_or_insert_with(Vec::new)
                .extend(w[1].candidates.iter().copied());
        }
    }
}

/// Mentions with one spelling share one meaning, except that "Belgorod"
/// followed by "region" or "governor" means the region wherever it stands.
fn group_key(m: &Mention) -> String {
    let mut key = fold(&m.text);
    if m.region_cue {
        key.push_str("\u{0}region");
    }
    key
}
