//! Reading a run's inputs as documents, one at a time and in input order:
//! which files an argument means, plain-text files and JSON Lines,
//! decoding, and what makes a document bad.
//!
//! Owns turning bytes into [`Part`]s and [`Problem`]s. Does not own running
//! the pipeline on them or writing anything (see [`super::run`]).
//!
//! Directories are walked lazily, each directory's entries sorted by name,
//! which gives the same order as sorting every path (Rust compares paths
//! component by component) without holding the whole list. Symbolic links
//! are followed, except one that leads back to a directory the walk is
//! inside (a loop), which is reported. Only regular files are read: a named
//! pipe or a device, named as an input or met in a walk, is reported
//! rather than opened (opening a pipe waits for a writer that may never
//! come, and a device may never end).
//!
//! A document is never held whole when it is large: a text file is read in
//! segments of at most [`ReadOptions::segment_bytes`] (4 MiB by default),
//! cut at a paragraph break, else a line break, else a space, and each
//! segment goes through the pipeline as one [`Part`] of the document. Memory
//! for a 1 GB file is a few segments, not a gigabyte (nor the five the
//! folded text and its offset table would take). The cost: a place is
//! resolved with the context of its segment, not of the whole gigabyte.
//! A JSON Lines record is parsed whole (a 1 GB line costs about twice its
//! size), then its text is cut into parts the same way; a line longer than
//! [`ReadOptions::max_line_bytes`] (256 MiB by default) is reported and
//! skipped as it streams past, never held.

use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crate::document::{date_field, stated_date, Document};

/// One input argument of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A text file, a directory (every `.txt`/`.md` inside, recursively) or
    /// `-` for standard input: one document per file.
    Text(PathBuf),
    /// A JSON Lines file or `-`: one document per line.
    Jsonl(PathBuf),
}

/// What to do with text that is not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidUtf8 {
    /// Replace bad bytes with U+FFFD and warn.
    Lossy,
    /// Skip the document.
    Skip,
}

/// Which JSON fields hold a record's id, text and date.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonlFields {
    pub id: String,
    pub text: String,
    pub date: String,
    pub title: String,
    pub url: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            id: "id".into(),
            text: "text".into(),
            date: "date".into(),
            title: "title".into(),
            url: "url".into(),
        }
    }
}

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub invalid_utf8: InvalidUtf8,
    pub fields: JsonlFields,
    /// Documents longer than this many bytes are processed in parts.
    pub segment_bytes: usize,
    /// A JSON Lines line longer than this many bytes (its newline not
    /// counted) is reported and skipped without being read into memory.
    pub max_line_bytes: usize,
}

/// The default [`ReadOptions::max_line_bytes`]: 256 MiB.
pub const MAX_LINE_BYTES: usize = 256 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            invalid_utf8: InvalidUtf8::Lossy,
            fields: JsonlFields::default(),
            segment_bytes: 4 << 20,
            max_line_bytes: MAX_LINE_BYTES,
        }
    }
}

/// A document, or one segment of a large one, ready for the pipeline.
#[derive(Debug, Clone)]
pub struct Part {
    /// The document's id and date, with this segment as its text.
    pub doc: Document,
    /// Starts a document.
    pub first: bool,
    /// Ends a document.
    pub last: bool,
    /// Code points of the document before this part.
    pub char_offset: usize,
    /// Input bytes this part accounts for (for progress).
    pub bytes: u64,
}

/// Why a document (or a JSON line) was skipped or read with a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// Not UTF-8; read with replacement characters (a warning, not a skip).
    DecodedLossily,
    /// Not UTF-8; skipped as asked.
    NotUtf8,
    /// Holds NUL bytes: not text.
    Binary,
    /// No text at all.
    Empty,
    /// A JSON Lines line that is not a JSON object.
    NotJson,
    /// A JSON object without a string in the text field.
    NoText,
    /// A JSON Lines line longer than [`ReadOptions::max_line_bytes`].
    TooLong,
    /// Could not be read.
    Unreadable,
    /// The pipeline failed on it (a bug: please report it).
    Failed,
}

