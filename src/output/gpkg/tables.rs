//! What a geomention GeoPackage holds: its tables and their typed
//! columns, the same in every map whatever the run found, so that a style
//! or a filter made on one map works on the next. The README's table of
//! columns is these lists in words.
//!
//! Nothing here is SQL ([`super::schema`] makes the tables) or a row of
//! the map ([`super::rows`]).

/// A column's GeoPackage type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Integer,
    Real,
    /// 0 or 1.
    Boolean,
    /// `YYYY-MM-DD`, which GDAL and QGIS read as a date.
    Date,
}

impl Type {
    pub fn sql(self) -> &'static str {
        match self {
            Type::Text => "TEXT",
            Type::Integer => "INTEGER",
            Type::Real => "REAL",
            Type::Boolean => "BOOLEAN",
            Type::Date => "DATE",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Type,
}

const fn col(name: &'static str, kind: Type) -> Column {
    Column { name, kind }
}

use Type::{Boolean, Date, Integer, Real, Text};

/// A place: the gazetteer's facts and what the documents say of it. In a
/// per-document map, one row per place and document, `doc` naming it;
/// `doc` is null in an aggregated map, where each place has one row.
pub const PLACE_COLUMNS: &[Column] = &[
    col("place_id", Text),
    col("name", Text),
    col("kind", Text),
    col("feature_code", Text),
    col("country", Text),
    col("geonameid", Integer),
    col("population", Integer),
    col("confidence", Real),
    col("outlier", Boolean),
    col("mention_count", Integer),
    col("document_count", Integer),
    col("first_date", Date),
    col("last_date", Date),
    col("title", Text),
    col("doc", Text),
];

/// A claim: what the text states, what the map measured, the verdict, and
/// where it was read. The same columns in the four claim tables.
pub const CLAIM_COLUMNS: &[Column] = &[
    col("claim", Text),
    col("value", Real),
    col("value_max", Real),
    col("unit", Text),
    col("value_km", Real),
    col("value_max_km", Real),
    col("value_km2", Real),
    col("value_max_km2", Real),
    col("qualifier", Text),
    col("qualifier_text", Text),
    col("bearing", Text),
    col("bearing_deg", Real),
    col("subject_name", Text),
    col("subject_place_id", Text),
    col("reference_name", Text),
    col("reference_place_id", Text),
    col("border_of", Text),
    col("anchor_name", Text),
    col("anchor_place_id", Text),
    col("measured_km", Real),
    col("difference_km", Real),
    col("tolerance_km", Real),
    col("measured_bearing_deg", Real),
    col("verdict", Text),
    col("verdict_reason", Text),
    col("illustrative", Boolean),
    col("radius_km", Real),
    col("text", Text),
    col("snippet", Text),
    col("doc", Text),
    col("start", Integer),
    col("end", Integer),
    col("date", Date),
    col("title", Text),
];

/// One mention: every one of every document, not only those a place lists.
pub const MENTION_COLUMNS: &[Column] = &[
    col("place_id", Text),
    col("doc", Text),
    col("start", Integer),
    col("end", Integer),
    col("text", Text),
    col("snippet", Text),
    col("date", Date),
    col("confidence", Real),
];

/// One document of the run, in input order.
pub const DOCUMENT_COLUMNS: &[Column] = &[
    col("id", Text),
    col("date", Date),
    col("title", Text),
    col("url", Text),
    col("place_count", Integer),
    col("mention_count", Integer),
    col("claim_count", Integer),
];

/// The geometry of a feature table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Geometry {
    Point,
    LineString,
    Polygon,
}

impl Geometry {
    pub fn sql(self) -> &'static str {
        match self {
            Geometry::Point => "POINT",
            Geometry::LineString => "LINESTRING",
            Geometry::Polygon => "POLYGON",
        }
    }
}

/// The name of every feature table's geometry column.
pub const GEOMETRY_COLUMN: &str = "geom";

/// A table of the map, as `gpkg_contents` lists it.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    /// `None` for an attribute table (no geometry).
    pub geometry: Option<Geometry>,
    pub columns: &'static [Column],
    /// What a row is, for `gpkg_contents.description`.
    pub description: &'static str,
}

pub const PLACES: Table = Table {
    name: "places",
    geometry: Some(Geometry::Point),
    columns: PLACE_COLUMNS,
    description: "Places the documents mention, at their gazetteer coordinates",
};

/// Distances between two known points: a line from the subject to the
/// reference (or to the nearest point of its border).
pub const CLAIMS: Table = Table {
    name: "claims",
    geometry: Some(Geometry::LineString),
    columns: CLAIM_COLUMNS,
    description: "Stated distances between two places, drawn from subject to reference",
};

/// Distances of which only the subject is known: a point at the subject.
/// A table of its own, because a GeoPackage layer has one geometry type,
/// and QGIS styles (and offers) a layer per type.
pub const CLAIM_POINTS: Table = Table {
    name: "claim_points",
    geometry: Some(Geometry::Point),
    columns: CLAIM_COLUMNS,
    description: "Stated distances of which only the subject could be placed",
};

pub const CLAIM_AREAS: Table = Table {
    name: "claim_areas",
    geometry: Some(Geometry::Polygon),
    columns: CLAIM_COLUMNS,
    description:
        "Rings of a stated distance around a place, and illustrative circles of a stated area",
};

pub const UNPLACED_CLAIMS: Table = Table {
    name: "unplaced_claims",
    geometry: None,
    columns: CLAIM_COLUMNS,
    description: "Stated distances and areas with no place to draw them at",
};

pub const MENTIONS: Table = Table {
    name: "mentions",
    geometry: None,
    columns: MENTION_COLUMNS,
    description: "Every mention of a place, with its document, offsets and sentence",
};

pub const DOCUMENTS: Table = Table {
    name: "documents",
    geometry: None,
    columns: DOCUMENT_COLUMNS,
    description: "The documents of the run, with what was found in each",
};

/// Every table of the map, in the order `gpkg_contents` lists them.
pub const TABLES: [Table; 7] = [
    PLACES,
    CLAIMS,
    CLAIM_POINTS,
    CLAIM_AREAS,
    UNPLACED_CLAIMS,
    MENTIONS,
    DOCUMENTS,
];

/// The table relating places to their mentions (Related Tables
/// Extension): `base_id` a place's fid, `related_id` a mention's.
pub const PLACE_MENTIONS: &str = "places_mentions";

/// QGIS's table of layer styles.
pub const LAYER_STYLES: &str = "layer_styles";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_are_unique_in_each_table() {
        for table in TABLES {
            let mut names: Vec<_> = table.columns.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), table.columns.len(), "{}", table.name);
        }
    }

    /// The README's "Open it in QGIS" section names every table and column.
    #[test]
    fn the_readme_lists_every_table_and_column() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        let start = readme.find("## Open it in QGIS").expect("the QGIS section");
        let section = &readme[start..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
        for table in TABLES {
            assert!(
                section.contains(&format!("`{}`", table.name)),
                "{}",
                table.name
            );
            for c in table.columns {
                assert!(
                    section.contains(&format!("`{}`", c.name)),
                    "{}.{}",
                    table.name,
                    c.name
                );
            }
        }
    }
}
