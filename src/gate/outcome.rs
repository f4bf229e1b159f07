//! The gate's result: the `gate` section of the `jdbio.report/2` report
//! `--json` writes ([`crate::model::gate::GateBody`]), and what [`super::render`]
//! draws:
//!
//! ```text
//! "gate": { "baseline": path, "current": path, "verdict": "pass|regression|inconclusive", "passed": bool,
//!   "statistics": { "baseline_repetitions", "current_repetitions", "confidence", "power", "method" },
//!   "rows": [ { "op", "metric", "unit": "ops_per_s|bytes_per_s|ns", "baseline", "current",
//!               "change_pct", "interval_pct", "detectable_pct", "needed_repetitions", "limit_pct",
//!               "direction": "drop|rise", "baseline_values", "current_values",
//!               "verdict": "pass|regression|improvement|inconclusive" } ],
//!   "mismatches": [ { "key", "baseline", "current" } ], "other_host": [ ... ],
//!   "warnings": [ "..." ] }
//! ```
//!
//! `mismatches` is only non-empty with `--allow-mismatch`, `other_host` only
//! with `--allow-other-host` (otherwise they are exit 2); `warnings` holds
//! differences of run length, and CPU per I/O missing from both reports.

pub use crate::model::gate::{GateVerdict, Outcome, Statistics};

use super::compare::{CONFIDENCE, POWER, Row, Verdict};

impl Statistics {
    /// The method for `baseline` and `current` repetitions (the fewest of
    /// any job).
    pub fn new(baseline_repetitions: usize, current_repetitions: usize) -> Self {
        Self {
            baseline_repetitions,
            current_repetitions,
            confidence: CONFIDENCE,
            power: POWER,
            method: "Hodges-Lehmann ratio of current to baseline values, exact Mann-Whitney interval".into(),
        }
    }

    /// One line saying what the verdicts rest on.
    pub fn describe(&self) -> String {
        let (b, c) = (self.baseline_repetitions, self.current_repetitions);
        let fewest = crate::stats::decide::fewest_for_interval(1.0 - self.confidence);
        let reps = |n: usize| if n == 1 { "1 run (no repetitions)".to_string() } else { format!("{n} repetitions") };
        let mut line = format!(
            "statistics: baseline {}, current {}; change = median ratio with its {:.0}% interval",
            reps(b),
            reps(c),
            self.confidence * 100.0
        );
        if b.min(c) < fewest {
            line.push_str(&format!(
                "; an interval needs {fewest} repetitions a side (bench --repeat, run --rounds), so no metric is decided"
            ));
        }
        line
    }
}

impl Outcome {
    /// Builds the outcome; the verdict follows from the rows: a regression
    /// in any row is a regression, else an undecided row is inconclusive.
    pub fn new(baseline: String, current: String, job: String, statistics: Statistics, rows: Vec<Row>) -> Self {
        let verdict = if rows.iter().any(|r| r.verdict == Verdict::Regression) {
            GateVerdict::Regression
        } else if rows.is_empty() || rows.iter().any(|r| r.verdict == Verdict::Inconclusive) {
            GateVerdict::Inconclusive
        } else {
            GateVerdict::Pass
        };
        Self {
            baseline,
            current,
            verdict,
            passed: verdict == GateVerdict::Pass,
            statistics,
            rows,
            mismatches: Vec::new(),
            other_host: Vec::new(),
            warnings: Vec::new(),
            job,
        }
    }

    fn with(&self, v: Verdict) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(move |r| r.verdict == v)
    }

    /// The regressed rows as "read p99 +40.0% [+31.2, +48.5] (limit
    /// +25%)", comma separated.
    pub fn failures(&self) -> String {
        let rows = self.with(Verdict::Regression);
        rows.map(|r| format!("{} {} (limit {})", r.label(), change(r), limit(r))).collect::<Vec<_>>().join(", ")
    }

    /// The undecided rows with the repetitions a side each needs: "read
    /// p99.9 9, cpu per I/O 12".
    pub fn undecided(&self) -> String {
        let rows = self.with(Verdict::Inconclusive);
        rows.map(|r| format!("{} {}", r.label(), r.needed_repetitions)).collect::<Vec<_>>().join(", ")
    }

    /// "gate: PASS (11 metrics)", "gate: PASS (11 metrics; 1 improvement)",
    /// "gate: REGRESSION: read p99 +40.0% [...] (limit +25%)" or "gate:
    /// INCONCLUSIVE: 2 of 11 metrics undecided: ...".
    pub fn verdict_line(&self) -> String {
        let n = self.rows.len();
        let metrics = if n == 1 { "metric" } else { "metrics" };
        match self.verdict {
            GateVerdict::Regression => format!("gate: REGRESSION: {}", self.failures()),
            GateVerdict::Inconclusive if n == 0 => "gate: INCONCLUSIVE: no metric to compare".into(),
            GateVerdict::Inconclusive => format!(
                "gate: INCONCLUSIVE: {} of {n} {metrics} undecided; repetitions a side to settle them: {}",
                self.with(Verdict::Inconclusive).count(),
                self.undecided()
            ),
            GateVerdict::Pass => match self.with(Verdict::Improvement).count() {
                0 => format!("gate: PASS ({n} {metrics})"),
                k => format!("gate: PASS ({n} {metrics}; {k} improvement{})", if k == 1 { "" } else { "s" }),
            },
        }
    }
}

