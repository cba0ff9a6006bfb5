//! Batch runs over whole corpora: reading inputs ([`read`]), spreading the
//! pipeline over threads, putting results back in input order, handing
//! them to a writer ([`crate::output`]), and telling the user how it went
//! ([`report`]); and one document held in memory mapped as a run maps it
//! ([`map_document`]), for callers that hand documents over one at a time.
//!
//! The run is a three-stage pipeline with bounded memory:
//!
//! - a reader thread turns inputs into [`Part`]s (documents, or segments of
//!   large ones) and hands each to a rayon pool;
//! - the pool's workers run [`Geoparser::parse`] on parts in any order,
//!   make each a [`DocumentMap`] and run the writer's encoder on it;
//! - the calling thread takes results back in input order and hands each
//!   document to the writer as soon as it and every document before it
//!   are done, folding it into the corpus map when the map is aggregated.
//!
//! Parts travel in batches of consecutive parts (up to [`BATCH_BYTES`] of
//! text, fewer when the input is a pipe that has nothing more to give yet):
//! handing work from thread to thread wakes a sleeping thread through the
//! kernel, and on a virtual machine that cost as much as mapping a small
//! document, three times per document. A batch pays it once.
//!
//! A fixed number of tokens circulates between the writer and the reader:
//! the reader needs one to start a batch and the writer returns it once that
//! batch is written, so at most `window` batches are in flight or waiting to
//! be put in order, whatever the corpus size. Output order is input order,
//! so the bytes written do not depend on the number of threads.

mod in_memory;
mod panics;
pub mod read;
pub mod report;

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::mpsc;

pub use in_memory::map_document;
pub use read::{
    check_inputs, Input, InvalidUtf8, JsonlFields, Part, Problem, ProblemKind, ReadOptions,
};
pub use report::Summary;

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::map::{CorpusMap, DocumentMap};
use crate::output::{Encode, Encoded, MapWriter};
use crate::pipeline::Geoparser;

use in_memory::analyse;

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// One feature per place and document, written as each document is
    /// done; otherwise one per place over the corpus, written at the end.
    pub per_document: bool,
    /// How many mentions and documents an aggregated place lists; `None`:
    /// all (see [`CorpusMap`]).
    pub listed: Option<usize>,
    /// Draw a progress bar on standard error.
    pub progress: bool,
    pub read: ReadOptions,
}

/// Worker threads for `threads` (0: one per core).
pub fn thread_count(threads: usize) -> usize {
    if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

/// How much text a batch gathers before it is handed to a worker.
pub const BATCH_BYTES: usize = 64 << 10;
/// How many parts a batch gathers at most (short records, problems).
const BATCH_ITEMS: usize = 256;

/// Consecutive inputs, handed to one worker together.
#[derive(Default)]
struct Batch {
    items: Vec<read::Event>,
    bytes: usize,
}

impl Batch {
    fn push(&mut self, event: read::Event) {
        if let read::Event::Part(p) = &event {
            self.bytes += p.doc.text.len();
        }
        self.items.push(event);
    }

    fn is_full(&self) -> bool {
        self.bytes >= BATCH_BYTES || self.items.len() >= BATCH_ITEMS
    }
}

/// A finished part, or a problem, in its place in input order.
enum Done<'g> {
    /// What mapping the part made, or what it panicked with.
    Part(Part, Result<Box<Finished<'g>>, String>),
    Problem(Problem),
}

/// A part as its worker leaves it: as much of the writer's work done as
/// can be done out of order, so that the single thread that writes in
/// input order is never the bottleneck.
struct Finished<'g> {
    map: DocumentMap<'g>,
    /// What the writer's encoder made of it: for every part of an
    /// aggregated map, and for whole documents of a per-document one (the
    /// segments of a long document are joined first).
    encoded: Option<Encoded>,
}