impl ProblemKind {
    /// False only for warnings: the document was still mapped.
    pub fn skips(self) -> bool {
        self != ProblemKind::DecodedLossily
    }

    /// A short plural noun phrase for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            ProblemKind::DecodedLossily => "decoded lossily (not UTF-8)",
            ProblemKind::NotUtf8 => "not UTF-8",
            ProblemKind::Binary => "binary",
            ProblemKind::Empty => "empty",
            ProblemKind::NotJson => "not JSON",
            ProblemKind::NoText => "without text",
            ProblemKind::TooLong => "too long",
            ProblemKind::Unreadable => "unreadable",
            ProblemKind::Failed => "failed",
        }
    }
}

/// One bad document, located by file (and line, for JSON Lines).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{location}: {detail}")]
pub struct Problem {
    /// `FILE` or `FILE:LINE`.
    pub location: String,
    pub kind: ProblemKind,
    pub detail: String,
}

impl Problem {
    fn new(location: impl Into<String>, kind: ProblemKind, detail: impl Into<String>) -> Self {
        Problem {
            location: location.into(),
            kind,
            detail: detail.into(),
        }
    }
}

/// What reading yields, in input order.
#[derive(Debug)]
pub enum Event {
    Part(Part),
    Problem(Problem),
    /// Everything read so far has been handed over, and the next read may
    /// wait for its source (a pipe that a producer writes as it goes): work
    /// that gathers parts should start on the ones it holds rather than
    /// wait for more.
    Waiting,
}

/// Checks that every named input exists and is a file or a directory, so
/// a typo, or a pipe or device named where a file was meant, fails the
/// run before any work (exit 2) rather than as one skipped document (or a
/// run that waits forever).
pub fn check_inputs(inputs: &[Input]) -> crate::Result<()> {
    for input in inputs {
        let (Input::Text(p) | Input::Jsonl(p)) = input;
        if p.as_os_str() != "-" {
            let meta = std::fs::metadata(p).map_err(|e| crate::Error::io(p, e))?;
            if let Some(what) = special_file(&meta.file_type()) {
                return Err(crate::Error::Invalid(format!(
                    "{}: is {what}, not a file or directory; to read from a pipe, \
                     give - and redirect it to standard input",
                    p.display()
                )));
            }
        }
    }
    Ok(())
}

/// What a file that is neither a regular file nor a directory is ("a named
/// pipe (FIFO)", "a character device" ...), or `None` for those two.
fn special_file(kind: &std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// A problem for `path` if it is a pipe, device or socket: such a file is
/// reported, never opened.
fn not_a_file(path: &Path, label: &str) -> Option<Problem> {
    let meta = std::fs::metadata(path).ok()?;
    let what = special_file(&meta.file_type())?;
    Some(Problem::new(
        label,
        ProblemKind::Unreadable,
        format!("is {what}, not a file"),
    ))
}

/// Total size in bytes of the inputs, or `None` when one is standard input.
/// Walks directories; meant for a progress bar's length.
pub fn total_bytes(inputs: &[Input]) -> Option<u64> {
    let mut total = 0;
    for input in inputs {
        let (Input::Text(p) | Input::Jsonl(p)) = input;
        if p.as_os_str() == "-" {
            return None;
        }
        match input {
            Input::Text(p) if p.is_dir() => {
                for (path, _) in Walk::new(p).flatten() {
                    total += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                }
            }
            _ if std::fs::metadata(p).is_ok_and(|m| !m.is_file()) => {}
            _ => total += std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        }
    }
    Some(total)
}

/// Reads every input in order, handing each part and problem to `emit`,
/// which returns `Break` to stop early (the output failed).
pub fn read_inputs(
    inputs: &[Input],
    options: &ReadOptions,
    emit: &mut dyn FnMut(Event) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let reader = Reader { options, emit };
    reader.inputs(inputs)
}

struct Reader<'a> {
    options: &'a ReadOptions,
    emit: &'a mut dyn FnMut(Event) -> ControlFlow<()>,
}

