//! What every writer is: a [`MapWriter`] over a [`Target`], and what
//! batch workers may do for it ahead of time ([`Encode`]). The formats
//! themselves are in their own modules.

use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::map::{CorpusMap, DocumentMap};
use crate::output::html::options::PageOptions;

/// Where a writer writes: any `io::Write` that can be made final.
pub trait Target: io::Write {
    /// How errors name this target (a file's path, `<stdout>`).
    fn label(&self) -> &Path;

    /// Makes what was written final: an atomic file is renamed into
    /// place; anything else is flushed.
    fn commit(self) -> Result<()>;

    /// True when a reader may be waiting for each document as it is done
    /// (standard output): writers then flush after every document.
    fn is_stream(&self) -> bool {
        false
    }

    /// The file being written, for a writer that opens it by path rather
    /// than writing bytes (a database): a [`super::Destination`]'s
    /// temporary file. `None` for standard output or any other writer.
    fn file(&self) -> Option<&Path> {
        None
    }
}

impl<W: io::Write> Target for &mut W {
    fn label(&self) -> &Path {
        Path::new("<writer>")
    }

    fn commit(self) -> Result<()> {
        self.flush().map_err(|e| Error::io("<writer>", e))
    }
}

/// Features of a document encoded ahead of their turn, on a worker thread:
/// one record per feature, back to back.
#[derive(Debug, Default)]
pub struct Encoded {
    pub(crate) bytes: Vec<u8>,
    /// Where each record ends in `bytes`.
    pub(crate) ends: Vec<usize>,
}

impl Encoded {
    /// How many features it holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The records, back to back, each with the framing of the writer that
    /// made them.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// What a writer can do for a document on any thread, before its turn.
pub trait Encode: Send + Sync {
    fn encode(&self, doc: &DocumentMap<'_>) -> Encoded;
}

/// Writes a map in one format.
///
/// A run calls [`MapWriter::document`] for every document in input order
/// (for an aggregated map of a document read in segments, once per
/// segment; otherwise once per whole document), then
/// [`MapWriter::finish`] once, with the corpus map when the run
/// aggregates. Nothing is committed before `finish`: a writer dropped
/// without it leaves no output file.
pub trait MapWriter {
    /// An encoder to run on each document on the worker thread that made
    /// its map; its result comes back to [`MapWriter::document`].
    fn encoder(&self) -> Option<Arc<dyn Encode>> {
        None
    }

    /// Takes one document's map, with what the encoder made of it if it
    /// ran.
    fn document(&mut self, doc: &DocumentMap<'_>, encoded: Option<Encoded>) -> Result<()>;

    /// Writes what is left and commits the output. Returns the number of
    /// features written.
    fn finish(self: Box<Self>, corpus: Option<&CorpusMap<'_>>) -> Result<usize>;
}

/// How a map is written, whatever the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// One feature per place and document, written as each document is
    /// done; otherwise one per place over the corpus, written at the end.
    pub per_document: bool,
    /// How many mentions (and documents) a place lists; `None`: all. The
    /// counts are exact either way.
    pub listed: Option<usize>,
    /// What an HTML page adds: title, base map, tiles (other formats
    /// leave it).
    pub page: PageOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            per_document: false,
            listed: Some(crate::map::DEFAULT_LISTED),
            page: PageOptions::default(),
        }
    }
}
