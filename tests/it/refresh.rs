//! `geomention gazetteer refresh` as a user runs it: the real binary against
//! a real HTTP server on 127.0.0.1 serving small dumps in GeoNames' formats
//! (real rows of Ukraine and Russia, in `tests/fixtures/geonames/`, zipped
//! here), one test per behaviour. The server and its faults live here, as
//! only these tests use them; mapping with the result is checked only as
//! far as showing the refreshed gazetteer is the one in use.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;

use crate::util::{fixture, geomention_process};

// ---------------------------------------------------------------- fixtures

/// The text of `name` in `tests/fixtures/geonames/`.
fn geonames(name: &str) -> String {
    let path = fixture("geonames").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The town as GeoNames had it before 2016.
fn as_artemivsk(text: &str) -> String {
    text.replace("Bakhmut", "Artemivsk")
}

fn cities_zip(cities: &str) -> Vec<u8> {
    zip(&[
        ("cities500.txt", cities),
        ("readme.txt", "all cities with a population > 500\n"),
    ])
}

/// A GeoNames dump directory: path under `/dump/` → body.
fn dump(cities: &str) -> HashMap<String, Vec<u8>> {
    let alternate = geonames("alternateNamesV2.txt");
    let ua_rows: String = cities
        .lines()
        .filter(|l| l.split('\t').nth(8) == Some("UA"))
        .map(|l| format!("{l}\n"))
        .collect();
    let ua_ids: Vec<&str> = ua_rows
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    let ua_alternate: String = alternate
        .lines()
        .filter(|l| l.split('\t').nth(1).is_some_and(|id| ua_ids.contains(&id)))
        .map(|l| format!("{l}\n"))
        .collect();
    HashMap::from([
        ("cities500.zip".into(), cities_zip(cities)),
        (
            "alternateNamesV2.zip".into(),
            zip(&[
                ("alternateNamesV2.txt", &alternate),
                (
                    "iso-languagecodes.txt",
                    "ISO 639-3\tISO 639-2\tISO 639-1\tLanguage Name\n",
                ),
            ]),
        ),
        (
            "admin1CodesASCII.txt".into(),
            geonames("admin1CodesASCII.txt").into_bytes(),
        ),
        (
            "admin2Codes.txt".into(),
            geonames("admin2Codes.txt").into_bytes(),
        ),
        (
            "countryInfo.txt".into(),
            geonames("countryInfo.txt").into_bytes(),
        ),
        (
            "UA.zip".into(),
            zip(&[("UA.txt", &ua_rows), ("readme.txt", "UA\n")]),
        ),
        (
            "alternatenames/UA.zip".into(),
            zip(&[("UA.txt", &ua_alternate)]),
        ),
    ])
}

// ------------------------------------------------------------------ server

/// How the server misbehaves for one file.
#[derive(Clone)]
enum Fault {
    Status(StatusCode),
    /// Sends this many bytes of the body, announced in full, then drops the connection.
    DropAfter(usize),
    /// As `DropAfter`, once; then behaves.
    DropOnce(usize),
    /// Answers 503 this many times before behaving.
    FailTimes(usize),
    /// Answers a request for part of the file with that part, but says it
    /// is part of a longer file.
    WrongRange,
    /// Waits this long before answering.
    Stall(std::time::Duration),
}

#[derive(Default)]
struct State {
    files: HashMap<String, Vec<u8>>,
    faults: HashMap<String, Fault>,
    /// Requests answered with a body, by file.
    bodies: HashMap<String, usize>,
    /// Requests answered 304, by file.
    not_modified: HashMap<String, usize>,
    /// Every request, by file.
    requests: HashMap<String, usize>,
    /// The first byte asked for by each request for part of a file, by file.
    ranges: HashMap<String, Vec<u64>>,
    /// Requests answered with part of a file (206), by file.
    partial: HashMap<String, usize>,
    /// Requests held back by a stall, by file.
    stalled: HashMap<String, usize>,
}

#[derive(Clone)]
struct Server {
    state: Arc<Mutex<State>>,
    base: String,
}

impl Server {
    fn start(files: HashMap<String, Vec<u8>>) -> Server {
        let state = Arc::new(Mutex::new(State {
            files,
            ..Default::default()
        }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}/dump/", listener.local_addr().unwrap());
        let shared = state.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
                    let state = shared.clone();
                    async move {
                        let name = uri.path().trim_start_matches("/dump/").to_string();
                        let stall = {
                            let mut s = state.lock().unwrap();
                            match s.faults.get(&name) {
                                Some(Fault::Stall(d)) => {
                                    let d = *d;
                                    *s.stalled.entry(name).or_default() += 1;
                                    Some(d)
                                }
                                _ => None,
                            }
                        };
                        if let Some(d) = stall {
                            tokio::time::sleep(d).await;
                        }
                        answer(&state, &uri, &headers)
                    }
                });
                axum::serve(listener, app).await.unwrap();
            });
        });
        Server { state, base }
    }

    fn set(&self, name: &str, body: Vec<u8>) {
        self.state.lock().unwrap().files.insert(name.into(), body);
    }

    fn fault(&self, name: &str, fault: Fault) {
        self.state.lock().unwrap().faults.insert(name.into(), fault);
    }

    fn bodies(&self, name: &str) -> usize {
        *self.state.lock().unwrap().bodies.get(name).unwrap_or(&0)
    }

    fn total_bodies(&self) -> usize {
        self.state.lock().unwrap().bodies.values().sum()
    }

    fn not_modified(&self, name: &str) -> usize {
        *self
            .state
            .lock()
            .unwrap()
            .not_modified
            .get(name)
            .unwrap_or(&0)
    }

    fn requests(&self, name: &str) -> usize {
        *self.state.lock().unwrap().requests.get(name).unwrap_or(&0)
    }

    fn ranges(&self, name: &str) -> Vec<u64> {
        let s = self.state.lock().unwrap();
        s.ranges.get(name).cloned().unwrap_or_default()
    }

    fn partial_answers(&self, name: &str) -> usize {
        *self.state.lock().unwrap().partial.get(name).unwrap_or(&0)
    }

    fn stalled(&self, name: &str) -> usize {
        *self.state.lock().unwrap().stalled.get(name).unwrap_or(&0)
    }

    fn clear_fault(&self, name: &str) {
        self.state.lock().unwrap().faults.remove(name);
    }
}

