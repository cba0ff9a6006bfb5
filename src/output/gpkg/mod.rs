//! GeoPackage: the map as an SQLite database that QGIS opens styled, one
//! layer per kind of feature, with flat typed columns.
//!
//! Tables ([`tables`]): `places` (points), `claims` (lines from subject to
//! reference), `claim_points` (claims of which only the subject is
//! placed), `claim_areas` (rings and illustrative circles), and the
//! attribute tables `unplaced_claims`, `mentions` (every mention, related
//! to its place) and `documents`. Every feature table has its R-tree, and
//! QGIS's `layer_styles` table holds each one's default style
//! ([`crate::output::qml`]).
//!
//! Mentions, claims and documents are inserted as documents arrive; an
//! aggregated map's places at the end, from the corpus map. Everything
//! goes into one transaction on a temporary file beside the target, which
//! is renamed into place only once the transaction is committed and the
//! database closed: a failed run leaves no file, or the old one.
//!
//! A GeoPackage needs a file it can open by path: it cannot be written to
//! standard output or to a stream.

mod geometry;
mod rows;
mod schema;
mod tables;

use std::path::{Path, PathBuf};

use foldhash::{HashMap, HashSet};
use rusqlite::{params_from_iter, Connection};

use crate::claims::shape::Shape;
use crate::error::{Error, Result};
use crate::map::{CorpusMap, DocumentMap, PlaceView};
use crate::output::qml;
use crate::output::writer::{Encoded, MapWriter, Options, Target};

use geometry::{Blob, Envelope};
use rows::{DocumentRow, Row};
use schema::Keys;
use tables::{Table, GEOMETRY_COLUMN};

pub use tables::{
    Column, Type, CLAIMS, CLAIM_AREAS, CLAIM_POINTS, DOCUMENTS, MENTIONS, PLACES, TABLES,
    UNPLACED_CLAIMS,
};

/// Vertices of drawn circles: as many as the GeoJSON writer draws.
const CIRCLE_POINTS: usize = crate::output::precision::CIRCLE_POINTS;

/// Writes a map as a GeoPackage.
pub struct GpkgWriter<T: Target> {
    /// Opened at the first document (dropped before the target, whose
    /// temporary file it writes).
    db: Option<Database>,
    target: T,
    options: Options,
}

/// The open database and what the writer keeps while documents arrive.
struct Database {
    conn: Connection,
    /// The file the user asked for, as errors name it.
    label: PathBuf,
    keys: Keys,
    /// Each table's INSERT statement, and each feature table's R-tree's:
    /// made once, looked up in the connection's statement cache by text.
    inserts: HashMap<&'static str, (String, String)>,
    /// Each feature table's extent so far.
    extents: HashMap<&'static str, Envelope>,
    /// Rows written to the feature and claim tables: what the run reports
    /// as features.
    features: usize,
    /// The document being written, until its last segment is in.
    document: Option<DocumentRow>,
    /// The ids of its places.
    document_places: HashSet<String>,
}

impl<T: Target> GpkgWriter<T> {
    pub fn new(target: T, options: Options) -> GpkgWriter<T> {
        GpkgWriter {
            db: None,
            target,
            options,
        }
    }

    /// The database, opened on the target's file the first time.
    fn db(&mut self) -> Result<&mut Database> {
        let db = match self.db.take() {
            Some(db) => db,
            None => self.open()?,
        };
        Ok(self.db.insert(db))
    }

    fn open(&self) -> Result<Database> {
        let label = self.target.label().to_path_buf();
        let Some(file) = self.target.file() else {
            return Err(Error::Invalid(format!(
                "{}: a GeoPackage is a database file and cannot be written to a stream: \
                 give it a file name (-o map.gpkg)",
                label.display()
            )));
        };
        let keys = if self.options.per_document {
            Keys::PerDocument
        } else {
            Keys::PerPlace
        };
        Database::create(file, label, keys)
    }
}

