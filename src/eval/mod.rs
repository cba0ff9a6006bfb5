//! Measuring geoparsing quality on an annotated corpus: `geomention eval`.
//!
//! This module owns running the pipeline ([`Geoparser::mentions`], exactly
//! what `map` runs) over every gold article, scoring each article against
//! its annotations, summing the scores into a [`Report`], and printing that
//! report as a table, as JSON, or as a list of every miss. The gold format
//! is in [`gold`]; the metric definitions (span pairing, P/R/F1,
//! accuracy@161km, AUC) are in [`metrics`]. It does not change what the
//! pipeline does.
//!
//! Recognition is scored on every mention the pipeline returns. Resolution
//! is scored on the gold toponyms that were recognized, paired by overlap:
//! a toponym the pipeline missed has no error distance, so resolution
//! figures must be read next to recall.

pub mod gold;
pub mod metrics;

use std::io::{self, Write};
use std::path::Path;

use geo::{Distance, Haversine, Point};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::Result;
use crate::pipeline::Geoparser;

pub use gold::{read_gold, GoldArticle, GoldToponym};
use metrics::{pair_spans, Counts, Recognition, Resolution, Span, ACCURACY_KM};

/// A mention the geoparser returned, with where it put it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Code-point offsets into the article text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The chosen place.
    pub place_id: String,
    pub place_name: String,
    pub geonameid: Option<u32>,
    pub lat: f64,
    pub lon: f64,
}

/// What one article scores; [`Report`] sums them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleScore {
    pub exact: Counts,
    pub overlap: Counts,
    /// Error (km) of every gold toponym paired by overlap, in gold order.
    pub errors_km: Vec<f64>,
    /// Paired toponyms with a gold geonameid, and how many of them got that id.
    pub with_geonameid: usize,
    pub same_geonameid: usize,
    pub misses: Vec<Miss>,
}

/// Something the geoparser got wrong, for `--errors`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Miss {
    /// A prediction that overlaps no gold toponym.
    FalsePositive {
        article: String,
        line: usize,
        predicted: Prediction,
        context: String,
    },
    /// A gold toponym no prediction overlaps.
    FalseNegative {
        article: String,
        line: usize,
        gold: GoldToponym,
        context: String,
    },
    /// Paired by overlap, but with other boundaries.
    Boundary {
        article: String,
        line: usize,
        gold: GoldToponym,
        predicted: Prediction,
    },
    /// Paired by overlap, resolved [`ACCURACY_KM`] or more from the gold point.
    FarResolution {
        article: String,
        line: usize,
        gold: GoldToponym,
        predicted: Prediction,
        error_km: f64,
    },
}

/// Great-circle distance in km.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    Haversine.distance(Point::new(lon1, lat1), Point::new(lon2, lat2)) / 1000.0
}

/// Up to `width` code points either side of `[start, end)`, the span in
/// `[[...]]`, on one line.
fn context(text: &str, start: usize, end: usize, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let from = start.saturating_sub(width);
    let to = (end + width).min(chars.len());
    let piece = |a: usize, b: usize| -> String {
        chars[a..b]
            .iter()
            .map(|&c| if c.is_whitespace() { ' ' } else { c })
            .collect()
    };
    format!(
        "{}[[{}]]{}",
        piece(from, start),
        piece(start, end),
        piece(end, to)
    )
}

/// Scores one article's predictions against its gold toponyms.
pub fn score_article(article: &GoldArticle, predicted: &[Prediction]) -> ArticleScore {
    let gold_spans: Vec<Span> = article.toponyms.iter().map(|t| (t.start, t.end)).collect();
    let pred_spans: Vec<Span> = predicted.iter().map(|p| (p.start, p.end)).collect();
    let pairing = pair_spans(&gold_spans, &pred_spans);
    let (g, p) = (gold_spans.len(), pred_spans.len());
    let mut score = ArticleScore {
        exact: Counts::of(pairing.exact.len(), g, p),
        overlap: Counts::of(pairing.overlap.len(), g, p),
        ..Default::default()
    };
    let (id, line) = (&article.id, article.line);
    let mut gold_paired = vec![false; g];
    let mut pred_paired = vec![false; p];
    for &(gi, pi) in &pairing.overlap {
        gold_paired[gi] = true;
        pred_paired[pi] = true;
        let (t, m) = (&article.toponyms[gi], &predicted[pi]);
        let error_km = distance_km(t.lat, t.lon, m.lat, m.lon);
        score.errors_km.push(error_km);
        if let Some(gold_id) = t.geonameid {
            score.with_geonameid += 1;
            if m.geonameid.map(u64::from) == Some(gold_id) {
                score.same_geonameid += 1;
            }
        }
        if (t.start, t.end) != (m.start, m.end) {
            score.misses.push(Miss::Boundary {
                article: id.clone(),
                line,
                gold: t.clone(),
                predicted: m.clone(),
            });
        }
        if error_km >= ACCURACY_KM {
            score.misses.push(Miss::FarResolution {
                article: id.clone(),
                line,
                gold: t.clone(),
                predicted: m.clone(),
                error_km,
            });
        }
    }
    for (t, _) in article
        .toponyms
        .iter()
        .zip(&gold_paired)
        .filter(|(_, &b)| !b)
    {
        score.misses.push(Miss::FalseNegative {
            article: id.clone(),
            line,
            gold: t.clone(),
            context: context(&article.text, t.start, t.end, CONTEXT_WIDTH),
        });
    }
    for (m, _) in predicted.iter().zip(&pred_paired).filter(|(_, &b)| !b) {
        score.misses.push(Miss::FalsePositive {
            article: id.clone(),
            line,
            predicted: m.clone(),
            context: context(&article.text, m.start, m.end, CONTEXT_WIDTH),
        });
    }
    score
}

