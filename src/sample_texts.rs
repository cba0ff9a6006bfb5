//! Texts for the unit tests that compare a rewritten scan with the one it
//! replaced: the sample corpus, and whatever awkward strings a test adds.

/// Every document of `corpus/`, after `extra`.
pub fn with_corpus(extra: &[&str]) -> Vec<String> {
    let mut texts: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    for dir in ["corpus/places", "corpus/claims"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        texts.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
    }
    assert!(
        texts.len() >= extra.len() + 12,
        "the sample corpus was read"
    );
    texts
}
