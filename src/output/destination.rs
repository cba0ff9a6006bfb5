//! Where output goes: standard output, or a file that appears only once it
//! is whole. A file is written to a temporary sibling, synced, and renamed
//! over the target, so an interrupted or failed run leaves the old file (or
//! none) rather than half a map.
//!
//! Syncing a map of hundreds of megabytes at the end would make the run
//! wait for the disk to take all of it at once (1.2 s for 500 MB here,
//! with every core idle). So the temporary file is synced *behind* the
//! writer: every [`SYNC_EVERY`] bytes, a helper thread asks the kernel to
//! write out what is there while the run goes on, and the final sync waits
//! only for the last stretch. A disk error that a background sync meets
//! fails the commit, as the final sync's would.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// How many bytes are written between background syncs.
pub const SYNC_EVERY: u64 = 16 << 20;

/// Where output goes: standard output, or a temporary file beside the
/// target that [`Destination::commit`] renames over it. Dropped without a
/// commit (a failed run), the temporary file is removed and the target is
/// left as it was.
pub struct Destination {
    sink: Sink,
    /// How errors name this destination.
    label: PathBuf,
}

enum Sink {
    Stdout(BufWriter<io::Stdout>),
    File {
        tmp: BufWriter<SyncedBehind>,
        path: PathBuf,
    },
}

impl Destination {
    /// Standard output when `path` is `None` or `-`, else a temporary
    /// sibling of `path`, created now so that an unwritable directory fails
    /// the run before any work is done.
    pub fn create(path: Option<&Path>) -> Result<Destination> {
        match path.filter(|p| p.as_os_str() != "-") {
            None => Ok(Destination {
                sink: Sink::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())),
                label: "<stdout>".into(),
            }),
            Some(path) => {
                let tmp = temp_file_beside(path)?;
                Ok(Destination {
                    sink: Sink::File {
                        tmp: BufWriter::with_capacity(1 << 16, SyncedBehind::new(tmp, SYNC_EVERY)),
                        path: path.to_path_buf(),
                    },
                    label: path.to_path_buf(),
                })
            }
        }
    }

    /// True when output goes to standard output, where a reader may be
    /// waiting for each feature.
    pub fn is_stdout(&self) -> bool {
        matches!(self.sink, Sink::Stdout(_))
    }

    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        match &mut self.sink {
            Sink::Stdout(w) => w,
            Sink::File { tmp, .. } => tmp,
        }
    }

    pub(crate) fn io(&self, e: io::Error) -> Error {
        Error::io(&self.label, e)
    }

    /// Flushes buffered output (to standard output: so a reader sees it now).
    pub fn flush(&mut self) -> Result<()> {
        self.writer().flush().map_err(|e| self.io(e))
    }

    /// Flushes everything and, for a file, syncs it and renames it over
    /// the target.
    pub fn commit(self) -> Result<()> {
        match self.sink {
            Sink::Stdout(mut w) => w.flush().map_err(|e| Error::io(&self.label, e)),
            Sink::File { tmp, path } => {
                let behind = tmp
                    .into_inner()
                    .map_err(|e| Error::io(&path, e.into_error()))?;
                let tmp = behind.finish().map_err(|e| Error::io(&path, e))?;
                tmp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
                tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
                Ok(())
            }
        }
    }
}

/// A temporary file in `path`'s directory, to be renamed over `path` once
/// it is whole. It gets the permissions a new file normally gets (0666
/// minus the umask), or those of the file it will replace, so that a map
/// is readable by whoever could read the one before: a temporary file is
/// otherwise created private (0600).
pub fn temp_file_beside(path: &Path) -> Result<NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".geomention-").suffix(".tmp");
    let replaced = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created with 0666: the kernel takes the umask off, as for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    if let Some(permissions) = replaced {
        (tmp.as_file().set_permissions(permissions)).map_err(|e| Error::io(tmp.path(), e))?;
    }
    Ok(tmp)
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

impl super::Target for Destination {
    fn label(&self) -> &Path {
        &self.label
    }

