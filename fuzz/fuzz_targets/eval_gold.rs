//! `eval`'s gold reader on arbitrary bytes read as a gold JSON Lines file;
//! what it accepts is then scored, as `geomention eval --errors --json`
//! does, against what the pipeline finds with the built-in gazetteer.
#![no_main]

use geomention::eval::{evaluate_articles, read_gold, EvalOptions};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let path = common::file("gold.jsonl", data);
    let Ok(articles) = read_gold(&path, Some(20)) else {
        return;
    };
    for a in &articles {
        for t in &a.toponyms {
            assert!(t.start < t.end && t.lat.is_finite() && t.lon.is_finite());
        }
    }
    let options = EvalOptions {
        limit: None,
        misses: true,
    };
    let report = evaluate_articles(common::parser(), &articles, &options);
    let _ = report.write_table(std::io::sink());
    let _ = report.write_misses(std::io::sink());
    let _ = serde_json::to_string(&report).expect("the report serializes");
});