impl Reader<'_> {
    fn inputs(mut self, inputs: &[Input]) -> ControlFlow<()> {
        for input in inputs {
            match input {
                Input::Text(p) if p.as_os_str() == "-" => self.text_file(None, "-".into())?,
                Input::Text(p) if p.is_dir() => {
                    for entry in Walk::new(p) {
                        match entry {
                            Ok((path, id)) => self.text_file(Some(&path), id)?,
                            Err(problem) => (self.emit)(Event::Problem(problem))?,
                        }
                    }
                }
                Input::Text(p) => self.text_file(Some(p), p.to_string_lossy().into_owned())?,
                Input::Jsonl(p) => self.jsonl(p)?,
            }
        }
        ControlFlow::Continue(())
    }

    fn problem(&mut self, p: Problem) -> ControlFlow<()> {
        (self.emit)(Event::Problem(p))
    }

    /// One text file (or standard input) as one document, in segments.
    fn text_file(&mut self, path: Option<&Path>, id: String) -> ControlFlow<()> {
        let label = path.map_or("<stdin>".to_string(), |p| p.display().to_string());
        if let Some(problem) = path.and_then(|p| not_a_file(p, &label)) {
            return self.problem(problem);
        }
        let mut source: Box<dyn Read> = match path {
            None => Box::new(std::io::stdin().lock()),
            Some(p) => match std::fs::File::open(p) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    return self.problem(Problem::new(
                        label,
                        ProblemKind::Unreadable,
                        e.to_string(),
                    ))
                }
            },
        };
        let segment = self.options.segment_bytes.max(64);
        let mut pending = Vec::new();
        let mut consumed = 0u64;
        let mut char_offset = 0;
        let mut date = None;
        let mut first = true;
        loop {
            let eof = match fill(&mut source, &mut pending, segment) {
                Ok(eof) => eof,
                Err(e) => {
                    let detail = if first {
                        e.to_string()
                    } else {
                        format!("{e} (document cut at byte {consumed})")
                    };
                    return self.problem(Problem::new(label, ProblemKind::Unreadable, detail));
                }
            };
            if first && pending.iter().all(u8::is_ascii_whitespace) && eof {
                return self.problem(Problem::new(label, ProblemKind::Empty, "empty document"));
            }
            if first && memchr::memchr(0, &pending).is_some() {
                return self.problem(Problem::new(
                    label,
                    ProblemKind::Binary,
                    "binary file (NUL bytes)",
                ));
            }
            let cut = if eof {
                pending.len()
            } else {
                cut_point(&pending)
            };
            let rest = pending.split_off(cut);
            let bytes = std::mem::replace(&mut pending, rest);
            let len = bytes.len() as u64;
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let at = consumed + e.utf8_error().valid_up_to() as u64;
                    match self.options.invalid_utf8 {
                        InvalidUtf8::Lossy => {
                            self.problem(Problem::new(
                                &label,
                                ProblemKind::DecodedLossily,
                                format!("not UTF-8 (invalid byte at offset {at}), decoded with replacement characters"),
                            ))?;
                            String::from_utf8_lossy(e.as_bytes()).into_owned()
                        }
                        InvalidUtf8::Skip => {
                            let cut = if first {
                                ""
                            } else {
                                "; the document is cut there"
                            };
                            return self.problem(Problem::new(
                                label,
                                ProblemKind::NotUtf8,
                                format!("not UTF-8 (invalid byte at offset {at}){cut}"),
                            ));
                        }
                    }
                }
            };
            consumed += len;
            let doc = if first {
                Document::new(id.clone(), text)
            } else {
                Document {
                    text,
                    date: date.clone(),
                    ..Document::new(id.clone(), "")
                }
            };
            date = doc.date.clone();
            let chars = if eof { 0 } else { doc.text.chars().count() };
            (self.emit)(Event::Part(Part {
                doc,
                first,
                last: eof,
                char_offset,
                bytes: len,
            }))?;
            if eof {
                return ControlFlow::Continue(());
            }
            char_offset += chars;
            first = false;
        }
    }

    /// A JSON Lines file (or standard input): one document per line.
    fn jsonl(&mut self, path: &Path) -> ControlFlow<()> {
        let stdin = path.as_os_str() == "-";
        let label = if stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        if let Some(problem) = (!stdin).then(|| not_a_file(path, &label)).flatten() {
            return self.problem(problem);
        }
        let source: Box<dyn Read> = if stdin {
            Box::new(std::io::stdin().lock())
        } else {
            match std::fs::File::open(path) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    return self.problem(Problem::new(
                        label,
                        ProblemKind::Unreadable,
                        e.to_string(),
                    ))
                }
            }
        };
        let mut lines = BufReader::with_capacity(1 << 16, source);
        let mut line = Vec::new();
        let mut number = 0usize;
        let max = self.options.max_line_bytes;
        loop {
            line.clear();
            match read_line_within(&mut lines, &mut line, max) {
                Ok(Line::End) => return ControlFlow::Continue(()),
                Ok(Line::Read) => {}
                Ok(Line::TooLong { bytes }) => {
                    number += 1;
                    let at = format!("{label}:{number}");
                    self.problem(Problem::new(
                        at,
                        ProblemKind::TooLong,
                        format!(
                            "line of {bytes} bytes, longer than the {max} allowed \
                             (--max-line-bytes); skipped unread"
                        ),
                    ))?;
                    continue;
                }
                Err(e) => {
                    let at = format!("{label}:{}", number + 1);
                    return self.problem(Problem::new(at, ProblemKind::Unreadable, e.to_string()));
                }
            }
            number += 1;
            let bytes = line.len() as u64;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let at = format!("{label}:{number}");
            let text = match std::str::from_utf8(&line) {
                Ok(t) => std::borrow::Cow::Borrowed(t),
                Err(e) => {
                    let offset = e.valid_up_to();
                    match self.options.invalid_utf8 {
                        InvalidUtf8::Lossy => {
                            self.problem(Problem::new(
                                &at,
                                ProblemKind::DecodedLossily,
                                format!("not UTF-8 (invalid byte at column {}), decoded with replacement characters", offset + 1),
                            ))?;
                            String::from_utf8_lossy(&line)
                        }
                        InvalidUtf8::Skip => {
                            self.problem(Problem::new(
                                at,
                                ProblemKind::NotUtf8,
                                format!("not UTF-8 (invalid byte at column {})", offset + 1),
                            ))?;
                            continue;
                        }
                    }
                }
            };
            match record(&text, &self.options.fields, &at) {
                Ok(r) => {
                    let mut doc = Document::new(r.id, String::new());
                    doc.date = r.date.or_else(|| stated_date(&r.text));
                    doc.title = r.title;
                    doc.url = r.url;
                    self.text_in_memory(doc, r.text, bytes)?
                }
                Err(p) => self.problem(p)?,
            }
            if lines.buffer().is_empty() {
                (self.emit)(Event::Waiting)?;
            }
        }
    }

    /// A document whose text is already in memory, cut into parts when
    /// large: `doc` without its text, and the text.
    fn text_in_memory(&mut self, doc: Document, text: String, bytes: u64) -> ControlFlow<()> {
        let emit = &mut self.emit;
        let segment_bytes = self.options.segment_bytes;
        parts_in_memory(doc, text, bytes, segment_bytes, &mut |part| {
            emit(Event::Part(part))
        })
    }
}

