//! HTML: one self-contained page that shows the map offline, with no
//! server and no request: the viewer of `viewer/` (Leaflet and the page's
//! own code, built into the binary), the country outlines as a base map,
//! and the map itself as data.
//!
//! The map is the aggregated GeoJSON map, written by
//! [`crate::output::geojson`] into the page's data block ([`page`]): the
//! page shows exactly the features a `.geojson` of the same run holds.
//! When those features would pass [`PageOptions::max_map_bytes`], each
//! place lists fewer mentions ([`TRIMMED_TO`]), counts staying exact; the
//! page says so, and so does a line on standard error.
//!
//! | file | what it owns |
//! |---|---|
//! | `page.rs` | the template, its placeholders, the data block's fields |
//! | `script_json.rs` | escaping JSON for a script element |
//! | `basemap.rs` | simplified country outlines ([`Basemap`]) |
//! | `options.rs` | what a page adds to a map ([`PageOptions`], [`Tiles`]) |
//!
//! Nothing here finds, resolves or measures: it writes what the model
//! holds, through the GeoJSON writer.

mod basemap;
pub(crate) mod options;
mod page;
mod script_json;

use std::sync::Arc;

pub use basemap::{Basemap, TOLERANCE_DEG};
pub use options::{PageOptions, Tiles, MAX_MAP_BYTES};

use crate::error::Result;
use crate::map::{CorpusMap, DocumentMap};
use crate::output::geojson::{write_place, Framing, GeoJsonWriter};
use crate::output::writer::{Encode, Encoded, MapWriter, Options, Target};
use page::Page;

/// The mention lists a page may cut to, longest first: the first of them
/// that brings the map under its size is used, else the last.
pub const TRIMMED_TO: [usize; 5] = [20, 10, 5, 3, 1];

/// Writes a map as an HTML page.
pub struct HtmlWriter<T: Target> {
    map: GeoJsonWriter<Page<T>>,
    /// How many mentions a place lists, as the run asked.
    listed: Option<usize>,
    max_map_bytes: usize,
    /// Bytes of the claim features taken so far.
    claim_bytes: usize,
}

impl<T: Target> HtmlWriter<T> {
    /// A writer of one page over `target`. A page shows one marker per
    /// place over the whole map: `options.per_document` is not used.
    pub fn new(target: T, options: &Options) -> HtmlWriter<T> {
        let page = Page::new(target, options.page.clone(), options.listed);
        let aggregated = Options {
            per_document: false,
            ..options.clone()
        };
        HtmlWriter {
            map: GeoJsonWriter::new(page, Framing::Collection, aggregated),
            listed: options.listed,
            max_map_bytes: options.page.max_map_bytes,
            claim_bytes: 0,
        }
    }

    /// How many mentions each place lists on the page: as the run asked if
    /// the map fits, else the longest of [`TRIMMED_TO`] that fits (or the
    /// shortest). `Some(n)` when the lists are cut to `n`.
    fn trim(&self, corpus: &CorpusMap<'_>) -> Option<usize> {
        let fits = |listed| self.claim_bytes + places_bytes(corpus, listed) <= self.max_map_bytes;
        if fits(self.listed) {
            return None;
        }
        let shorter = TRIMMED_TO
            .into_iter()
            .filter(|&n| self.listed.is_none_or(|l| n < l));
        let mut chosen = None;
        for n in shorter {
            chosen = Some(n);
            if fits(Some(n)) {
                break;
            }
        }
        chosen
    }
}

/// The bytes of `corpus`'s place features, each listing at most `listed`
/// mentions, with the commas between them.
fn places_bytes(corpus: &CorpusMap<'_>, listed: Option<usize>) -> usize {
    let mut scratch = Vec::new();
    corpus
        .place_views()
        .map(|mut view| {
            view.list_at_most(listed);
            scratch.clear();
            write_place(&mut scratch, &view);
            scratch.len() + 1
        })
        .sum()
}

impl<T: Target> MapWriter for HtmlWriter<T> {
    fn encoder(&self) -> Option<Arc<dyn Encode>> {
        MapWriter::encoder(&self.map)
    }

    fn document(&mut self, doc: &DocumentMap<'_>, encoded: Option<Encoded>) -> Result<()> {
        let encoded = match (encoded, MapWriter::encoder(&self.map)) {
            (Some(e), _) => e,
            (None, Some(encoder)) => encoder.encode(doc),
            (None, None) => Encoded::default(),
        };
        self.claim_bytes += encoded.bytes().len();
        self.map.document(doc, Some(encoded))
    }