fn etag(body: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(body);
    format!(
        "\"{:02x}{:02x}{:02x}{:02x}-{}\"",
        d[0],
        d[1],
        d[2],
        d[3],
        body.len()
    )
}

fn answer(state: &Mutex<State>, uri: &Uri, headers: &HeaderMap) -> Response {
    let mut s = state.lock().unwrap();
    let name = uri.path().trim_start_matches("/dump/").to_string();
    *s.requests.entry(name.clone()).or_default() += 1;
    let status_only = |code: StatusCode, text: &'static str| {
        Response::builder()
            .status(code)
            .header(header::CONTENT_TYPE, "text/html")
            .body(Body::from(text))
            .unwrap()
    };
    match s.faults.get(&name).cloned() {
        Some(Fault::Status(code)) => {
            return status_only(code, "<html><body>Internal Server Error</body></html>")
        }
        Some(Fault::FailTimes(n)) if n > 0 => {
            s.faults.insert(name, Fault::FailTimes(n - 1));
            return status_only(StatusCode::SERVICE_UNAVAILABLE, "<html>busy</html>");
        }
        _ => {}
    }
    let Some(body) = s.files.get(&name).cloned() else {
        return status_only(StatusCode::NOT_FOUND, "<html>Not Found</html>");
    };
    let tag = etag(&body);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(tag.as_str())
    {
        *s.not_modified.entry(name).or_default() += 1;
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, tag)
            .body(Body::empty())
            .unwrap();
    }
    *s.bodies.entry(name.clone()).or_default() += 1;
    let builder = Response::builder()
        .header(header::ETAG, tag.clone())
        .header(header::LAST_MODIFIED, "Tue, 25 Nov 2025 01:23:45 GMT")
        .header(header::CONTENT_TYPE, "application/zip")
        .header(header::ACCEPT_RANGES, "bytes");
    // "Range: bytes=N-", honoured when If-Range names this version.
    let text = |h| {
        headers
            .get(h)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    let from = text(header::RANGE).and_then(|r| {
        r.strip_prefix("bytes=")?
            .strip_suffix('-')?
            .parse::<usize>()
            .ok()
    });
    if let Some(from) = from {
        s.ranges.entry(name.clone()).or_default().push(from as u64);
        let current = text(header::IF_RANGE).is_none_or(|v| v == tag);
        if current && from < body.len() {
            *s.partial.entry(name.clone()).or_default() += 1;
            let total = match s.faults.get(&name) {
                Some(Fault::WrongRange) => body.len() + 7,
                _ => body.len(),
            };
            return builder
                .status(StatusCode::PARTIAL_CONTENT)
                .header(
                    header::CONTENT_RANGE,
                    format!("bytes {from}-{}/{total}", body.len() - 1),
                )
                .header(header::CONTENT_LENGTH, body.len() - from)
                .body(Body::from(body[from..].to_vec()))
                .unwrap();
        }
    }
    let builder = builder.header(header::CONTENT_LENGTH, body.len());
    let drop_after = match s.faults.get(&name) {
        Some(Fault::DropAfter(n)) => Some(*n),
        Some(Fault::DropOnce(n)) => {
            let n = *n;
            s.faults.remove(&name);
            Some(n)
        }
        _ => None,
    };
    if let Some(n) = drop_after {
        let head = Bytes::from(body[..n].to_vec());
        let parts: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(head),
            Err(std::io::Error::other(
                "connection dropped by the test server",
            )),
        ];
        // The pause lets the head reach the client before the connection goes.
        let body = futures_util::StreamExt::then(futures_util::stream::iter(parts), |part| async {
            if part.is_err() {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            part
        });
        return builder.body(Body::from_stream(body)).unwrap();
    }
    builder.body(Body::from(body)).unwrap()
}

