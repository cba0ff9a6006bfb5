//! The SQL of a geomention GeoPackage: the GeoPackage's own tables
//! (spatial reference systems, contents, geometry columns, extensions),
//! the map's tables of [`super::tables`] with their spatial indexes and
//! the triggers the standard asks for, the relation from places to their
//! mentions (Related Tables Extension) and QGIS's `layer_styles` table.
//!
//! Nothing here writes a row of the map: [`super::rows`] makes the rows
//! and [`super::GpkgWriter`] inserts them.

use std::fmt::Write as _;

use super::geometry::{Envelope, SRS_ID};
use super::tables::{Table, GEOMETRY_COLUMN, LAYER_STYLES, MENTIONS, PLACE_MENTIONS, TABLES};

/// `name` as an SQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The GeoPackage's own tables and the three spatial reference systems
/// every GeoPackage has.
pub const CORE: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined',
   'undefined Cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
   'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326,
   'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]',
   'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
";

/// `application_id` "GPKG" and GeoPackage 1.2, what GDAL writes by default.
pub const PRAGMAS: &str = "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;";

/// The rtree extension, per indexed table, and the related tables one.
const RTREE_DEFINITION: &str = "http://www.geopackage.org/spec120/#extension_rtree";
const RELATED_TABLES: &str = "gpkg_related_tables";
const RELATED_TABLES_DEFINITION: &str = "http://docs.opengeospatial.org/is/18-000/18-000.html";

/// How places relate to mentions: by `place_id` over the corpus, or by
/// `place_id` and `doc` in a per-document map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// One place row per place: `mentions.place_id` is a foreign key to
    /// `places.place_id`, which is unique.
    PerPlace,
    /// One place row per place and document: no SQL foreign key (two
    /// documents may share an id), the related-tables mapping only.
    PerDocument,
}

/// The SQL that makes the map's tables, empty, with their indexes and
/// their `gpkg_contents` and `gpkg_geometry_columns` rows.
pub fn create_tables(keys: Keys) -> String {
    let mut sql = String::new();
    for table in TABLES {
        let mut columns = vec!["\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string()];
        if let Some(g) = table.geometry {
            columns.push(format!("{} {}", ident(GEOMETRY_COLUMN), g.sql()));
        }
        for c in table.columns {
            columns.push(format!("{} {}", ident(c.name), c.kind.sql()));
        }
        if table.name == MENTIONS.name && keys == Keys::PerPlace {
            columns.push("FOREIGN KEY (\"place_id\") REFERENCES \"places\" (\"place_id\")".into());
        }
        let _ = writeln!(
            sql,
            "CREATE TABLE {} (\n  {}\n);",
            ident(table.name),
            columns.join(",\n  ")
        );
        let data_type = if table.geometry.is_some() {
            "features"
        } else {
            "attributes"
        };
        let _ = writeln!(
            sql,
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) \
             VALUES ('{0}', '{data_type}', '{0}', '{1}', {2});",
            table.name,
            table.description.replace('\'', "''"),
            if table.geometry.is_some() {
                SRS_ID.to_string()
            } else {
                "NULL".into()
            },
        );
        if let Some(g) = table.geometry {
            let _ = writeln!(
                sql,
                "INSERT INTO gpkg_geometry_columns VALUES ('{}', '{GEOMETRY_COLUMN}', '{}', {SRS_ID}, 0, 0);",
                table.name,
                g.sql()
            );
            let _ = writeln!(
                sql,
                "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy);",
                ident(&rtree(table.name))
            );
            let _ = writeln!(
                sql,
                "INSERT INTO gpkg_extensions VALUES ('{}', '{GEOMETRY_COLUMN}', 'gpkg_rtree_index', \
                 '{RTREE_DEFINITION}', 'write-only');",
                table.name
            );
        }
    }
    let place_key = match keys {
        Keys::PerPlace => "CREATE UNIQUE INDEX places_place_id ON places (place_id);",
        Keys::PerDocument => "CREATE INDEX places_place_id ON places (place_id, doc);",
    };
    sql.push_str(place_key);
    sql.push('\n');
    sql.push_str("CREATE INDEX mentions_place_id ON mentions (place_id);\n");
    sql.push_str(&relations());
    sql.push_str(&layer_styles());
    sql
}

/// The R-tree of a feature table.
pub fn rtree(table: &str) -> String {
    format!("rtree_{table}_{GEOMETRY_COLUMN}")
}

/// The Related Tables Extension's tables: the relation from `places` to
/// `mentions` and its mapping table, filled at the end of the run.
fn relations() -> String {
    format!(
        "CREATE TABLE gpkgext_relations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  base_table_name TEXT NOT NULL,
  base_primary_column TEXT NOT NULL DEFAULT 'id',
  related_table_name TEXT NOT NULL,
  related_primary_column TEXT NOT NULL DEFAULT 'id',
  relation_name TEXT NOT NULL,
  mapping_table_name TEXT NOT NULL UNIQUE
);
CREATE TABLE {PLACE_MENTIONS} (
  base_id INTEGER NOT NULL,
  related_id INTEGER NOT NULL
);
INSERT INTO gpkgext_relations (base_table_name, base_primary_column, related_table_name,
  related_primary_column, relation_name, mapping_table_name)
  VALUES ('places', 'fid', 'mentions', 'fid', 'attributes', '{PLACE_MENTIONS}');
INSERT INTO gpkg_extensions VALUES
  ('gpkgext_relations', NULL, '{RELATED_TABLES}', '{RELATED_TABLES_DEFINITION}', 'read-write'),
  ('{PLACE_MENTIONS}', NULL, '{RELATED_TABLES}', '{RELATED_TABLES_DEFINITION}', 'read-write');
"
    )
}