    fn commit(self) -> Result<()> {
        Destination::commit(self)
    }

    fn is_stream(&self) -> bool {
        self.is_stdout()
    }
}

/// A temporary file whose data is synced to disk in the background, a
/// stretch at a time, while more is written.
struct SyncedBehind {
    file: NamedTempFile,
    every: u64,
    /// Bytes written since the last sync was asked for.
    unsynced: u64,
    /// Started at the first request, so small outputs need no thread.
    syncer: Option<Syncer>,
}

/// The helper thread that syncs, and how to ask it to.
struct Syncer {
    requests: mpsc::Sender<()>,
    /// The first error a sync met, if any.
    done: JoinHandle<io::Result<()>>,
}

impl SyncedBehind {
    fn new(file: NamedTempFile, every: u64) -> SyncedBehind {
        SyncedBehind {
            file,
            every,
            unsynced: 0,
            syncer: None,
        }
    }

    /// Asks the helper to sync what has been written so far, starting it
    /// the first time. Requests that pile up while a sync runs are served
    /// by one sync.
    fn request_sync(&mut self) -> io::Result<()> {
        if self.syncer.is_none() {
            let file: File = self.file.as_file().try_clone()?;
            let (requests, pending) = mpsc::channel::<()>();
            let done = std::thread::Builder::new()
                .name("geomention-sync".into())
                .spawn(move || {
                    while pending.recv().is_ok() {
                        while pending.try_recv().is_ok() {}
                        file.sync_data()?;
                    }
                    Ok(())
                })?;
            self.syncer = Some(Syncer { requests, done });
        }
        if let Some(s) = &self.syncer {
            // A helper that stopped has an error to report: `finish` does.
            let _ = s.requests.send(());
        }
        Ok(())
    }

    /// Waits for the syncs under way and hands back the file, or the first
    /// error a sync met.
    fn finish(self) -> io::Result<NamedTempFile> {
        if let Some(Syncer { requests, done }) = self.syncer {
            drop(requests);
            done.join()
                .map_err(|_| io::Error::other("the background sync thread panicked"))??;
        }
        Ok(self.file)
    }
}

impl Write for SyncedBehind {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n as u64;
        if self.unsynced >= self.every {
            self.unsynced = 0;
            self.request_sync()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Writes a file through a temporary sibling that is renamed over `path`
/// only once everything was written and flushed.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let mut dest = Destination::create(Some(path))?;
    fill(dest.writer()).map_err(|e| Error::io(path, e))?;
    dest.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.geojson");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let mut dest = Destination::create(Some(&path)).unwrap();
        dest.write_all(b"new").unwrap();
        dest.commit().unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn a_file_synced_behind_holds_every_byte_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let mut w = SyncedBehind::new(NamedTempFile::new_in(dir.path()).unwrap(), 1000);
        let mut expected = Vec::new();
        for i in 0..500u32 {
            let chunk = vec![(i % 251) as u8; (i as usize * 7) % 97 + 1];
            w.write_all(&chunk).unwrap();
            expected.extend_from_slice(&chunk);
        }
        assert!(w.syncer.is_some(), "syncs were asked for along the way");
        let tmp = w.finish().unwrap();
        tmp.persist(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }

    #[test]
    fn a_small_output_starts_no_sync_thread() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SyncedBehind::new(NamedTempFile::new_in(dir.path()).unwrap(), 1 << 20);
        w.write_all(b"{}").unwrap();
        assert!(w.syncer.is_none());
        w.finish().unwrap();
    }

    #[test]
    fn a_destination_dropped_uncommitted_leaves_nothing_after_syncs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.geojson");
        std::fs::write(&path, "old").unwrap();
        {
            let mut dest = Destination::create(Some(&path)).unwrap();
            let block = vec![b'x'; 1 << 20];
            for _ in 0..(SYNC_EVERY >> 20) + 2 {
                dest.writer().write_all(&block).unwrap();
            }
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.geojson")]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    }
}