/// Maps every input and hands each document to `writer`, which commits
/// its output only when everything was written. Bad documents are reported
/// and counted in the summary; only an output failure or a bad option is
/// an error.
pub fn run(
    parser: &Geoparser,
    inputs: &[Input],
    writer: Box<dyn MapWriter + '_>,
    options: &RunOptions,
) -> Result<Summary> {
    let threads = thread_count(options.threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("geomention-{i}"))
        .build()
        .map_err(|e| Error::Invalid(format!("cannot start {threads} threads: {e}")))?;
    let window = 4 * threads + 4;
    let total = if options.progress {
        read::total_bytes(inputs)
    } else {
        None
    };
    let mut reporter = report::Reporter::new(options.progress, total);

    let (token_tx, token_rx) = mpsc::sync_channel::<()>(window);
    for _ in 0..window {
        let _ = token_tx.send(());
    }
    let (done_tx, done_rx) = mpsc::channel::<(u64, Vec<Done>)>();
    let encoder = writer.encoder();
    let encoder = encoder.as_deref();

    let written = std::thread::scope(|scope| {
        let reader_done_tx = done_tx.clone();
        scope.spawn(move || {
            // Ends early (Break) only when the writer gave up.
            let _ = pool.in_place_scope_fifo(|tasks| {
                let mut seq = 0u64;
                let mut batch = Batch::default();
                let mut dispatch = |batch: Batch| {
                    if batch.items.is_empty() {
                        return ControlFlow::Continue(());
                    }
                    // Waits while `window` batches are unwritten; fails
                    // when the writer has given up.
                    if token_rx.recv().is_err() {
                        return ControlFlow::Break(());
                    }
                    let n = seq;
                    seq += 1;
                    let tx = reader_done_tx.clone();
                    let per_document = options.per_document;
                    tasks.spawn_fifo(move |_| {
                        let finish = |part: &Part| finish(parser, part, per_document, encoder);
                        let done = batch
                            .items
                            .into_iter()
                            .filter_map(|event| match event {
                                read::Event::Problem(p) => Some(Done::Problem(p)),
                                read::Event::Part(part) => {
                                    let finished = finish(&part);
                                    Some(Done::Part(part, finished))
                                }
                                read::Event::Waiting => None,
                            })
                            .collect();
                        let _ = tx.send((n, done));
                    });
                    ControlFlow::Continue(())
                };
                read::read_inputs(inputs, &options.read, &mut |event| {
                    let waiting = matches!(event, read::Event::Waiting);
                    if !waiting {
                        batch.push(event);
                    }
                    if waiting || batch.is_full() {
                        dispatch(std::mem::take(&mut batch))?;
                    }
                    ControlFlow::Continue(())
                })?;
                dispatch(batch)
            });
        });
        drop(done_tx);
        let result = write_in_order(
            done_rx,
            &token_tx,
            writer,
            parser.gazetteer(),
            options,
            &mut reporter,
        );
        // Dropping the token sender stops the reader if the writer failed.
        drop(token_tx);
        result
    })?;
    Ok(reporter.finish(written))
}

/// Runs the pipeline on one part, makes its map and runs the writer's
/// encoder on it. A panic comes back as its message: one document's bug
/// must not end a batch of millions.
fn finish<'g>(
    parser: &'g Geoparser<'_>,
    part: &Part,
    per_document: bool,
    encoder: Option<&dyn Encode>,
) -> Result<Box<Finished<'g>>, String> {
    panics::catch(|| {
        let analysis = analyse(parser, part);
        let map = DocumentMap::new(&part.doc, analysis, parser.gazetteer(), part.first);
        let whole = part.first && part.last;
        let encoded = encoder
            .filter(|_| whole || !per_document)
            .map(|e| e.encode(&map));
        Box::new(Finished { map, encoded })
    })
}

/// Takes finished parts back in input order and hands them to the writer;
/// returns the number of features written. The output is not committed
/// when the gazetteer turned out damaged while the run used it.
fn write_in_order(
    done: mpsc::Receiver<(u64, Vec<Done>)>,
    tokens: &mpsc::SyncSender<()>,
    mut writer: Box<dyn MapWriter + '_>,
    gazetteer: &Gazetteer,
    options: &RunOptions,
    reporter: &mut report::Reporter,
) -> Result<usize> {
    let mut waiting = BTreeMap::new();
    let mut next = 0u64;
    let mut corpus = (!options.per_document).then(|| CorpusMap::new(options.listed));
    // The segments of a long document, joined until its last one.
    let mut document: Option<DocumentMap> = None;
    for (n, batch) in done {
        waiting.insert(n, batch);
        while let Some(batch) = waiting.remove(&next) {
            next += 1;
            let _ = tokens.send(());
            for result in batch {
                let (part, finished) = match result {
                    Done::Problem(p) => {
                        reporter.problem(&p);
                        continue;
                    }
                    Done::Part(part, finished) => (part, finished),
                };
                reporter.advance(part.bytes, part.last);
                let Finished { map, encoded } = *finished.unwrap_or_else(|panic| {
                    reporter.problem(&Problem {
                        location: part.doc.id.clone(),
                        kind: ProblemKind::Failed,
                        detail: format!(
                            "internal error while mapping the part from code point {} \
                             (a bug; please report it): {panic}",
                            part.char_offset
                        ),
                    });
                    let empty = DocumentMap {
                        id: part.doc.id.clone(),
                        date: part.doc.date.clone(),
                        title: part.doc.title.clone(),
                        url: part.doc.url.clone(),
                        starts_document: part.first,
                        ..DocumentMap::default()
                    };
                    Box::new(Finished {
                        map: empty,
                        encoded: None,
                    })
                });
                if let Some(corpus) = &mut corpus {
                    corpus.add(&map);
                    writer.document(&map, encoded)?;
                    continue;
                }
                if part.first && part.last {
                    writer.document(&map, encoded)?;
                    continue;
                }
                match &mut document {
                    Some(whole) if !part.first => whole.extend(map),
                    _ => document = Some(map),
                }
                if part.last {
                    if let Some(whole) = document.take() {
                        writer.document(&whole, None)?;
                    }
                }
            }
        }
    }
    if let Some(damage) = gazetteer.damage() {
        return Err(damage);
    }
    writer.finish(corpus.as_ref())
}

