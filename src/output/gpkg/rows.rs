//! The rows of a geomention GeoPackage, made from the map model: a place,
//! a claim, a mention, a document, each as its table's cells in column
//! order ([`super::tables`]), rounded as the GeoJSON writer rounds them so
//! that the two formats of one run agree. Cells borrow the model's
//! strings; nothing here touches the database.

use rusqlite::types::{ToSqlOutput, Value, ValueRef};

use crate::claims::ClaimKind;
use crate::map::{ClaimRecord, MentionRecord, PlaceView, RoleRecord};
use crate::output::precision::{round1, round3};

/// One value of a row, borrowed where it can be.
pub type Cell<'a> = ToSqlOutput<'a>;

/// A row: each cell with its column's name, in column order.
pub type Row<'a> = Vec<(&'static str, Cell<'a>)>;

fn text(s: &str) -> Cell<'_> {
    ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
}

fn opt_text(s: Option<&str>) -> Cell<'_> {
    s.map_or(ToSqlOutput::Owned(Value::Null), text)
}

fn int(v: u64) -> Cell<'static> {
    // Counts, offsets and populations are far below 2^63.
    ToSqlOutput::Owned(Value::Integer(i64::try_from(v).unwrap_or(i64::MAX)))
}

fn real(v: f64) -> Cell<'static> {
    ToSqlOutput::Owned(Value::Real(v))
}

fn opt_real(v: Option<f64>) -> Cell<'static> {
    ToSqlOutput::Owned(v.map_or(Value::Null, Value::Real))
}

fn boolean(v: bool) -> Cell<'static> {
    ToSqlOutput::Owned(Value::Integer(v.into()))
}

/// Whether `s` is a date as a DATE column holds it: `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The row of a place in `places`; `doc` names its document in a
/// per-document map.
pub fn place<'a>(view: &'a PlaceView<'a>, title: &'a str, doc: Option<&'a str>) -> Row<'a> {
    let p = view.place;
    vec![
        ("place_id", text(&p.place_id)),
        ("name", text(&p.name)),
        ("kind", text(p.kind.as_str())),
        ("feature_code", text(&p.feature_code)),
        (
            "country",
            opt_text(Some(p.country.as_str()).filter(|c| !c.is_empty())),
        ),
        (
            "geonameid",
            ToSqlOutput::Owned(
                p.geonameid
                    .map_or(Value::Null, |g| Value::Integer(g.into())),
            ),
        ),
        (
            "population",
            p.population.map_or(ToSqlOutput::Owned(Value::Null), int),
        ),
        ("confidence", real(view.confidence)),
        ("outlier", boolean(view.outlier)),
        ("mention_count", int(view.mention_count)),
        ("document_count", int(view.document_count)),
        ("first_date", opt_text(view.first_date)),
        ("last_date", opt_text(view.last_date)),
        ("title", text(title)),
        ("doc", opt_text(doc)),
    ]
}

/// The row of a claim stated in document `doc` of `date`, in the sentence
/// `snippet`; `title` is [`ClaimRecord::title`].
pub fn claim<'a>(
    c: &'a ClaimRecord<'a>,
    doc: &'a str,
    date: Option<&'a str>,
    snippet: &'a str,
    title: &'a str,
) -> Row<'a> {
    fn name<'a>(r: &'a Option<RoleRecord>) -> Option<&'a str> {
        r.as_ref().map(|r| r.place.name.as_str())
    }
    fn id<'a>(r: &'a Option<RoleRecord>) -> Option<&'a str> {
        r.as_ref().map(|r| r.place.place_id.as_str())
    }
    let (km, km2) = match c.kind {
        ClaimKind::Distance => (Some(c), None),
        ClaimKind::Area => (None, Some(c)),
    };
    let border = c.reference.as_ref().and_then(|r| r.border_of.as_deref());
    vec![
        ("claim", text(c.kind.as_str())),
        ("value", real(c.value)),
        ("value_max", opt_real(c.value_max)),
        ("unit", text(c.unit.as_str())),
        ("value_km", opt_real(km.map(|c| round3(c.value_km())))),
        (
            "value_max_km",
            opt_real(km.and_then(|c| c.value_max_km().map(round3))),
        ),
        ("value_km2", opt_real(km2.map(|c| round3(c.value_km())))),
        (
            "value_max_km2",
            opt_real(km2.and_then(|c| c.value_max_km().map(round3))),
        ),
        ("qualifier", opt_text(c.qualifier.map(|q| q.as_str()))),
        ("qualifier_text", opt_text(c.qualifier_text.as_deref())),
        ("bearing", opt_text(c.bearing.map(|b| b.name))),
        ("bearing_deg", opt_real(c.bearing.map(|b| b.degrees))),
        ("subject_name", opt_text(name(&c.subject))),
        ("subject_place_id", opt_text(id(&c.subject))),
        ("reference_name", opt_text(name(&c.reference))),
        ("reference_place_id", opt_text(id(&c.reference))),
        ("border_of", opt_text(border)),
        ("anchor_name", opt_text(name(&c.anchor))),
        ("anchor_place_id", opt_text(id(&c.anchor))),
        ("measured_km", opt_real(c.check.measured_km.map(round1))),
        ("difference_km", opt_real(c.check.difference_km.map(round1))),
        ("tolerance_km", opt_real(c.check.tolerance_km.map(round1))),
        (
            "measured_bearing_deg",
            opt_real(c.check.measured_bearing_deg.map(round1)),
        ),
        ("verdict", text(c.check.verdict.as_str())),
        ("verdict_reason", text(&c.check.reason)),
        ("illustrative", boolean(c.illustrative)),
        ("radius_km", opt_real(c.radius_km.map(round3))),
        ("text", text(&c.text)),
        ("snippet", text(snippet)),
        ("doc", text(doc)),
        ("start", int(c.start as u64)),
        ("end", int(c.end as u64)),
        ("date", opt_text(date)),
        ("title", text(title)),
    ]
}

