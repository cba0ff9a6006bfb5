//! Inputs of a run: which files a set of arguments means, how each becomes a
//! [`Document`], and running many documents through the pipeline.
//!
//! Directories are walked recursively for `.txt` and `.md` files in a stable
//! (sorted) order; `-` is standard input. A document's id is its path
//! relative to the argument it was found under.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::error::{Error, Result};

/// One input file and the id its document gets.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFile {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    pub id: String,
}

/// Expands arguments into input files: files as given, directories
/// recursively (`.txt`, `.md`), `-` as standard input.
pub fn collect_inputs(args: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.push(InputFile {
                path: None,
                id: "-".into(),
            });
            continue;
        }
        let meta = std::fs::metadata(arg).map_err(|e| Error::io(arg, e))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(arg, &mut files)?;
            files.sort();
            for f in files {
                let id = f
                    .strip_prefix(arg)
                    .unwrap_or(&f)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(InputFile { path: Some(f), id });
            }
        } else {
            out.push(InputFile {
                path: Some(arg.clone()),
                id: arg.to_string_lossy().into_owned(),
            });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one input as a document. Text that is not UTF-8 is an error naming
/// the file and the byte where decoding failed.
pub fn read_document(input: &InputFile) -> Result<Document> {
    let (bytes, label) = match &input.path {
        Some(p) => (std::fs::read(p).map_err(|e| Error::io(p, e))?, p.clone()),
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Error::io("<stdin>", e))?;
            (buf, PathBuf::from("<stdin>"))
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Invalid(format!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            label.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Document::new(input.id.clone(), text))
}