impl<T: Target> MapWriter for GpkgWriter<T> {
    fn document(&mut self, doc: &DocumentMap<'_>, _encoded: Option<Encoded>) -> Result<()> {
        let per_document = self.options.per_document;
        let db = self.db()?;
        db.document(doc)?;
        if per_document {
            for view in doc.place_views(Some(0)) {
                db.place(&view, Some(&doc.id))?;
            }
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, corpus: Option<&CorpusMap<'_>>) -> Result<usize> {
        let per_document = self.options.per_document;
        let db = self.db()?;
        if let (Some(corpus), false) = (corpus, per_document) {
            for view in corpus.place_views() {
                db.place(&view, None)?;
            }
        }
        let features = self.db.take().map_or(Ok(0), Database::close)?;
        self.target.commit()?;
        Ok(features)
    }
}

impl Database {
    /// Makes the map's empty tables in the empty file `path` and starts
    /// the transaction the whole map is written in.
    fn create(path: &Path, label: PathBuf, keys: Keys) -> Result<Database> {
        let fail = |e: rusqlite::Error| sql_error(&label, e);
        let conn = Connection::open(path).map_err(fail)?;
        conn.execute_batch(schema::PRAGMAS).map_err(fail)?;
        // No rollback journal on disk and no syncs: a failed run's file is
        // thrown away whole, and the finished file is synced once, by the
        // target, before it is renamed into place.
        conn.query_row("PRAGMA journal_mode = MEMORY", [], |_| Ok(()))
            .map_err(fail)?;
        // Mentions come before the places they refer to: their foreign
        // keys are checked when the map is committed, all of them.
        conn.execute_batch(
            "PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON; BEGIN; \
             PRAGMA defer_foreign_keys = ON;",
        )
        .map_err(fail)?;
        conn.execute_batch(schema::CORE).map_err(fail)?;
        conn.execute_batch(&schema::create_tables(keys))
            .map_err(fail)?;
        let inserts = (TABLES.iter())
            .map(|t| (t.name, (schema::insert(t), schema::insert_rtree(t.name))))
            .collect();
        Ok(Database {
            conn,
            label,
            keys,
            inserts,
            extents: HashMap::default(),
            features: 0,
            document: None,
            document_places: HashSet::default(),
        })
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        sql_error(&self.label, e)
    }

    /// Inserts `row` (after `geometry`, for a feature table) into `table`;
    /// returns the new row's fid.
    fn insert(&mut self, table: &Table, geometry: Option<&Blob>, row: Row) -> Result<i64> {
        let sql = &self.inserts[table.name].0;
        let mut stmt = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| sql_error(&self.label, e))?;
        let geom = geometry.map(|g| rusqlite::types::ToSqlOutput::from(g.bytes.as_slice()));
        let cells = geom
            .into_iter()
            .chain(row.into_iter().map(|(_, cell)| cell));
        stmt.execute(params_from_iter(cells))
            .map_err(|e| sql_error(&self.label, e))?;
        drop(stmt);
        let fid = self.conn.last_insert_rowid();
        if let Some(g) = geometry {
            self.index(table.name, fid, g.envelope)?;
        }
        Ok(fid)
    }

