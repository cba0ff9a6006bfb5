//! Reading annotated corpora: the gold JSONL format `geomention eval` scores
//! against, and the checks that make a bad line fail loudly rather than
//! skew the figures.
//!
//! One article per line:
//!
//! ```json
//! {"id": "40450848", "text": "...", "toponyms": [{"start": 0, "end": 10, "name": "Alexandria", "lat": 31.3113, "lon": -92.4451, "geonameid": 4314550}]}
//! ```
//!
//! `start`/`end` are Unicode code-point offsets (Python's `text[start:end]`),
//! and `text[start:end]` must equal `name`: an off-by-one corpus would
//! otherwise turn every exact match into a boundary error without a word.
//! `id` may be a string or a number; `geonameid` is optional; other fields
//! are ignored. Blank lines are skipped. This module does not score anything
//! (see [`super::metrics`]).

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One annotated article.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldArticle {
    /// 1-based line of the gold file it was read from.
    pub line: usize,
    pub id: String,
    pub text: String,
    /// In the order of the file.
    pub toponyms: Vec<GoldToponym>,
}

/// One annotated place mention and where it really is.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct GoldToponym {
    /// Code-point offsets into the article text.
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub geonameid: Option<u64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ArticleId {
    Text(String),
    Number(serde_json::Number),
}

#[derive(Deserialize)]
struct RawArticle {
    id: ArticleId,
    text: String,
    #[serde(default)]
    toponyms: Vec<GoldToponym>,
}

/// Reads the first `limit` articles (all without a limit) of a gold file.
pub fn read_gold(path: &Path, limit: Option<usize>) -> Result<Vec<GoldArticle>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut articles = Vec::new();
    for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
        if limit.is_some_and(|n| articles.len() >= n) {
            break;
        }
        let line = line.map_err(|e| Error::io(path, e))?;
        // Said with its line, where `lines()` would only say the file is not UTF-8.
        let line = String::from_utf8(line).map_err(|e| {
            let column = e.utf8_error().valid_up_to() + 1;
            Error::format(
                path,
                i + 1,
                format!("not UTF-8 (invalid byte at column {column})"),
            )
        })?;
        if line.trim().is_empty() {
            continue;
        }
        articles.push(parse_article(&line, i + 1).map_err(|m| Error::format(path, i + 1, m))?);
    }
    Ok(articles)
}

/// Parses and checks one line; the error is a message for [`Error::format`].
fn parse_article(line: &str, line_no: usize) -> Result<GoldArticle, String> {
    let raw: RawArticle =
        serde_json::from_str(line).map_err(|e| format!("not a gold article: {e}"))?;
    let id = match raw.id {
        ArticleId::Text(s) => s,
        ArticleId::Number(n) => n.to_string(),
    };
    // Byte offset of every code point, plus the end, for code-point slicing.
    let bounds: Vec<usize> = raw
        .text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(raw.text.len()))
        .collect();
    let chars = bounds.len() - 1;
    for (k, t) in raw.toponyms.iter().enumerate() {
        let which = format!("article {id}, toponym {k} ({:?})", t.name);
        if t.start >= t.end || t.end > chars {
            return Err(format!(
                "{which}: span start {}..end {} is not inside the text ({chars} code points)",
                t.start, t.end
            ));
        }
        let found = &raw.text[bounds[t.start]..bounds[t.end]];
        if found != t.name {
            return Err(format!(
                "{which}: text[{}:{}] is {found:?}, not the name",
                t.start, t.end
            ));
        }
        if !(-90.0..=90.0).contains(&t.lat) {
            return Err(format!("{which}: field lat {} is not in [-90, 90]", t.lat));
        }
        if !(-180.0..=180.0).contains(&t.lon) {
            return Err(format!(
                "{which}: field lon {} is not in [-180, 180]",
                t.lon
            ));
        }
    }
    Ok(GoldArticle {
        line: line_no,
        id,
        text: raw.text,
        toponyms: raw.toponyms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_code_point_offsets_past_multibyte_characters() {
        let line = r#"{"id": 7, "text": "Café in Kyiv", "toponyms": [{"start": 8, "end": 12, "name": "Kyiv", "lat": 50.45, "lon": 30.52}]}"#;
        let a = parse_article(line, 3).unwrap();
        assert_eq!(a.id, "7");
        assert_eq!(a.line, 3);
        assert_eq!(a.toponyms[0].geonameid, None);
    }

    #[test]
    fn refuses_a_span_that_does_not_spell_the_name() {
        let line = r#"{"id": "a", "text": "Café in Kyiv", "toponyms": [{"start": 7, "end": 11, "name": "Kyiv", "lat": 50.45, "lon": 30.52}]}"#;
        let e = parse_article(line, 1).unwrap_err();
        assert!(e.contains("text[7:11] is \" Kyi\""), "{e}");
    }

    #[test]
    fn refuses_a_span_outside_the_text_and_bad_coordinates() {
        let outside = r#"{"id": "a", "text": "Kyiv", "toponyms": [{"start": 0, "end": 5, "name": "Kyiv", "lat": 0, "lon": 0}]}"#;
        assert!(parse_article(outside, 1)
            .unwrap_err()
            .contains("not inside"));
        let lat = r#"{"id": "a", "text": "Kyiv", "toponyms": [{"start": 0, "end": 4, "name": "Kyiv", "lat": 95, "lon": 0}]}"#;
        assert!(parse_article(lat, 1).unwrap_err().contains("field lat"));
    }

    #[test]
    fn a_line_that_is_not_utf8_is_named_by_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gold.jsonl");
        let good = r#"{"id": 1, "text": "Kyiv", "toponyms": []}"#;
        let mut bytes = format!("{good}\n{good}\n").into_bytes();
        bytes.extend_from_slice(b"{\"id\": 3, \"text\": \"Ky\xffiv\"}\n");
        std::fs::write(&path, bytes).unwrap();
        let e = read_gold(&path, None).unwrap_err().to_string();
        assert!(
            e.ends_with("gold.jsonl:3: not UTF-8 (invalid byte at column 22)"),
            "{e}"
        );
    }

    #[test]
    fn names_the_missing_field() {
        let e = parse_article(r#"{"id": "a", "toponyms": []}"#, 1).unwrap_err();
        assert!(e.contains("text"), "{e}");
    }
}
