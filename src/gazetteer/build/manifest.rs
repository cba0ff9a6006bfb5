//! The record a gazetteer keeps of its build, `manifest.json`: when and by
//! what it was built, with which filters, from which inputs (each with its
//! size and SHA-256), what it holds, and the provenance a caller adds
//! (refresh records URLs, ETags and sizes).
//!
//! This file writes and reads that record; it does not decide what a
//! build reads or keeps.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::index::BuildReport;
use super::inputs::{Filters, Sources};
use super::tsv::open;
use crate::error::{Error, Result};

/// Writes `manifest.json` into `out`: the build's inputs with their
/// checksums, `filters`, the counts of `report`, and the keys of
/// `provenance` (a JSON object) merged in.
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

/// Size and SHA-256 (hex) of a file, read as a stream.
pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut f = open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    let digest = hasher.finalize();
    Ok((size, digest.iter().map(|b| format!("{b:02x}")).collect()))
}