/// The parts of a document whose text is already in memory: `doc` without
/// its text, and the text, cut into segments of at most `segment_bytes`
/// (one part when it is no longer), handed to `emit` in order. `bytes` is
/// how many input bytes the document accounts for.
pub(super) fn parts_in_memory(
    mut doc: Document,
    text: String,
    bytes: u64,
    segment_bytes: usize,
    emit: &mut dyn FnMut(Part) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let segment = segment_bytes.max(64);
    if text.len() <= segment {
        doc.text = text;
        return emit(Part {
            doc,
            first: true,
            last: true,
            char_offset: 0,
            bytes,
        });
    }
    let mut start = 0;
    let mut char_offset = 0;
    while start < text.len() {
        let end = if text.len() - start <= segment {
            text.len()
        } else {
            start + cut_point(&text.as_bytes()[start..start + segment])
        };
        let piece = &text[start..end];
        let last = end == text.len();
        emit(Part {
            doc: Document {
                text: piece.to_string(),
                ..doc.clone()
            },
            first: start == 0,
            last,
            char_offset,
            bytes: if last {
                bytes.saturating_sub(start as u64)
            } else {
                piece.len() as u64
            },
        })?;
        char_offset += piece.chars().count();
        start = end;
    }
    ControlFlow::Continue(())
}

