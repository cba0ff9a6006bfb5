//! The page around a map: `viewer/page.html` with its placeholders
//! filled, and the data block's fields around the map's features.
//!
//! The viewer's files are built into the binary, so the binary alone
//! writes a page. [`Page`] is a [`Target`]: a GeoJSON writer writes the
//! map into it as it would into a file, and the page puts the template and
//! the data block's other fields around it, everything inside the data
//! block escaped by [`ScriptJson`].
//!
//! The template is cut at its placeholders once, before anything is
//! filled: values are written between its pieces and never searched
//! again, so an article that quotes `{{APP_JS}}` stays text. This file
//! knows the data block's fields (the contract in `viewer/README.md`), not
//! how places and claims are written, nor what the page's code does.

use std::io::{self, Write};
use std::path::Path;

use serde_json::json;

use super::options::PageOptions;
use super::script_json::ScriptJson;
use crate::error::{Error, Result};
use crate::output::style;
use crate::output::writer::Target;

const TEMPLATE: &str = include_str!("../../../viewer/page.html");
const LEAFLET_CSS: &str = include_str!("../../../viewer/vendor/leaflet/leaflet.css");
const APP_CSS: &str = include_str!("../../../viewer/app.css");
const LEAFLET_JS: &str = include_str!("../../../viewer/vendor/leaflet/leaflet.js");
const APP_JS: &str = include_str!("../../../viewer/app.js");

/// A placeholder of the template: `{{TITLE}}` and so on, each once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Title,
    Css,
    LibraryJs,
    AppJs,
    Data,
}

impl Slot {
    const ALL: [Slot; 5] = [
        Slot::Title,
        Slot::Css,
        Slot::LibraryJs,
        Slot::AppJs,
        Slot::Data,
    ];

    fn name(self) -> &'static str {
        match self {
            Slot::Title => "TITLE",
            Slot::Css => "CSS",
            Slot::LibraryJs => "LIBRARY_JS",
            Slot::AppJs => "APP_JS",
            Slot::Data => "DATA",
        }
    }
}

/// A piece of the template: text as it is, or a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Text(&'static str),
    Slot(Slot),
}

/// `template` cut at its placeholders, in order; an error unless each
/// appears exactly once. Braces that name no placeholder are text.
fn cut(template: &'static str) -> std::result::Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    while let Some(i) = template[at..].find("{{") {
        let open = at + i;
        let after = &template[open + 2..];
        let named =
            |s: &Slot| (after.strip_prefix(s.name())).is_some_and(|rest| rest.starts_with("}}"));
        match Slot::ALL.into_iter().find(named) {
            Some(slot) => {
                pieces.push(Piece::Text(&template[text_start..open]));
                pieces.push(Piece::Slot(slot));
                text_start = open + 2 + slot.name().len() + 2;
                at = text_start;
            }
            None => at = open + 2,
        }
    }
    pieces.push(Piece::Text(&template[text_start..]));
    for slot in Slot::ALL {
        let n = pieces.iter().filter(|p| **p == Piece::Slot(slot)).count();
        if n != 1 {
            return Err(format!(
                "viewer/page.html holds {{{{{}}}}} {n} times, not once",
                slot.name()
            ));
        }
    }
    Ok(pieces)
}

/// Text for an HTML element's content or an attribute value.
fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The palette of [`style`], as the page reads it.
fn palette() -> serde_json::Value {
    let kinds: serde_json::Map<String, serde_json::Value> = (style::KINDS.iter())
        .map(|&k| (k.as_str().into(), style::kind_color(k).into()))
        .collect();
    let verdicts: serde_json::Map<String, serde_json::Value> = (style::VERDICTS.iter())
        .map(|&v| (v.as_str().into(), style::verdict_color(v).into()))
        .collect();
    json!({"kind": kinds, "outlier": style::OUTLIER, "verdict": verdicts})
}

/// A map page being written to a target: the map's features are written
/// into it, and [`Target::commit`] ends it.
pub struct Page<T: Target> {
    out: ScriptJson<T>,
    options: PageOptions,
    /// How many mentions a place lists at most, as the run asked.
    mentions_cap: Option<usize>,
    /// How many, when the page cut the lists to stay small.
    trimmed: Option<usize>,
    /// The template's pieces, or what is wrong with it (a bug the tests
    /// catch: the template is built in).
    pieces: std::result::Result<Vec<Piece>, String>,
    /// The next piece of the template to write.
    next: usize,
}

impl<T: Target> Page<T> {
    /// A page over `target`; nothing is written until the map is.
    pub fn new(target: T, options: PageOptions, mentions_cap: Option<usize>) -> Page<T> {
        Page {
            out: ScriptJson::new(target),
            options,
            mentions_cap,
            trimmed: None,
            pieces: cut(TEMPLATE),
            next: 0,
        }
    }

    /// Says on the page that each place lists only its first `n` mentions.
    pub fn set_trimmed(&mut self, n: Option<usize>) {
        self.trimmed = n;
    }

    fn title(&self) -> &str {
        self.options.title.as_deref().unwrap_or("geomention map")
    }

