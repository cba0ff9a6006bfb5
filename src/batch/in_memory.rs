//! One document held in memory, mapped as a batch run maps it: cut into
//! segments when it is large, each segment analysed with its offsets
//! counted from the start of the document, and the segments' maps joined
//! into one [`DocumentMap`].
//!
//! For callers that hand documents over one at a time (the Python binding,
//! a Spark job) and must map each exactly as `geomention map` would. Owns
//! nothing of reading files, ordering results or writing them
//! ([`super::read`], [`super::run`], [`crate::output`]).

use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;

use crate::document::Document;
use crate::map::DocumentMap;
use crate::pipeline::{Analysis, Geoparser};

use super::read::{parts_in_memory, Part, Problem, ProblemKind};

/// The map of `doc`, analysed in segments of at most `segment_bytes` when
/// it is longer ([`super::ReadOptions::segment_bytes`]: a batch run's
/// default is 4 MiB). A failure of the pipeline (a bug) is a
/// [`ProblemKind::Failed`] problem rather than a panic: one document must
/// not end a job over millions.
pub fn map_document<'g>(
    parser: &'g Geoparser<'_>,
    mut doc: Document,
    segment_bytes: usize,
) -> Result<DocumentMap<'g>, Problem> {
    let text = std::mem::take(&mut doc.text);
    let id = doc.id.clone();
    let mut whole: Option<DocumentMap<'g>> = None;
    let mut failed_at = None;
    let _ = parts_in_memory(doc, text, 0, segment_bytes, &mut |part| {
        let mapped = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let analysis = analyse(parser, &part);
            DocumentMap::new(&part.doc, analysis, parser.gazetteer(), part.first)
        }));
        match (mapped, &mut whole) {
            (Ok(map), Some(joined)) => joined.extend(map),
            (Ok(map), None) => whole = Some(map),
            (Err(_), _) => {
                failed_at = Some(part.char_offset);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    match (failed_at, whole) {
        (None, Some(map)) => Ok(map),
        (at, _) => Err(Problem {
            location: id,
            kind: ProblemKind::Failed,
            detail: format!(
                "internal error while mapping the part from code point {}",
                at.unwrap_or(0)
            ),
        }),
    }
}

/// Runs the pipeline on one part, with its mentions' and claims' code-point
/// offsets counted from the start of the whole document.
pub(super) fn analyse(parser: &Geoparser, part: &Part) -> Analysis {
    let mut analysis = parser.parse(&part.doc);
    for m in &mut analysis.mentions {
        m.start += part.char_offset;
        m.end += part.char_offset;
    }
    for c in &mut analysis.claims {
        c.start += part.char_offset;
        c.end += part.char_offset;
    }
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;
    use crate::output::geojson::document_collection;

    fn text() -> String {
        let paragraph = "Shelling hit Kharkiv and Kyiv on Friday. Lviv, about 470 km west of Kyiv, was quiet.\n\n";
        paragraph.repeat(8)
    }

    /// A document mapped in segments lists the same places as the batch
    /// run, offsets counting from the start of the whole text.
    #[test]
    fn a_long_document_is_mapped_in_segments_with_whole_document_offsets() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let text = text();
        let doc = Document::new("long", text.clone());
        let map = map_document(&parser, doc, 200).unwrap();
        let kharkiv = (map.places.iter())
            .find(|p| p.place.name == "Kharkiv")
            .unwrap();
        assert_eq!(kharkiv.mentions.len(), 8);
        let chars: Vec<char> = text.chars().collect();
        for m in map.places.iter().flat_map(|p| &p.mentions) {
            let written: String = chars[m.start..m.end].iter().collect();
            assert_eq!(written, m.text);
        }
        assert_eq!(map.claims.len(), 8);
        assert!(map.claims.windows(2).all(|w| w[0].start < w[1].start));
    }

    #[test]
    fn a_short_document_is_one_part() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let doc = Document::new("a", text());
        let whole = map_document(&parser, doc.clone(), 4 << 20).unwrap();
        let direct = DocumentMap::new(&doc, parser.parse(&doc), &g, true);
        assert_eq!(
            document_collection(&whole, None),
            document_collection(&direct, None)
        );
    }
}
