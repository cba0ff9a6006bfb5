//! Fetches dump files over HTTP(S) with reqwest on tokio.
//!
//! Owns the network side of a refresh: one shared client (rustls, the proxy
//! from `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` or `--proxy`, extra trusted
//! roots for proxies that inspect TLS), redirects that may not leave HTTPS,
//! time-outs on connecting and on a stalled body (never on the whole
//! transfer: `allCountries.zip` is 400 MB), retries with exponential back-off
//! on transient failures, conditional requests (`If-None-Match`,
//! `If-Modified-Since`) and bodies streamed to disk while their SHA-256 is
//! computed. It does not decide what to fetch ([`super::plan`]) or look
//! inside what it fetched ([`super::unzip`]).
//!
//! A download can be resumed: given a place to keep it ([`Partial`]), the
//! bytes arrive there, beside a record of what the server said of the
//! whole file (its ETag, Last-Modified and length). A dropped connection
//! or an interrupted run leaves both, and the next attempt (a retry, or
//! the next refresh) asks only for the rest: `Range: bytes=N-` with
//! `If-Range`, so that a server whose file changed sends the new one
//! whole. The rest is appended only when the server answers `206` for
//! exactly those bytes of a file of the recorded length and ETag; any
//! other answer starts the file again from its first byte. A server that
//! gives no validator cannot say whether its file changed, so nothing is
//! kept to resume from it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use reqwest::header::{
    CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, LAST_MODIFIED,
    RANGE,
};
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::{Error, Result};

/// How to reach the source.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Accept `http://` sources and redirects to them.
    pub allow_http: bool,
    /// Proxy for every request, instead of the one the environment names.
    pub proxy: Option<String>,
    /// PEM file of extra root certificates (a proxy that re-signs TLS).
    pub ca_cert: Option<PathBuf>,
    /// Give up on a connection, or a body that sends nothing, after this long.
    pub timeout: Duration,
    /// Attempts after the first on a transient failure.
    pub retries: u32,
    /// First back-off delay; doubled on each retry.
    pub backoff: Duration,
    /// Draw progress bars (only on a terminal).
    pub progress: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            allow_http: false,
            proxy: None,
            ca_cert: None,
            timeout: Duration::from_secs(60),
            retries: 3,
            backoff: Duration::from_millis(500),
            progress: false,
        }
    }
}

/// The validators a server gave for a file last time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The server says the copy we have is current (HTTP 304).
    NotModified,
    /// The body is on disk.
    Downloaded {
        validators: Validators,
        size: u64,
        sha256: String,
    },
}

/// Where a download is kept while it is incomplete: `data` holds the
/// bytes so far, and `data` + `.json` the [`PartialRecord`] of the file
/// they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    pub data: PathBuf,
}

/// What the server said of the whole file a [`Partial`] belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct PartialRecord {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    /// The whole file's length, when the server gave it.
    length: Option<u64>,
}

impl Partial {
    fn record_path(&self) -> PathBuf {
        let mut name = self.data.as_os_str().to_os_string();
        name.push(".json");
        PathBuf::from(name)
    }

    /// The bytes kept for `url` and the record they were kept with, if
    /// a request for the rest can be made: a strong ETag or a date for
    /// `If-Range`, and some bytes.
    fn resumable(&self, url: &Url) -> Option<(u64, PartialRecord)> {
        let text = std::fs::read(self.record_path()).ok()?;
        let record: PartialRecord = serde_json::from_slice(&text).ok()?;
        let have = std::fs::metadata(&self.data).ok()?.len();
        let validator = record.if_range().is_some();
        (record.url == url.as_str() && validator && have > 0).then_some((have, record))
    }

    /// Forgets what was kept.
    fn discard(&self) {
        let _ = std::fs::remove_file(&self.data);
        let _ = std::fs::remove_file(self.record_path());
    }
}

impl PartialRecord {
    /// The `If-Range` value: a strong ETag, else the date (a weak ETag may
    /// not be used there).
    fn if_range(&self) -> Option<&str> {
        self.etag
            .as_deref()
            .filter(|e| !e.starts_with("W/"))
            .or(self.last_modified.as_deref())
    }
}

