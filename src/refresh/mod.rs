//! `gazetteer refresh`: rebuilds a gazetteer from GeoNames' dump files,
//! fetched over HTTPS or read from a local directory, and swaps it in only
//! once it is complete and loads.
//!
//! This module owns the order of a refresh and its safety:
//! 1. [`plan`] decides which dump files the filters need;
//! 2. [`download`] fetches them concurrently into a staging directory beside
//!    the destination, with conditional requests for files it fetched before
//!    (kept in `<dest>.downloads/`, their ETag and Last-Modified in the
//!    manifest); when every file is unchanged and the filters are the same,
//!    nothing is rebuilt;
//! 3. [`unzip`] takes the text files out of the archives;
//! 4. [`crate::gazetteer::build`] (the same builder as the shipped gazetteer)
//!    writes the new gazetteer into the staging directory, recording every
//!    source in its manifest, and checks that it loads;
//! 5. the new gazetteer is renamed into place and the old one kept as
//!    `<dest>.previous`.
//!
//! Any failure before step 5 leaves the gazetteer in use untouched: nothing
//! is written outside the staging directory until then, but for downloads
//! in progress, kept in `<dest>.downloads/` to be resumed. Two refreshes
//! never write one gazetteer at once: each holds [`build::lock`] on it
//! from start to end, and the second fails at once, saying so.
//!
//! Country outlines, composite regions and the lexicon are not in
//! GeoNames; they are carried over from the gazetteer being replaced (or
//! the one named with `--gazetteer`, or the built-in one).

pub mod download;
pub mod plan;
pub mod unzip;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use futures_util::{StreamExt, TryStreamExt};
use reqwest::Url;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::gazetteer::build::{self, BuildReport, Filters, Sources};
use crate::gazetteer::{self, Selection};
use download::{Downloader, Fetched, HttpOptions, Partial, Validators};
use plan::DumpFile;

/// GeoNames' dump directory.
pub const DEFAULT_SOURCE: &str = "https://download.geonames.org/export/dump/";

/// How many files are fetched at once.
const CONCURRENT_DOWNLOADS: usize = 4;

/// Where the dump files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A dump directory on a web server (always ends in `/`).
    Url(Url),
    /// A local directory holding the dump files, zipped or not.
    Dir(PathBuf),
}

impl Source {
    /// Reads `--source`: an `https://` (or, with `allow_http`, `http://`)
    /// URL of a dump directory, or a local directory.
    pub fn parse(arg: &str, allow_http: bool) -> Result<Source> {
        let lower = arg.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            let mut url = Url::parse(arg)
                .map_err(|e| Error::Invalid(format!("--source {arg}: not a valid URL: {e}")))?;
            if url.scheme() == "http" && !allow_http {
                return Err(Error::Invalid(format!(
                    "--source {arg}: plain http:// is refused, since anyone on the way could \
                     change the data; use https:// or pass --allow-http"
                )));
            }
            if !url.path().ends_with('/') {
                url.set_path(&format!("{}/", url.path()));
            }
            return Ok(Source::Url(url));
        }
        if lower.contains("://") {
            return Err(Error::Invalid(format!(
                "--source {arg}: only https:// URLs and local directories are supported"
            )));
        }
        let dir = PathBuf::from(arg);
        if !dir.is_dir() {
            return Err(Error::Invalid(format!(
                "--source {arg}: not a directory (nor an https:// URL)"
            )));
        }
        Ok(Source::Dir(dir))
    }

    fn describe(&self) -> String {
        match self {
            Source::Url(u) => u.to_string(),
            Source::Dir(d) => d.display().to_string(),
        }
    }
}

/// Everything a refresh needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    pub source: Source,
    pub filters: Filters,
    /// `--min-population` as given (`None`: the default extract).
    pub min_population: Option<u64>,
    /// The gazetteer directory to replace.
    pub into: PathBuf,
    /// Where outlines, composite regions and the lexicon come from when
    /// `into` has none yet (`--gazetteer`); else the gazetteer in use.
    pub fallback: Option<PathBuf>,
    pub http: HttpOptions,
    /// Fetch and rebuild even when nothing changed.
    pub force: bool,
}

/// What happened to one dump file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    Downloaded { size: u64 },
    NotModified,
    Local { size: u64 },
}

/// The result of a refresh.
#[derive(Debug, Clone)]
pub struct Report {
    /// Each dump file (as GeoNames names it) and what happened to it.
    pub files: Vec<(String, FileStatus)>,
    /// `None` when everything was unchanged and nothing was rebuilt.
    pub built: Option<BuildReport>,
    /// What the build left out (see [`BuildReport::warnings`]), and what
    /// went wrong after the new gazetteer was in place.
    pub warnings: Vec<String>,
}

/// One planned file once fetched: where its bytes are and what to record.
struct Obtained {
    file: DumpFile,
    /// The archive or text file on disk.
    path: PathBuf,
    /// How errors name it (its URL or local path).
    label: String,
    status: FileStatus,
    record: Value,
    /// Where to keep a fresh download for the next conditional request.
    keep_as: Option<PathBuf>,
}