    /// Adds a feature to its table's R-tree and extent.
    fn index(&mut self, table: &'static str, fid: i64, e: Envelope) -> Result<()> {
        let sql = &self.inserts[table].1;
        let mut stmt = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| sql_error(&self.label, e))?;
        stmt.execute((fid, e.min_x, e.max_x, e.min_y, e.max_y))
            .map_err(|e| sql_error(&self.label, e))?;
        drop(stmt);
        self.extents
            .entry(table)
            .and_modify(|x| *x = x.union(e))
            .or_insert(e);
        Ok(())
    }

    /// Writes a document's (or segment's) mentions and claims, and counts
    /// them for its row in `documents`.
    fn document(&mut self, doc: &DocumentMap<'_>) -> Result<()> {
        if let Some(d) = doc.date.as_deref().filter(|d| !rows::is_date(d)) {
            return Err(Error::Invalid(format!(
                "document {}: date {d:?} is not YYYY-MM-DD, which a DATE column needs",
                doc.id
            )));
        }
        if doc.starts_document || self.document.is_none() {
            self.end_document()?;
            self.document = Some(DocumentRow {
                id: doc.id.clone(),
                date: doc.date.clone(),
                title: doc.title.clone(),
                url: doc.url.clone(),
                ..DocumentRow::default()
            });
        }
        for p in &doc.places {
            self.document_places.insert(p.place.place_id.clone());
            for m in &p.mentions {
                let row = rows::mention(
                    &p.place.place_id,
                    &doc.id,
                    doc.date.as_deref(),
                    m,
                    doc.snippet(m.snippet),
                );
                self.insert(&MENTIONS, None, row)?;
            }
        }
        for c in &doc.claims {
            let (table, geometry) = match c.shape {
                None => (&UNPLACED_CLAIMS, None),
                Some(Shape::Point(p)) => (&CLAIM_POINTS, Some(geometry::point(p))),
                Some(Shape::Line(a, b)) => (&CLAIMS, Some(geometry::line(&[a, b]))),
                Some(Shape::Circle {
                    center,
                    km,
                    hole_km,
                }) => {
                    let circle = |km| crate::claims::check::circle(center, km, CIRCLE_POINTS);
                    let mut rings = vec![circle(km)];
                    if let Some(hole) = hole_km {
                        // The hole runs clockwise, as in the GeoJSON.
                        let mut hole = circle(hole);
                        hole.reverse();
                        rings.push(hole);
                    }
                    (&CLAIM_AREAS, Some(geometry::polygon(&rings)))
                }
                // A map read back from a file has its rings drawn already.
                Some(Shape::Polygon(ref rings)) => (&CLAIM_AREAS, Some(geometry::polygon(rings))),
            };
            let title = c.title();
            let row = rows::claim(
                c,
                &doc.id,
                doc.date.as_deref(),
                doc.snippet(c.snippet),
                &title,
            );
            self.insert(table, geometry.as_ref(), row)?;
            self.features += 1;
        }
        if let Some(d) = &mut self.document {
            d.places = self.document_places.len() as u64;
            d.mentions += doc
                .places
                .iter()
                .map(|p| p.mentions.len() as u64)
                .sum::<u64>();
            d.claims += doc.claims.len() as u64;
        }
        Ok(())
    }

    /// Writes the row of the document being written, if any.
    fn end_document(&mut self) -> Result<()> {
        if let Some(d) = self.document.take() {
            self.insert(&DOCUMENTS, None, d.row())?;
        }
        self.document_places.clear();
        Ok(())
    }

    /// Writes a place's row; `doc` names its document in a per-document map.
    fn place(&mut self, view: &PlaceView<'_>, doc: Option<&str>) -> Result<()> {
        let p = view.place;
        let title = view.title();
        let blob = geometry::point((p.lat, p.lon));
        self.insert(&PLACES, Some(&blob), rows::place(view, &title, doc))?;
        self.features += 1;
        Ok(())
    }

    /// Relates places to mentions, sets extents, adds the R-tree triggers
    /// and the styles, commits and closes. Returns the number of features.
    fn close(mut self) -> Result<usize> {
        self.end_document()?;
        let mut sql = schema::relate_mentions(self.keys);
        for table in TABLES.iter().filter(|t| t.geometry.is_some()) {
            if let Some(&e) = self.extents.get(table.name) {
                sql.push_str(&schema::set_extent(table.name, e));
            }
            sql.push_str(&schema::rtree_triggers(table.name));
        }
        self.conn.execute_batch(&sql).map_err(|e| self.fail(e))?;
        for (table, layer) in [
            (&PLACES, qml::Layer::Places),
            (&CLAIMS, qml::Layer::ClaimLines),
            (&CLAIM_POINTS, qml::Layer::ClaimPoints),
            (&CLAIM_AREAS, qml::Layer::ClaimAreas),
        ] {
            self.conn
                .execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, \
                     f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, \
                     owner, ui) VALUES ('', '', ?1, ?2, ?1, ?3, '', 1, ?4, '', NULL)",
                    (
                        table.name,
                        GEOMETRY_COLUMN,
                        layer.qml(),
                        layer.description(),
                    ),
                )
                .map_err(|e| self.fail(e))?;
        }
        self.conn
            .execute_batch("COMMIT")
            .map_err(|e| self.fail(e))?;
        let features = self.features;
        let label = self.label;
        self.conn.close().map_err(|(_, e)| sql_error(&label, e))?;
        Ok(features)
    }
}

/// An SQLite error, as an error writing the file the user named.
fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::io(path, std::io::Error::other(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::gazetteer::Gazetteer;
    use crate::output::Destination;
    use crate::pipeline::Geoparser;

    fn sample_map(g: &Gazetteer) -> DocumentMap<'_> {
        let doc = Document::new(
            "a",
            "date 2024-05-17\nShelling hit Kharkiv, 30 km from Belgorod. Kyiv was calm.",
        );
        DocumentMap::new(&doc, Geoparser::new(g).parse(&doc), g, true)
    }

    #[test]
    fn a_stream_is_refused_with_a_clear_error() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let mut out = Vec::new();
        let mut writer = GpkgWriter::new(&mut out, Options::default());
        let err = writer.document(&sample_map(&g), None).unwrap_err();
        assert!(err.to_string().contains("-o map.gpkg"), "{err}");
        assert!(out.is_empty());
    }

    #[test]
    fn an_uncommitted_geopackage_leaves_no_file() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.gpkg");
        std::fs::write(&path, "old").unwrap();
        {
            let dest = Destination::create(Some(&path)).unwrap();
            let mut writer = GpkgWriter::new(dest, Options::default());
            writer.document(&sample_map(&g), None).unwrap();
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("map.gpkg")]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    }

    #[test]
    fn a_committed_geopackage_replaces_the_old_file() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.gpkg");
        std::fs::write(&path, "old").unwrap();
        let map = sample_map(&g);
        let mut corpus = CorpusMap::default();
        corpus.add(&map);
        let dest = Destination::create(Some(&path)).unwrap();
        let mut writer: Box<dyn MapWriter> = Box::new(GpkgWriter::new(dest, Options::default()));
        writer.document(&map, None).unwrap();
        let features = writer.finish(Some(&corpus)).unwrap();
        assert_eq!(features, corpus.len() + map.claims.len());
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"SQLite format 3\0"));
        // application_id "GPKG" at offset 68.
        assert_eq!(&bytes[68..72], b"GPKG");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
