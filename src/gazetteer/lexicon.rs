//! The English lexicon: word frequencies, given names and nationality
//! adjectives, which recognition asks to tell place names from ordinary
//! words and from people.
//!
//! It is read from the three `lexicon/` files of a gazetteer; where those
//! files come from, and the places themselves, are not its business.

use super::lines::{count_lines, lines, split_tab};
use crate::text::with_lowercase;

/// A word not in the list that ends in "s" counts as the plural of its
/// singular only when the singular is this frequent (Zipf 3.5): "farmers"
/// is, "Wales" (for "wale") is not.
const PLURAL_SINGULAR_MIN_ZIPF: f32 = 3.5;

/// English words and given names, used to tell place names from ordinary
/// words ("March", "West") and from people ("Vladimir Putin").
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Lower-case word → Zipf frequency (about 7 for "the", 3 for rare words).
    common_words: foldhash::HashMap<String, f32>,
    /// Given names as written ("Vladimir").
    first_names: foldhash::HashSet<String>,
    /// Lower-case adjective of nationality → ISO 3166-1 alpha-2 ("russian" → "RU").
    demonyms: foldhash::HashMap<String, String>,
}

impl Lexicon {
    /// The Zipf frequency of `word` as an English word (0 when it is not one).
    pub fn word_frequency(&self, word: &str) -> f32 {
        with_lowercase(word, |lower| {
            self.common_words.get(lower).copied().or_else(|| {
                // A plural the dictionary does not list ("farmers"): the
                // singular's frequency, when that is a frequent word.
                let singular = lower.strip_suffix('s').filter(|s| s.len() >= 4)?;
                self.common_words
                    .get(singular)
                    .copied()
                    .filter(|&z| z >= PLURAL_SINGULAR_MIN_ZIPF)
            })
        })
        .unwrap_or(0.0)
    }

    /// True when `word` is a known given name.
    pub fn is_first_name(&self, word: &str) -> bool {
        self.first_names.contains(word)
    }

    /// The country a nationality adjective refers to ("Russian" → "RU").
    pub fn demonym_country(&self, word: &str) -> Option<&str> {
        with_lowercase(word, |lower| self.demonyms.get(lower)).map(String::as_str)
    }

    /// Reads the lexicon from the text of `lexicon/common_words.tsv`,
    /// `lexicon/first_names.txt` and `lexicon/demonyms.tsv`.
    pub(super) fn parse(words: &str, names: &str, demonyms: &str) -> Self {
        // Sized up front and cut with `memchr` (see [`lines`]): tens of
        // thousands of short lines, read at every start-up.
        let mut common_words =
            foldhash::HashMap::with_capacity_and_hasher(count_lines(words), Default::default());
        common_words.extend(lines(words).filter_map(|l| {
            let (w, z) = split_tab(l)?;
            Some((w.to_string(), z.trim().parse().ok()?))
        }));
        let mut first_names =
            foldhash::HashSet::with_capacity_and_hasher(count_lines(names), Default::default());
        first_names.extend(
            lines(names)
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
        let demonyms = lines(demonyms)
            .filter_map(|l| {
                let (w, c) = split_tab(l)?;
                Some((w.to_lowercase(), c.trim().to_string()))
            })
            .collect();
        Lexicon {
            common_words,
            first_names,
            demonyms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lexicon read as it was before it was read with [`lines`].
    fn reference_lexicon(words: &str, names: &str, demonyms: &str) -> Lexicon {
        let common_words = words
            .lines()
            .filter_map(|l| {
                let (w, z) = l.split_once('\t')?;
                Some((w.to_string(), z.trim().parse().ok()?))
            })
            .collect();
        let first_names = names
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let demonyms = demonyms
            .lines()
            .filter_map(|l| {
                let (w, c) = l.split_once('\t')?;
                Some((w.to_lowercase(), c.trim().to_string()))
            })
            .collect();
        Lexicon {
            common_words,
            first_names,
            demonyms,
        }
    }

    #[test]
    fn the_lexicon_reads_as_the_reference_reads_it() {
        let file = |name: &str| {
            let path = format!("{}/gazetteer/lexicon/{name}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(path).unwrap_or_default()
        };
        let shipped = [
            file("common_words.tsv"),
            file("first_names.txt"),
            file("demonyms.tsv"),
        ];
        let odd = [
            "the\t7.73\r\nto\t 7.4 \nnot a row\nbad\tx\nthe\t1.5\n\ttab\t2\n".to_string(),
            " Mary \r\n\n\r\nJohn\nMary".to_string(),
            "Russian\tRU\r\nfrench\t FR \nno tab\nrussian\tXX".to_string(),
        ];
        for [w, n, d] in [&shipped, &odd] {
            let ours = Lexicon::parse(w, n, d);
            let theirs = reference_lexicon(w, n, d);
            assert_eq!(ours.common_words, theirs.common_words);
            assert_eq!(ours.first_names, theirs.first_names);
            assert_eq!(ours.demonyms, theirs.demonyms);
        }
    }
}
