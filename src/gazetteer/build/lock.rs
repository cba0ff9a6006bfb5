//! One writer at a time: the advisory lock that `gazetteer build` and
//! `gazetteer refresh` hold on a gazetteer directory while they write it.
//!
//! The lock is on `<dest>.lock`, beside the directory rather than in it:
//! the directory itself is swapped out at the end (see `install`), and a
//! lock inside would move with it. The file is left in place when the lock
//! is released; deleting it would let a third writer lock a new file while
//! a second still holds the old one. The operating system releases the
//! lock when its holder exits, however it exits, so a crashed refresh
//! never blocks the next one. Readers (`map`) take no lock: they never see
//! a half-written gazetteer, since it is swapped in whole.
//!
//! The lock is `flock` (`LockFileEx` on Windows) through `fs4`: the
//! standard library's `File::try_lock` needs Rust 1.89, and the crate
//! builds with 1.85. This file knows nothing of what is written under the
//! lock.

use std::fs::File;
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

use super::install::sibling;
use crate::error::{Error, Result};

/// The lock on a gazetteer directory, held until dropped.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
    path: PathBuf,
}

impl WriteLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Takes the lock on the gazetteer directory `dest`, or fails at once,
/// saying so, when another process holds it.
pub fn lock(dest: &Path) -> Result<WriteLock> {
    let path = sibling(dest, "lock");
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock_exclusive() {
        Ok(true) => Ok(WriteLock { _file: file, path }),
        Ok(false) => Err(Error::Invalid(format!(
            "{}: another `geomention gazetteer refresh` or `build` is writing this gazetteer \
             (it holds {}); wait for it to finish",
            dest.display(),
            path.display()
        ))),
        Err(e) => Err(Error::io(&path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_until_the_first_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("gazetteer");
        let first = lock(&dest).unwrap();
        assert_eq!(first.path(), dir.path().join("gazetteer.lock"));
        let refused = lock(&dest).unwrap_err().to_string();
        assert!(
            refused.contains("another `geomention gazetteer refresh`"),
            "{refused}"
        );
        drop(first);
        assert!(lock(&dest).is_ok());
    }
}