/// A row's change with its interval, in percent: "-20.0% [-24.1, -16.2]",
/// "-20.0%" without an interval, "n/a" with no ratio.
pub fn change(r: &Row) -> String {
    let Some(c) = r.change_pct else { return "n/a".into() };
    match r.interval_pct {
        Some([lo, hi]) => format!("{c:+.1}% [{lo:+.1}, {hi:+.1}]"),
        None => format!("{c:+.1}%"),
    }
}

/// A row's limit as "-10%" or "+25%".
pub fn limit(r: &Row) -> String {
    if r.limit_pct == 0.0 {
        let sign = if r.direction == super::metrics::Bad::Drop { "-" } else { "+" };
        return format!("{sign}0%");
    }
    format!("{:+}%", r.limit_pct)
}

/// The smallest change the repetitions detect: "±4.2%", "?" with no spread.
pub fn detectable(r: &Row) -> String {
    r.detectable_pct.map_or_else(|| "?".into(), |d| format!("±{d:.1}%"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::metrics::{Bad, Metric};

    fn row(metric: Metric, change_pct: f64, limit_pct: f64, verdict: Verdict) -> Row {
        Row {
            job: None,
            op: Some("read".into()),
            metric,
            unit: metric.unit(),
            baseline: 100.0,
            current: 100.0 + change_pct,
            change_pct: Some(change_pct),
            interval_pct: Some([change_pct - 2.0, change_pct + 2.0]),
            detectable_pct: Some(3.0),
            needed_repetitions: 9,
            limit_pct,
            direction: metric.bad(),
            baseline_values: vec![100.0],
            current_values: vec![100.0 + change_pct],
            verdict,
        }
    }

    #[test]
    fn verdict_lines() {
        let stats = || Statistics::new(5, 5);
        let rows = vec![row(Metric::Iops, 12.0, -10.0, Verdict::Improvement), row(Metric::P99, 1.0, 25.0, Verdict::Pass)];
        let o = Outcome::new("b".into(), "c".into(), String::new(), stats(), rows);
        assert_eq!((o.verdict, o.passed), (GateVerdict::Pass, true));
        assert_eq!(o.verdict_line(), "gate: PASS (2 metrics; 1 improvement)");
        let rows = vec![
            row(Metric::P99, 40.0, 25.0, Verdict::Regression),
            row(Metric::Iops, -12.5, -10.0, Verdict::Regression),
            row(Metric::P999, 30.0, 50.0, Verdict::Inconclusive),
        ];
        let o = Outcome::new("b".into(), "c".into(), String::new(), stats(), rows);
        assert_eq!((o.verdict, o.passed), (GateVerdict::Regression, false));
        assert_eq!(
            o.verdict_line(),
            "gate: REGRESSION: read p99 +40.0% [+38.0, +42.0] (limit +25%), read iops -12.5% [-14.5, -10.5] (limit -10%)"
        );
        let rows = vec![row(Metric::P999, 30.0, 50.0, Verdict::Inconclusive), row(Metric::P99, 1.0, 25.0, Verdict::Pass)];
        let o = Outcome::new("b".into(), "c".into(), String::new(), stats(), rows);
        assert_eq!((o.verdict, o.passed), (GateVerdict::Inconclusive, false));
        assert_eq!(
            o.verdict_line(),
            "gate: INCONCLUSIVE: 1 of 2 metrics undecided; repetitions a side to settle them: read p99.9 9"
        );
        let o = Outcome::new("b".into(), "c".into(), String::new(), stats(), Vec::new());
        assert_eq!(o.verdict, GateVerdict::Inconclusive);
    }

    #[test]
    fn limits_carry_their_sign() {
        assert_eq!(limit(&row(Metric::Iops, 0.0, -12.5, Verdict::Pass)), "-12.5%");
        assert_eq!(limit(&row(Metric::Iops, 0.0, -0.0, Verdict::Pass)), "-0%");
        assert_eq!(limit(&row(Metric::P50, 0.0, 0.0, Verdict::Pass)), "+0%");
        assert_eq!(row(Metric::P50, 0.0, 0.0, Verdict::Pass).direction, Bad::Rise);
    }

    #[test]
    fn statistics_lines() {
        assert_eq!(
            Statistics::new(1, 5).describe(),
            "statistics: baseline 1 run (no repetitions), current 5 repetitions; change = median ratio with its 90% interval; an interval needs 3 repetitions a side (bench --repeat, run --rounds), so no metric is decided"
        );
        assert_eq!(
            Statistics::new(5, 6).describe(),
            "statistics: baseline 5 repetitions, current 6 repetitions; change = median ratio with its 90% interval"
        );
    }
}