/// Code points of context either side of a missed span.
const CONTEXT_WIDTH: usize = 40;

/// The scores of a whole corpus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub articles: usize,
    pub gold_toponyms: usize,
    pub predicted_mentions: usize,
    pub exact: Recognition,
    pub overlap: Recognition,
    pub resolution: Resolution,
    /// Scored toponyms whose gold has a geonameid, and how many got that id.
    pub with_geonameid: usize,
    pub same_geonameid: usize,
    /// Every miss, in article order, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub misses: Option<Vec<Miss>>,
}

impl Report {
    /// Sums article scores, keeping their misses when `keep_misses`.
    pub fn from_scores(scores: Vec<ArticleScore>, keep_misses: bool) -> Report {
        let articles = scores.len();
        let (mut exact, mut overlap) = (Counts::default(), Counts::default());
        let (mut with_id, mut same_id) = (0, 0);
        let mut errors = Vec::new();
        let mut misses = Vec::new();
        for s in scores {
            exact.add(s.exact);
            overlap.add(s.overlap);
            with_id += s.with_geonameid;
            same_id += s.same_geonameid;
            errors.extend(s.errors_km);
            if keep_misses {
                misses.extend(s.misses);
            }
        }
        Report {
            articles,
            gold_toponyms: exact.true_positives + exact.false_negatives,
            predicted_mentions: exact.true_positives + exact.false_positives,
            exact: exact.into(),
            overlap: overlap.into(),
            resolution: Resolution::from_errors(&errors),
            with_geonameid: with_id,
            same_geonameid: same_id,
            misses: keep_misses.then_some(misses),
        }
    }

    /// The readable table.
    pub fn write_table(&self, mut w: impl Write) -> io::Result<()> {
        writeln!(
            w,
            "{} articles, {} gold toponyms, {} predicted mentions",
            self.articles, self.gold_toponyms, self.predicted_mentions
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "recognition        precision  recall      F1      TP      FP      FN"
        )?;
        for (label, r) in [("exact spans", &self.exact), ("overlapping", &self.overlap)] {
            writeln!(
                w,
                "  {label:<16} {:>9.3} {:>7.3} {:>7.3} {:>7} {:>7} {:>7}",
                r.precision,
                r.recall,
                r.f1,
                r.counts.true_positives,
                r.counts.false_positives,
                r.counts.false_negatives
            )?;
        }
        writeln!(w)?;
        let r = &self.resolution;
        writeln!(
            w,
            "resolution of the {} gold toponyms recognized (overlap)",
            r.scored
        )?;
        let fig = |x: Option<f64>, unit: &str| match x {
            Some(x) if unit.is_empty() => format!("{x:.3}"),
            Some(x) => format!("{x:.1} {unit}"),
            None => "n/a".to_string(),
        };
        writeln!(
            w,
            "  accuracy@161km   {:>10}   ({} within 161 km)",
            fig(r.accuracy_161km, ""),
            r.within_161km
        )?;
        writeln!(w, "  mean error       {:>10}", fig(r.mean_error_km, "km"))?;
        writeln!(w, "  median error     {:>10}", fig(r.median_error_km, "km"))?;
        writeln!(
            w,
            "  AUC              {:>10}   (log error curve; lower is better)",
            fig(r.auc, "")
        )?;
        let same = (self.with_geonameid > 0)
            .then(|| self.same_geonameid as f64 / self.with_geonameid as f64);
        writeln!(
            w,
            "  same geonameid   {:>10}   ({} of {} with a gold geonameid)",
            fig(same, ""),
            self.same_geonameid,
            self.with_geonameid
        )
    }

