//! Writers: the [`crate::map`] model written in a file format.
//!
//! Every format is a [`MapWriter`], chosen once by [`Format::choose`] (a
//! flag, else the output file's extension) and made by [`create`]. A run
//! hands a writer every document's map in input order and then, for an
//! aggregated map, the corpus map; the writer decides what to write when.
//!
//! - [`geojson`]: an RFC 7946 `FeatureCollection`, or RFC 8142 GeoJSON
//!   text sequences streamed as documents are done;
//! - [`mentions`]: every mention, one row each (CSV or GeoJSON text
//!   sequence), beside any map;
//!
//! Writers write to any [`Target`]: a file that appears only once it is
//! whole ([`Destination`]), standard output, or any `io::Write`. A writer
//! may also offer an [`Encode`]r, which batch workers run ahead on each
//! document so that the one thread that writes in input order only copies.
//! Nothing here finds, resolves or measures places: it writes what the
//! model holds.

mod destination;
pub mod geojson;
pub(crate) mod json;
pub mod mentions;
mod precision;
mod spill;
mod style;
mod writer;

use std::path::Path;

pub use destination::{temp_file_beside, write_atomically, Destination};
pub use precision::round6;
pub use writer::{Encode, Encoded, MapWriter, Options, Target};

/// A file format geomention writes maps in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One RFC 7946 `FeatureCollection` (`.geojson`, `.json`).
    GeoJson,
    /// RFC 8142 GeoJSON text sequence: RS, one feature, LF; repeated
    /// (`.geojsons`, `.geojsonseq`).
    GeoJsonSeq,
}

impl Format {
    /// The format a file name asks for by its extension, if it names one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "geojson" | "json" => Some(Format::GeoJson),
            "geojsons" | "geojsonseq" => Some(Format::GeoJsonSeq),
            _ => None,
        }
    }

    /// The format of a run: the one asked for by flag, else the one the
    /// output file's extension names, else GeoJSON.
    pub fn choose(flag: Option<Format>, output: Option<&Path>) -> Format {
        flag.or_else(|| output.and_then(Format::from_path))
            .unwrap_or(Format::GeoJson)
    }

    /// Whether the format lists one feature per place and document, as
    /// documents are done, rather than one per place over the corpus.
    pub fn streams_documents(self) -> bool {
        self == Format::GeoJsonSeq
    }
}

/// The writer of `format` over `target`.
pub fn create<'t, T: Target + 't>(
    format: Format,
    target: T,
    options: &Options,
) -> Box<dyn MapWriter + 't> {
    match format {
        Format::GeoJson => Box::new(geojson::GeoJsonWriter::new(
            target,
            geojson::Framing::Collection,
            options.clone(),
        )),
        Format::GeoJsonSeq => Box::new(geojson::GeoJsonWriter::new(
            target,
            geojson::Framing::Sequence,
            Options {
                per_document: true,
                ..options.clone()
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_follows_the_flag_then_the_extension() {
        let p = |s: &str| Some(Path::new(s).to_path_buf());
        let choose = |flag, out: Option<std::path::PathBuf>| Format::choose(flag, out.as_deref());
        assert_eq!(choose(None, None), Format::GeoJson);
        assert_eq!(choose(None, p("map.geojsons")), Format::GeoJsonSeq);
        assert_eq!(choose(None, p("MAP.GeoJSON")), Format::GeoJson);
        assert_eq!(choose(None, p("map.txt")), Format::GeoJson);
        assert_eq!(
            choose(Some(Format::GeoJson), p("map.geojsons")),
            Format::GeoJson
        );
    }
}
