//! `geomention merge`: maps written in parts made into one. A corpus split
//! into shards — by Spark, GNU parallel, a cron job — and mapped per
//! document (GeoJSON text sequences) becomes the map one run over the same
//! documents in the same order would have written, byte for byte: the
//! shards are read back into the map model ([`crate::output::geojson::read`])
//! and folded as a run folds its documents ([`CorpusMap`]).
//!
//! Aggregated maps can be merged too, when they are maps of different
//! documents: their places' counts are added, their dates widened, their
//! listed mentions and documents follow one another up to the cap.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::map::CorpusMap;
use crate::output::geojson::read::{read_map, Read};
use crate::output::{MapWriter, Options};

/// What a merge read and wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Merged {
    /// Documents read from per-document maps.
    pub documents: u64,
    /// Places read from aggregated maps.
    pub aggregated_places: u64,
    /// Features written.
    pub features: usize,
}

/// Reads every map of `inputs`, in order, and writes them as one to
/// `writer`: aggregated, or per document when `options.per_document`.
pub fn merge(
    inputs: &[PathBuf],
    mut writer: Box<dyn MapWriter + '_>,
    options: &Options,
) -> Result<Merged> {
    let mut corpus = (!options.per_document).then(|| CorpusMap::new(options.listed));
    let mut merged = Merged::default();
    for path in inputs {
        read_map(path, &mut |item| match item {
            Read::Document(doc) => {
                merged.documents += 1;
                if let Some(corpus) = &mut corpus {
                    corpus.add(&doc);
                }
                writer.document(&doc, None)
            }
            Read::Place(place) => {
                merged.aggregated_places += 1;
                match &mut corpus {
                    Some(corpus) => {
                        corpus.add_view(&place.view());
                        Ok(())
                    }
                    None => Err(Error::Invalid(format!(
                        "{}: an aggregated map cannot be written one document at a time \
                         (its places are over several documents): write an aggregated map",
                        path.display()
                    ))),
                }
            }
        })?;
    }
    merged.features = writer.finish(corpus.as_ref())?;
    Ok(merged)
}
