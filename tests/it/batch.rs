//! Batch runs as a user makes them: directories, JSON Lines, standard
//! input, bad documents, exit codes, output formats and thread counts, each
//! on files written into a temporary directory. Which places and claims a
//! text yields is for `places` and `claims`; here a place only shows that a
//! document got through.

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::util::{geomention_in, geomention_process, root};

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn features(path: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["features"].as_array().unwrap().clone()
}

/// The document id of each feature, in output order.
fn feature_documents(features: &[Value]) -> Vec<String> {
    features
        .iter()
        .map(|f| {
            f["properties"]["documents"][0]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn jsonl(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// Forty articles built from the project's corpus, as JSON Lines.
fn corpus_jsonl() -> String {
    let mut texts = Vec::new();
    for sub in ["corpus/places", "corpus/claims"] {
        let dir = root().join(sub);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        texts.extend(files.iter().map(|f| std::fs::read_to_string(f).unwrap()));
    }
    let records: Vec<Value> = (0..40)
        .map(|i| serde_json::json!({"id": format!("doc{i}"), "text": texts[i % texts.len()]}))
        .collect();
    jsonl(&records)
}

#[test]
fn directory_input_is_read_recursively_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "news/b.txt", "Shelling hit Kharkiv on Friday.");
    write(dir.path(), "news/a/z.md", "Talks were held in Kyiv.");
    write(dir.path(), "news/a.txt", "Floods reached Odesa.");
    write(dir.path(), "news/notes.pdf", "Lviv");
    geomention_in(dir.path())
        .args(["map", "news", "--per-document", "-o", "out.geojson"])
        .assert()
        .code(0);
    let docs = feature_documents(&features(&dir.path().join("out.geojson")));
    assert_eq!(docs, ["a/z.md", "a.txt", "b.txt"]);
}

#[test]
fn jsonl_bad_lines_are_reported_with_file_and_line_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        serde_json::json!({"id": "a1", "text": "Shelling hit Kharkiv.", "date": "2024-05-17"});
    let no_text = serde_json::json!({"id": "a3", "title": "Kyiv"});
    write(
        dir.path(),
        "articles.jsonl",
        format!("{good}\nthis is not json\n{no_text}\n"),
    );
    let out = geomention_in(dir.path())
        .args(["map", "--jsonl", "articles.jsonl", "-o", "out.geojson"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("articles.jsonl:2: not a JSON object"),
        "{stderr}"
    );
    assert!(
        stderr.contains("articles.jsonl:3: no \"text\" field"),
        "{stderr}"
    );
    assert!(stderr.contains("skipped 2"), "{stderr}");
    let features = features(&dir.path().join("out.geojson"));
    assert_eq!(feature_documents(&features), ["a1"]);
    assert_eq!(features[0]["properties"]["first_date"], "2024-05-17");
}

#[test]
fn jsonl_field_names_are_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let record = serde_json::json!({"guid": 42, "body": "Talks were held in Kyiv."});
    write(dir.path(), "a.jsonl", format!("{record}\n"));
    geomention_in(dir.path())
        .args([
            "map",
            "--jsonl",
            "a.jsonl",
            "--id-field",
            "guid",
            "--text-field",
            "body",
        ])
        .args(["-o", "out.geojson"])
        .assert()
        .code(0);
    assert_eq!(
        feature_documents(&features(&dir.path().join("out.geojson"))),
        ["42"]
    );
}

#[test]
fn non_utf8_file_is_decoded_lossily_with_a_warning_by_default() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "latin1.txt",
        b"Caf\xe9 owners in Kharkiv reopened.".as_slice(),
    );
    let out = geomention_in(dir.path())
        .args(["map", "latin1.txt", "-o", "out.geojson"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("latin1.txt: not UTF-8 (invalid byte at offset 3)"),
        "{stderr}"
    );
    let features = features(&dir.path().join("out.geojson"));
    assert_eq!(features.len(), 1);
    let mention = &features[0]["properties"]["mentions"][0];
    assert_eq!(mention["text"], "Kharkiv");
    assert_eq!(mention["start"], 15);
}

#[test]
fn non_utf8_file_is_skipped_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "latin1.txt",
        b"Caf\xe9 owners in Kharkiv reopened.".as_slice(),
    );
    write(dir.path(), "ok.txt", "Talks were held in Kyiv.");
    geomention_in(dir.path())
        .args([
            "map",
            "latin1.txt",
            "ok.txt",
            "--invalid-utf8",
            "skip",
            "-o",
            "out.geojson",
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("skipped: latin1.txt: not UTF-8"));
    assert_eq!(
        feature_documents(&features(&dir.path().join("out.geojson"))),
        ["ok.txt"]
    );
}