// ----------------------------------------------------------------- helpers

struct Env {
    tmp: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn gazetteer(&self) -> PathBuf {
        self.tmp.path().join("gaz")
    }

    /// `gazetteer refresh` from `server` into the test's gazetteer, with
    /// no retries, as a process to start and stop.
    fn refresh_process(&self, server: &Server) -> std::process::Command {
        let mut c = self.process();
        c.args([
            "gazetteer",
            "refresh",
            "--source",
            &server.base,
            "--allow-http",
        ])
        .args(["--retries", "0", "--into"])
        .arg(self.gazetteer());
        c
    }

    /// The binary with a private data directory and no proxy.
    fn cmd(&self) -> Command {
        Command::from_std(self.process())
    }

    /// [`Env::cmd`] as a plain process.
    fn process(&self) -> std::process::Command {
        let mut c = geomention_process();
        c.env("XDG_DATA_HOME", self.tmp.path().join("data"));
        for v in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            c.env_remove(v);
        }
        c.env("NO_PROXY", "127.0.0.1");
        c
    }

    fn refresh(&self, server: &Server, extra: &[&str]) -> assert_cmd::assert::Assert {
        let gaz = self.gazetteer();
        let mut args = vec![
            "gazetteer",
            "refresh",
            "--source",
            &server.base,
            "--allow-http",
            "--into",
            gaz.to_str().unwrap(),
        ];
        if !extra.contains(&"--retries") {
            // Failures are tested once each; retrying is tested on its own.
            args.extend_from_slice(&["--retries", "0"]);
        }
        args.extend_from_slice(extra);
        self.cmd().args(&args).assert()
    }

    /// The names of the places `text` is mapped to with the refreshed gazetteer.
    fn map(&self, text: &str) -> Vec<String> {
        let out = self
            .cmd()
            .args([
                "map",
                "--gazetteer",
                self.gazetteer().to_str().unwrap(),
                "-",
            ])
            .write_stdin(text)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        json["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["properties"]["name"].as_str().map(String::from))
            .collect()
    }

    fn manifest(&self) -> serde_json::Value {
        let bytes = std::fs::read(self.gazetteer().join("manifest.json")).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    /// Every file under the gazetteer directory, byte for byte.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, root, out);
                } else {
                    out.insert(
                        p.strip_prefix(root).unwrap().into(),
                        std::fs::read(&p).unwrap(),
                    );
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.gazetteer(), &self.gazetteer(), &mut out);
        out
    }

    /// Staging directories left behind beside the gazetteer.
    fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.tmp.path())
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with(".geomention-"))
            .collect()
    }
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Refreshes once, breaks the server as `break_it` says, refreshes again and
/// checks the second refresh failed with `expected` in its message and left
/// the first gazetteer exactly as it was.
fn failure_leaves_gazetteer_intact(break_it: impl FnOnce(&Server), expected: &str) {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    env.refresh(&server, &[]).success();
    let before = env.snapshot();
    assert!(before.contains_key(Path::new("names.fst")));
    break_it(&server);
    let failed = env.refresh(&server, &[]).failure();
    let message = stderr(&failed);
    assert!(
        message.contains(expected),
        "expected {expected:?} in: {message}"
    );
    assert_eq!(
        message.trim().lines().count(),
        1,
        "one-line error: {message}"
    );
    assert!(
        env.snapshot() == before,
        "the gazetteer changed after a failed refresh"
    );
    assert_eq!(env.leftovers(), Vec::<String>::new());
}

