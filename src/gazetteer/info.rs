//! A readable account of a gazetteer: which one is in use and why, and what
//! its manifest says about where the data came from (sources, dates, filters,
//! counts, checksums). `geomention gazetteer info` prints it.
//!
//! The manifest is read as JSON values, not a fixed struct, so manifests
//! written by older builders, by `gazetteer build` and by `gazetteer refresh`
//! are all shown; a field that is absent is left out rather than invented.

use std::fmt::Write;

use serde_json::Value;

use super::verify::{self, Verified};
use super::{build::sibling, Gazetteer, Selection};

/// The account of `gazetteer`, chosen as `selection` says.
pub fn describe(gazetteer: &Gazetteer, selection: &Selection) -> String {
    let m = gazetteer.manifest();
    let mut out = String::new();
    let _ = writeln!(out, "gazetteer: {}", gazetteer.origin());
    let _ = writeln!(out, "  why:     {}", selection.reason);
    if let Some(built) = m.get("built_at").and_then(Value::as_str) {
        let by = m
            .get("builder")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        let _ = writeln!(out, "  built:   {built} by {by}");
    }
    if let Some(c) = m.get("counts") {
        let n = |k: &str| c.get(k).and_then(Value::as_u64).unwrap_or(0);
        let _ = writeln!(
            out,
            "  places:  {} ({} countries, {} regions, {} cities), {} names",
            n("places"),
            n("countries"),
            n("regions"),
            n("cities"),
            n("names")
        );
    } else {
        let _ = writeln!(out, "  places:  {}", gazetteer.places().len());
    }
    if let Some(f) = m.get("filters") {
        let list = |k: &str| {
            let items: Vec<&str> = f
                .get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if items.is_empty() {
                "all".to_string()
            } else {
                items.join(",")
            }
        };
        let min = f.get("min_population").and_then(Value::as_u64).unwrap_or(0);
        let _ = writeln!(
            out,
            "  filters: countries {}; languages {}; min population {min}",
            list("countries"),
            list("languages")
        );
    }
    if let Some(r) = m.get("refresh") {
        let source = r.get("source").and_then(Value::as_str).unwrap_or("?");
        let _ = writeln!(out, "refreshed from {source}");
        for d in r
            .get("downloads")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let s = |k: &str| d.get(k).and_then(Value::as_str);
            let mut line = format!(
                "  {}  {} bytes  sha256 {}",
                s("url").or(s("path")).unwrap_or("?"),
                d.get("size").and_then(Value::as_u64).unwrap_or(0),
                s("sha256").unwrap_or("?")
            );
            if let Some(lm) = s("last_modified") {
                let _ = write!(line, "  last-modified {lm}");
            }
            if let Some(etag) = s("etag") {
                let _ = write!(line, "  etag {etag}");
            }
            let _ = writeln!(out, "{line}");
        }
    }
    if let Some(inputs) = m.get("inputs").and_then(Value::as_array) {
        let _ = writeln!(out, "inputs:");
        for i in inputs {
            let _ = writeln!(
                out,
                "  {:<24} {:>12} bytes  sha256 {}",
                i.get("file").and_then(Value::as_str).unwrap_or("?"),
                i.get("size").and_then(Value::as_u64).unwrap_or(0),
                i.get("sha256").and_then(Value::as_str).unwrap_or("?")
            );
        }
    }
    // The load read this list already and refused it if it was malformed.
    let files = verify::recorded(m).unwrap_or_default();
    if !files.is_empty() {
        let _ = writeln!(out, "files:");
        for (name, f) in &files {
            let _ = writeln!(
                out,
                "  {:<24} {:>12} bytes  sha256 {}",
                name, f.size, f.sha256
            );
        }
    }
    // The ids are in the manifest; a count per rule is what a reader wants.
    if let Some(rules) =
        (m.get("counts").and_then(|c| c.get("derived_points"))).and_then(Value::as_object)
    {
        let counts: Vec<String> = (rules.iter())
            .map(|(rule, ids)| format!("{rule} {}", ids.as_array().map_or(0, Vec::len)))
            .collect();
        let _ = writeln!(
            out,
            "points not GeoNames' own: {} (ids in manifest.json)",
            counts.join(", ")
        );
    }
    // Anything else a builder recorded (for example the versions of the
    // packages the shipped gazetteer was extracted from).
    if let Some(obj) = m.as_object() {
        const SHOWN: &[&str] = &[
            "format",
            "built_at",
            "builder",
            "counts",
            "filters",
            "refresh",
            "inputs",
            verify::FILES_KEY,
        ];
        for (k, v) in obj.iter().filter(|(k, _)| !SHOWN.contains(&k.as_str())) {
            let _ = writeln!(out, "{k}: {v}");
        }
    }
    if let Some(dir) = &selection.dir {
        let backup = sibling(dir, "previous");
        if backup.join("manifest.json").is_file() {
            let _ = writeln!(out, "backup: {}", backup.display());
        }
    }
    if gazetteer.origin() == &super::Origin::Embedded {
        let _ = writeln!(
            out,
            "(`geomention gazetteer refresh` writes a gazetteer that is preferred to this one)"
        );
    }
    out
}

/// What `gazetteer info --verify` found, in one line.
pub fn describe_verified(v: &Verified) -> String {
    let files = if v.files == 0 {
        "manifest.json records no checksums of its files (built before they were \
         kept): their structure alone was checked"
            .to_string()
    } else {
        format!("{} files match the SHA-256 manifest.json records", v.files)
    };
    format!(
        "verified: {files}; {} names lead to their places, {} sound keys to theirs; \
         {} country outlines read",
        v.names, v.sounds, v.outlines
    )
}
