//! The geoparsing metrics, as pure functions of spans and error distances:
//! how predicted spans are paired with gold spans, precision/recall/F1, and
//! the resolution figures of Gritta et al., "A Pragmatic Guide to
//! Geoparsing Evaluation" (2019). Reading corpora and running the pipeline
//! live in [`super`]; nothing here touches a gazetteer.
//!
//! # Pairing spans
//! Spans are half-open code-point ranges `[start, end)`. Pairing is
//! one-to-one: a gold span is paired with at most one prediction and a
//! prediction with at most one gold span, so two predictions inside one gold
//! span count one true and one false positive.
//! - **Exact**: a pair has identical start and end.
//! - **Overlap**: first every exact pair is taken; then, among the spans
//!   still unpaired, every (gold, prediction) pair that shares at least one
//!   code point is considered in order of decreasing shared length (ties:
//!   earlier gold start, then earlier prediction start), and taken when
//!   neither side is paired yet. Every exact pair is thus also an overlap
//!   pair.
//!
//! True positives are pairs, false positives unpaired predictions, false
//! negatives unpaired gold spans. Precision, recall and F1 are 0 when their
//! denominator is 0.
//!
//! # Resolution
//! Over the gold toponyms paired by overlap, the error is the great-circle
//! (haversine, mean Earth radius) distance in km between the chosen place
//! and the gold point.
//! - **accuracy@161km**: the share of errors below 161 km (100 miles).
//! - **mean** and **median** error in km (median of an even count: the mean
//!   of the two middle errors).
//! - **AUC**, as in the Pragmatic Guide: sort the errors ascending, take
//!   `y_i = ln(1 + e_i)` (e in km) for `i = 1..n`, integrate with the
//!   trapezoidal rule at unit spacing, and normalize by the area of the
//!   worst curve, `(n - 1) · ln(20039)` (20039 km is half the Earth's
//!   circumference, the largest possible error):
//!   `AUC = Σ_{i=1}^{n-1} (y_i + y_{i+1}) / 2 / ((n - 1) · ln 20039)`.
//!   0 is perfect, 1 is every toponym on the far side of the Earth; lower is
//!   better. With a single error the curve is a point; its AUC is then
//!   `y_1 / ln 20039`, the limit of a flat curve.
//!
//! ```
//! use geomention::eval::metrics::{auc, Resolution};
//! // ln(1 + e) = 0, 2, 4: trapezoids (0+2)/2 + (2+4)/2 = 4, over 2 · ln 20039.
//! let errors = [0.0, 2f64.exp() - 1.0, 4f64.exp() - 1.0];
//! let a = auc(&errors).unwrap();
//! assert!((a - 4.0 / (2.0 * 20039f64.ln())).abs() < 1e-12);
//! assert_eq!(Resolution::from_errors(&errors).within_161km, 3);
//! ```

use serde::Serialize;

/// Largest possible great-circle error (km), the AUC's normalizer.
pub const MAX_ERROR_KM: f64 = 20039.0;
/// The accuracy@k threshold (km): 100 miles.
pub const ACCURACY_KM: f64 = 161.0;

/// A half-open code-point range.
pub type Span = (usize, usize);

/// Which gold span each prediction was paired with, as `(gold, predicted)`
/// indices into the slices given to [`pair_spans`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairing {
    pub exact: Vec<(usize, usize)>,
    /// Includes every exact pair.
    pub overlap: Vec<(usize, usize)>,
}

fn shared(a: Span, b: Span) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// Pairs gold and predicted spans one-to-one, exactly and by overlap (see
/// the module documentation for the order pairs are taken in).
pub fn pair_spans(gold: &[Span], predicted: &[Span]) -> Pairing {
    let mut gold_paired = vec![false; gold.len()];
    let mut pred_paired = vec![false; predicted.len()];
    let mut pairing = Pairing::default();
    for (g, gs) in gold.iter().enumerate() {
        if let Some(p) = (0..predicted.len()).find(|&p| !pred_paired[p] && predicted[p] == *gs) {
            gold_paired[g] = true;
            pred_paired[p] = true;
            pairing.exact.push((g, p));
        }
    }
    let mut loose: Vec<(usize, usize, usize)> = Vec::new();
    for (g, &gs) in gold.iter().enumerate().filter(|(g, _)| !gold_paired[*g]) {
        for (p, &ps) in predicted
            .iter()
            .enumerate()
            .filter(|(p, _)| !pred_paired[*p])
        {
            let n = shared(gs, ps);
            if n > 0 {
                loose.push((n, g, p));
            }
        }
    }
    loose.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(gold[a.1].0.cmp(&gold[b.1].0))
            .then(predicted[a.2].0.cmp(&predicted[b.2].0))
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    pairing.overlap = pairing.exact.clone();
    for (_, g, p) in loose {
        if !gold_paired[g] && !pred_paired[p] {
            gold_paired[g] = true;
            pred_paired[p] = true;
            pairing.overlap.push((g, p));
        }
    }
    pairing.overlap.sort_unstable();
    pairing
}