// ------------------------------------------------------------------- tests

#[test]
fn full_refresh_builds_a_gazetteer_map_can_use() {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    let done = env.refresh(&server, &[]).success();
    assert!(
        stderr(&done).contains("cities500.zip: downloaded"),
        "{}",
        stderr(&done)
    );
    for f in [
        "cities500.zip",
        "alternateNamesV2.zip",
        "admin1CodesASCII.txt",
        "admin2Codes.txt",
        "countryInfo.txt",
    ] {
        assert_eq!(server.bodies(f), 1, "{f}");
    }
    let m = env.manifest();
    let downloads = m["refresh"]["downloads"].as_array().unwrap();
    assert_eq!(downloads.len(), 5);
    for d in downloads {
        assert!(d["url"].as_str().unwrap().starts_with(&server.base));
        assert_eq!(d["sha256"].as_str().unwrap().len(), 64);
        assert!(d["etag"].is_string() && d["last_modified"].is_string());
    }
    assert_eq!(m["counts"]["cities"], 38);
    assert!(env
        .map("Shelling hit Kharkiv overnight.")
        .contains(&"Kharkiv".to_string()));
    // cities500 has no rows of countries: their GeoNames points come from
    // the gazetteer replaced, which carries them (adminPoints.txt).
    let places = std::fs::read_to_string(env.gazetteer().join("places.tsv")).unwrap();
    let russia = places
        .lines()
        .find(|l| l.starts_with("gn:2017370\t"))
        .expect("Russia is a place");
    assert!(russia.contains("\t60.00000\t100.00000\t"), "{russia}");
    assert!(env.gazetteer().join("adminPoints.txt").is_file());
}

#[test]
fn unchanged_source_is_not_downloaded_again() {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    env.refresh(&server, &[]).success();
    let manifest = std::fs::read(env.gazetteer().join("manifest.json")).unwrap();
    let again = env.refresh(&server, &[]).success();
    assert!(stderr(&again).contains("up to date"), "{}", stderr(&again));
    assert_eq!(server.total_bodies(), 5, "a file was downloaded twice");
    for f in [
        "cities500.zip",
        "alternateNamesV2.zip",
        "admin1CodesASCII.txt",
        "admin2Codes.txt",
        "countryInfo.txt",
    ] {
        assert_eq!(server.not_modified(f), 1, "{f}");
    }
    assert_eq!(
        std::fs::read(env.gazetteer().join("manifest.json")).unwrap(),
        manifest
    );
}