/// What a JSON Lines record gives a document.
#[derive(Debug)]
struct Record {
    id: String,
    text: String,
    date: Option<String>,
    title: Option<String>,
    url: Option<String>,
}

/// The fields of one JSON Lines record. A record without an id gets
/// `FILE:LINE`; a `date` field wins over a date line in the text.
fn record(line: &str, fields: &JsonlFields, at: &str) -> Result<Record, Problem> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(line);
    let object = RecordSeed(fields)
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r))
        .map_err(|e| Problem::new(at, ProblemKind::NotJson, format!("not a JSON object: {e}")))?;
    let text = match object.text {
        Some(serde_json::Value::String(t)) => t,
        Some(_) => {
            let detail = format!("field {:?} is not a string", fields.text);
            return Err(Problem::new(at, ProblemKind::NoText, detail));
        }
        None => {
            let detail = format!("no {:?} field", fields.text);
            return Err(Problem::new(at, ProblemKind::NoText, detail));
        }
    };
    if text.trim().is_empty() {
        return Err(Problem::new(at, ProblemKind::Empty, "empty text"));
    }
    let id = match object.id {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => at.to_string(),
    };
    let date = match object.date {
        Some(serde_json::Value::String(s)) => date_field(&s),
        _ => None,
    };
    let string = |v: Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    };
    Ok(Record {
        id,
        text,
        date,
        title: string(object.title),
        url: string(object.url),
    })
}

/// The configured fields of one JSON Lines record; every other field is
/// skipped unread (a scraped record may carry the whole HTML page). As in
/// a JSON object read whole, the last of repeated keys wins.
#[derive(Default)]
struct RecordFields {
    text: Option<serde_json::Value>,
    id: Option<serde_json::Value>,
    date: Option<serde_json::Value>,
    title: Option<serde_json::Value>,
    url: Option<serde_json::Value>,
}

struct RecordSeed<'f>(&'f JsonlFields);

impl<'de> serde::de::DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = RecordFields;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<RecordFields, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RecordSeed<'_> {
    type Value = RecordFields;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RecordFields, A::Error> {
        let mut record = RecordFields::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = if key == self.0.text {
                &mut record.text
            } else if key == self.0.id {
                &mut record.id
            } else if key == self.0.date {
                &mut record.date
            } else if key == self.0.title {
                &mut record.title
            } else if key == self.0.url {
                &mut record.url
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            };
            *slot = Some(map.next_value()?);
        }
        Ok(record)
    }
}

/// What [`read_line_within`] found.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// The input ended before another line.
    End,
    /// A line (with its newline, if it had one) is in the buffer.
    Read,
    /// A line of this many bytes (newline not counted) went past the
    /// limit; the buffer is empty and the input is at the next line.
    TooLong { bytes: u64 },
}