    /// One line per miss (nothing when misses were not kept).
    pub fn write_misses(&self, mut w: impl Write) -> io::Result<()> {
        let place = |m: &Prediction| {
            let id = m.geonameid.map_or(m.place_id.clone(), |g| g.to_string());
            format!("{} ({id}; {:.4}, {:.4})", m.place_name, m.lat, m.lon)
        };
        let gold = |t: &GoldToponym| {
            let id = t.geonameid.map_or(String::new(), |g| format!("{g}; "));
            format!("({id}{:.4}, {:.4})", t.lat, t.lon)
        };
        for miss in self.misses.iter().flatten() {
            match miss {
                Miss::FalsePositive {
                    article,
                    line,
                    predicted,
                    context,
                } => writeln!(
                    w,
                    "FP\t{article}\t{line}\t{:?}\t-> {}\t{context}",
                    predicted.text,
                    place(predicted)
                )?,
                Miss::FalseNegative {
                    article,
                    line,
                    gold: t,
                    context,
                } => writeln!(
                    w,
                    "FN\t{article}\t{line}\t{:?}\tgold {}\t{context}",
                    t.name,
                    gold(t)
                )?,
                Miss::Boundary {
                    article,
                    line,
                    gold: t,
                    predicted,
                } => writeln!(
                    w,
                    "SPAN\t{article}\t{line}\t{:?}\tpredicted {:?}",
                    t.name, predicted.text
                )?,
                Miss::FarResolution {
                    article,
                    line,
                    gold: t,
                    predicted,
                    error_km,
                } => writeln!(
                    w,
                    "FAR\t{article}\t{line}\t{:?}\t-> {}\tgold {}\t{error_km:.0} km",
                    t.name,
                    place(predicted),
                    gold(t)
                )?,
            }
        }
        Ok(())
    }
}

/// What to evaluate and what to keep.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    /// Only the first this many articles.
    pub limit: Option<usize>,
    /// Keep every miss in the report.
    pub misses: bool,
}

/// The pipeline's mentions of `text`, as predictions.
pub fn predict(parser: &Geoparser, text: &str) -> Vec<Prediction> {
    let gazetteer = parser.gazetteer();
    parser
        .mentions(text)
        .into_iter()
        .map(|m| {
            let place = gazetteer.place(m.place);
            Prediction {
                start: m.start,
                end: m.end,
                text: m.text,
                place_id: place.place_id.clone(),
                place_name: place.name.clone(),
                geonameid: place.geonameid,
                lat: place.lat,
                lon: place.lon,
            }
        })
        .collect()
}

/// Runs the pipeline over gold articles (in parallel) and scores them.
pub fn evaluate_articles(
    parser: &Geoparser,
    articles: &[GoldArticle],
    options: &EvalOptions,
) -> Report {
    let scores: Vec<ArticleScore> = articles
        .par_iter()
        .map(|a| score_article(a, &predict(parser, &a.text)))
        .collect();
    Report::from_scores(scores, options.misses)
}

