//! QGIS styles (QML) for geomention's maps, in the one palette of
//! [`crate::output::style`]: places categorized by kind (outliers grey)
//! and sized by how often they are mentioned; claims by verdict, each
//! verdict with its own line style or marker shape as well as its colour,
//! so that readers who cannot tell the colours apart can tell the
//! verdicts. Each style also turns on QGIS's Temporal Controller over the
//! map's DATE columns and gives identify and map tips the feature's title.
//!
//! The GeoPackage writer stores these in its `layer_styles` table as each
//! layer's default; [`write_sidecars`] writes them beside a GeoJSON map for
//! QGIS users who keep GeoJSON. The styles name the map's columns; they
//! know nothing of how a map is written.

mod symbols;

use std::path::{Path, PathBuf};

use crate::claims::Verdict;
use crate::error::Result;
use crate::gazetteer::PlaceKind;
use crate::output::destination::write_atomically;
use crate::output::style::{kind_color, verdict_color, OUTLIER};

use symbols::{escape, Class, LineStyle, Renderer, Symbol};

/// A layer geomention styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The GeoPackage's `places`.
    Places,
    /// The GeoPackage's `claims`: lines.
    ClaimLines,
    /// The GeoPackage's `claim_points`.
    ClaimPoints,
    /// The GeoPackage's `claim_areas`.
    ClaimAreas,
    /// A GeoJSON map's points: places and claim points together.
    GeoJsonPoints,
    /// A GeoJSON map's lines: claims.
    GeoJsonLines,
    /// A GeoJSON map's polygons: claim rings and circles.
    GeoJsonPolygons,
}

/// Every kind of place, in legend order.
const KINDS: [PlaceKind; 4] = [
    PlaceKind::Country,
    PlaceKind::Region,
    PlaceKind::City,
    PlaceKind::Poi,
];

/// Every verdict, in legend order.
const VERDICTS: [Verdict; 3] = [
    Verdict::Consistent,
    Verdict::Inconsistent,
    Verdict::Unverifiable,
];

/// A place marker's size in mm: the square root of its mentions, scaled
/// from 2 mm (one mention) to 9 mm (100 or more).
const PLACE_SIZE: &str = "coalesce(scale_exp(\"mention_count\", 1, 100, 2, 9, 0.5), 2)";

/// How a verdict is drawn besides its colour.
fn verdict_dash(v: Verdict) -> LineStyle {
    match v {
        Verdict::Consistent => LineStyle::Solid,
        Verdict::Inconsistent => LineStyle::Dashed,
        Verdict::Unverifiable => LineStyle::Dotted,
    }
}

fn verdict_shape(v: Verdict) -> &'static str {
    match v {
        Verdict::Consistent => "circle",
        Verdict::Inconsistent => "diamond",
        Verdict::Unverifiable => "square",
    }
}

fn place_marker(color: &str) -> Symbol {
    Symbol::Marker {
        shape: "circle",
        color: color.into(),
        size: 2.0,
        size_expression: Some(PLACE_SIZE.into()),
    }
}

fn verdict_symbol(v: Verdict, geometry: Geometry) -> Symbol {
    let color = verdict_color(v).to_string();
    match geometry {
        Geometry::Point => Symbol::Marker {
            shape: verdict_shape(v),
            color,
            size: 3.0,
            size_expression: None,
        },
        Geometry::Line => Symbol::Line {
            color,
            width: 0.8,
            dash: verdict_dash(v),
        },
        Geometry::Polygon => Symbol::Fill {
            outline: color.clone(),
            color,
            dash: verdict_dash(v),
        },
    }
}

