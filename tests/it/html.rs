//! The HTML map page, opened in a real headless Chromium: pages written by
//! `geomention map` and `geomention view` show every place and claim of
//! the same run's GeoJSON, log no error, request nothing from the network,
//! and execute nothing an article says.
//!
//! The browser is driven by `viewer/dev/check_page.py`, the page's own
//! checker (DevTools protocol over a pipe, Python's standard library
//! only): it records console errors, uncaught exceptions, CSP violations,
//! dialogs and every request from before the page loads, and it is proven
//! to catch them by pages that must fail (here: a page whose tiles point
//! at a server the test runs). A Rust DevTools client would bring an
//! async runtime and a websocket stack for what this script does in one
//! file that the viewer's own checks already use.

use std::io::{BufRead, BufReader, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::util::{geomention, require, root, shared, Tool};

/// Chromium and Python, or `None` when the test should skip.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = require(Tool::Program("chromium"))?;
    let python = require(Tool::Program("python3"))?;
    Some((chromium, python))
}

/// What the checker saw: its report line, and the failed checks.
struct Checked {
    report: String,
    failures: Vec<String>,
}

/// Opens `page` in headless Chromium and checks it shows `places` places
/// and `claims` claims; a screenshot goes to `screenshot`.
fn check_page(
    (chromium, python): &(PathBuf, PathBuf),
    page: &Path,
    counts: Option<(usize, usize)>,
    screenshot: &Path,
) -> Checked {
    let mut cmd = Command::new(python);
    cmd.arg(root().join("viewer/dev/check_page.py"))
        .arg(page)
        .arg("--screenshot")
        .arg(screenshot)
        .env("CHROMIUM", chromium);
    if let Some((places, claims)) = counts {
        cmd.args([
            "--places",
            &places.to_string(),
            "--claims",
            &claims.to_string(),
        ]);
    }
    let out = cmd.output().expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let failures: Vec<String> = (stdout.lines())
        .filter_map(|l| l.strip_prefix("FAIL "))
        .map(str::to_string)
        .collect();
    assert_eq!(
        out.status.success(),
        failures.is_empty(),
        "check_page.py:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("ready in") || !failures.is_empty(),
        "check_page.py said nothing:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        screenshot.is_file(),
        "no screenshot at {}",
        screenshot.display()
    );
    Checked {
        report: stdout,
        failures,
    }
}

/// Where a test leaves its screenshots, to be looked at after a run.
fn screenshot(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The places and claims of a GeoJSON map.
fn counts(geojson: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(geojson).unwrap();
    let fc: Value = serde_json::from_str(&text).unwrap();
    let count = |kind: &str| {
        (fc["features"].as_array().unwrap().iter())
            .filter(|f| f["properties"]["type"] == kind)
            .count()
    };
    (count("place"), count("claim"))
}

/// Maps `input` to a page (with `page_args`) and to GeoJSON in `dir`:
/// (page, GeoJSON counts).
fn map_both(input: &[&str], dir: &Path, page_args: &[&str]) -> (PathBuf, (usize, usize)) {
    let page = dir.join("map.html");
    let geojson = dir.join("map.geojson");
    for (out, extra) in [(&page, page_args), (&geojson, &[][..])] {
        geomention()
            .args(["map", "--quiet"])
            .args(input)
            .args(extra)
            .arg("-o")
            .arg(out)
            .assert()
            .success();
    }
    (page, counts(&geojson))
}

fn assert_clean(checked: &Checked) {
    assert!(checked.failures.is_empty(), "{}", checked.report);
}

#[test]
fn the_sample_corpus_page_shows_every_feature_offline() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    let (page, counts) = map_both(&[corpus.to_str().unwrap()], dir.path(), &[]);
    assert!(counts.0 > 50 && counts.1 > 40, "{counts:?}");
    let checked = check_page(&browser, &page, Some(counts), &screenshot("corpus.png"));
    assert_clean(&checked);
}

#[test]
#[ignore = "needs ../shared (seeds/)"]
fn the_seed_map_page_shows_every_feature_offline() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let seeds = shared("seeds");
    let (page, counts) = map_both(&[seeds.to_str().unwrap()], dir.path(), &[]);
    assert!(counts.0 >= 20 && counts.1 >= 5, "{counts:?}");
    let checked = check_page(&browser, &page, Some(counts), &screenshot("seeds.png"));
    assert_clean(&checked);
}

#[test]
fn an_empty_map_is_a_page_too() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("none.txt");
    std::fs::write(&article, "Nothing here names a place.\n").unwrap();
    let (page, counts) = map_both(&[article.to_str().unwrap()], dir.path(), &[]);
    assert_eq!(counts, (0, 0));
    let checked = check_page(&browser, &page, Some(counts), &screenshot("empty.png"));
    assert_clean(&checked);
}

/// An article written to attack the page: markup, a script element's
/// end, a comment's start, quotes, right-to-left text and a 100 KB word.
/// The page shows its places and runs nothing of it: no dialog, no
/// request (an image or script it slipped in would fetch), no error.
#[test]
fn a_hostile_article_renders_and_executes_nothing() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("<img src=x onerror=alert(1)>.txt");
    let word = "Ж".repeat(50_000);
    let text = format!(
        "Shelling hit Kharkiv </script><script>alert('script')</script><img src=x \
         onerror=\"alert('img')\"> on Friday. <!-- Kyiv said \"it's\" 'quoted' & \
         {{{{APP_JS}}}}. -->\nמתקפה על Kharkiv, 30 km from the Russian border. \
         القصف على Kyiv.\n{word} Lviv was quiet.\n<style>body{{display:none}}</style>\n"
    );
    std::fs::write(&article, text).unwrap();
    let (page, counts) = map_both(
        &[article.to_str().unwrap()],
        dir.path(),
        &["--title", "</title><script>alert('title')</script>"],
    );
    assert!(counts.0 >= 3 && counts.1 >= 1, "{counts:?}");
    let checked = check_page(&browser, &page, Some(counts), &screenshot("hostile.png"));
    assert_clean(&checked);
}

