//! `geomention merge`: a corpus mapped in shards and merged gives the bytes
//! of one run over the whole corpus. What merge reads is the GeoJSON the
//! map writer writes; that writer's own checks are in `places` and `batch`.

use std::path::{Path, PathBuf};

use crate::util::{geomention, root, shared};

/// The documents of the sample corpus as JSON Lines records, ids as a
/// directory run gives them.
fn corpus_records() -> Vec<String> {
    let mut paths = Vec::new();
    let mut dirs = vec![root().join("corpus")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let id = p.strip_prefix(root().join("corpus")).unwrap();
            let text = std::fs::read_to_string(p).unwrap();
            serde_json::json!({"id": id.to_string_lossy(), "text": text}).to_string()
        })
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

fn map(args: &[&str]) {
    geomention()
        .args(["map", "--quiet"])
        .args(args)
        .assert()
        .code(0);
}

/// Maps `records` whole, then in `k` shards merged, both as an aggregated
/// collection and per document, and checks they are the same bytes.
fn merged_equals_one_run(records: &[String], k: usize) {
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.jsonl");
    write_lines(&all, records);
    let all = all.to_str().unwrap();
    let one = dir.path().join("one.geojson");
    let one_seq = dir.path().join("one.geojsons");
    map(&["--jsonl", all, "-o", one.to_str().unwrap()]);
    map(&["--jsonl", all, "-o", one_seq.to_str().unwrap()]);
    let size = records.len().div_ceil(k);
    let shards: Vec<PathBuf> = (records.chunks(size).enumerate())
        .map(|(i, chunk)| {
            let input = dir.path().join(format!("part-{i:05}.jsonl"));
            write_lines(&input, chunk);
            let shard = input.with_extension("geojsons");
            map(&[
                "--jsonl",
                input.to_str().unwrap(),
                "-o",
                shard.to_str().unwrap(),
            ]);
            shard
        })
        .collect();
    // k shards, or fewer when k does not divide the records evenly.
    assert_eq!(shards.len(), records.len().div_ceil(size));
    assert!(shards.len() <= k);
    for (out, want) in [("merged.geojson", &one), ("merged.geojsons", &one_seq)] {
        let out = dir.path().join(out);
        geomention()
            .arg("merge")
            .args(&shards)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(0);
        let (got, want) = (std::fs::read(&out).unwrap(), std::fs::read(want).unwrap());
        assert!(
            got == want,
            "{k} shards merged into {} differ",
            out.display()
        );
    }
}

#[test]
fn merged_shards_of_the_sample_corpus_are_one_run() {
    let records = corpus_records();
    for k in [1, 2, 7] {
        merged_equals_one_run(&records, k);
    }
}

#[test]
#[ignore = "needs ../shared (eval/lgl.jsonl)"]
fn merged_shards_of_300_lgl_articles_are_one_run() {
    let lgl = std::fs::read_to_string(shared("eval/lgl.jsonl")).unwrap();
    let records: Vec<String> = (lgl.lines().take(300))
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            serde_json::json!({"id": v["id"], "text": v["text"]}).to_string()
        })
        .collect();
    for k in [1, 2, 7] {
        merged_equals_one_run(&records, k);
    }
}

#[test]
fn an_aggregated_map_merged_alone_is_itself() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.geojson");
    map(&[
        root().join("corpus").to_str().unwrap(),
        "-o",
        one.to_str().unwrap(),
    ]);
    let again = dir.path().join("again.geojson");
    geomention()
        .args([
            "merge",
            one.to_str().unwrap(),
            "-o",
            again.to_str().unwrap(),
        ])
        .assert()
        .code(0);
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn a_file_that_is_not_a_map_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.geojsons");
    std::fs::write(
        &bad,
        "\u{1e}{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"type\":\"place\"}}\n",
    )
    .unwrap();
    let out = dir.path().join("out.geojson");
    let assert = geomention()
        .args(["merge", bad.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("bad.geojsons:1:"), "{stderr}");
    assert!(stderr.contains("missing field"), "{stderr}");
    assert!(!out.exists(), "no half-written map");
}