/// Runs a refresh as `options` say.
pub fn refresh(options: &Options) -> Result<Report> {
    let dest = &options.into;
    let _lock = build::lock(dest)?;
    let files = plan::plan(&options.filters, options.min_population);
    let old_manifest = read_manifest(dest);
    let staging = build::staging_beside(dest, ".geomention-refresh-")?;

    let obtained = match &options.source {
        Source::Url(base) => {
            fetch_all(base, &files, options, old_manifest.as_ref(), staging.path())?
        }
        Source::Dir(dir) => local_files(dir, &files)?,
    };
    let files_report: Vec<(String, FileStatus)> = obtained
        .iter()
        .map(|o| (o.file.remote.clone(), o.status.clone()))
        .collect();

    let filters_json = serde_json::to_value(&options.filters).unwrap_or(Value::Null);
    let unchanged = obtained.iter().all(|o| o.status == FileStatus::NotModified)
        && old_manifest.as_ref().is_some_and(|m| {
            m.get("filters") == Some(&filters_json)
                && m.pointer("/refresh/source").and_then(Value::as_str)
                    == Some(&options.source.describe())
        });
    if unchanged && !options.force {
        return Ok(Report {
            files: files_report,
            built: None,
            warnings: Vec::new(),
        });
    }

    // Text files for the builder, and how to name each in an error.
    let src = staging.path().join("src");
    let mut labels: HashMap<PathBuf, String> = HashMap::new();
    for o in &obtained {
        let out = src.join(&o.file.local);
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        if o.path.extension().is_some_and(|x| x == "zip") {
            unzip::extract_entry(
                &o.path,
                &o.label,
                o.file.entry_name(),
                &out,
                unzip::Limits::default(),
            )?;
            labels.insert(out, format!("{} ({})", o.label, o.file.entry_name()));
        } else {
            unzip::check_looks_like_text(&o.path, &o.label)?;
            if std::fs::hard_link(&o.path, &out).is_err() {
                std::fs::copy(&o.path, &out).map_err(|e| Error::io(&o.path, e))?;
            }
            labels.insert(out, o.label.clone());
        }
    }

    let fallback = fallback_dir(options, staging.path())?;
    let sources = Sources::discover(&src, Some(&fallback))?;
    let provenance = json!({
        "refresh": {
            "source": options.source.describe(),
            "downloads": obtained.iter().map(|o| o.record.clone()).collect::<Vec<_>>(),
        }
    });
    // A file taken from the built-in gazetteer is named so, and a dump
    // file by its URL or path, not by the staging copy about to vanish.
    let built_in = staging.path().join("built-in");
    let name = |path: PathBuf| -> PathBuf {
        if let Some(l) = labels.get(&path) {
            return PathBuf::from(l.as_str());
        }
        match path.strip_prefix(&built_in) {
            Ok(rest) => Path::new("built-in gazetteer").join(rest),
            Err(_) => path,
        }
    };
    let fresh = staging.path().join("gazetteer");
    let report =
        build::build(&sources, &options.filters, &fresh, provenance).map_err(|e| match e {
            Error::Format {
                path,
                line,
                message,
            } => Error::Format {
                path: name(path),
                line,
                message,
            },
            other => other,
        })?;
    build::install(&fresh, dest)?;

    // Keep fresh downloads for the next conditional request. A failure here
    // costs a full download next time, nothing more.
    let cache = build::sibling(dest, "downloads");
    let copy = format!("{}", built_in.display());
    let mut warnings: Vec<String> = report
        .warnings
        .iter()
        .map(|w| w.replace(&copy, "built-in gazetteer"))
        .collect();
    for o in &obtained {
        let Some(keep) = &o.keep_as else { continue };
        let kept = keep
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::rename(&o.path, keep));
        if let Err(e) = kept {
            warnings.push(format!(
                "could not keep {} in {}: {e}",
                o.file.remote,
                cache.display()
            ));
        }
    }
    Ok(Report {
        files: files_report,
        built: Some(report),
        warnings,
    })
}