/// What [`bench_match`] measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MatchBench {
    pub documents: usize,
    pub bytes: usize,
    /// Candidate spans found (positions where at least one name starts).
    pub spans: usize,
    pub seconds: f64,
}

/// Times [`crate::matcher::Matcher::find`] alone over `texts` on one thread:
/// the figure compared with other multi-pattern matchers by `bench/run.sh`.
pub fn bench_match(gazetteer: &Gazetteer, texts: &[String]) -> MatchBench {
    let matcher = crate::matcher::Matcher::new(gazetteer);
    let started = std::time::Instant::now();
    let spans = texts.iter().map(|t| matcher.find(t).len()).sum();
    MatchBench {
        documents: texts.len(),
        bytes: texts.iter().map(String::len).sum(),
        spans,
        seconds: started.elapsed().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::testing::TinyGazetteer;
    use crate::output::{self, Format};

    /// The GeoJSON encoder, except on a document whose text says "boom".
    struct Boom(std::sync::Arc<dyn Encode>);

    impl Encode for Boom {
        fn encode(&self, doc: &DocumentMap<'_>) -> Encoded {
            if doc.id.contains("boom") {
                panic!("the encoder met {}", doc.id);
            }
            self.0.encode(doc)
        }
    }

    struct BoomWriter<'t>(Box<dyn MapWriter + 't>);

    impl MapWriter for BoomWriter<'_> {
        fn encoder(&self) -> Option<std::sync::Arc<dyn Encode>> {
            Some(std::sync::Arc::new(Boom(self.0.encoder()?)))
        }
        fn document(&mut self, doc: &DocumentMap<'_>, encoded: Option<Encoded>) -> Result<()> {
            self.0.document(doc, encoded)
        }
        fn finish(self: Box<Self>, corpus: Option<&CorpusMap<'_>>) -> Result<usize> {
            self.0.finish(corpus)
        }
    }

    #[test]
    fn a_panicking_document_is_reported_and_the_run_goes_on() {
        let g = TinyGazetteer::new()
            .country("UA", "Ukraine", 41_000_000, (49.0, 32.0))
            .town("Kharkiv", "PPLA", "UA.07", 1_430_000, (49.98, 36.25))
            .build();
        let parser = Geoparser::new(&g);
        let dir = tempfile::tempdir().unwrap();
        let jsonl = dir.path().join("in.jsonl");
        std::fs::write(
            &jsonl,
            "{\"id\":\"a\",\"text\":\"Kharkiv.\"}\n{\"id\":\"boom\",\"text\":\"Kharkiv.\"}\n\
             {\"id\":\"c\",\"text\":\"Kharkiv.\"}\n",
        )
        .unwrap();
        let mut out = Vec::new();
        let write = output::Options {
            per_document: true,
            listed: None,
            ..Default::default()
        };
        let writer = Box::new(BoomWriter(output::create(
            Format::GeoJsonSeq,
            &mut out,
            &write,
        )));
        let options = RunOptions {
            threads: 2,
            per_document: true,
            listed: None,
            progress: false,
            read: ReadOptions::default(),
        };
        let summary = run(&parser, &[Input::Jsonl(jsonl)], writer, &options).unwrap();
        assert_eq!(summary.problems.get(&ProblemKind::Failed), Some(&1));
        assert_eq!(summary.documents, 3);
        let text = String::from_utf8(out).unwrap();
        assert!(text.matches("Kharkiv").count() >= 2, "{text}");
        assert!(!text.contains("\"boom\""), "{text}");
    }
}
