//! The library's errors as Python exceptions: a file that cannot be read
//! is an `OSError` (`FileNotFoundError` when it is missing), anything else
//! a user gave (a gazetteer directory that is not one, a bad argument) a
//! `ValueError`, each with the library's one-line message naming the file,
//! line or field.

use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyValueError};
use pyo3::PyErr;

/// `e` as the Python exception a caller would expect.
pub fn to_py(e: geomention::Error) -> PyErr {
    let message = e.to_string();
    match e {
        geomention::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(message)
        }
        geomention::Error::Io { .. } => PyOSError::new_err(message),
        _ => PyValueError::new_err(message),
    }
}