/// A tiny HTTP server that answers 404 to everything and records what it
/// was asked for.
fn recording_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            log.lock().unwrap().push(line.trim().to_string());
            let _ = (&stream).write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (address, asked)
}

/// A page that fetches (its tiles point at a server this test runs) must
/// fail the check, and the server must have been asked: so a page that
/// passes really fetched nothing, and `--tiles` really draws tiles.
#[test]
fn a_page_that_fetches_fails_the_check() {
    let Some(browser) = browser() else { return };
    let (address, asked) = recording_server();
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus/claims");
    let tiles = format!("{address}/{{z}}/{{x}}/{{y}}.png");
    let (page, counts) = map_both(
        &[corpus.to_str().unwrap()],
        dir.path(),
        &[
            "--tiles",
            &tiles,
            "--tiles-attribution",
            "<b>test tiles</b>",
        ],
    );
    let checked = check_page(&browser, &page, Some(counts), &screenshot("tiles.png"));
    let fetched: Vec<&String> = (checked.failures.iter())
        .filter(|f| f.starts_with(&format!("network request: {address}/")))
        .collect();
    assert!(!fetched.is_empty(), "{}", checked.report);
    let asked = asked.lock().unwrap();
    assert!(
        asked
            .iter()
            .any(|l| l.starts_with("GET /") && l.contains(".png")),
        "{asked:?}"
    );
}

/// `view` turns maps geomention wrote back into pages: an aggregated
/// `.geojson`, and a per-document `.geojsons`, which becomes the
/// aggregated map of the same documents.
#[test]
fn view_turns_a_geojson_and_a_geojsons_into_pages() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    let geojson = dir.path().join("map.geojson");
    let geojsons = dir.path().join("map.geojsons");
    for out in [&geojson, &geojsons] {
        geomention()
            .args(["map", "--quiet"])
            .arg(&corpus)
            .arg("-o")
            .arg(out)
            .assert()
            .success();
    }
    let counts = counts(&geojson);
    for (input, name) in [(&geojson, "view-geojson"), (&geojsons, "view-geojsons")] {
        let page = dir.path().join(format!("{name}.html"));
        geomention()
            .arg("view")
            .arg(input)
            .arg("-o")
            .arg(&page)
            .args(["--title", name])
            .assert()
            .success();
        let checked = check_page(
            &browser,
            &page,
            Some(counts),
            &screenshot(&format!("{name}.png")),
        );
        assert_clean(&checked);
    }
}

/// `view --open` writes the page to a temporary file and hands it to the
/// browser: here `$BROWSER`, a script that records what it was given.
#[cfg(unix)]
#[test]
fn view_open_hands_a_written_page_to_the_browser() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus/claims");
    let geojson = dir.path().join("map.geojson");
    geomention()
        .args(["map", "--quiet"])
        .arg(&corpus)
        .arg("-o")
        .arg(&geojson)
        .assert()
        .success();
    let opened = dir.path().join("opened.txt");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    geomention()
        .arg("view")
        .arg(&geojson)
        .arg("--open")
        .env("BROWSER", &browser)
        .assert()
        .success();
    // The browser is started and left to run: wait for it to say what it got.
    let started = std::time::Instant::now();
    while !opened.exists() && started.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let page = PathBuf::from(std::fs::read_to_string(&opened).expect("the browser was started"));
    let html = std::fs::read_to_string(&page).expect("the page is there for the browser");
    let _ = std::fs::remove_file(&page);
    assert!(
        page.extension().is_some_and(|e| e == "html"),
        "{}",
        page.display()
    );
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("geomention-data"));
}

/// A page whose map would pass its size lists fewer mentions, says so on
/// standard error and on the page, and still shows every feature.
#[test]
fn a_page_over_its_size_is_trimmed_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    let page = dir.path().join("small.html");
    let out = geomention()
        .args(["map", "--quiet", "--max-map-bytes", "50000"])
        .arg(&corpus)
        .arg("-o")
        .arg(&page)
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&out);
    assert!(stderr.contains("lists its first"), "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(r#""trimmed":"#) && !html.contains(r#""trimmed":null"#));
    let Some(browser) = browser() else { return };
    let geojson = dir.path().join("map.geojson");
    geomention()
        .args(["map", "--quiet"])
        .arg(&corpus)
        .arg("-o")
        .arg(&geojson)
        .assert()
        .success();
    let checked = check_page(
        &browser,
        &page,
        Some(counts(&geojson)),
        &screenshot("trimmed.png"),
    );
    assert_clean(&checked);
}

#[test]
fn page_options_without_a_page_are_refused() {
    let corpus = root().join("corpus/claims");
    let refused = |args: &[&str], says: &str| {
        let out = geomention()
            .arg("map")
            .arg(&corpus)
            .args(args)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let stderr = String::from_utf8_lossy(&out);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    refused(
        &["--title", "x", "-o", "-"],
        "--title and --tiles are for HTML pages",
    );
    refused(
        &["--format", "html", "--per-document"],
        "one marker per place",
    );
    refused(
        &["--format", "html", "--tiles", "ftp://x/{z}/{x}/{y}"],
        "https://",
    );
}