/// Reads one line into `line`, as `BufRead::read_until` does, unless it
/// is longer than `max` bytes: then the rest of it is read past, a buffer
/// at a time, and only its length is kept.
fn read_line_within(
    source: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Line> {
    let mut too_long: Option<u64> = None;
    loop {
        let buf = match source.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(match too_long {
                Some(bytes) => Line::TooLong { bytes },
                None if line.is_empty() => Line::End,
                None => Line::Read,
            });
        }
        let (taken, ends) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let content = taken - usize::from(ends);
        match &mut too_long {
            Some(bytes) => *bytes += content as u64,
            None if line.len() + content > max => {
                too_long = Some((line.len() + content) as u64);
                *line = Vec::new();
            }
            None => line.extend_from_slice(&buf[..taken]),
        }
        source.consume(taken);
        if ends {
            return Ok(match too_long {
                Some(bytes) => Line::TooLong { bytes },
                None => Line::Read,
            });
        }
    }
}

/// Reads until `buf` holds `want` bytes or the input ends; true at the end.
fn fill(source: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    if buf.len() >= want {
        return Ok(false);
    }
    source.take((want - buf.len()) as u64).read_to_end(buf)?;
    Ok(buf.len() < want)
}

/// Where to cut a full segment: after the last paragraph break in its second
/// half, else the last line break, else the last space, else before the
/// last character (never inside a UTF-8 sequence). Snippets never cross a
/// line, so a cut at a line break changes no snippet.
fn cut_point(buf: &[u8]) -> usize {
    let half = buf.len() / 2;
    let tail = &buf[half..];
    if let Some(i) = memchr::memmem::rfind(tail, b"\n\n") {
        return half + i + 2;
    }
    if let Some(i) = memchr::memrchr(b'\n', tail) {
        return half + i + 1;
    }
    if let Some(i) = memchr::memrchr2(b' ', b'\t', tail) {
        return half + i + 1;
    }
    (half.max(1)..buf.len())
        .rev()
        .find(|&i| buf[i] & 0xC0 != 0x80)
        .unwrap_or(buf.len())
}

/// Files under a directory in a stable order, lazily: `walkdir` with each
/// directory's entries sorted by name, following symbolic links but not
/// loops. Yields `(path, id)` where the id is the path relative to the
/// root, with `/` separators, or the problem met: a loop, a directory
/// that cannot be read, a pipe or device named like a text file.
struct Walk {
    root: PathBuf,
    entries: walkdir::IntoIter,
}

impl Walk {
    fn new(root: &Path) -> Walk {
        Walk {
            root: root.to_path_buf(),
            entries: walkdir::WalkDir::new(root)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter(),
        }
    }

    fn is_text_name(path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
    }

    fn problem(e: &walkdir::Error) -> Problem {
        let path = e.path().unwrap_or(Path::new("?")).display().to_string();
        let detail = match (e.loop_ancestor(), e.io_error()) {
            (Some(ancestor), _) => format!(
                "a symbolic link back to {}, a directory it is inside: not followed",
                ancestor.display()
            ),
            (None, Some(io)) => io.to_string(),
            (None, None) => e.to_string(),
        };
        Problem::new(path, ProblemKind::Unreadable, detail)
    }
}

impl Iterator for Walk {
    type Item = Result<(PathBuf, String), Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let entry = match self.entries.next()? {
                Ok(entry) => entry,
                Err(e) => return Some(Err(Walk::problem(&e))),
            };
            let kind = entry.file_type();
            if kind.is_dir() || !Walk::is_text_name(entry.path()) {
                continue;
            }
            let path = entry.into_path();
            if let Some(what) = special_file(&kind) {
                let detail = format!("is {what}, not a file");
                let label = path.display().to_string();
                return Some(Err(Problem::new(label, ProblemKind::Unreadable, detail)));
            }
            let id = path
                .strip_prefix(&self.root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            return Some(Ok((path, id)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(inputs: &[Input], options: &ReadOptions) -> Vec<Event> {
        let mut events = Vec::new();
        let _ = read_inputs(inputs, options, &mut |e| {
            events.push(e);
            ControlFlow::Continue(())
        });
        events
    }

    fn parts(events: &[Event]) -> Vec<&Part> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Part(p) => Some(p),
                Event::Problem(_) | Event::Waiting => None,
            })
            .collect()
    }

