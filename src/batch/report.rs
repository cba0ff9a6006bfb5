//! What a run tells its user on standard error: each bad document as it is
//! met, a progress bar (documents and MB per second) when standard error is
//! a terminal, and a one-line summary at the end.
//!
//! Owns counting and wording. Does not own deciding what is bad (see
//! [`super::read`]) or the exit code (the binary's).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::read::{Problem, ProblemKind};

/// Counts of a finished run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Documents mapped (a document read in parts counts once).
    pub documents: u64,
    /// Input bytes read.
    pub bytes: u64,
    pub elapsed: Duration,
    /// Features written.
    pub features: usize,
    /// Problems met, by kind.
    pub problems: BTreeMap<ProblemKind, usize>,
}

impl Summary {
    /// Documents or lines that were skipped (warnings not counted).
    pub fn skipped(&self) -> usize {
        self.problems
            .iter()
            .filter(|(k, _)| k.skips())
            .map(|(_, n)| n)
            .sum()
    }

    /// The end-of-run line: "mapped 3 documents (1.2 MB) in 0.4 s ...".
    pub fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let mb = self.bytes as f64 / 1e6;
        let mut s = format!(
            "mapped {} document{} ({:.1} MB) in {:.2} s ({:.0} docs/s, {:.1} MB/s), {} feature{}",
            self.documents,
            if self.documents == 1 { "" } else { "s" },
            mb,
            secs,
            self.documents as f64 / secs,
            mb / secs,
            self.features,
            if self.features == 1 { "" } else { "s" },
        );
        let skipped = self.skipped();
        if skipped > 0 {
            let kinds: Vec<String> = self
                .problems
                .iter()
                .filter(|(k, _)| k.skips())
                .map(|(k, n)| format!("{n} {}", k.describe()))
                .collect();
            s.push_str(&format!("; skipped {skipped}: {}", kinds.join(", ")));
        }
        if let Some(n) = self.problems.get(&ProblemKind::DecodedLossily) {
            s.push_str(&format!("; {n} {}", ProblemKind::DecodedLossily.describe()));
        }
        s
    }
}

/// Reports a run as it goes.
pub struct Reporter {
    bar: ProgressBar,
    started: Instant,
    summary: Summary,
}

impl Reporter {
    /// A reporter that draws a bar when `progress` (the caller checked that
    /// standard error is a terminal and `--quiet` was not given); `total`
    /// bytes, when known, gives the bar a length and an ETA.
    pub fn new(progress: bool, total: Option<u64>) -> Reporter {
        let bar = if progress {
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
            let template = if total.is_some() {
                "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} {msg} (eta {eta})"
            } else {
                "{spinner} {elapsed_precise} {bytes} {binary_bytes_per_sec} {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        } else {
            ProgressBar::hidden()
        };
        Reporter {
            bar,
            started: Instant::now(),
            summary: Summary::default(),
        }
    }

    /// One bad document, on its own line above the bar.
    pub fn problem(&mut self, problem: &Problem) {
        *self.summary.problems.entry(problem.kind).or_default() += 1;
        let verb = if problem.kind.skips() {
            "skipped"
        } else {
            "warning"
        };
        self.bar
            .suspend(|| eprintln!("geomention: {verb}: {problem}"));
    }

    /// Progress: `bytes` more input done, and a document when `finished`.
    pub fn advance(&mut self, bytes: u64, finished: bool) {
        self.summary.bytes += bytes;
        if finished {
            self.summary.documents += 1;
        }
        if !self.bar.is_hidden() {
            self.bar.inc(bytes);
            let secs = self.started.elapsed().as_secs_f64().max(1e-9);
            let docs = self.summary.documents;
            self.bar
                .set_message(format!("{docs} docs, {:.0} docs/s", docs as f64 / secs));
        }
    }

    /// Ends the bar and returns the counts.
    pub fn finish(mut self, features: usize) -> Summary {
        self.bar.finish_and_clear();
        self.summary.elapsed = self.started.elapsed();
        self.summary.features = features;
        self.summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_skips_but_not_warnings() {
        let mut s = Summary {
            documents: 2,
            bytes: 2_000_000,
            elapsed: Duration::from_secs(1),
            features: 3,
            ..Default::default()
        };
        s.problems.insert(ProblemKind::NotJson, 2);
        s.problems.insert(ProblemKind::DecodedLossily, 1);
        assert_eq!(s.skipped(), 2);
        let line = s.line();
        assert!(line.contains("mapped 2 documents (2.0 MB)"), "{line}");
        assert!(line.contains("skipped 2: 2 not JSON"), "{line}");
        assert!(line.contains("1 decoded lossily"), "{line}");
    }
}