#[test]
fn changed_source_brings_the_new_name() {
    let env = Env::new();
    let server = Server::start(dump(&as_artemivsk(&geonames("cities500.txt"))));
    env.refresh(&server, &[]).success();
    assert!(!env
        .map("Fighting near Bakhmut.")
        .contains(&"Bakhmut".to_string()));

    // GeoNames renames the town; only the changed file is fetched again.
    server.set("cities500.zip", cities_zip(&geonames("cities500.txt")));
    let done = env.refresh(&server, &[]).success();
    assert!(
        stderr(&done).contains("countryInfo.txt: not modified"),
        "{}",
        stderr(&done)
    );
    assert_eq!(server.bodies("cities500.zip"), 2);
    assert_eq!(server.bodies("countryInfo.txt"), 1);
    assert!(env
        .map("Fighting near Bakhmut.")
        .contains(&"Bakhmut".to_string()));
    let backup = env.tmp.path().join("gaz.previous");
    assert!(backup.join("manifest.json").is_file(), "no backup kept");
}

#[test]
fn transient_server_error_is_retried() {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    server.fault("cities500.zip", Fault::FailTimes(1));
    env.refresh(&server, &["--retries", "2"]).success();
    assert_eq!(server.requests("cities500.zip"), 2);
}

#[test]
fn http_500_leaves_gazetteer_intact() {
    failure_leaves_gazetteer_intact(
        |s| {
            s.fault(
                "countryInfo.txt",
                Fault::Status(StatusCode::INTERNAL_SERVER_ERROR),
            )
        },
        "countryInfo.txt: HTTP 500",
    );
}

#[test]
fn html_page_instead_of_zip_leaves_gazetteer_intact() {
    failure_leaves_gazetteer_intact(
        |s| {
            s.set(
                "cities500.zip",
                b"<!DOCTYPE html><html><body>Moved</body></html>".to_vec(),
            )
        },
        "not a zip archive but an HTML page",
    );
}

#[test]
fn truncated_zip_leaves_gazetteer_intact() {
    failure_leaves_gazetteer_intact(
        |s| {
            let whole = cities_zip(&geonames("cities500.txt").replace("Kyiv", "Kiev"));
            s.set("cities500.zip", whole[..whole.len() * 2 / 3].to_vec());
        },
        "cities500.zip: not a readable zip archive",
    );
}

#[test]
fn zip_with_a_bad_row_leaves_gazetteer_intact() {
    failure_leaves_gazetteer_intact(
        |s| {
            let mut rows = geonames("cities500.txt");
            rows.push_str("999\tNowhere\tNowhere\t\t48.0\n");
            s.set("cities500.zip", cities_zip(&rows));
        },
        "cities500.zip (cities500.txt):39: expected 19 columns, found 5",
    );
}

#[test]
fn dropped_connection_leaves_gazetteer_intact() {
    failure_leaves_gazetteer_intact(
        |s| {
            s.set(
                "countryInfo.txt",
                geonames("countryInfo.txt")
                    .replace("Kyiv", "Kiev")
                    .into_bytes(),
            );
            s.fault("countryInfo.txt", Fault::DropAfter(100));
        },
        "countryInfo.txt: connection lost after 100 bytes",
    );
}

#[test]
fn per_country_refresh_fetches_the_country_files() {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    env.refresh(
        &server,
        &[
            "--country",
            "ua",
            "--min-population",
            "0",
            "--languages",
            "en,uk",
        ],
    )
    .success();
    assert_eq!(server.bodies("UA.zip"), 1);
    assert_eq!(server.bodies("alternatenames/UA.zip"), 1);
    assert_eq!(server.requests("cities500.zip"), 0);
    let m = env.manifest();
    assert_eq!(m["filters"]["countries"], serde_json::json!(["UA"]));
    let places = std::fs::read_to_string(env.gazetteer().join("places.tsv")).unwrap();
    assert!(places.contains("\tKharkiv\t") && !places.contains("\tMoscow\t"));
}

