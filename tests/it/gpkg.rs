//! `geomention map -o map.gpkg` as a QGIS user gets it, read back with
//! GDAL (`ogrinfo`, `ogr2ogr`, its GeoPackage validator and its Python
//! bindings, which `scripts/test.sh` installs): one layer per kind of
//! feature with its geometry type and typed columns, the same features as
//! the GeoJSON of the same run, every mention related to its place, and
//! each feature layer's default style in `layer_styles`. Whether QGIS
//! itself draws the styles is `scripts/qgis-check.py`'s job, run by hand.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{geomention, require, root, Tool};

/// The feature layers, their GDAL geometry type, and the GeoJSON geometry
/// type of the features that go in them (`None`: no geometry).
const LAYERS: [(&str, &str, Option<&str>); 5] = [
    ("places", "Point", Some("Point")),
    ("claims", "Line String", Some("LineString")),
    ("claim_points", "Point", Some("Point")),
    ("claim_areas", "Polygon", Some("Polygon")),
    ("unplaced_claims", "None", None),
];

/// A sentence whose claim has only its subject placed: a point claim.
const POINT_CLAIM: &str = "date 2024-06-02\nKharkiv is 30 km from the border.\n";

/// A temporary directory with the sample corpus's claim articles and one
/// article with a point claim: every kind of claim geometry.
fn inputs() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    for group in ["claims", "places"] {
        let from = root().join("corpus").join(group);
        let to = input.join(group);
        std::fs::create_dir(&to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    std::fs::write(input.join("zz_point_claim.txt"), POINT_CLAIM).unwrap();
    (dir, input)
}

/// Maps `input` to `name` in `dir` with `extra` arguments.
fn map_to(dir: &Path, input: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    geomention()
        .arg("map")
        .arg(input)
        .args(extra)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    out
}

/// The GDAL tools, or `None` (the test returns) when they are missing.
struct Gdal {
    ogrinfo: PathBuf,
    ogr2ogr: PathBuf,
}

fn gdal() -> Option<Gdal> {
    Some(Gdal {
        ogrinfo: require(Tool::Program("ogrinfo"))?,
        ogr2ogr: require(Tool::Program("ogr2ogr"))?,
    })
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the program runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{cmd:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

impl Gdal {
    /// `ogrinfo -so` of one layer: its geometry type, count and columns.
    fn summary(&self, gpkg: &Path, layer: &str) -> String {
        run(Command::new(&self.ogrinfo)
            .args(["-ro", "-so"])
            .arg(gpkg)
            .arg(layer))
    }

    /// One layer as GDAL reads it, converted to a GeoJSON collection.
    fn layer(&self, gpkg: &Path, layer: &str) -> Vec<Value> {
        let text = run(Command::new(&self.ogr2ogr)
            .args(["-f", "GeoJSON", "/vsistdout/"])
            .arg(gpkg)
            .arg(layer));
        let fc: Value = serde_json::from_str(&text).expect("ogr2ogr writes GeoJSON");
        fc["features"].as_array().cloned().unwrap_or_default()
    }

    /// The one value an SQL query gives.
    fn scalar(&self, gpkg: &Path, sql: &str) -> String {
        let text = run(Command::new(&self.ogrinfo)
            .args(["-ro", "-q", "-sql", sql])
            .arg(gpkg));
        let line = text
            .lines()
            .find(|l| l.contains(" = "))
            .unwrap_or_else(|| panic!("{sql}: {text}"));
        line.split(" = ").nth(1).unwrap().trim().to_string()
    }
}

fn features(geojson: &Path) -> Vec<Value> {
    let fc: Value = serde_json::from_str(&std::fs::read_to_string(geojson).unwrap()).unwrap();
    fc["features"].as_array().unwrap().clone()
}

/// The GeoJSON features that go in `layer`.
fn features_of<'a>(all: &'a [Value], layer: &str) -> Vec<&'a Value> {
    let (_, _, geometry) = LAYERS.iter().find(|l| l.0 == layer).unwrap();
    let kind = if layer == "places" { "place" } else { "claim" };
    all.iter()
        .filter(|f| f["properties"]["type"] == kind)
        .filter(|f| f["geometry"]["type"].as_str() == *geometry)
        .collect()
}

/// Two property values agree: equal, or equal numbers to 12 digits (GDAL
/// prints reals with 15 significant digits).
fn agree(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(1.0),
        _ => a == b,
    }
}

fn coordinates_agree(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| coordinates_agree(p, q))
        }
        _ => agree(a, b),
    }
}