    /// Writes the template's pieces up to the data block, then the data
    /// block's fields before the map, if not done yet.
    fn start(&mut self) -> io::Result<()> {
        if self.next > 0 {
            return Ok(());
        }
        self.write_pieces()?;
        let fields = [
            ("title", json!(self.title())),
            (
                "generator",
                json!(format!("geomention {}", env!("CARGO_PKG_VERSION"))),
            ),
            ("palette", palette()),
            ("mentions_cap", json!(self.mentions_cap)),
        ];
        self.out.write_all(b"{")?;
        for (name, value) in fields {
            write!(self.out, "{}:{value},", json!(name))?;
        }
        self.out.write_all(b"\"map\":")
    }

    /// Ends the data block after the map, and the page.
    fn end(&mut self) -> io::Result<()> {
        self.start()?;
        let tiles = (self.options.tiles.as_ref())
            .map(|t| json!({"url": t.url, "attribution": t.attribution}));
        let fields = [("trimmed", json!(self.trimmed)), ("tiles", json!(tiles))];
        for (name, value) in fields {
            write!(self.out, ",{}:{value}", json!(name))?;
        }
        let basemap = self.options.basemap.as_ref().map_or("null", |b| b.json());
        write!(self.out, ",\"basemap\":{basemap}}}")?;
        self.write_pieces()
    }

    /// Writes pieces of the template from the next one, up to the data
    /// block or the end.
    fn write_pieces(&mut self) -> io::Result<()> {
        let pieces = (self.pieces.as_ref()).map_err(|e| io::Error::other(e.clone()))?;
        while let Some(&piece) = pieces.get(self.next) {
            self.next += 1;
            let title;
            let texts: &[&str] = match piece {
                Piece::Slot(Slot::Data) => return Ok(()),
                Piece::Text(text) => &[text],
                Piece::Slot(Slot::Title) => {
                    title = html_text(self.title());
                    &[&title]
                }
                Piece::Slot(Slot::Css) => &[LEAFLET_CSS, "\n", APP_CSS],
                Piece::Slot(Slot::LibraryJs) => &[LEAFLET_JS],
                Piece::Slot(Slot::AppJs) => &[APP_JS],
            };
            for text in texts {
                self.out.get_mut().write_all(text.as_bytes())?;
            }
        }
        Ok(())
    }
}

impl<T: Target> Write for Page<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.start()?;
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<T: Target> Target for Page<T> {
    fn label(&self) -> &Path {
        // The label of the target underneath, which `ScriptJson` holds.
        self.target().label()
    }

    fn commit(mut self) -> Result<()> {
        let label = self.target().label().to_path_buf();
        self.end().map_err(|e| Error::io(&label, e))?;
        let target = self.out.finish().map_err(|e| Error::io(&label, e))?;
        target.commit()
    }
}

impl<T: Target> Page<T> {
    fn target(&self) -> &T {
        self.out.get_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_each_placeholder_once() {
        let pieces = cut(TEMPLATE).unwrap();
        let slots: Vec<Slot> = (pieces.iter())
            .filter_map(|p| match p {
                Piece::Slot(s) => Some(*s),
                Piece::Text(_) => None,
            })
            .collect();
        assert_eq!(slots.len(), Slot::ALL.len());
        // The data block comes before the code that reads it.
        let data = slots.iter().position(|&s| s == Slot::Data);
        assert!(data < slots.iter().position(|&s| s == Slot::AppJs));
    }

    #[test]
    fn braces_that_name_no_placeholder_are_text() {
        let pieces = cut("a {{NOPE}} {{TITLE}}{{CSS}}{{LIBRARY_JS}}{{APP_JS}}{{DATA}} {{").unwrap();
        assert_eq!(pieces[0], Piece::Text("a {{NOPE}} "));
        assert_eq!(pieces.last(), Some(&Piece::Text(" {{")));
        let twice = cut("{{TITLE}}{{TITLE}}{{CSS}}{{LIBRARY_JS}}{{APP_JS}}{{DATA}}");
        assert!(twice.unwrap_err().contains("{{TITLE}} 2 times"));
        assert!(cut("{{TITLE}}").unwrap_err().contains("{{CSS}} 0 times"));
    }

    /// The built-in code and styles cannot end their own elements early.
    #[test]
    fn the_code_cannot_end_its_element() {
        for (name, code) in [("leaflet.js", LEAFLET_JS), ("app.js", APP_JS)] {
            assert!(!code.to_ascii_lowercase().contains("</script"), "{name}");
        }
        for (name, css) in [("leaflet.css", LEAFLET_CSS), ("app.css", APP_CSS)] {
            assert!(!css.to_ascii_lowercase().contains("</style"), "{name}");
        }
    }

    #[test]
    fn titles_are_text() {
        assert_eq!(
            html_text(r#"<b>"Kharkiv" & 'Izium'</b>"#),
            "&lt;b&gt;&quot;Kharkiv&quot; &amp; &#39;Izium&#39;&lt;/b&gt;"
        );
    }
}
