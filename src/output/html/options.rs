//! What a map page adds to the map it shows: a title, the base map under
//! it, an online tile layer for readers who have network, and how large
//! its data may grow before mention lists are cut.

use super::basemap::Basemap;

/// Map data (place and claim features) a page is kept under, in bytes.
///
/// A page is meant to travel: mail services refuse messages over 20 to
/// 25 MB, and an attachment grows by a third in transit (base64), so with
/// the base map and the viewer (under 1 MB) a page stays under about 15
/// MB, 20 MB as mailed. Browsers read far more (a 36 MB page was ready in
/// two seconds), so this is about carrying the page, not showing it.
pub const MAX_MAP_BYTES: usize = 14_000_000;

/// How a page is made, besides the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    /// The page's title; "geomention map" when `None`.
    pub title: Option<String>,
    /// The country outlines drawn under the map; none when `None`.
    pub basemap: Option<Basemap>,
    /// An online raster layer over the base map, never required.
    pub tiles: Option<Tiles>,
    /// Past this many bytes of place and claim features, places list
    /// fewer mentions (their counts stay exact).
    pub max_map_bytes: usize,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            title: None,
            basemap: None,
            tiles: None,
            max_map_bytes: MAX_MAP_BYTES,
        }
    }
}

/// A raster tile layer: where its tiles are and whom to credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tiles {
    /// A URL template with `{z}`, `{x}` and `{y}` (and optionally `{s}`).
    pub url: String,
    /// Shown on the map as text, never as markup.
    pub attribution: String,
}

impl Tiles {
    /// Checks a tile URL template: an `http(s)://` address holding `{z}`,
    /// `{x}` and `{y}`, which is all a page can load (it allows no other
    /// request).
    pub fn check_url(url: &str) -> Result<(), String> {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err(format!(
                "the tile URL {url:?} must start with https:// (or http://)"
            ));
        }
        let missing: Vec<&str> = ["{z}", "{x}", "{y}"]
            .into_iter()
            .filter(|p| !url.contains(p))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the tile URL {url:?} has no {}: a template looks like \
                 https://tile.example.org/{{z}}/{{x}}/{{y}}.png",
                missing.join(", ")
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_urls_are_templates_over_http() {
        assert!(Tiles::check_url("https://tile.example.org/{z}/{x}/{y}.png").is_ok());
        assert!(Tiles::check_url("HTTP://{s}.example.org/{z}/{x}/{y}@2x.png").is_ok());
        let e = Tiles::check_url("file:///tiles/{z}/{x}/{y}.png").unwrap_err();
        assert!(e.contains("https://"), "{e}");
        let e = Tiles::check_url("https://tile.example.org/{z}/{x}.png").unwrap_err();
        assert!(e.contains("has no {y}"), "{e}");
    }
}
