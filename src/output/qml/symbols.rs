//! QGIS symbols and renderers as QML text: simple markers, lines and
//! fills, and the categorized and rule-based renderers that choose among
//! them. Only what geomention's styles use, written as QGIS 3 reads it
//! (symbol layer properties as an `Option` map). Nothing here knows what
//! a place or a claim is: [`super`] says which symbol each gets.

use std::fmt::Write as _;

/// `s` escaped for an XML attribute value or text.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `#rrggbb` as QGIS's `r,g,b,a`, with `alpha` in 0-255.
pub fn rgba(hex: &str, alpha: u8) -> String {
    let channel = |i: usize| {
        hex.get(1 + 2 * i..3 + 2 * i)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    format!("{},{},{},{alpha}", channel(0), channel(1), channel(2))
}

/// How a line is dashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Solid,
    Dashed,
    Dotted,
}

impl LineStyle {
    fn qgis(self) -> &'static str {
        match self {
            LineStyle::Solid => "solid",
            LineStyle::Dashed => "dash",
            LineStyle::Dotted => "dot",
        }
    }
}

/// A symbol of one simple layer.
#[derive(Debug, Clone, PartialEq)]
pub enum Symbol {
    /// A marker of `shape` (`circle`, `square`, `diamond`, `triangle`...)
    /// and `size` mm, or of the size `size_expression` gives.
    Marker {
        shape: &'static str,
        color: String,
        size: f64,
        size_expression: Option<String>,
    },
    Line {
        color: String,
        width: f64,
        dash: LineStyle,
    },
    /// A translucent fill with an outline.
    Fill {
        color: String,
        outline: String,
        dash: LineStyle,
    },
}

impl Symbol {
    /// The `<symbol>` element, named `name` (how a category or rule points
    /// at it).
    fn write(&self, out: &mut String, name: &str) {
        let (kind, class) = match self {
            Symbol::Marker { .. } => ("marker", "SimpleMarker"),
            Symbol::Line { .. } => ("line", "SimpleLine"),
            Symbol::Fill { .. } => ("fill", "SimpleFill"),
        };
        let _ = writeln!(
            out,
            r#"      <symbol type="{kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">"#
        );
        let _ = writeln!(
            out,
            r#"        <layer class="{class}" enabled="1" locked="0" pass="0">"#
        );
        out.push_str("          <Option type=\"Map\">\n");
        let mut size_expression = None;
        let options: Vec<(&str, String)> = match self {
            Symbol::Marker {
                shape,
                color,
                size,
                size_expression: e,
            } => {
                size_expression = e.as_deref();
                vec![
                    ("name", (*shape).into()),
                    ("color", rgba(color, 230)),
                    ("outline_color", "255,255,255,255".into()),
                    ("outline_style", "solid".into()),
                    ("outline_width", "0.3".into()),
                    ("outline_width_unit", "MM".into()),
                    ("scale_method", "diameter".into()),
                    ("size", size.to_string()),
                    ("size_unit", "MM".into()),
                ]
            }
            Symbol::Line { color, width, dash } => vec![
                ("line_color", rgba(color, 230)),
                ("line_style", dash.qgis().into()),
                ("line_width", width.to_string()),
                ("line_width_unit", "MM".into()),
                ("capstyle", "round".into()),
                ("joinstyle", "round".into()),
            ],
            Symbol::Fill {
                color,
                outline,
                dash,
            } => vec![
                ("color", rgba(color, 40)),
                ("style", "solid".into()),
                ("outline_color", rgba(outline, 230)),
                ("outline_style", dash.qgis().into()),
                ("outline_width", "0.5".into()),
                ("outline_width_unit", "MM".into()),
                ("joinstyle", "round".into()),
            ],
        };
        for (key, value) in options {
            let _ = writeln!(
                out,
                r#"            <Option type="QString" name="{key}" value="{}"/>"#,
                escape(&value)
            );
        }
        out.push_str("          </Option>\n");
        write_properties(out, size_expression.map(|e| ("size", e)));
        out.push_str("        </layer>\n      </symbol>\n");
    }
}

