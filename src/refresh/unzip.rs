//! Takes the one text file the builder needs out of a GeoNames zip archive,
//! safely.
//!
//! Archives come from the network, so nothing in them is trusted: only the
//! entry the plan asks for is extracted (a GeoNames zip also holds a
//! `readme.txt` or `iso-languagecodes.txt`), entry names that would leave the
//! target directory are refused, the entry is streamed to disk through a limit
//! on its real (not declared) size and on its compression ratio, and the zip
//! crate checks its CRC-32 at the end, so a zip bomb, a truncated or a
//! corrupt archive stops the refresh with a one-line reason. An HTML page
//! saved where an archive was expected is recognised and named as such.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Largest entry accepted: `allCountries.txt` is about 1.6 GB.
pub const MAX_ENTRY_BYTES: u64 = 8 << 30;
/// Largest ratio of extracted to compressed size accepted. GeoNames text
/// deflates about 3-5 times; deflate can reach about 1000, which only a
/// crafted archive does.
pub const MAX_RATIO: u64 = 100;

/// Limits on what one entry may expand to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: MAX_ENTRY_BYTES,
            max_ratio: MAX_RATIO,
        }
    }
}

/// Writes the entry `entry` of the zip archive `archive` to `out`.
/// `name` is how errors refer to the archive (its URL or path).
pub fn extract_entry(
    archive: &Path,
    name: &str,
    entry: &str,
    out: &Path,
    limits: Limits,
) -> Result<u64> {
    let bad = |message: String| Error::Archive {
        name: name.to_string(),
        message,
    };
    check_looks_like_zip(archive, name)?;
    let file = File::open(archive).map_err(|e| Error::io(archive, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| {
        bad(format!(
            "not a readable zip archive (truncated or corrupt?): {e}"
        ))
    })?;
    let mut found = None;
    for i in 0..zip.len() {
        let f = zip
            .by_index(i)
            .map_err(|e| bad(format!("corrupt entry {i}: {e}")))?;
        // Entries are never extracted by their own name, but one that tries
        // to escape is a sign of a hostile archive: refuse all of it.
        if f.enclosed_name().is_none() {
            return Err(bad(format!("entry {:?} has an unsafe path", f.name())));
        }
        if f.is_file() && f.name() == entry {
            found = Some(i);
        }
    }
    let Some(index) = found else {
        return Err(bad(format!("has no entry {entry:?}")));
    };
    let f = zip
        .by_index(index)
        .map_err(|e| bad(format!("corrupt entry {entry:?}: {e}")))?;
    let limit = limits.max_bytes.min(
        f.compressed_size()
            .max(1 << 16)
            .saturating_mul(limits.max_ratio),
    );
    if f.size() > limit {
        return Err(bad(format!(
            "entry {entry:?} would expand to {} bytes, more than the {limit} allowed",
            f.size()
        )));
    }
    let mut reader = f.take(limit + 1);
    let mut writer = BufWriter::new(File::create(out).map_err(|e| Error::io(out, e))?);
    let mut buf = vec![0u8; 1 << 16];
    let mut written = 0u64;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| bad(format!("entry {entry:?} is corrupt or truncated: {e}")))?;
        if n == 0 {
            break;
        }
        written += n as u64;
        if written > limit {
            return Err(bad(format!(
                "entry {entry:?} expands past the {limit} bytes allowed (a zip bomb?)"
            )));
        }
        writer.write_all(&buf[..n]).map_err(|e| Error::io(out, e))?;
    }
    writer.flush().map_err(|e| Error::io(out, e))?;
    Ok(written)
}

/// Refuses a file that is plainly not a zip archive, naming what it is when
/// that is recognisable (an HTML error or login page, an empty body).
pub fn check_looks_like_zip(path: &Path, name: &str) -> Result<()> {
    let head = read_head(path)?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(());
    }
    Err(Error::Archive {
        name: name.to_string(),
        message: match describe_non_data(&head) {
            Some(what) => format!("not a zip archive but {what}"),
            None => "not a zip archive".into(),
        },
    })
}

/// Refuses a text dump that is really an HTML page.
pub fn check_looks_like_text(path: &Path, name: &str) -> Result<()> {
    let head = read_head(path)?;
    match describe_non_data(&head) {
        Some(what) if !head.is_empty() => Err(Error::Archive {
            name: name.to_string(),
            message: format!("not a GeoNames text file but {what}"),
        }),
        _ => Ok(()),
    }
}

fn read_head(path: &Path) -> Result<Vec<u8>> {
    let mut head = Vec::with_capacity(512);
    File::open(path)
        .and_then(|f| f.take(512).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    Ok(head)
}

/// What a body that is not data looks like, if it is recognisable.
fn describe_non_data(head: &[u8]) -> Option<&'static str> {
    if head.is_empty() {
        return Some("an empty file");
    }
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with("<!doctype html") || text.starts_with("<html") || text.contains("<body") {
        Some("an HTML page (an error page or a proxy's login page?)")
    } else if text.starts_with("<?xml") || text.starts_with('<') {
        Some("an XML or HTML document")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::write::SimpleFileOptions;

    fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
        let mut w = zip::ZipWriter::new(File::create(path).unwrap());
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }

    #[test]
    fn extracts_only_the_named_entry() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("UA.zip");
        write_zip(
            &z,
            &[("readme.txt", b"about"), ("UA.txt", b"1\tKyiv\n" as &[u8])],
        );
        let out = dir.path().join("UA.txt");
        let n = extract_entry(&z, "UA.zip", "UA.txt", &out, Limits::default()).unwrap();
        assert_eq!(n, 7);
        assert_eq!(std::fs::read(&out).unwrap(), b"1\tKyiv\n");
        assert!(!dir.path().join("readme.txt").exists());
    }

    #[test]
    fn refuses_path_traversal() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("evil.zip");
        write_zip(&z, &[("../../etc/x.txt", b"x"), ("UA.txt", b"y")]);
        let err = extract_entry(
            &z,
            "evil.zip",
            "UA.txt",
            &dir.path().join("o"),
            Limits::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unsafe path"), "{err}");
    }

    #[test]
    fn refuses_an_entry_that_expands_too_far() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("bomb.zip");
        let zeros = vec![b'0'; 4 << 20];
        write_zip(&z, &[("UA.txt", &zeros)]);
        let limits = Limits {
            max_bytes: 1 << 20,
            max_ratio: MAX_RATIO,
        };
        let err = extract_entry(&z, "bomb.zip", "UA.txt", &dir.path().join("o"), limits)
            .unwrap_err()
            .to_string();
        assert!(err.contains("allowed"), "{err}");
    }

    #[test]
    fn names_an_html_page() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cities500.zip");
        std::fs::write(&p, "<!DOCTYPE html><html><body>Not found</body></html>").unwrap();
        let err = check_looks_like_zip(&p, "cities500.zip")
            .unwrap_err()
            .to_string();
        assert!(err.contains("HTML page"), "{err}");
        assert!(check_looks_like_text(&p, "countryInfo.txt").is_err());
    }
}