/// `Content-Range: bytes START-END/TOTAL` read as (START, TOTAL).
fn content_range(value: &str) -> Option<(u64, u64)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let (start, end) = span.split_once('-')?;
    let (start, end, total) = (
        start.trim().parse::<u64>().ok()?,
        end.trim().parse::<u64>().ok()?,
        total.trim().parse::<u64>().ok()?,
    );
    (start <= end && end < total).then_some((start, total))
}

/// A failed attempt, and whether trying again may help.
struct Failure {
    message: String,
    transient: bool,
}

impl Failure {
    fn permanent(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            transient: false,
        }
    }

    fn from_reqwest(e: reqwest::Error) -> Failure {
        let transient = e.is_timeout() || e.is_connect() || e.is_body() || e.is_request();
        let transient = transient && !e.is_redirect() && !e.is_builder();
        Failure {
            message: error_chain(&e),
            transient,
        }
    }
}

/// `e` and its causes on one line ("error sending request: connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
        source = cause.source();
    }
    s
}

/// Fetches files with one client.
pub struct Downloader {
    client: reqwest::Client,
    options: HttpOptions,
    progress: Option<MultiProgress>,
}

impl Downloader {
    pub fn new(options: HttpOptions) -> Result<Downloader> {
        let allow_http = options.allow_http;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 10 {
                attempt.error("more than 10 redirects")
            } else if attempt.url().scheme() != "https" && !allow_http {
                let to = attempt.url().to_string();
                attempt.error(format!(
                    "refused a redirect to {to}, which is not HTTPS (pass --allow-http to accept it)"
                ))
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!(
                "geomention/",
                env!("CARGO_PKG_VERSION"),
                " (gazetteer refresh)"
            ))
            .redirect(policy)
            .connect_timeout(options.timeout)
            .read_timeout(options.timeout);
        if let Some(proxy) = &options.proxy {
            let p = reqwest::Proxy::all(proxy)
                .map_err(|e| Error::Invalid(format!("--proxy {proxy}: {}", error_chain(&e))))?;
            builder = builder.proxy(p);
        }
        if let Some(path) = &options.ca_cert {
            let pem = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::Invalid(format!("{}: not PEM certificates: {e}", path.display()))
            })?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| Error::Invalid(format!("HTTP client: {}", error_chain(&e))))?;
        let progress = (options.progress && std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .then(MultiProgress::new);
        Ok(Downloader {
            client,
            options,
            progress,
        })
    }

    /// Fetches `url` into `to`, asking only for a newer copy when
    /// `validators` are given. Retries transient failures with back-off.
    /// With `partial`, the bytes gather there first, and a download that
    /// breaks off is resumed from there, by the next attempt or the next
    /// run (see the module's documentation).
    pub async fn fetch(
        &self,
        url: &Url,
        to: &Path,
        validators: Option<&Validators>,
        partial: Option<&Partial>,
    ) -> Result<Fetched> {
        let mut attempt = 0;
        loop {
            match self.try_fetch(url, to, validators, partial).await {
                Ok(fetched) => return Ok(fetched),
                Err(f) if f.transient && attempt < self.options.retries => {
                    let delay = self.options.backoff * 2u32.saturating_pow(attempt);
                    tokio::time::sleep(delay.min(Duration::from_secs(30))).await;
                    attempt += 1;
                }
                Err(f) => {
                    // What a partial download holds is kept for the next run.
                    let _ = std::fs::remove_file(to);
                    let tries = if attempt > 0 {
                        format!(" (after {} attempts)", attempt + 1)
                    } else {
                        String::new()
                    };
                    return Err(Error::Download {
                        url: url.to_string(),
                        message: format!("{}{tries}", f.message),
                    });
                }
            }
        }
    }

    async fn try_fetch(
        &self,
        url: &Url,
        to: &Path,
        validators: Option<&Validators>,
        partial: Option<&Partial>,
    ) -> std::result::Result<Fetched, Failure> {
        let mut resume = partial.and_then(|p| p.resumable(url));
        loop {
            let mut request = self.client.get(url.clone());
            if let Some((have, record)) = &resume {
                request = request.header(RANGE, format!("bytes={have}-"));
                if let Some(v) = record.if_range() {
                    request = request.header(IF_RANGE, v);
                }
            } else if let Some(v) = validators {
                if let Some(etag) = &v.etag {
                    request = request.header(IF_NONE_MATCH, etag);
                }
                if let Some(date) = &v.last_modified {
                    request = request.header(IF_MODIFIED_SINCE, date);
                }
            }
            let response = request.send().await.map_err(Failure::from_reqwest)?;
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED && validators.is_some() && resume.is_none() {
                return Ok(Fetched::NotModified);
            }
            let continued = match (&resume, status) {
                (Some((have, record)), StatusCode::PARTIAL_CONTENT) => {
                    let range = response
                        .headers()
                        .get(CONTENT_RANGE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(content_range);
                    let etag = response.headers().get(ETAG).and_then(|v| v.to_str().ok());
                    let same = range.is_some_and(|(start, total)| {
                        start == *have && record.length.is_none_or(|n| n == total)
                    }) && (etag.is_none() || etag == record.etag.as_deref());
                    same.then_some((*have, record.clone(), range.map(|r| r.1)))
                }
                _ => None,
            };
            // A 200 for a resumed download is the new file (or a server
            // that does not do ranges), whole; a 206 of some other range,
            // or of a file of another length, and a 416 (the range is past
            // the file's end) are refused, and all of the file asked for.
            let restart = matches!(
                status,
                StatusCode::PARTIAL_CONTENT | StatusCode::RANGE_NOT_SATISFIABLE
            );
            if restart && resume.is_some() && continued.is_none() {
                if let Some(p) = partial {
                    p.discard();
                }
                resume = None;
                continue;
            }
            if !status.is_success()
                || (status == StatusCode::PARTIAL_CONTENT && continued.is_none())
            {
                return Err(Failure {
                    message: format!("HTTP {status}"),
                    transient: status.is_server_error()
                        || status == StatusCode::TOO_MANY_REQUESTS
                        || status == StatusCode::REQUEST_TIMEOUT,
                });
            }
            return self.receive(response, url, to, partial, continued).await;
        }
    }

    /// Streams the body of `response` to disk: to `to`, or through
    /// `partial` when given, appended to the `continued` bytes already
    /// there (their count, the record they were kept with, and the whole
    /// file's length).
    async fn receive(
        &self,
        response: reqwest::Response,
        url: &Url,
        to: &Path,
        partial: Option<&Partial>,
        continued: Option<(u64, PartialRecord, Option<u64>)>,
    ) -> std::result::Result<Fetched, Failure> {
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(String::from)
        };
        if header(CONTENT_TYPE).is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html")) {
            return Err(Failure::permanent(
                "the server sent an HTML page, not the dump file (an error page, or a proxy's login page?)",
            ));
        }
        let (have, validators, expected) = match &continued {
            Some((have, record, total)) => (
                *have,
                Validators {
                    etag: record.etag.clone(),
                    last_modified: record.last_modified.clone(),
                },
                *total,
            ),
            None => (
                0,
                Validators {
                    etag: header(ETAG),
                    last_modified: header(LAST_MODIFIED),
                },
                response.content_length(),
            ),
        };
        let file_path = partial.map_or(to, |p| p.data.as_path());
        for dir in [file_path.parent(), to.parent()].into_iter().flatten() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| Failure::permanent(format!("{}: {e}", dir.display())))?;
        }
        let local = |e: std::io::Error| Failure::permanent(format!("{}: {e}", file_path.display()));
        let mut hasher = Sha256::new();
        let file = if have > 0 {
            // The bytes kept count towards the checksum, read once more.
            let mut kept = tokio::fs::File::open(file_path).await.map_err(local)?;
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = kept.read(&mut buf).await.map_err(local)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
            }
            tokio::fs::OpenOptions::new()
                .append(true)
                .open(file_path)
                .await
                .map_err(local)?
        } else {
            if let Some(p) = partial {
                p.discard();
                let record = PartialRecord {
                    url: url.to_string(),
                    etag: validators.etag.clone(),
                    last_modified: validators.last_modified.clone(),
                    length: expected,
                };
                // Kept only when the next attempt could ask for the rest.
                if record.if_range().is_some() {
                    let text = serde_json::to_vec(&record).unwrap_or_default();
                    tokio::fs::write(p.record_path(), text)
                        .await
                        .map_err(local)?;
                }
            }
            tokio::fs::File::create(file_path).await.map_err(local)?
        };
        let mut file = tokio::io::BufWriter::with_capacity(1 << 20, file);
        let bar = self.bar(url, expected);
        let mut size = have;
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    // What arrived stays on disk for the next attempt.
                    let _ = file.flush().await;
                    let mut f = Failure::from_reqwest(e);
                    f.message = format!("connection lost after {size} bytes: {}", f.message);
                    f.transient = true;
                    return Err(f);
                }
            };
            hasher.update(&chunk);
            size += chunk.len() as u64;
            file.write_all(&chunk).await.map_err(local)?;
            if let Some(bar) = &bar {
                bar.set_position(size);
            }
        }
        file.flush().await.map_err(local)?;
        drop(file);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if let Some(expected) = expected.filter(|&n| n != size) {
            return Err(Failure {
                message: format!("the body ended after {size} of {expected} bytes"),
                transient: true,
            });
        }
        if let Some(p) = partial {
            tokio::fs::rename(&p.data, to).await.map_err(|e| {
                Failure::permanent(format!("{} to {}: {e}", p.data.display(), to.display()))
            })?;
            p.discard();
        }
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Fetched::Downloaded {
            validators,
            size,
            sha256,
        })
    }

    fn bar(&self, url: &Url, len: Option<u64>) -> Option<ProgressBar> {
        let multi = self.progress.as_ref()?;
        let name = url.path().rsplit('/').next().unwrap_or("").to_string();
        let bar = multi.add(ProgressBar::new(len.unwrap_or(0)));
        let template = if len.is_some() {
            "{msg:22} {bar:30} {bytes:>10}/{total_bytes:10} {bytes_per_sec:>12} {eta}"
        } else {
            "{msg:22} {spinner} {bytes:>10} {bytes_per_sec:>12}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_message(name);
        Some(bar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_are_read_strictly() {
        assert_eq!(content_range("bytes 100-999/1000"), Some((100, 1000)));
        assert_eq!(content_range(" bytes 0-0/1 "), Some((0, 1)));
        for bad in [
            "bytes 100-999/*",
            "bytes */1000",
            "bytes 500-100/1000",
            "bytes 0-1000/1000",
            "items 0-1/2",
            "bytes 1-2",
        ] {
            assert_eq!(content_range(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_a_strong_etag_or_a_date_can_resume() {
        let record = |etag: Option<&str>, date: Option<&str>| PartialRecord {
            url: "https://example.org/a.zip".into(),
            etag: etag.map(String::from),
            last_modified: date.map(String::from),
            length: Some(10),
        };
        assert_eq!(record(Some("\"x\""), None).if_range(), Some("\"x\""));
        assert_eq!(record(Some("W/\"x\""), None).if_range(), None);
        assert_eq!(
            record(Some("W/\"x\""), Some("Tue, 25 Nov 2025 01:23:45 GMT")).if_range(),
            Some("Tue, 25 Nov 2025 01:23:45 GMT")
        );
        assert_eq!(record(None, None).if_range(), None);
    }

    #[test]
    fn error_chain_keeps_causes_once() {
        let inner = std::io::Error::other("connection reset");
        let outer = std::io::Error::other(inner);
        assert_eq!(error_chain(&outer), "connection reset");
    }
}