/// A symbol layer's data-defined properties: one, or none.
fn write_properties(out: &mut String, property: Option<(&str, &str)>) {
    out.push_str("          <data_defined_properties>\n            <Option type=\"Map\">\n");
    out.push_str("              <Option type=\"QString\" name=\"name\" value=\"\"/>\n");
    match property {
        None => out.push_str("              <Option name=\"properties\"/>\n"),
        Some((key, expression)) => {
            let _ = write!(
                out,
                "              <Option type=\"Map\" name=\"properties\">\n\
                 \x20               <Option type=\"Map\" name=\"{key}\">\n\
                 \x20                 <Option type=\"bool\" name=\"active\" value=\"true\"/>\n\
                 \x20                 <Option type=\"QString\" name=\"expression\" value=\"{}\"/>\n\
                 \x20                 <Option type=\"int\" name=\"type\" value=\"3\"/>\n\
                 \x20               </Option>\n\
                 \x20             </Option>\n",
                escape(expression)
            );
        }
    }
    out.push_str("              <Option type=\"QString\" name=\"type\" value=\"collection\"/>\n");
    out.push_str("            </Option>\n          </data_defined_properties>\n");
}

/// One class of a renderer: the features it takes, their legend label
/// and their symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// A category's value, or a rule's filter expression.
    pub matches: String,
    pub label: String,
    pub symbol: Symbol,
}

/// How a layer is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Renderer {
    /// Each feature by the value of `expression` (a field or expression).
    Categorized {
        expression: String,
        classes: Vec<Class>,
        /// Draw features in this order (an expression, descending).
        order_by_desc: Option<String>,
    },
    /// Each feature by the first rule whose filter it passes.
    Rules { classes: Vec<Class> },
}

impl Renderer {
    /// The `<renderer-v2>` element.
    pub fn write(&self, out: &mut String) {
        let (classes, order) = match self {
            Renderer::Categorized {
                expression,
                classes,
                order_by_desc,
            } => {
                let _ = writeln!(
                    out,
                    r#"  <renderer-v2 type="categorizedSymbol" attr="{}" symbollevels="0" enableorderby="{}" forceraster="0">"#,
                    escape(expression),
                    u8::from(order_by_desc.is_some())
                );
                out.push_str("    <categories>\n");
                for (i, c) in classes.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        r#"      <category render="true" value="{}" label="{}" symbol="{i}"/>"#,
                        escape(&c.matches),
                        escape(&c.label)
                    );
                }
                out.push_str("    </categories>\n");
                (classes, order_by_desc.as_deref())
            }
            Renderer::Rules { classes } => {
                out.push_str(
                    "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n",
                );
                out.push_str("    <rules key=\"root\">\n");
                for (i, c) in classes.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        r#"      <rule key="rule{i}" filter="{}" label="{}" symbol="{i}"/>"#,
                        escape(&c.matches),
                        escape(&c.label)
                    );
                }
                out.push_str("    </rules>\n");
                (classes, None)
            }
        };
        out.push_str("    <symbols>\n");
        for (i, c) in classes.iter().enumerate() {
            c.symbol.write(out, &i.to_string());
        }
        out.push_str("    </symbols>\n");
        if let Some(expression) = order {
            let _ = writeln!(
                out,
                "    <orderby>\n      <orderByClause asc=\"0\" nullsFirst=\"0\">{}</orderByClause>\n    </orderby>",
                escape(expression)
            );
        }
        out.push_str("  </renderer-v2>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_become_qgis_rgba() {
        assert_eq!(rgba("#e31a1c", 255), "227,26,28,255");
        assert_eq!(rgba("#999999", 40), "153,153,153,40");
    }

    #[test]
    fn attribute_text_is_escaped() {
        assert_eq!(
            escape(r#""kind" = 'city' & a<b>"#),
            "&quot;kind&quot; = &apos;city&apos; &amp; a&lt;b&gt;"
        );
    }
}
