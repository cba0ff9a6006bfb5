//! Putting a finished gazetteer in place: building beside the destination
//! and swapping it in, so that a gazetteer directory is never left
//! half-written and the one it replaces is kept as `<dest>.previous`.
//!
//! Only directories are moved here; what is in them is not this file's
//! business.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A temporary directory beside `dest` (on the same file system, so the
/// finished gazetteer can be renamed into place), removed when dropped.
pub fn staging_beside(dest: &Path, prefix: &str) -> Result<tempfile::TempDir> {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))
}

/// Swaps the complete gazetteer `fresh` in at `dest`, keeping the old one as
/// `<dest>.previous`.
pub fn install(fresh: &Path, dest: &Path) -> Result<()> {
    let backup = sibling(dest, "previous");
    if dest.exists() {
        if backup.exists() {
            std::fs::remove_dir_all(&backup).map_err(|e| Error::io(&backup, e))?;
        }
        std::fs::rename(dest, &backup).map_err(|e| Error::io(dest, e))?;
    }
    if let Err(e) = std::fs::rename(fresh, dest) {
        // Put the old one back before reporting.
        if backup.exists() {
            let _ = std::fs::rename(&backup, dest);
        }
        return Err(Error::io(dest, e));
    }
    Ok(())
}

/// `<dest>.<suffix>` beside `dest`.
pub fn sibling(dest: &Path, suffix: &str) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{suffix}"));
    dest.with_file_name(name)
}