/// The SQL that fills the mapping from places to mentions, once both are
/// written.
pub fn relate_mentions(keys: Keys) -> String {
    let same_doc = match keys {
        Keys::PerPlace => "",
        Keys::PerDocument => " AND p.doc = m.doc",
    };
    format!(
        "INSERT INTO {PLACE_MENTIONS} (base_id, related_id) \
         SELECT p.fid, m.fid FROM mentions m JOIN places p ON p.place_id = m.place_id{same_doc} \
         ORDER BY m.fid;"
    )
}

/// QGIS's `layer_styles` table, as QGIS makes it in a GeoPackage, listed
/// in `gpkg_contents` as QGIS lists it.
fn layer_styles() -> String {
    format!(
        "CREATE TABLE {LAYER_STYLES} (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  f_table_catalog TEXT(256),
  f_table_schema TEXT(256),
  f_table_name TEXT(256),
  f_geometry_column TEXT(256),
  styleName TEXT(30),
  styleQML TEXT,
  styleSLD TEXT,
  useAsDefault BOOLEAN,
  description TEXT,
  owner TEXT(30),
  ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('{LAYER_STYLES}', 'attributes', '{LAYER_STYLES}', 'QGIS styles of the layers');
"
    )
}

/// The SQL that sets a feature table's extent in `gpkg_contents`.
pub fn set_extent(table: &str, e: Envelope) -> String {
    format!(
        "UPDATE gpkg_contents SET min_x = {:?}, min_y = {:?}, max_x = {:?}, max_y = {:?} \
         WHERE table_name = '{table}';",
        e.min_x, e.min_y, e.max_x, e.max_y
    )
}

/// The triggers that keep a feature table's R-tree up to date when the
/// file is edited later (in QGIS, say), as GeoPackage 1.2 words them.
/// Made once the rows are in: the functions they call (`ST_MinX` ...) are
/// those of the program that edits the file, not of this writer, which
/// fills the R-tree itself.
pub fn rtree_triggers(table: &str) -> String {
    let t = ident(table);
    let r = ident(&rtree(table));
    let name = |suffix: &str| ident(&format!("{}_{suffix}", rtree(table)));
    let g = format!("NEW.{}", ident(GEOMETRY_COLUMN));
    let old_g = format!("OLD.{}", ident(GEOMETRY_COLUMN));
    let column = ident(GEOMETRY_COLUMN);
    let values = format!("(NEW.fid, ST_MinX({g}), ST_MaxX({g}), ST_MinY({g}), ST_MaxY({g}))");
    let present = format!("({g} NOTNULL AND NOT ST_IsEmpty({g}))");
    let absent = format!("({g} ISNULL OR ST_IsEmpty({g}))");
    [
        format!(
            "CREATE TRIGGER {} AFTER INSERT ON {t} WHEN {present} \
             BEGIN INSERT OR REPLACE INTO {r} VALUES {values}; END;",
            name("insert")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE OF {column} ON {t} \
             WHEN OLD.fid = NEW.fid AND {present} \
             BEGIN INSERT OR REPLACE INTO {r} VALUES {values}; END;",
            name("update1")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE OF {column} ON {t} \
             WHEN OLD.fid = NEW.fid AND {absent} \
             BEGIN DELETE FROM {r} WHERE id = OLD.fid; END;",
            name("update2")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND {present} \
             BEGIN DELETE FROM {r} WHERE id = OLD.fid; \
             INSERT OR REPLACE INTO {r} VALUES {values}; END;",
            name("update3")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND {absent} \
             BEGIN DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid); END;",
            name("update4")
        ),
        format!(
            "CREATE TRIGGER {} AFTER DELETE ON {t} WHEN {old_g} NOT NULL \
             BEGIN DELETE FROM {r} WHERE id = OLD.fid; END;",
            name("delete")
        ),
    ]
    .join("\n")
}

/// The statement that inserts a row of `table` (its geometry first, if it
/// has one), with numbered parameters in column order.
pub fn insert(table: &Table) -> String {
    let mut names: Vec<String> = Vec::new();
    if table.geometry.is_some() {
        names.push(ident(GEOMETRY_COLUMN));
    }
    names.extend(table.columns.iter().map(|c| ident(c.name)));
    let params: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        ident(table.name),
        names.join(", "),
        params.join(", ")
    )
}

/// The statement that adds a feature's bounding box to `table`'s R-tree:
/// fid, min x, max x, min y, max y.
pub fn insert_rtree(table: &str) -> String {
    format!(
        "INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
        ident(&rtree(table))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_open_in_an_empty_database() {
        for keys in [Keys::PerPlace, Keys::PerDocument] {
            let db = rusqlite::Connection::open_in_memory().unwrap();
            db.execute_batch(CORE).unwrap();
            db.execute_batch(&create_tables(keys)).unwrap();
            for table in TABLES {
                db.prepare(&insert(&table)).unwrap();
            }
            db.execute_batch(&relate_mentions(keys)).unwrap();
            // Last: once they exist, inserting needs the ST_ functions
            // they call, which GDAL and QGIS have and this writer has not.
            for table in TABLES.iter().filter(|t| t.geometry.is_some()) {
                db.execute_batch(&rtree_triggers(table.name)).unwrap();
            }
        }
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(ident("end"), "\"end\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    }
}