    #[test]
    fn cut_prefers_paragraphs_then_lines_then_spaces() {
        assert_eq!(cut_point(b"aaaa bbbb cc\n\ncc dd\ndd"), 14);
        assert_eq!(cut_point(b"aaaa bbbb cccc\ndddd"), 15);
        assert_eq!(cut_point(b"aaaa bbbb cccc dddd"), 15);
        let s = "ééééé".as_bytes();
        let c = cut_point(s);
        assert!(std::str::from_utf8(&s[..c]).is_ok() && c < s.len());
    }

    #[test]
    fn large_documents_are_read_in_parts_with_running_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let para = "date 2024-05-17\nShelling hit Kharkiv.\n\nKyiv – calm.\n\n";
        std::fs::write(&path, para.repeat(50)).unwrap();
        let options = ReadOptions {
            segment_bytes: 100,
            ..Default::default()
        };
        let events = read(&[Input::Text(path)], &options);
        let parts = parts(&events);
        assert!(parts.len() > 5);
        assert!(parts[0].first && !parts[0].last && parts.last().unwrap().last);
        let mut whole = String::new();
        for p in &parts {
            assert_eq!(p.char_offset, whole.chars().count());
            assert_eq!(p.doc.date.as_deref(), Some("2024-05-17"));
            whole.push_str(&p.doc.text);
        }
        assert_eq!(whole, para.repeat(50));
    }

    #[test]
    fn large_jsonl_texts_are_cut_the_same_way() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        let text = "Kharkiv is shelled. ".repeat(40);
        std::fs::write(
            &path,
            serde_json::json!({"id": 7, "text": text}).to_string(),
        )
        .unwrap();
        let options = ReadOptions {
            segment_bytes: 100,
            ..Default::default()
        };
        let events = read(&[Input::Jsonl(path)], &options);
        let parts = parts(&events);
        assert!(parts.len() > 5);
        assert!(parts.iter().all(|p| p.doc.id == "7"));
        let whole: String = parts.iter().map(|p| p.doc.text.as_str()).collect();
        assert_eq!(whole, text);
    }

    #[test]
    fn jsonl_records_take_configured_fields() {
        let fields = JsonlFields {
            id: "guid".into(),
            text: "body".into(),
            date: "published".into(),
            title: "headline".into(),
            ..JsonlFields::default()
        };
        let r = record(
            r#"{"guid":"a1","body":"Kyiv","published":"2024-05-17T08:00:00Z","headline":"Kyiv news","url":"https://example.org/a1"}"#,
            &fields,
            "f:1",
        )
        .unwrap();
        assert_eq!(
            (r.id.as_str(), r.text.as_str(), r.date.as_deref()),
            ("a1", "Kyiv", Some("2024-05-17"))
        );
        assert_eq!(r.title.as_deref(), Some("Kyiv news"));
        assert_eq!(r.url.as_deref(), Some("https://example.org/a1"));
        let e = record(r#"{"guid":"a1"}"#, &fields, "f:2").unwrap_err();
        assert_eq!(e.kind, ProblemKind::NoText);
        let e = record("[1]", &fields, "f:3").unwrap_err();
        assert_eq!(e.kind, ProblemKind::NotJson);
    }

    #[test]
    fn a_line_past_the_limit_is_measured_not_kept() {
        let text = format!("short\n{}\nlast", "x".repeat(100_000));
        // A small buffer, so that the long line spans many reads.
        let mut source = BufReader::with_capacity(64, text.as_bytes());
        let mut line = Vec::new();
        let mut read = || {
            line.clear();
            let got = read_line_within(&mut source, &mut line, 1000).unwrap();
            (got, String::from_utf8(line.clone()).unwrap())
        };
        assert_eq!(read(), (Line::Read, "short\n".to_string()));
        assert_eq!(read(), (Line::TooLong { bytes: 100_000 }, String::new()));
        assert_eq!(read(), (Line::Read, "last".to_string()));
        assert_eq!(read(), (Line::End, String::new()));
        let mut exact = BufReader::new(&b"abc\nabcd"[..]);
        let mut line = Vec::new();
        assert_eq!(
            read_line_within(&mut exact, &mut line, 3).unwrap(),
            Line::Read
        );
        line.clear();
        assert_eq!(
            read_line_within(&mut exact, &mut line, 3).unwrap(),
            Line::TooLong { bytes: 4 }
        );
    }

    #[test]
    fn a_long_jsonl_line_is_reported_and_the_next_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        let long = serde_json::json!({"id": "long", "text": "Kyiv ".repeat(1000)});
        let short = serde_json::json!({"id": "short", "text": "Kyiv"});
        std::fs::write(&path, format!("{long}\n{short}\n")).unwrap();
        let options = ReadOptions {
            max_line_bytes: 1000,
            ..Default::default()
        };
        let events = read(&[Input::Jsonl(path)], &options);
        let problems: Vec<&Problem> = events
            .iter()
            .filter_map(|e| match e {
                Event::Problem(p) => Some(p),
                _ => None,
            })
            .collect();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::TooLong);
        assert!(
            problems[0].location.ends_with("a.jsonl:1"),
            "{:?}",
            problems[0]
        );
        let parts = parts(&events);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].doc.id, "short");
    }

    #[cfg(unix)]
    #[test]
    fn a_walk_follows_links_but_not_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        std::fs::write(root.join("a/x.txt"), "x").unwrap();
        std::fs::write(dir.path().join("elsewhere/y.txt"), "y").unwrap();
        std::os::unix::fs::symlink(&root, root.join("a/loop")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), root.join("b")).unwrap();
        let found: Vec<Result<String, String>> = Walk::new(&root)
            .map(|e| e.map(|(_, id)| id).map_err(|p| p.to_string()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0]
                .as_ref()
                .is_err_and(|e| e.contains("a/loop") && e.contains("symbolic link back to")),
            "{found:?}"
        );
        assert_eq!(found[1], Ok("a/x.txt".to_string()));
        assert_eq!(found[2], Ok("b/y.txt".to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn pipes_are_reported_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            panic!("mkfifo is needed for this test");
        }
        std::fs::write(dir.path().join("plain.txt"), "Kyiv").unwrap();
        // Neither in a walk nor named: opening it would wait for a writer.
        let events = read(
            &[
                Input::Text(dir.path().to_path_buf()),
                Input::Jsonl(fifo.clone()),
            ],
            &ReadOptions::default(),
        );
        let problems: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Problem(p) => Some(p.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.contains("is a named pipe (FIFO)")));
        assert_eq!(parts(&events).len(), 1);
        let err = check_inputs(&[Input::Text(fifo)]).unwrap_err().to_string();
        assert!(err.contains("pipe.txt: is a named pipe (FIFO)"), "{err}");
        assert!(check_inputs(&[Input::Text("/dev/null".into())]).is_err());
    }

    #[test]
    fn walk_is_sorted_like_whole_paths() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "b/c.txt", "b.txt", "a/z/y.md", "a.txt", "b/a.txt", "skip.pdf",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let ids: Vec<String> = Walk::new(dir.path()).map(|e| e.unwrap().1).collect();
        let mut sorted: Vec<PathBuf> = ids.iter().map(PathBuf::from).collect();
        sorted.sort();
        assert_eq!(ids, ["a/z/y.md", "a.txt", "b/a.txt", "b/c.txt", "b.txt"]);
        assert_eq!(sorted, ids.iter().map(PathBuf::from).collect::<Vec<_>>());
    }
}