/// Reads a gold file and evaluates the pipeline on it.
pub fn evaluate(parser: &Geoparser, gold: &Path, options: &EvalOptions) -> Result<Report> {
    let articles = read_gold(gold, options.limit)?;
    let report = evaluate_articles(parser, &articles, options);
    match parser.gazetteer().damage() {
        Some(damage) => Err(damage),
        None => Ok(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kilometres per degree of longitude on the equator, where haversine
    /// distance is exactly `radius · Δλ`.
    fn km_per_degree() -> f64 {
        distance_km(0.0, 0.0, 0.0, 1.0)
    }

    fn gold(start: usize, end: usize) -> GoldToponym {
        GoldToponym {
            start,
            end,
            name: "x".repeat(end - start),
            lat: 0.0,
            lon: 0.0,
            geonameid: Some(1),
        }
    }

    /// A prediction `km` east of the gold points (which all lie at 0°, 0°).
    fn predicted(start: usize, end: usize, km: f64) -> Prediction {
        Prediction {
            start,
            end,
            text: "x".repeat(end - start),
            place_id: "gn:1".into(),
            place_name: "X".into(),
            geonameid: Some(if km == 0.0 { 1 } else { 2 }),
            lat: 0.0,
            lon: km / km_per_degree(),
        }
    }

    #[test]
    fn a_degree_of_longitude_on_the_equator_is_about_111_km() {
        assert!((km_per_degree() - 111.195).abs() < 0.001);
    }

    #[test]
    fn scores_a_hand_computed_example() {
        // Two articles. Gold spans A..F, predictions with their errors e (km),
        // chosen so that ln(1 + e) is a whole number:
        //   article 1: A [0,5)   <- [0,5)   exact,   e = 0             ln = 0
        //              B [10,20) <- [10,15) overlap, e = e^2 - 1 = 6.389   ln = 2
        //              C [30,35)    (missed)
        //              D [40,45) <- [41,47) overlap, e = e^4 - 1 = 53.598  ln = 4
        //              -         <- [50,55) false positive
        //   article 2: E [0,8)   <- [0,8)   exact,   e = e^6 - 1 = 402.429 ln = 6
        //              F [20,30) <- [20,30) exact,   e = e^8 - 1 = 2979.958 ln = 8
        //              -         <- [40,44) false positive
        // Exact:   TP 3 (A, E, F), FP 7 - 3 = 4, FN 6 - 3 = 3
        //          P = 3/7 = 0.428571, R = 3/6 = 0.5, F1 = 2·(3/7)(1/2)/(3/7 + 1/2) = 6/13 = 0.461538
        // Overlap: TP 5 (A, B, D, E, F), FP 2, FN 1 (C)
        //          P = 5/7 = 0.714286, R = 5/6 = 0.833333, F1 = 2·5/(7 + 6) = 10/13 = 0.769231
        // Errors (5): 0, 6.389, 53.598, 402.429, 2979.958 km
        //   accuracy@161km = 3/5 = 0.6
        //   mean   = (0 + 6.389056 + 53.598150 + 402.428793 + 2979.957987) / 5 = 3442.373986 / 5 = 688.474797
        //   median = 53.598150 (e^4 - 1)
        //   AUC: ln errors 0, 2, 4, 6, 8; trapezoids (0+2)/2 + (2+4)/2 + (4+6)/2 + (6+8)/2 = 16;
        //        normalized by (5 - 1) · ln 20039 = 4 · 9.905436 = 39.621742: AUC = 0.403819
        //   same geonameid: 1 of 5 (only A has error 0)
        let e = |k: f64| k.exp() - 1.0;
        let a1 = GoldArticle {
            line: 1,
            id: "one".into(),
            text: "x".repeat(60),
            toponyms: vec![gold(0, 5), gold(10, 20), gold(30, 35), gold(40, 45)],
        };
        let p1 = vec![
            predicted(0, 5, 0.0),
            predicted(10, 15, e(2.0)),
            predicted(41, 47, e(4.0)),
            predicted(50, 55, 10.0),
        ];
        let a2 = GoldArticle {
            line: 2,
            id: "two".into(),
            text: "x".repeat(50),
            toponyms: vec![gold(0, 8), gold(20, 30)],
        };
        let p2 = vec![
            predicted(0, 8, e(6.0)),
            predicted(20, 30, e(8.0)),
            predicted(40, 44, 10.0),
        ];
        let report =
            Report::from_scores(vec![score_article(&a1, &p1), score_article(&a2, &p2)], true);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-5;
        assert_eq!((report.gold_toponyms, report.predicted_mentions), (6, 7));
        let x = report.exact;
        assert_eq!(
            x.counts,
            Counts {
                true_positives: 3,
                false_positives: 4,
                false_negatives: 3
            }
        );
        assert!(close(x.precision, 0.428571) && close(x.recall, 0.5) && close(x.f1, 0.461538));
        let o = report.overlap;
        assert_eq!(
            o.counts,
            Counts {
                true_positives: 5,
                false_positives: 2,
                false_negatives: 1
            }
        );
        assert!(close(o.precision, 0.714286) && close(o.recall, 0.833333) && close(o.f1, 0.769231));
        let r = report.resolution;
        assert_eq!((r.scored, r.within_161km), (5, 3));
        assert!(close(r.accuracy_161km.unwrap(), 0.6));
        assert!(close(r.mean_error_km.unwrap(), 688.474797));
        assert!(close(r.median_error_km.unwrap(), 53.598150));
        assert!(close(r.auc.unwrap(), 0.403819));
        assert_eq!((report.same_geonameid, report.with_geonameid), (1, 5));

        // Misses: 2 boundary (B, D), 2 far (E, F), 1 false negative (C), 2 false positives.
        let kinds: Vec<&str> = report
            .misses
            .iter()
            .flatten()
            .map(|m| match m {
                Miss::FalsePositive { .. } => "fp",
                Miss::FalseNegative { .. } => "fn",
                Miss::Boundary { .. } => "span",
                Miss::FarResolution { .. } => "far",
            })
            .collect();
        assert_eq!(kinds, ["span", "span", "fn", "fp", "far", "far", "fp"]);
    }

    #[test]
    fn context_marks_the_span_on_one_line() {
        assert_eq!(context("ab\ncdé fg", 3, 6, 2), "b [[cdé]] f");
    }
}
