//! Where one worker's time goes: runs each step of the pipeline on every
//! document of a JSON Lines corpus (`{"id", "text", "date"?}` per line), on
//! one thread, and prints the time each step took.
//!
//! ```text
//! cargo run --release --example stages -- target/bench/corpus.jsonl
//! valgrind --tool=callgrind target/release/examples/stages small.jsonl
//! ```
//!
//! The steps are the ones a batch worker runs ([`geomention::batch`]):
//! matching names, recognizing mentions, resolving them, extracting claims,
//! making the document's map (snippets, places, claim shapes), encoding its
//! GeoJSON features.
//! Loading the gazetteer (which indexes the country outlines) and the matcher's
//! first-word table are timed apart, once, before the documents: they are
//! paid once per process. Under callgrind the step times are slow but
//! their shares hold, and instruction counts per function are exact.

use std::time::{Duration, Instant};

use geomention::document::Document;
use geomention::gazetteer::Gazetteer;
use geomention::map::DocumentMap;
use geomention::matcher::Matcher;
use geomention::output::geojson::GeoJsonEncoder;
use geomention::output::Encode;
use geomention::pipeline::Analysis;
use geomention::recognize::recognize;
use geomention::resolve::{resolve, ResolveOptions};

/// As the binary: allocation is a large part of the work measured.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const STEPS: [&str; 6] = ["match", "recognize", "resolve", "claims", "map", "encode"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: stages CORPUS.jsonl")?;
    let once = |label: &str, started: Instant| {
        eprintln!("{label:<22} {:.3} s", started.elapsed().as_secs_f64());
    };

    let started = Instant::now();
    let gazetteer = Gazetteer::embedded()?;
    once("load gazetteer", started);

    let docs = read_corpus(&path)?;
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let matcher = Matcher::new(&gazetteer);
    let options = ResolveOptions::default();
    let encoder = GeoJsonEncoder {
        per_document: true,
        listed: None,
    };
    let started = Instant::now();
    for d in &docs {
        matcher.find(&d.text);
    }
    once("match, first time", started);

    let mut spent = [Duration::ZERO; STEPS.len()];
    let (mut mentions, mut claims, mut written) = (0, 0, 0);
    for doc in &docs {
        let mut clock = Clock::new(&mut spent);
        let spans = matcher.find(&doc.text);
        clock.lap(0);
        let found = recognize(&doc.text, &spans, &gazetteer);
        clock.lap(1);
        let resolved = resolve(&doc.text, &found, &gazetteer, &options);
        clock.lap(2);
        let stated = geomention::claims::extract(doc, &resolved, &gazetteer);
        clock.lap(3);
        mentions += resolved.len();
        claims += stated.len();
        let analysis = Analysis {
            mentions: resolved,
            claims: stated,
        };
        let map = DocumentMap::new(doc, analysis, &gazetteer, true);
        clock.lap(4);
        let encoded = encoder.encode(&map);
        clock.lap(5);
        written += encoded.bytes().len();
    }
    let total: Duration = spent.iter().sum();
    for (step, t) in STEPS.iter().zip(spent) {
        let share = 100.0 * t.as_secs_f64() / total.as_secs_f64();
        eprintln!("{step:<10} {:8.3} s {share:5.1}%", t.as_secs_f64());
    }
    let total = total.as_secs_f64();
    eprintln!(
        "total      {total:8.3} s  {:.2} MB/s; {:.1} MB of text, {} documents, {mentions} mentions, \
         {claims} claims, {:.1} MB of features",
        bytes as f64 / 1e6 / total,
        bytes as f64 / 1e6,
        docs.len(),
        written as f64 / 1e6
    );
    Ok(())
}

/// Adds the time since the last lap to a step's total.
struct Clock<'a> {
    spent: &'a mut [Duration],
    last: Instant,
}

impl<'a> Clock<'a> {
    fn new(spent: &'a mut [Duration]) -> Self {
        Clock {
            spent,
            last: Instant::now(),
        }
    }

    fn lap(&mut self, step: usize) {
        let now = Instant::now();
        self.spent[step] += now - self.last;
        self.last = now;
    }
}

fn read_corpus(path: &str) -> Result<Vec<Document>, Box<dyn std::error::Error>> {
    #[derive(serde::Deserialize)]
    struct Line {
        id: String,
        text: String,
        date: Option<String>,
    }
    let mut docs = Vec::new();
    for (n, line) in std::fs::read_to_string(path)?.lines().enumerate() {
        let line: Line =
            serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
        let mut doc = Document::new(line.id, line.text);
        // As the batch reader: a `date` field wins over a date line.
        if line.date.is_some() {
            doc.date = line.date;
        }
        docs.push(doc);
    }
    Ok(docs)
}
