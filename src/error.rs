//! The library's error type: every failure a user can cause names the file,
//! line or field it came from, so the binary can report it in one line.

use std::path::PathBuf;

/// Everything that can go wrong in geomention, with enough context to act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A data file has a malformed line or field.
    #[error("{path}:{line}: {message}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A gazetteer directory is missing files or is inconsistent.
    #[error("gazetteer {path}: {message}")]
    Gazetteer { path: PathBuf, message: String },
    /// Fetching a source file failed (HTTP error, refused redirect, dropped
    /// connection, time-out, or a page where a dump file was expected).
    #[error("{url}: {message}")]
    Download { url: String, message: String },
    /// A dump archive is corrupt, truncated, unsafe or not an archive at all.
    #[error("{name}: {message}")]
    Archive { name: String, message: String },
    /// Input that cannot be used as asked (bad argument value, bad JSON field ...).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True for a write to a pipe whose reader has gone (`geomention ... | head`):
    /// Unix tools stop quietly then.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// A malformed `line` (1-based) of `path`.
    pub fn format(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

/// The result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
