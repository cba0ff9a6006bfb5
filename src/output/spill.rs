//! Bytes a writer must hold back until the end of a run (an aggregated
//! GeoJSON map's claims come after its places, which are known only at
//! the end): kept in memory up to [`IN_MEMORY`], then in an anonymous
//! temporary file, so that memory does not grow with the corpus.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

/// How much is kept in memory before the rest goes to a file.
pub const IN_MEMORY: usize = 64 << 20;

/// Bytes written now, read back once at the end.
#[derive(Default)]
pub struct Spill {
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
    limit: Option<usize>,
}

impl Spill {
    /// A spill that keeps up to `limit` bytes in memory (default
    /// [`IN_MEMORY`]).
    #[cfg(test)]
    pub fn with_limit(limit: usize) -> Spill {
        Spill {
            limit: Some(limit),
            ..Spill::default()
        }
    }

    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(file) = &mut self.file {
            return file.write_all(bytes);
        }
        if self.memory.len() + bytes.len() <= self.limit.unwrap_or(IN_MEMORY) {
            self.memory.extend_from_slice(bytes);
            return Ok(());
        }
        let mut file = BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
        file.write_all(&self.memory)?;
        file.write_all(bytes)?;
        self.memory = Vec::new();
        self.file = Some(file);
        Ok(())
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.memory.is_empty() && self.file.is_none()
    }

    /// Copies everything written, from byte `skip` on, to `out`.
    pub fn copy_to(self, skip: usize, out: &mut dyn Write) -> io::Result<()> {
        match self.file {
            None => out.write_all(self.memory.get(skip..).unwrap_or_default()),
            Some(file) => {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.seek(io::SeekFrom::Start(skip as u64))?;
                io::copy(&mut file, out)?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_comes_back_from_memory_or_a_file() {
        for limit in [0, 10, 1 << 20] {
            let mut spill = Spill::with_limit(limit);
            let mut want = Vec::new();
            for i in 0..100u8 {
                let chunk = vec![i; usize::from(i % 7)];
                spill.write(&chunk).unwrap();
                want.extend_from_slice(&chunk);
            }
            assert_eq!(spill.file.is_some(), limit < want.len());
            let mut got = Vec::new();
            spill.copy_to(3, &mut got).unwrap();
            assert_eq!(got, want[3..]);
        }
    }
}