fn read_manifest(dir: &Path) -> Option<Value> {
    let bytes = std::fs::read(dir.join("manifest.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The validators recorded for `url` last time, if the copy kept in the
/// download cache is still the one they describe.
fn remembered(old: Option<&Value>, url: &Url, cached: &Path) -> Option<Validators> {
    let record = old?
        .pointer("/refresh/downloads")?
        .as_array()?
        .iter()
        .find(|d| d.get("url").and_then(Value::as_str) == Some(url.as_str()))?;
    let sha = record.get("sha256").and_then(Value::as_str)?;
    let (_, actual) = build::sha256_file(cached).ok()?;
    if actual != sha {
        return None;
    }
    let text = |k: &str| record.get(k).and_then(Value::as_str).map(String::from);
    let v = Validators {
        etag: text("etag"),
        last_modified: text("last_modified"),
    };
    (v.etag.is_some() || v.last_modified.is_some()).then_some(v)
}

fn fetch_all(
    base: &Url,
    files: &[DumpFile],
    options: &Options,
    old: Option<&Value>,
    staging: &Path,
) -> Result<Vec<Obtained>> {
    let cache = build::sibling(&options.into, "downloads");
    let downloader = Downloader::new(options.http.clone())?;
    let mut jobs = Vec::new();
    for file in files {
        let url = base.join(&file.remote).map_err(|e| {
            Error::Invalid(format!("{base}: cannot name {} under it: {e}", file.remote))
        })?;
        let cached = cache.join(&file.remote);
        let validators = if options.force {
            None
        } else {
            remembered(old, &url, &cached)
        };
        let old_record = validators.as_ref().and_then(|_| {
            old?.pointer("/refresh/downloads")?
                .as_array()?
                .iter()
                .find(|d| d.get("url").and_then(Value::as_str) == Some(url.as_str()))
                .cloned()
        });
        jobs.push((
            file.clone(),
            url,
            cached,
            validators,
            old_record,
            staging.join("downloads").join(&file.remote),
            Partial {
                data: cache.join(format!("{}.part", file.remote)),
            },
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Invalid(format!("cannot start the download runtime: {e}")))?;
    let downloader = &downloader;
    runtime.block_on(async move {
        futures_util::stream::iter(jobs)
            .map(
                |(file, url, cached, validators, old_record, to, partial)| async move {
                    let fetched = downloader
                        .fetch(&url, &to, validators.as_ref(), Some(&partial))
                        .await?;
                    Ok::<_, Error>(match fetched {
                        Fetched::NotModified => Obtained {
                            label: url.to_string(),
                            path: cached,
                            status: FileStatus::NotModified,
                            record: old_record.unwrap_or(Value::Null),
                            keep_as: None,
                            file,
                        },
                        Fetched::Downloaded {
                            validators,
                            size,
                            sha256,
                        } => Obtained {
                            label: url.to_string(),
                            record: json!({
                                "file": file.remote,
                                "url": url.as_str(),
                                "etag": validators.etag,
                                "last_modified": validators.last_modified,
                                "size": size,
                                "sha256": sha256,
                            }),
                            path: to,
                            status: FileStatus::Downloaded { size },
                            keep_as: Some(cached),
                            file,
                        },
                    })
                },
            )
            .buffered(CONCURRENT_DOWNLOADS)
            .try_collect::<Vec<_>>()
            .await
    })
}

/// The planned files in a local dump directory: each as published (zipped)
/// or already unzipped.
fn local_files(dir: &Path, files: &[DumpFile]) -> Result<Vec<Obtained>> {
    files
        .iter()
        .map(|file| {
            let zipped = dir.join(&file.remote);
            let plain = dir.join(&file.local);
            let path = [zipped.clone(), plain.clone()]
                .into_iter()
                .find(|p| p.is_file())
                .ok_or_else(|| {
                    let mut names = vec![zipped.display().to_string()];
                    if plain != zipped {
                        names.push(plain.display().to_string());
                    }
                    Error::Invalid(format!(
                        "the source directory has no {}",
                        names.join(" nor ")
                    ))
                })?;
            let (size, sha256) = build::sha256_file(&path)?;
            Ok(Obtained {
                label: path.display().to_string(),
                record: json!({
                    "file": file.remote,
                    "path": path.display().to_string(),
                    "size": size,
                    "sha256": sha256,
                }),
                status: FileStatus::Local { size },
                keep_as: None,
                path,
                file: file.clone(),
            })
        })
        .collect()
}

/// The directory outlines, composite regions and the lexicon are taken
/// from: `--gazetteer`, else the gazetteer being replaced, else the one in
/// use, written out of the binary when that is the built-in one.
fn fallback_dir(options: &Options, staging: &Path) -> Result<PathBuf> {
    if let Some(dir) = &options.fallback {
        return Ok(dir.clone());
    }
    if options.into.join("manifest.json").is_file() {
        return Ok(options.into.clone());
    }
    if let Some(dir) = Selection::choose(None).dir {
        return Ok(dir);
    }
    let dir = staging.join("built-in");
    let mut found = false;
    for name in [
        "countries.geojson",
        "composite_regions.tsv",
        "adminPoints.txt",
        "SOURCES.md",
        "lexicon/common_words.tsv",
        "lexicon/first_names.txt",
        "lexicon/demonyms.tsv",
    ] {
        let Some(bytes) = gazetteer::embedded_file(name) else {
            continue;
        };
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        found = true;
    }
    if !found {
        return Err(Error::Invalid(
            "this binary has no built-in gazetteer to take country outlines and the lexicon \
             from; pass --gazetteer DIR"
                .into(),
        ));
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_must_be_https_unless_allowed() {
        assert!(matches!(
            Source::parse("https://example.org/dump", false),
            Ok(Source::Url(u)) if u.as_str() == "https://example.org/dump/"
        ));
        let err = Source::parse("http://example.org/dump/", false).unwrap_err();
        assert!(err.to_string().contains("--allow-http"), "{err}");
        assert!(Source::parse("http://example.org/dump/", true).is_ok());
        assert!(Source::parse("ftp://example.org/dump/", true).is_err());
        assert!(Source::parse("/no/such/dir", false).is_err());
    }
}