    fn finish(mut self: Box<Self>, corpus: Option<&CorpusMap<'_>>) -> Result<usize> {
        if let Some(n) = corpus.and_then(|c| self.trim(c)) {
            self.map.relist(Some(n));
            self.map.target_mut().set_trimmed(Some(n));
            eprintln!(
                "geomention: the map is over {} MB, the most a page is kept to: each place \
                 lists its first {n} mention{} (counts are exact; the page says so)",
                self.max_map_bytes / 1_000_000,
                if n == 1 { "" } else { "s" }
            );
        }
        Box::new(self.map).finish(corpus)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::document::Document;
    use crate::gazetteer::Gazetteer;
    use crate::pipeline::Geoparser;

    /// A page and the GeoJSON map of the same documents, written by the
    /// two writers from the same document and corpus maps.
    fn page_and_map(texts: &[(&str, &str)], options: &Options) -> (String, Value) {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let mut page = Vec::new();
        let mut map = Vec::new();
        let mut html: Box<dyn MapWriter> = Box::new(HtmlWriter::new(&mut page, options));
        let mut geojson: Box<dyn MapWriter> = Box::new(GeoJsonWriter::new(
            &mut map,
            Framing::Collection,
            options.clone(),
        ));
        let mut corpus = CorpusMap::new(options.listed);
        for (id, text) in texts {
            let doc = Document::new(*id, *text);
            let doc_map = DocumentMap::new(&doc, parser.parse(&doc), &g, true);
            corpus.add(&doc_map);
            html.document(&doc_map, None).unwrap();
            geojson.document(&doc_map, None).unwrap();
        }
        html.finish(Some(&corpus)).unwrap();
        geojson.finish(Some(&corpus)).unwrap();
        let page = String::from_utf8(page).unwrap();
        (page, serde_json::from_slice(&map).unwrap())
    }

    /// The text of the data block: from its opening tag to the first
    /// `</script` after it, as an HTML parser ends it.
    fn data_block(page: &str) -> &str {
        let open = r#"<script type="application/json" id="geomention-data">"#;
        let start = page.find(open).expect("a data block") + open.len();
        let end = start + page[start..].find("</script").expect("the block ends");
        &page[start..end]
    }

    const HOSTILE: &str = "Kharkiv </script><script>alert(1)</script> <!-- {{APP_JS}} \
        & \u{2028}\u{2029} \"quoted\" ‏שלום‎ was shelled 30 km from the Russian border.\n";

    /// Whatever an article says, the data block ends where the page ends
    /// it, reads back as the GeoJSON map of the same run, and no
    /// placeholder in it was filled.
    #[test]
    fn an_article_cannot_break_out_of_the_data_block() {
        let texts = [
            ("<b>id</b>\u{2028}\u{2029}", HOSTILE),
            ("b", "Shelling hit Kyiv and Lviv."),
        ];
        let (page, map) = page_and_map(&texts, &Options::default());
        let block = data_block(&page);
        let data: Value = serde_json::from_str(block).expect("the whole block is JSON");
        assert_eq!(data["map"], map);
        let sentence = "</script><script>alert(1)</script> <!-- {{APP_JS}} &";
        assert!(
            data.to_string().contains(sentence),
            "the article is in the data"
        );
        assert!(data.to_string().contains("<b>id</b>\u{2028}\u{2029}"));
        assert!(
            block.contains("{{APP_JS}}"),
            "a placeholder's text stays text"
        );
        for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!block.contains(c), "{c:?} is escaped");
        }
        let places = map["features"].as_array().unwrap();
        assert!(places.len() >= 3, "{}", places.len());
        // Three script elements, each ended once: the article added none.
        assert_eq!(page.matches("<script").count(), 3);
        assert_eq!(page.matches("</script>").count(), 3);
        assert_eq!(
            page.matches("<!--").count(),
            1,
            "only the template's comment"
        );
        assert!(page.ends_with("</html>\n"));
    }

    #[test]
    fn the_data_block_has_every_field_of_the_contract() {
        let options = Options {
            listed: Some(7),
            page: PageOptions {
                title: Some("Kharkiv <offensive>".into()),
                tiles: Some(Tiles {
                    url: "https://tile.example.org/{z}/{x}/{y}.png".into(),
                    attribution: "<a>© someone</a>".into(),
                }),
                ..PageOptions::default()
            },
            ..Options::default()
        };
        let (page, _) = page_and_map(&[("a", HOSTILE)], &options);
        let data: Value = serde_json::from_str(data_block(&page)).unwrap();
        assert_eq!(data["title"], "Kharkiv <offensive>");
        assert!(page.contains("<title>Kharkiv &lt;offensive&gt;</title>"));
        assert!(data["generator"]
            .as_str()
            .unwrap()
            .starts_with("geomention "));
        assert_eq!(data["palette"]["kind"]["city"], "#e31a1c");
        assert_eq!(data["palette"]["verdict"]["inconsistent"], "#d73027");
        assert_eq!(data["palette"]["outlier"], "#999999");
        assert_eq!(data["mentions_cap"], 7);
        assert_eq!(data["trimmed"], Value::Null);
        assert_eq!(data["tiles"]["attribution"], "<a>© someone</a>");
        assert_eq!(data["basemap"], Value::Null);
        let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
        let mut want = [
            "basemap",
            "generator",
            "map",
            "mentions_cap",
            "palette",
            "tiles",
            "title",
            "trimmed",
        ];
        want.sort_unstable();
        assert_eq!(keys, want);
    }

    /// Over its size, a page lists fewer mentions per place and says how
    /// many; the counts stay those of the GeoJSON map.
    #[test]
    fn a_map_over_its_size_lists_fewer_mentions() {
        let text = "Shelling hit Kharkiv. ".repeat(40);
        let texts = [("a", text.as_str()), ("b", text.as_str())];
        let full = page_and_map(&texts, &Options::default());
        let options = Options {
            page: PageOptions {
                max_map_bytes: 6_000,
                ..PageOptions::default()
            },
            ..Options::default()
        };
        let (page, map) = page_and_map(&texts, &options);
        assert_eq!(map, full.1, "the GeoJSON map is not cut");
        let data: Value = serde_json::from_str(data_block(&page)).unwrap();
        let n = data["trimmed"].as_u64().expect("the page says it was cut");
        assert!(TRIMMED_TO.contains(&(n as usize)));
        let kharkiv = |fc: &Value| fc["features"].as_array().unwrap()[0]["properties"].clone();
        let (cut, whole) = (kharkiv(&data["map"]), kharkiv(&map));
        assert_eq!(cut["mention_count"], 80);
        assert_eq!(cut["mention_count"], whole["mention_count"]);
        assert_eq!(cut["mentions"].as_array().unwrap().len() as u64, n);
        assert_eq!(whole["mentions"].as_array().unwrap().len(), 50);
        assert!(serde_json::to_string(&data["map"]).unwrap().len() <= 6_000 || n == 1);
    }
}