/// The row of one mention of `place_id` in document `doc` of `date`.
pub fn mention<'a>(
    place_id: &'a str,
    doc: &'a str,
    date: Option<&'a str>,
    m: &'a MentionRecord,
    snippet: &'a str,
) -> Row<'a> {
    vec![
        ("place_id", text(place_id)),
        ("doc", text(doc)),
        ("start", int(m.start as u64)),
        ("end", int(m.end as u64)),
        ("text", text(&m.text)),
        ("snippet", text(snippet)),
        ("date", opt_text(date)),
        ("confidence", real(m.confidence)),
    ]
}

/// What the `documents` table says of one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentRow {
    pub id: String,
    pub date: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub places: u64,
    pub mentions: u64,
    pub claims: u64,
}

impl DocumentRow {
    pub fn row(&self) -> Row<'_> {
        vec![
            ("id", text(&self.id)),
            ("date", opt_text(self.date.as_deref())),
            ("title", opt_text(self.title.as_deref())),
            ("url", opt_text(self.url.as_deref())),
            ("place_count", int(self.places)),
            ("mention_count", int(self.mentions)),
            ("claim_count", int(self.claims)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::gazetteer::Gazetteer;
    use crate::map::DocumentMap;
    use crate::output::gpkg::tables as schema;
    use crate::pipeline::Geoparser;

    fn names(row: &Row) -> Vec<&'static str> {
        row.iter().map(|(n, _)| *n).collect()
    }

    fn columns(cs: &[schema::Column]) -> Vec<&'static str> {
        cs.iter().map(|c| c.name).collect()
    }

    /// Every row has its table's columns, in order.
    #[test]
    fn rows_follow_their_tables_columns() {
        let g = Gazetteer::embedded().expect("the built-in gazetteer loads");
        let parser = Geoparser::new(&g);
        let doc = Document::new(
            "d",
            "date 2024-05-17\nShelling hit Kharkiv, 30 km from the Russian border. \
             Russian forces seized over 200 square kilometers near Kharkiv.",
        );
        let map = DocumentMap::new(&doc, parser.parse(&doc), &g, true);
        let view = map.place_views(None).next().unwrap();
        let title = view.title();
        assert_eq!(
            names(&place(&view, &title, None)),
            columns(schema::PLACE_COLUMNS)
        );
        let c = &map.claims[0];
        let t = c.title();
        assert_eq!(
            names(&claim(c, "d", None, "s", &t)),
            columns(schema::CLAIM_COLUMNS)
        );
        let m = &map.places[0].mentions[0];
        assert_eq!(
            names(&mention("gn:1", "d", None, m, "s")),
            columns(schema::MENTION_COLUMNS)
        );
        assert_eq!(
            names(&DocumentRow::default().row()),
            columns(schema::DOCUMENT_COLUMNS)
        );
    }

    #[test]
    fn dates_are_checked_to_the_character() {
        assert!(is_date("2024-05-17"));
        for bad in [
            "2024-5-17",
            "2024-05-17T10:00",
            "20240517",
            "2024/05/17",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
