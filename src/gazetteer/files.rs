// The files of a gazetteer directory. Shared by the library and by
// build.rs (which embeds them), so the two lists cannot drift apart.

/// Files every gazetteer directory must have.
pub const REQUIRED_FILES: &[&str] = &[
    "places.tsv",
    "names.fst",
    "postings.bin",
    "countries.geojson",
    "lexicon/common_words.tsv",
    "lexicon/first_names.txt",
    "lexicon/demonyms.tsv",
    "manifest.json",
];

/// Files a gazetteer directory may have; used when present.
/// `composite_regions.tsv`, `adminPoints.txt` and `SOURCES.md` are
/// embedded so that `gazetteer refresh` can carry them into gazetteers
/// built from the built-in one.
pub const OPTIONAL_FILES: &[&str] = &[
    "sounds.fst",
    "composite_regions.tsv",
    "adminPoints.txt",
    "SOURCES.md",
];
