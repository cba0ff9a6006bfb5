//! Maps the rows of an input batch, on this thread or on several, and
//! gives back what each yielded in input order. Each document is mapped
//! whole as `geomention map` maps it ([`map_document`]), and a bug that
//! fails one document fails that row, not the batch. Nothing here knows
//! Python or Arrow.

use rayon::prelude::*;

use geomention::batch::{map_document, ReadOptions};
use geomention::map::DocumentMap;
use geomention::Geoparser;

use crate::rows::Row;
use crate::tables::Outcome;

/// Maps every row of `rows` and makes `yields` of each map, keeping input
/// order: on the calling thread for `threads == Some(1)`, on a pool of
/// that many threads for more, on one thread per core for `None` or 0.
pub fn map_rows<T: Send>(
    parser: &Geoparser<'_>,
    rows: Vec<Row>,
    threads: Option<usize>,
    yields: &(dyn Fn(&DocumentMap<'_>) -> T + Sync),
) -> Result<Vec<Outcome<T>>, String> {
    // Documents longer than a batch run's segments are mapped in segments,
    // as the command line maps them.
    let segment_bytes = ReadOptions::default().segment_bytes;
    let one = |row: Row| Outcome {
        id: row.id,
        date: row.date,
        result: row.document.and_then(|doc| {
            let map = map_document(parser, doc, segment_bytes).map_err(|p| p.detail)?;
            Ok(yields(&map))
        }),
    };
    Ok(match threads {
        Some(1) => rows.into_iter().map(one).collect(),
        None | Some(0) => rows.into_par_iter().map(one).collect(),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| format!("cannot start {n} threads: {e}"))?
            .install(|| rows.into_par_iter().map(one).collect()),
    })
}
