//! The record a gazetteer keeps of its build, `manifest.json`: when and by
//! what it was built, with which filters, from which inputs (each with its
//! size and SHA-256), what it holds, and the provenance a caller adds
//! (refresh records URLs, ETags and sizes).
//!
//! This file writes and reads that record; it does not decide what a
//! build reads or keeps.

use std::path::Path;

use super::index::BuildReport;
use super::inputs::{Filters, Sources};
use crate::error::{Error, Result};
use crate::gazetteer::verify::{self, sha256_file};

/// Writes `manifest.json` into `out`, the last file of a build: the
/// build's inputs with their checksums, `filters`, the counts of
/// `report`, the size and SHA-256 of every file of the gazetteer (see
/// [`verify`]), and the keys of `provenance` (a JSON object) merged in.
pub(super) fn write_manifest(
    sources: &Sources,
    filters: &Filters,
    report: &BuildReport,
    provenance: serde_json::Value,
    out: &Path,
) -> Result<()> {
    let mut inputs = Vec::new();
    for path in sources
        .geonames
        .iter()
        .chain(&sources.alternate_names)
        .chain([
            &sources.admin1_codes,
            &sources.country_info,
            &sources.outlines,
        ])
        .chain(&sources.composite_regions)
    {
        let (size, sha256) = sha256_file(path)?;
        inputs.push(serde_json::json!({
            "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
            "size": size,
            "sha256": sha256,
        }));
    }
    let mut manifest = serde_json::json!({
        "format": 1,
        "built_at": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "builder": format!("geomention {}", env!("CARGO_PKG_VERSION")),
        "filters": filters,
        "inputs": inputs,
        "counts": report,
    });
    if let (Some(m), serde_json::Value::Object(extra)) = (manifest.as_object_mut(), provenance) {
        for (k, v) in extra {
            m.insert(k, v);
        }
    }
    // After the provenance, which may not stand in for it.
    manifest[verify::FILES_KEY] = verify::record(out)?;
    let text =
        serde_json::to_string_pretty(&manifest).map_err(|e| Error::Invalid(e.to_string()))?;
    std::fs::write(out.join("manifest.json"), text + "\n").map_err(|e| Error::io(out, e))?;
    Ok(())
}

/// Reads a provenance file for [`build`]: a JSON object whose keys are
/// recorded in the manifest.
pub fn read_provenance(path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::format(path, e.line(), e.to_string()))?;
    if !value.is_object() {
        return Err(Error::format(path, 1, "expected a JSON object"));
    }
    Ok(value)
}