#[test]
fn binary_and_empty_files_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "in/image.txt",
        b"GIF89a\x00\x01Kharkiv".as_slice(),
    );
    write(dir.path(), "in/empty.txt", "");
    write(dir.path(), "in/ok.txt", "Talks were held in Kyiv.");
    geomention_in(dir.path())
        .args(["map", "in", "-o", "out.geojson"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("in/image.txt: binary file"))
        .stderr(predicates::str::contains("in/empty.txt: empty document"))
        .stderr(predicates::str::contains("skipped 2: 1 binary, 1 empty"));
    assert_eq!(
        feature_documents(&features(&dir.path().join("out.geojson"))),
        ["ok.txt"]
    );
}

#[test]
fn clean_run_exits_zero_and_missing_input_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.txt", "Talks were held in Kyiv.");
    geomention_in(dir.path())
        .args(["map", "ok.txt", "-o", "out.geojson"])
        .assert()
        .code(0);
    geomention_in(dir.path())
        .args(["map", "ok.txt", "missing.txt", "-o", "out2.geojson"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.txt"));
    assert!(!dir.path().join("out2.geojson").exists());
}

#[test]
fn geojsonseq_frames_each_feature_with_rs_and_lf() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.jsonl", corpus_jsonl());
    let out = geomention_in(dir.path())
        .args(["map", "--jsonl", "a.jsonl", "--format", "geojsonseq"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    assert!(lines.len() > 40, "{} features", lines.len());
    for line in lines {
        let body = line
            .strip_prefix('\u{1e}')
            .expect("each feature starts with RS");
        let feature: Value = serde_json::from_str(body).unwrap();
        assert_eq!(feature["type"], "Feature");
        // Per-document place features: each belongs to exactly one document.
        if feature["properties"]["type"] == "place" {
            let documents = feature["properties"]["documents"].as_array().unwrap();
            assert_eq!(documents.len(), 1);
        }
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.jsonl", corpus_jsonl());
    for extra in [
        &["--format", "geojson"][..],
        &["--per-document"],
        &["--format", "geojsonseq"],
    ] {
        let run = |threads: &str| {
            geomention_in(dir.path())
                .args(["map", "--jsonl", "a.jsonl", "--threads", threads])
                .args(extra)
                .assert()
                .code(0)
                .get_output()
                .stdout
                .clone()
        };
        let one = run("1");
        assert!(one.len() > 1000);
        assert_eq!(one, run("2"), "{extra:?}");
        assert_eq!(one, run("3"), "{extra:?}");
    }
}

#[test]
fn standard_input_is_read_as_text_or_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let out = geomention_in(dir.path())
        .args(["map", "-"])
        .write_stdin("Shelling hit Kharkiv on Friday.")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["features"][0]["properties"]["documents"][0], "-");
    let record = serde_json::json!({"id": "s1", "text": "Talks were held in Kyiv."});
    let out = geomention_in(dir.path())
        .args(["map", "--jsonl", "-"])
        .write_stdin(format!("{record}\n"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["features"][0]["properties"]["documents"][0], "s1");
}

#[test]
fn failed_run_leaves_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.txt", "Talks were held in Kyiv.");
    write(dir.path(), "out.geojson", "previous map");
    std::fs::create_dir(dir.path().join("not-a-gazetteer")).unwrap();
    geomention_in(dir.path())
        .args([
            "map",
            "ok.txt",
            "-o",
            "out.geojson",
            "--gazetteer",
            "not-a-gazetteer",
        ])
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.geojson")).unwrap(),
        "previous map"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["not-a-gazetteer", "ok.txt", "out.geojson"]);
    geomention_in(dir.path())
        .args(["map", "ok.txt", "-o", "no/such/dir/out.geojson"])
        .assert()
        .code(2);
    assert!(!dir.path().join("no").exists());
}

#[test]
fn large_document_is_mapped_in_parts_with_whole_document_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("date 2024-05-17\n");
    for i in 0..60 {
        text.push_str(&format!(
            "Paragraph {i}: shelling hit Kharkiv – again.\n\nТалки в Києві.\n\n"
        ));
    }
    write(dir.path(), "big.txt", &text);
    geomention_in(dir.path())
        .args([
            "map",
            "big.txt",
            "--segment-bytes",
            "300",
            "--per-document",
            "--mentions",
            "all",
            "-o",
            "out.geojson",
        ])
        .assert()
        .code(0);
    let features = features(&dir.path().join("out.geojson"));
    let chars: Vec<char> = text.chars().collect();
    let kharkiv = features
        .iter()
        .find(|f| f["properties"]["name"] == "Kharkiv")
        .expect("Kharkiv found");
    let mentions = kharkiv["properties"]["mentions"].as_array().unwrap();
    assert_eq!(mentions.len(), 60, "one document, every part");
    assert_eq!(
        kharkiv["properties"]["documents"],
        serde_json::json!(["big.txt"])
    );
    for m in mentions {
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[s..e].iter().collect::<String>(),
            m["text"].as_str().unwrap()
        );
        assert_eq!(m["date"], "2024-05-17");
    }
}