#[test]
fn local_directory_source_for_an_air_gapped_machine() {
    let env = Env::new();
    let src = env.tmp.path().join("dumps");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("cities500.zip"),
        cities_zip(&geonames("cities500.txt")),
    )
    .unwrap();
    for f in [
        "alternateNamesV2.txt",
        "admin1CodesASCII.txt",
        "admin2Codes.txt",
        "countryInfo.txt",
    ] {
        std::fs::write(src.join(f), geonames(f)).unwrap();
    }
    let gaz = env.gazetteer();
    env.cmd()
        .args(["gazetteer", "refresh", "--source", src.to_str().unwrap()])
        .args(["--into", gaz.to_str().unwrap()])
        .assert()
        .success();
    let m = env.manifest();
    assert_eq!(m["refresh"]["downloads"][0]["file"], "cities500.zip");
    assert!(m["refresh"]["downloads"][0]["path"].is_string());
    assert!(env
        .map("Shelling hit Kharkiv.")
        .contains(&"Kharkiv".to_string()));
}

#[test]
fn plain_http_is_refused_without_allow_http() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "gazetteer",
            "refresh",
            "--source",
            "http://127.0.0.1:9/dump/",
        ])
        .args(["--into", env.gazetteer().to_str().unwrap()])
        .assert()
        .failure();
    assert!(stderr(&out).contains("--allow-http"), "{}", stderr(&out));
    assert!(!env.gazetteer().exists());
}

