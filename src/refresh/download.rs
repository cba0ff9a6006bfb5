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

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

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
    pub async fn fetch(
        &self,
        url: &Url,
        to: &Path,
        validators: Option<&Validators>,
    ) -> Result<Fetched> {
        let mut attempt = 0;
        loop {
            match self.try_fetch(url, to, validators).await {
                Ok(fetched) => return Ok(fetched),
                Err(f) if f.transient && attempt < self.options.retries => {
                    let delay = self.options.backoff * 2u32.saturating_pow(attempt);
                    tokio::time::sleep(delay.min(Duration::from_secs(30))).await;
                    attempt += 1;
                }
                Err(f) => {
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
    ) -> std::result::Result<Fetched, Failure> {
        let mut request = self.client.get(url.clone());
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(date) = &v.last_modified {
                request = request.header(IF_MODIFIED_SINCE, date);
            }
        }
        let response = request.send().await.map_err(Failure::from_reqwest)?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && validators.is_some() {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(Failure {
                message: format!("HTTP {status}"),
                transient: status.is_server_error()
                    || status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::REQUEST_TIMEOUT,
            });
        }
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
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let expected = response.content_length();

        if let Some(dir) = to.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| Failure::permanent(format!("{}: {e}", dir.display())))?;
        }
        let local = |e: std::io::Error| Failure::permanent(format!("{}: {e}", to.display()));
        let file = tokio::fs::File::create(to).await.map_err(local)?;
        let mut file = tokio::io::BufWriter::with_capacity(1 << 20, file);
        let bar = self.bar(url, expected);
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                let mut f = Failure::from_reqwest(e);
                f.message = format!("connection lost after {size} bytes: {}", f.message);
                f.transient = true;
                f
            })?;
            hasher.update(&chunk);
            size += chunk.len() as u64;
            file.write_all(&chunk).await.map_err(local)?;
            if let Some(bar) = &bar {
                bar.set_position(size);
            }
        }
        file.flush().await.map_err(local)?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if let Some(expected) = expected.filter(|&n| n != size) {
            return Err(Failure {
                message: format!("the body ended after {size} of {expected} bytes"),
                transient: true,
            });
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
    fn error_chain_keeps_causes_once() {
        let inner = std::io::Error::other("connection reset");
        let outer = std::io::Error::other(inner);
        assert_eq!(error_chain(&outer), "connection reset");
    }
}