#[test]
fn broken_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let records: String = corpus_jsonl().repeat(10);
    write(dir.path(), "a.jsonl", records);
    let mut child = geomention_process()
        .current_dir(dir.path())
        .args(["map", "--jsonl", "a.jsonl", "--format", "geojsonseq", "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn gazetteer_commands_end_quietly_on_a_closed_pipe() {
    // `geomention gazetteer lookup Springfield | head -0`: the reader is gone
    // before the first line is written.
    for args in [
        &["gazetteer", "lookup", "Springfield"][..],
        &["gazetteer", "info"],
        &["gazetteer", "info", "--json"],
    ] {
        let mut child = geomention_process()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut stderr = String::new();
        (child.stderr.take().unwrap())
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn streamed_records_are_mapped_before_the_input_ends() {
    // A producer that writes a record and then waits: its features must
    // come out now, not once more records have filled a batch.
    let dir = tempfile::tempdir().unwrap();
    let mut child = geomention_process()
        .current_dir(dir.path())
        .args(["map", "--jsonl", "-", "--format", "geojsonseq", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let record = serde_json::json!({"id": "first", "text": "Shelling hit Kharkiv on Friday."});
    std::io::Write::write_all(&mut stdin, format!("{record}\n").as_bytes()).unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            if std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() == 0 {
                return lines;
            }
            let _ = tx.send(line.clone());
            lines.push(line);
        }
    });
    // Not a timing assertion: the minute only keeps a regression from
    // hanging the suite, since the record's features would never come.
    let first = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the first record's feature, with its producer still writing");
    let feature: Value = serde_json::from_str(first.trim_start_matches('\u{1e}')).unwrap();
    assert_eq!(feature["properties"]["name"], "Kharkiv");
    let record = serde_json::json!({"id": "second", "text": "Talks were held in Kyiv."});
    std::io::Write::write_all(&mut stdin, format!("{record}\n").as_bytes()).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let lines = reader.join().unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
}

/// A new map gets the permissions a new file normally gets: under umask
/// 022 others can read it (a colleague, a web server).
#[cfg(unix)]
#[test]
fn a_new_map_is_readable_by_others_under_umask_022() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.geojson");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"umask 022 && exec "$0" map "$1" -o "$2" --quiet"#)
        .arg(crate::util::binary())
        .arg(root().join("corpus/places/01_kharkiv_front.txt"))
        .arg(&out)
        .env_remove("GEOMENTION_GAZETTEER")
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

/// An aggregated place lists its first 50 mentions by default, with exact
/// counts; `--mentions-out` writes every one of them, one row each.
#[test]
fn places_list_their_first_mentions_and_the_table_has_every_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("date 2024-05-17\n");
    for i in 0..60 {
        text.push_str(&format!("Report {i}: shelling hit Kharkiv again.\n\n"));
    }
    write(dir.path(), "a.txt", &text);
    write(dir.path(), "b.txt", "date 2024-06-02\nKharkiv was quiet.\n");
    geomention_in(dir.path())
        .args(["map", "a.txt", "b.txt", "-o", "map.geojson"])
        .args(["--mentions-out", "mentions.csv", "--quiet"])
        .assert()
        .code(0);
    let features = features(&dir.path().join("map.geojson"));
    let kharkiv = &features
        .iter()
        .find(|f| f["properties"]["name"] == "Kharkiv")
        .expect("Kharkiv found")["properties"];
    assert_eq!(kharkiv["mentions"].as_array().unwrap().len(), 50);
    assert_eq!(kharkiv["mention_count"], 61);
    assert_eq!(kharkiv["document_count"], 2);
    assert_eq!(kharkiv["first_date"], "2024-05-17");
    assert_eq!(kharkiv["last_date"], "2024-06-02");
    assert_eq!(
        kharkiv["title"],
        "Kharkiv (city) — 61 mentions in 2 documents"
    );
    let table = std::fs::read_to_string(dir.path().join("mentions.csv")).unwrap();
    let kharkiv_rows = table
        .lines()
        .filter(|l| l.starts_with("gn:706483,"))
        .count();
    assert_eq!(kharkiv_rows, 61);
    assert!(table.starts_with("place_id,name,kind,country,lat,lon,doc,date,start,end,"));
}