#[test]
fn info_shows_the_refreshed_gazetteer_in_the_data_directory() {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    // No --into: the user's data directory, which map and info then prefer.
    env.cmd()
        .args([
            "gazetteer",
            "refresh",
            "--source",
            &server.base,
            "--allow-http",
        ])
        .assert()
        .success();
    let out = env.cmd().args(["gazetteer", "info"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let data_dir = env.tmp.path().join("data/geomention/gazetteer");
    assert!(
        text.contains(&format!("gazetteer: {}", data_dir.display())),
        "{text}"
    );
    assert!(text.contains("user data directory"), "{text}");
    assert!(
        text.contains(&format!("{}cities500.zip", server.base)),
        "{text}"
    );
    assert!(text.contains("etag \""), "{text}");
    assert!(text.contains("places:  "), "{text}");
}

/// The download record of `file` in the manifest.
fn download_record(m: &serde_json::Value, file: &str) -> serde_json::Value {
    m["refresh"]["downloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == file)
        .unwrap_or_else(|| panic!("no download record of {file}"))
        .clone()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn interrupted_download_resumes_where_it_stopped_in_the_next_run() {
    let env = Env::new();
    let files = dump(&geonames("cities500.txt"));
    let whole = files["alternateNamesV2.zip"].clone();
    let half = whole.len() / 2;
    let server = Server::start(files);
    server.fault("alternateNamesV2.zip", Fault::DropOnce(half));
    let failed = env.refresh(&server, &[]).failure();
    assert!(
        stderr(&failed).contains(&format!("connection lost after {half} bytes")),
        "{}",
        stderr(&failed)
    );
    assert!(!env.gazetteer().exists());
    env.refresh(&server, &[]).success();
    assert_eq!(server.ranges("alternateNamesV2.zip"), vec![half as u64]);
    assert_eq!(server.partial_answers("alternateNamesV2.zip"), 1);
    let record = download_record(&env.manifest(), "alternateNamesV2.zip");
    assert_eq!(record["sha256"], sha256_hex(&whole));
    assert_eq!(record["size"], whole.len());
    // Nothing of the download is left to resume from.
    let cache = env.tmp.path().join("gaz.downloads");
    assert!(!cache.join("alternateNamesV2.zip.part").exists());
    assert!(!cache.join("alternateNamesV2.zip.part.json").exists());
}

#[test]
fn a_retry_resumes_a_dropped_download() {
    let env = Env::new();
    let files = dump(&geonames("cities500.txt"));
    let whole = files["cities500.zip"].clone();
    let server = Server::start(files);
    server.fault("cities500.zip", Fault::DropOnce(200));
    env.refresh(&server, &["--retries", "1"]).success();
    assert_eq!(server.ranges("cities500.zip"), vec![200]);
    let record = download_record(&env.manifest(), "cities500.zip");
    assert_eq!(record["sha256"], sha256_hex(&whole));
}

#[test]
fn a_file_that_changed_since_the_interruption_is_fetched_whole() {
    let env = Env::new();
    let server = Server::start(dump(&as_artemivsk(&geonames("cities500.txt"))));
    server.fault("cities500.zip", Fault::DropOnce(200));
    env.refresh(&server, &[]).failure();
    // GeoNames publishes a new file before the next run.
    let new = cities_zip(&geonames("cities500.txt"));
    server.set("cities500.zip", new.clone());
    env.refresh(&server, &[]).success();
    assert_eq!(server.ranges("cities500.zip"), vec![200]);
    assert_eq!(server.partial_answers("cities500.zip"), 0);
    let record = download_record(&env.manifest(), "cities500.zip");
    assert_eq!(record["sha256"], sha256_hex(&new));
    assert!(env
        .map("Fighting near Bakhmut.")
        .contains(&"Bakhmut".to_string()));
}

#[test]
fn a_part_of_a_file_of_another_length_is_refused_and_the_file_fetched_whole() {
    let env = Env::new();
    let files = dump(&geonames("cities500.txt"));
    let whole = files["cities500.zip"].clone();
    let server = Server::start(files);
    server.fault("cities500.zip", Fault::DropOnce(200));
    env.refresh(&server, &[]).failure();
    server.fault("cities500.zip", Fault::WrongRange);
    env.refresh(&server, &[]).success();
    assert_eq!(server.partial_answers("cities500.zip"), 1);
    // Asked for the rest, refused the answer, asked for all of it.
    assert_eq!(server.requests("cities500.zip"), 3);
    let record = download_record(&env.manifest(), "cities500.zip");
    assert_eq!(record["sha256"], sha256_hex(&whole));
}

#[test]
fn a_second_refresh_is_refused_while_the_first_writes() {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    server.fault(
        "countryInfo.txt",
        Fault::Stall(std::time::Duration::from_secs(3)),
    );
    let mut first = env.refresh_process(&server).spawn().unwrap();
    let waited = std::time::Instant::now();
    while server.stalled("countryInfo.txt") == 0 {
        assert!(
            waited.elapsed().as_secs() < 60,
            "the first refresh never asked"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = env.refresh(&server, &[]).failure();
    assert!(
        stderr(&second).contains("another `geomention gazetteer refresh` or `build` is writing"),
        "{}",
        stderr(&second)
    );
    assert!(first.wait().unwrap().success());
    assert!(env.gazetteer().join("manifest.json").is_file());
}

#[cfg(unix)]
#[test]
fn a_killed_refresh_leaves_no_lock_behind() {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    server.fault(
        "countryInfo.txt",
        Fault::Stall(std::time::Duration::from_secs(30)),
    );
    let mut first = env.refresh_process(&server).spawn().unwrap();
    let waited = std::time::Instant::now();
    while server.stalled("countryInfo.txt") == 0 {
        assert!(waited.elapsed().as_secs() < 60, "the refresh never asked");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    first.kill().unwrap(); // SIGKILL: no chance to clean up
    first.wait().unwrap();
    server.clear_fault("countryInfo.txt");
    env.refresh(&server, &[]).success();
}

#[test]
fn a_composite_region_whose_member_is_missing_is_left_out_with_a_warning() {
    let env = Env::new();
    let server = Server::start(dump(&geonames("cities500.txt")));
    // A trimmed admin1CodesASCII.txt without Luhansk Oblast (UA.14), one
    // of the two members of Donbas.
    let trimmed: String = geonames("admin1CodesASCII.txt")
        .lines()
        .filter(|l| !l.starts_with("UA.14\t"))
        .map(|l| format!("{l}\n"))
        .collect();
    server.set("admin1CodesASCII.txt", trimmed.into_bytes());
    let done = env.refresh(&server, &[]).success();
    let err = stderr(&done);
    assert!(
        err.contains("warning: ")
            && err.contains(
                "built-in gazetteer/composite_regions.tsv:2: composite region Donbas \
                 (rgn:donbas) left out: its member UA.14"
            ),
        "{err}"
    );
    let places = std::fs::read_to_string(env.gazetteer().join("places.tsv")).unwrap();
    assert!(!places.contains("\tDonbas\t"));
    assert!(places.contains("\tCrimea\t"));
}