/// Counts of one recognition criterion, summed over articles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Counts {
    /// The counts of `pairs` pairs among `gold` gold and `predicted` predicted spans.
    pub fn of(pairs: usize, gold: usize, predicted: usize) -> Counts {
        Counts {
            true_positives: pairs,
            false_positives: predicted - pairs,
            false_negatives: gold - pairs,
        }
    }

    pub fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }

    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Precision, recall and F1 with the counts behind them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Recognition {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    #[serde(flatten)]
    pub counts: Counts,
}

impl From<Counts> for Recognition {
    fn from(counts: Counts) -> Self {
        Recognition {
            precision: counts.precision(),
            recall: counts.recall(),
            f1: counts.f1(),
            counts,
        }
    }
}

/// The resolution figures of a set of error distances; `None` when there
/// are no errors to measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Resolution {
    /// Gold toponyms scored (recognized by overlap).
    pub scored: usize,
    /// Of them, resolved less than [`ACCURACY_KM`] from the gold point.
    pub within_161km: usize,
    pub accuracy_161km: Option<f64>,
    pub mean_error_km: Option<f64>,
    pub median_error_km: Option<f64>,
    pub auc: Option<f64>,
}

impl Resolution {
    pub fn from_errors(errors_km: &[f64]) -> Resolution {
        let n = errors_km.len();
        let within = errors_km.iter().filter(|&&e| e < ACCURACY_KM).count();
        Resolution {
            scored: n,
            within_161km: within,
            accuracy_161km: (n > 0).then(|| within as f64 / n as f64),
            mean_error_km: (n > 0).then(|| errors_km.iter().sum::<f64>() / n as f64),
            median_error_km: median(errors_km),
            auc: auc(errors_km),
        }
    }
}

fn sorted(errors_km: &[f64]) -> Vec<f64> {
    let mut v = errors_km.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The median error; of an even count, the mean of the two middle ones.
pub fn median(errors_km: &[f64]) -> Option<f64> {
    let v = sorted(errors_km);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// The Pragmatic Guide's area under the curve of sorted log errors (see the
/// module documentation); lower is better.
pub fn auc(errors_km: &[f64]) -> Option<f64> {
    let y: Vec<f64> = sorted(errors_km).iter().map(|e| e.ln_1p()).collect();
    let norm = MAX_ERROR_KM.ln();
    match y.len() {
        0 => None,
        1 => Some(y[0] / norm),
        n => {
            let area: f64 = y.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum();
            Some(area / ((n - 1) as f64 * norm))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_pairs_need_identical_boundaries() {
        let p = pair_spans(&[(0, 5), (10, 20)], &[(0, 5), (10, 15)]);
        assert_eq!(p.exact, vec![(0, 0)]);
        assert_eq!(p.overlap, vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn two_predictions_inside_one_gold_span_pair_only_once() {
        // "New York City": "New York" shares 8 code points, "York City" 9.
        let p = pair_spans(&[(0, 13)], &[(0, 8), (4, 13)]);
        assert_eq!(p.overlap, vec![(0, 1)]);
        let c = Counts::of(p.overlap.len(), 1, 2);
        assert_eq!((c.true_positives, c.false_positives), (1, 1));
    }

    #[test]
    fn exact_pairs_are_kept_before_looser_overlaps() {
        // Gold "New York City" and, nested, gold "York"; the prediction "York"
        // belongs to the gold "York" although it overlaps both equally.
        let p = pair_spans(&[(0, 13), (4, 8)], &[(4, 8)]);
        assert_eq!(p.exact, vec![(1, 0)]);
        assert_eq!(p.overlap, vec![(1, 0)]);
    }

    #[test]
    fn touching_spans_do_not_overlap() {
        let p = pair_spans(&[(0, 5)], &[(5, 9)]);
        assert!(p.overlap.is_empty());
    }

    #[test]
    fn empty_denominators_give_zero_not_nan() {
        let c = Counts::default();
        assert_eq!((c.precision(), c.recall(), c.f1()), (0.0, 0.0, 0.0));
        assert_eq!(Resolution::from_errors(&[]).auc, None);
    }

    #[test]
    fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
    }

    #[test]
    fn auc_is_zero_when_perfect_and_one_at_the_antipode() {
        assert_eq!(auc(&[0.0, 0.0, 0.0]), Some(0.0));
        // ln(1 + 20038) = ln 20039.
        assert!((auc(&[20038.0, 20038.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((auc(&[20038.0]).unwrap() - 1.0).abs() < 1e-12);
    }
}