/// Every feature of the GeoJSON is a row of its GeoPackage layer, in the
/// same order, with the same geometry and the same values in every column
/// the layer has.
#[test]
fn the_geopackage_holds_the_geojsons_features_layer_by_layer() {
    let Some(gdal) = gdal() else { return };
    let (dir, input) = inputs();
    let gpkg = map_to(dir.path(), &input, "map.gpkg", &[]);
    let geojson = map_to(dir.path(), &input, "map.geojson", &[]);
    let all = features(&geojson);
    let mut compared = 0;
    for (layer, gdal_type, _) in LAYERS {
        let want = features_of(&all, layer);
        assert!(!want.is_empty(), "the inputs have features for {layer}");
        let summary = gdal.summary(&gpkg, layer);
        assert!(
            summary.contains(&format!("Geometry: {gdal_type}\n")),
            "{layer}: {summary}"
        );
        assert!(
            summary.contains(&format!("Feature Count: {}\n", want.len())),
            "{layer}: {} in the GeoJSON; {summary}",
            want.len()
        );
        let got = gdal.layer(&gpkg, layer);
        assert_eq!(got.len(), want.len(), "{layer}");
        for (g, w) in got.iter().zip(&want) {
            assert!(
                coordinates_agree(&g["geometry"]["coordinates"], &w["geometry"]["coordinates"]),
                "{layer}: {} against {}",
                g["geometry"],
                w["geometry"]
            );
            let columns = g["properties"].as_object().unwrap();
            assert!(columns.len() >= 14, "{layer}: {columns:?}");
            for (name, value) in columns {
                if name == "doc" && layer == "places" {
                    assert!(value.is_null(), "an aggregated place has no doc");
                    continue;
                }
                let expected = &w["properties"][name.as_str()];
                assert!(
                    agree(value, expected),
                    "{layer}.{name}: {value} in the GeoPackage, {expected} in the GeoJSON"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "{compared} values compared");
}

/// Dates are DATE columns, flags booleans, counts integers, the layers in
/// EPSG:4326: what QGIS's Temporal Controller and filters need.
#[test]
fn columns_are_typed_and_dates_are_dates() {
    let Some(gdal) = gdal() else { return };
    let (dir, input) = inputs();
    let gpkg = map_to(dir.path(), &input, "map.gpkg", &[]);
    let expect = [
        ("places", "first_date: Date"),
        ("places", "last_date: Date"),
        ("places", "outlier: Integer(Boolean)"),
        ("places", "mention_count: Integer64"),
        ("places", "population: Integer64"),
        ("places", "confidence: Real"),
        ("claims", "date: Date"),
        ("claims", "value_km: Real"),
        ("claims", "start: Integer64"),
        ("claim_areas", "illustrative: Integer(Boolean)"),
        ("unplaced_claims", "date: Date"),
        ("mentions", "date: Date"),
        ("mentions", "place_id: String"),
        ("documents", "date: Date"),
        ("documents", "mention_count: Integer64"),
    ];
    for (layer, column) in expect {
        let summary = gdal.summary(&gpkg, layer);
        assert!(
            summary.contains(column),
            "{layer}: no {column:?} in {summary}"
        );
    }
    for layer in ["places", "claims", "claim_points", "claim_areas"] {
        let summary = gdal.summary(&gpkg, layer);
        assert!(summary.contains("ID[\"EPSG\",4326]"), "{layer}: {summary}");
    }
    // The dates themselves: a date column that GDAL reads holds dates.
    let dated = gdal.layer(&gpkg, "claims");
    assert!(dated.iter().any(|f| f["properties"]["date"]
        .as_str()
        .is_some_and(|d| d.len() == 10)));
}

/// GDAL's own GeoPackage validator (from Debian's `python3-gdal`), with
/// its extra checks and warnings as errors, accepts aggregated and
/// per-document maps.
#[test]
fn gdals_validator_accepts_the_geopackage() {
    let Some(python) = require(Tool::Program("python3")) else {
        return;
    };
    let candidates = [
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
        "/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
    ];
    let found = candidates.iter().find(|p| Path::new(p).exists());
    let Some(validator) = require(Tool::Installed {
        name: "GDAL's validate_gpkg.py (python3-gdal)",
        path: PathBuf::from(found.unwrap_or(&candidates[0])),
    }) else {
        return;
    };
    let (dir, input) = inputs();
    for (name, extra) in [
        ("map.gpkg", &[][..]),
        ("per-document.gpkg", &["--per-document"][..]),
    ] {
        let gpkg = map_to(dir.path(), &input, name, extra);
        let out = Command::new(&python)
            .arg(&validator)
            .args(["--extra", "--warning-as-error", "-v"])
            .arg(&gpkg)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{name}: {text}");
        assert!(text.contains("Checking relations"), "{text}");
    }
}

/// Each feature layer has a default QGIS style in `layer_styles`, and the
/// places' one sizes them by mention count.
#[test]
fn each_feature_layer_has_a_default_style() {
    let Some(gdal) = gdal() else { return };
    let (dir, input) = inputs();
    let gpkg = map_to(dir.path(), &input, "map.gpkg", &[]);
    let styles = gdal.layer(&gpkg, "layer_styles");
    let mut styled: Vec<&str> = Vec::new();
    for s in &styles {
        let p = &s["properties"];
        assert_eq!(p["useAsDefault"], Value::Bool(true), "{p}");
        assert_eq!(p["f_geometry_column"], "geom");
        assert_eq!(p["f_table_schema"], "");
        let qml = p["styleQML"].as_str().unwrap();
        assert!(
            qml.contains("<renderer-v2 type=\"categorizedSymbol\""),
            "{qml}"
        );
        styled.push(p["f_table_name"].as_str().unwrap());
    }
    assert_eq!(styled, ["places", "claims", "claim_points", "claim_areas"]);
    let places = styles[0]["properties"]["styleQML"].as_str().unwrap();
    assert!(
        places.contains("scale_exp(&quot;mention_count&quot;"),
        "{places}"
    );
}

/// The `mentions` table lists every mention, however few a place lists in
/// the GeoJSON, each related to its place; `documents` counts them per
/// document, even for documents read in segments.
#[test]
fn every_mention_is_a_row_related_to_its_place() {
    let Some(gdal) = gdal() else { return };
    let (dir, input) = inputs();
    let extra = ["--mentions", "1", "--segment-bytes", "300"];
    let gpkg = map_to(dir.path(), &input, "map.gpkg", &extra);
    let count = |sql: &str| gdal.scalar(&gpkg, sql).parse::<u64>().unwrap();
    let mentions = count("SELECT COUNT(*) AS n FROM mentions");
    assert!(mentions > 100, "{mentions}");
    assert_eq!(
        count("SELECT SUM(mention_count) AS n FROM places"),
        mentions
    );
    assert_eq!(
        count("SELECT SUM(mention_count) AS n FROM documents"),
        mentions
    );
    assert_eq!(count("SELECT COUNT(*) AS n FROM places_mentions"), mentions);
    let unrelated = "SELECT COUNT(*) AS n FROM mentions m LEFT JOIN places p \
                     ON p.place_id = m.place_id WHERE p.fid IS NULL";
    assert_eq!(count(unrelated), 0);
    let files = walk(&input);
    assert_eq!(count("SELECT COUNT(*) AS n FROM documents"), files as u64);
    // GDAL reads the relation (with its Python bindings: ogrinfo 3.6 does
    // not print relationships).
    let Some(python) = python_with_gdal() else {
        return;
    };
    let script = "import sys\nfrom osgeo import gdal\n\
                  ds = gdal.OpenEx(sys.argv[1])\n\
                  for name in ds.GetRelationshipNames() or []:\n\
                  \x20   r = ds.GetRelationship(name)\n\
                  \x20   print(name, r.GetLeftTableName(), r.GetRightTableName(), r.GetMappingTableName())\n";
    let text = run(Command::new(python).args(["-c", script]).arg(&gpkg));
    assert_eq!(
        text.trim(),
        "places_mentions_attributes places mentions places_mentions"
    );
}

/// A Python with GDAL's bindings: `python3` if it has them, else Debian's,
/// which `python3-gdal` gives them.
fn python_with_gdal() -> Option<PathBuf> {
    let python = require(Tool::Program("python3"))?;
    let has_osgeo = |p: &Path| {
        Command::new(p)
            .args(["-c", "import osgeo"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if has_osgeo(&python) {
        return Some(python);
    }
    require(Tool::Installed {
        name: "GDAL's Python bindings for Debian's python3 (python3-gdal)",
        path: PathBuf::from("/usr/lib/python3/dist-packages/osgeo"),
    })?;
    let system = PathBuf::from("/usr/bin/python3");
    assert!(
        has_osgeo(&system),
        "python3-gdal is installed but /usr/bin/python3 cannot import it"
    );
    Some(system)
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else {
                1
            }
        })
        .sum()
}

/// In a per-document map a place has a row per document that mentions
/// it, naming the document, and its mentions are those of that document.
#[test]
fn a_per_document_geopackage_has_a_place_row_per_document() {
    let Some(gdal) = gdal() else { return };
    let (dir, input) = inputs();
    let gpkg = map_to(dir.path(), &input, "map.gpkg", &["--per-document"]);
    let geojson = map_to(dir.path(), &input, "map.geojson", &["--per-document"]);
    let all = features(&geojson);
    let want = features_of(&all, "places");
    let got = gdal.layer(&gpkg, "places");
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g["properties"]["doc"], w["properties"]["documents"][0]);
        assert_eq!(g["properties"]["place_id"], w["properties"]["place_id"]);
        assert_eq!(
            g["properties"]["mention_count"],
            w["properties"]["mention_count"]
        );
    }
    let count = |sql: &str| gdal.scalar(&gpkg, sql).parse::<u64>().unwrap();
    let mentions = count("SELECT COUNT(*) AS n FROM mentions");
    assert_eq!(count("SELECT COUNT(*) AS n FROM places_mentions"), mentions);
    let crossed = "SELECT COUNT(*) AS n FROM places_mentions r \
                   JOIN places p ON p.fid = r.base_id JOIN mentions m ON m.fid = r.related_id \
                   WHERE p.doc != m.doc OR p.place_id != m.place_id";
    assert_eq!(count(crossed), 0);
}

/// Titles and addresses from JSON Lines reach the `documents` table.
#[test]
fn documents_list_their_titles_and_addresses() {
    let Some(gdal) = gdal() else { return };
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("articles.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            r#"{"id": "a1", "date": "2024-05-17", "title": "Shelling in Kharkiv", "url": "https://example.org/a1", "text": "Shelling hit Kharkiv and Kyiv."}"#,
            "\n",
            r#"{"id": "a2", "text": "Nothing placed here."}"#,
            "\n"
        ),
    )
    .unwrap();
    let gpkg = dir.path().join("map.gpkg");
    geomention()
        .args(["map", "-q", "--jsonl"])
        .arg(&jsonl)
        .arg("-o")
        .arg(&gpkg)
        .assert()
        .success();
    let docs = gdal.layer(&gpkg, "documents");
    let p: Vec<&Value> = docs.iter().map(|d| &d["properties"]).collect();
    assert_eq!(p.len(), 2);
    assert_eq!(p[0]["id"], "a1");
    assert_eq!(p[0]["date"], "2024-05-17");
    assert_eq!(p[0]["title"], "Shelling in Kharkiv");
    assert_eq!(p[0]["url"], "https://example.org/a1");
    assert_eq!(p[0]["place_count"], 2);
    assert_eq!(p[1]["id"], "a2");
    assert!(p[1]["title"].is_null() && p[1]["date"].is_null());
    assert_eq!(p[1]["mention_count"], 0);
}

/// A GeoPackage is a database: asked for on standard output, the run
/// fails at once with a clear error and writes nothing.
#[test]
fn a_geopackage_needs_an_output_file() {
    geomention()
        .args(["map", "--format", "gpkg"])
        .arg(root().join("corpus"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("-o FILE"));
}

/// `--styles` writes a QGIS style per geometry type beside a GeoJSON map.
#[test]
fn styles_are_written_beside_a_geojson_map() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.geojson");
    geomention()
        .args(["map", "-q", "--styles"])
        .arg(root().join("corpus/claims"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    for (kind, code) in [("point", 0), ("line", 1), ("polygon", 2)] {
        let qml = std::fs::read_to_string(dir.path().join(format!("map.{kind}.qml")))
            .unwrap_or_else(|e| panic!("map.{kind}.qml: {e}"));
        assert!(qml.starts_with("<!DOCTYPE qgis"), "{qml}");
        assert!(
            qml.contains(&format!("<layerGeometryType>{code}</layerGeometryType>")),
            "{qml}"
        );
    }
    geomention()
        .args(["map", "--styles"])
        .arg(root().join("corpus/claims"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--styles needs an output file"));
}

/// Shards written as GeoJSON text sequences and merged into a GeoPackage
/// give the GeoPackage one run over the same documents writes: the same
/// rows in every table.
#[test]
fn shards_merged_into_a_geopackage_equal_a_direct_run() {
    let Some(gdal) = gdal() else { return };
    let (dir, input) = inputs();
    let groups = [input.join("claims"), input.join("places")];
    let direct = dir.path().join("direct.gpkg");
    geomention()
        .arg("map")
        .args(&groups)
        .args(["-q", "-o"])
        .arg(&direct)
        .assert()
        .success();
    let shards: Vec<PathBuf> = (groups.iter().enumerate())
        .map(|(k, group)| map_to(dir.path(), group, &format!("part-{k}.geojsons"), &[]))
        .collect();
    let merged = dir.path().join("merged.gpkg");
    geomention()
        .arg("merge")
        .args(&shards)
        .arg("-o")
        .arg(&merged)
        .assert()
        .success();
    for layer in [
        "places",
        "claims",
        "claim_areas",
        "unplaced_claims",
        "mentions",
        "documents",
    ] {
        let (a, b) = (gdal.layer(&merged, layer), gdal.layer(&direct, layer));
        assert!(!b.is_empty(), "{layer}");
        assert_eq!(a.len(), b.len(), "{layer}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{layer}");
        }
    }
}