/// The legend label of a verdict.
fn verdict_label(v: Verdict) -> String {
    let style = match verdict_dash(v) {
        LineStyle::Solid => "solid",
        LineStyle::Dashed => "dashed",
        LineStyle::Dotted => "dotted",
    };
    format!("{} ({style})", v.as_str())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Geometry {
    Point,
    Line,
    Polygon,
}

/// Places by kind, outliers apart.
fn place_classes(prefix: &str) -> Vec<Class> {
    let mut classes: Vec<Class> = (KINDS.iter())
        .map(|&k| Class {
            matches: k.as_str().into(),
            label: k.as_str().into(),
            symbol: place_marker(kind_color(k)),
        })
        .collect();
    classes.push(Class {
        matches: "outlier".into(),
        label: "outlier (far from its document's other places)".into(),
        symbol: place_marker(OUTLIER),
    });
    for c in &mut classes {
        c.label = format!("{prefix}{}", c.label);
    }
    classes
}

/// The category of a place: its kind, or `outlier`.
const PLACE_CATEGORY: &str = "if(\"outlier\", 'outlier', \"kind\")";

fn verdict_classes(geometry: Geometry, prefix: &str) -> Vec<Class> {
    (VERDICTS.iter())
        .map(|&v| Class {
            matches: v.as_str().into(),
            label: format!("{prefix}{}", verdict_label(v)),
            symbol: verdict_symbol(v, geometry),
        })
        .collect()
}

impl Layer {
    fn geometry(self) -> Geometry {
        match self {
            Layer::Places | Layer::ClaimPoints | Layer::GeoJsonPoints => Geometry::Point,
            Layer::ClaimLines | Layer::GeoJsonLines => Geometry::Line,
            Layer::ClaimAreas | Layer::GeoJsonPolygons => Geometry::Polygon,
        }
    }

    fn renderer(self) -> Renderer {
        let by_verdict = |geometry| Renderer::Categorized {
            expression: "verdict".into(),
            classes: verdict_classes(geometry, ""),
            order_by_desc: None,
        };
        match self {
            Layer::Places => Renderer::Categorized {
                expression: PLACE_CATEGORY.into(),
                classes: place_classes(""),
                // Big markers first, so that small ones stay visible on top.
                order_by_desc: Some("\"mention_count\"".into()),
            },
            Layer::ClaimLines | Layer::GeoJsonLines => by_verdict(Geometry::Line),
            Layer::ClaimPoints => by_verdict(Geometry::Point),
            Layer::ClaimAreas | Layer::GeoJsonPolygons => by_verdict(Geometry::Polygon),
            Layer::GeoJsonPoints => {
                let mut classes = place_classes("place: ");
                for c in &mut classes {
                    c.matches =
                        format!("\"type\" = 'place' AND {PLACE_CATEGORY} = '{}'", c.matches);
                }
                for mut c in verdict_classes(Geometry::Point, "claim: ") {
                    c.matches = format!("\"type\" = 'claim' AND \"verdict\" = '{}'", c.matches);
                    classes.push(c);
                }
                Renderer::Rules { classes }
            }
        }
    }

    /// The `<temporal>` element: places span their first and last dates,
    /// a claim is an event of one day.
    fn temporal(self) -> String {
        // QgsVectorLayerTemporalProperties: 1 instant from a field, 2 start
        // and end fields, 4 start and end expressions.
        let (mode, start, end, start_expr, end_expr) = match self {
            Layer::Places => (2, "first_date", "last_date", "", ""),
            Layer::GeoJsonPoints => (
                4,
                "",
                "",
                "to_date(coalesce(\"first_date\", \"date\"))",
                "to_date(coalesce(\"last_date\", \"date\"))",
            ),
            _ => (1, "date", "", "", ""),
        };
        format!(
            "  <temporal enabled=\"1\" mode=\"{mode}\" startField=\"{start}\" endField=\"{end}\" \
             startExpression=\"{}\" endExpression=\"{}\" durationField=\"\" durationUnit=\"d\" \
             fixedDuration=\"1\" accumulate=\"0\">\n    <fixedRange>\n      <start></start>\n      \
             <end></end>\n    </fixedRange>\n  </temporal>\n",
            escape(start_expr),
            escape(end_expr)
        )
    }

    /// The layer's style as a QML document.
    pub fn qml(self) -> String {
        let mut out = String::with_capacity(16 << 10);
        out.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
        out.push_str(
            "<qgis version=\"3.22.0-Białowieża\" styleCategories=\"Symbology|MapTips|Temporal|Fields\">\n",
        );
        out.push_str(&self.temporal());
        self.renderer().write(&mut out);
        out.push_str("  <mapTip>[% \"title\" %]</mapTip>\n");
        out.push_str("  <previewExpression>\"title\"</previewExpression>\n");
        let geometry_type = match self.geometry() {
            Geometry::Point => 0,
            Geometry::Line => 1,
            Geometry::Polygon => 2,
        };
        out.push_str(&format!(
            "  <layerGeometryType>{geometry_type}</layerGeometryType>\n</qgis>\n"
        ));
        out
    }

    /// A one-line description, for `layer_styles.description`.
    pub fn description(self) -> &'static str {
        match self {
            Layer::Places | Layer::GeoJsonPoints => {
                "Places by kind (outliers grey), sized by mentions; claims by verdict"
            }
            _ => "Claims by verdict: consistent solid, inconsistent dashed, unverifiable dotted",
        }
    }
}

