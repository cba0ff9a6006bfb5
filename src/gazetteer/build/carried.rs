//! The files a built gazetteer carries over unchanged from its sources:
//! the country outlines, the lexicon, the composite regions and the
//! account of where the data came from (`SOURCES.md`).
//!
//! They are copied byte for byte; reading them is for the gazetteer that
//! loads them.

use std::path::Path;

use super::inputs::Sources;
use crate::error::{Error, Result};

/// Copies the files of `sources` that a gazetteer carries unchanged into
/// `out`, whose `lexicon/` directory must exist.
pub(super) fn copy_carried_files(sources: &Sources, out: &Path) -> Result<()> {
    for (name, from) in [
        ("countries.geojson", sources.outlines.clone()),
        (
            "lexicon/common_words.tsv",
            sources.lexicon.join("common_words.tsv"),
        ),
        (
            "lexicon/first_names.txt",
            sources.lexicon.join("first_names.txt"),
        ),
        ("lexicon/demonyms.tsv", sources.lexicon.join("demonyms.tsv")),
    ] {
        std::fs::copy(&from, out.join(name)).map_err(|e| Error::io(&from, e))?;
    }
    if let Some(path) = sources
        .geonames
        .iter()
        .find(|p| p.ends_with(super::inputs::ADMIN_POINTS))
    {
        std::fs::copy(path, out.join(super::inputs::ADMIN_POINTS))
            .map_err(|e| Error::io(path, e))?;
    }
    if let Some(path) = &sources.composite_regions {
        std::fs::copy(path, out.join("composite_regions.tsv")).map_err(|e| Error::io(path, e))?;
    }
    // The account of where the data came from travels with it.
    if let Some(doc) = &sources.documentation {
        std::fs::copy(doc, out.join("SOURCES.md")).map_err(|e| Error::io(doc, e))?;
    }
    Ok(())
}