/// The sidecar styles of a GeoJSON map, one per geometry type, named after
/// it: `map.geojson` gets `map.point.qml`, `map.line.qml` and
/// `map.polygon.qml`.
pub fn sidecar_paths(map: &Path) -> Vec<(Layer, PathBuf)> {
    let stem = map.file_stem().unwrap_or(map.as_os_str()).to_string_lossy();
    [
        (Layer::GeoJsonPoints, "point"),
        (Layer::GeoJsonLines, "line"),
        (Layer::GeoJsonPolygons, "polygon"),
    ]
    .into_iter()
    .map(|(layer, kind)| (layer, map.with_file_name(format!("{stem}.{kind}.qml"))))
    .collect()
}

/// Writes the sidecar styles of the GeoJSON map at `map`, each atomically;
/// returns their paths.
pub fn write_sidecars(map: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (layer, path) in sidecar_paths(map) {
        write_atomically(&path, |out| out.write_all(layer.qml().as_bytes()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Layer; 7] = [
        Layer::Places,
        Layer::ClaimLines,
        Layer::ClaimPoints,
        Layer::ClaimAreas,
        Layer::GeoJsonPoints,
        Layer::GeoJsonLines,
        Layer::GeoJsonPolygons,
    ];

    #[test]
    fn every_style_is_balanced_xml_with_the_palette() {
        for layer in ALL {
            let qml = layer.qml();
            for tag in ["qgis", "renderer-v2", "symbols", "temporal"] {
                assert_eq!(
                    qml.matches(&format!("<{tag}")).count(),
                    qml.matches(&format!("</{tag}>")).count(),
                    "{layer:?} <{tag}>"
                );
            }
            let symbols = qml.matches("<symbol ").count();
            assert_eq!(symbols, qml.matches("</symbol>").count());
            assert!(symbols >= 3, "{layer:?}");
        }
        let places = Layer::Places.qml();
        for k in KINDS {
            assert!(places.contains(&symbols::rgba(kind_color(k), 230)), "{k:?}");
        }
        let lines = Layer::ClaimLines.qml();
        for (style, v) in ["solid", "dash", "dot"].iter().zip(VERDICTS) {
            assert!(lines.contains(&symbols::rgba(verdict_color(v), 230)));
            assert!(lines.contains(&format!("name=\"line_style\" value=\"{style}\"")));
        }
    }

    #[test]
    fn sidecars_are_named_after_the_map() {
        let paths: Vec<_> = sidecar_paths(Path::new("out/map.geojson"))
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            paths,
            [
                Path::new("out/map.point.qml"),
                Path::new("out/map.line.qml"),
                Path::new("out/map.polygon.qml")
            ]
        );
    }
}
