//! The gate's result: the `gate` section of the `jdbio.report/2` report
//! `--json` writes ([`crate::model::gate::GateBody`]), and what [`super::render`]
//! draws:
//!
//! ```text
//! "gate": { "baseline": path, "current": path, "passed": bool,
//!   "spread": { "baseline_repetitions", "current_repetitions", "judged", "ignored" },
//!   "rows": [ { "op", "metric", "unit": "ops_per_s|bytes_per_s|ns", "baseline", "current", "change_pct", "limit_pct",
//!               "direction": "drop|rise", "baseline_range", "current_range",
//!               "beyond_spread", "verdict": "ok|improved|regressed|within_noise" } ],
//!   "mismatches": [ { "key", "baseline", "current" } ],
//!   "warnings": [ "..." ] }
//! ```
//!
//! `mismatches` is only non-empty with `--allow-mismatch` (otherwise they
//! are exit 2); `warnings` holds differences of machine, device or run
//! length, and CPU per I/O missing from both reports.

pub use crate::model::gate::{Outcome, Spread};

use super::compare::{Row, Verdict};

impl Spread {
    /// One line saying how the spread was used.
    pub fn describe(&self) -> String {
        let (b, c) = (self.baseline_repetitions, self.current_repetitions);
        if !self.judged {
            return match (b >= 2, c >= 2) {
                (false, false) => "spread: no repetitions; the limit alone decides".into(),
                (false, true) => {
                    format!("spread: no repetitions in the baseline (current: {c}); the limit alone decides")
                }
                _ => format!("spread: no repetitions in the current report (baseline: {b}); the limit alone decides"),
            };
        }
        if self.ignored {
            format!(
                "spread: {b} baseline and {c} current repetitions, ignored (--ignore-spread); the limit alone decides"
            )
        } else {
            format!(
                "spread: {b} baseline and {c} current repetitions; a change over its limit fails only beyond their spread"
            )
        }
    }
}

impl Outcome {
    /// Builds the outcome; `passed` follows from the rows.
    pub fn new(baseline: String, current: String, job: String, spread: Spread, rows: Vec<Row>) -> Self {
        let passed = !rows.iter().any(|r| r.verdict == Verdict::Regressed);
        Self {
            baseline,
            current,
            passed,
            spread,
            rows,
            mismatches: Vec::new(),
            warnings: Vec::new(),
            job,
        }
    }

    /// The regressed rows as "read p99 +40.0% (limit +25%)", comma separated.
    pub fn failures(&self) -> String {
        let failed = self.rows.iter().filter(|r| r.verdict == Verdict::Regressed);
        failed.map(|r| format!("{} {} (limit {})", r.label(), change(r), limit(r))).collect::<Vec<_>>().join(", ")
    }

    /// "gate: PASS (11 metrics)", "gate: PASS (11 metrics; 1 improved, 1
    /// within noise)" or "gate: FAIL: read p99 +40.0% (limit +25%)".
    pub fn verdict_line(&self) -> String {
        if !self.passed {
            return format!("gate: FAIL: {}", self.failures());
        }
        let count = |v: Verdict| self.rows.iter().filter(|r| r.verdict == v).count();
        let extra: Vec<String> =
            [(count(Verdict::Improved), "improved"), (count(Verdict::WithinNoise), "within noise")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect();
        let n = self.rows.len();
        let metrics = if n == 1 { "metric" } else { "metrics" };
        if extra.is_empty() {
            format!("gate: PASS ({n} {metrics})")
        } else {
            format!("gate: PASS ({n} {metrics}; {})", extra.join(", "))
        }
    }
}

/// A row's change as "+40.0%" ("n/a" from a zero baseline).
pub fn change(r: &Row) -> String {
    r.change_pct.map_or_else(|| "n/a".to_string(), |c| format!("{c:+.1}%"))
}

/// A row's limit as "-10%" or "+25%".
pub fn limit(r: &Row) -> String {
    if r.limit_pct == 0.0 {
        let sign = if r.direction == super::metrics::Bad::Drop { "-" } else { "+" };
        return format!("{sign}0%");
    }
    format!("{:+}%", r.limit_pct)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::metrics::{Bad, Metric};

    fn row(metric: Metric, change_pct: f64, limit_pct: f64, verdict: Verdict) -> Row {
        Row {
            op: Some("read".into()),
            metric,
            unit: metric.unit(),
            baseline: 100.0,
            current: 100.0 + change_pct,
            change_pct: Some(change_pct),
            limit_pct,
            direction: metric.bad(),
            baseline_range: None,
            current_range: None,
            beyond_spread: None,
            verdict,
        }
    }

    fn spread() -> Spread {
        Spread { baseline_repetitions: 0, current_repetitions: 0, judged: false, ignored: false }
    }

    #[test]
    fn verdict_lines() {
        let rows = vec![row(Metric::Iops, 12.0, -10.0, Verdict::Improved), row(Metric::P99, 1.0, 25.0, Verdict::Ok)];
        let o = Outcome::new("b".into(), "c".into(), String::new(), spread(), rows);
        assert_eq!(o.verdict_line(), "gate: PASS (2 metrics; 1 improved)");
        let rows =
            vec![row(Metric::P99, 40.0, 25.0, Verdict::Regressed), row(Metric::Iops, -12.5, -10.0, Verdict::Regressed)];
        let o = Outcome::new("b".into(), "c".into(), String::new(), spread(), rows);
        assert!(!o.passed);
        assert_eq!(o.verdict_line(), "gate: FAIL: read p99 +40.0% (limit +25%), read iops -12.5% (limit -10%)");
    }

    #[test]
    fn limits_carry_their_sign() {
        assert_eq!(limit(&row(Metric::Iops, 0.0, -12.5, Verdict::Ok)), "-12.5%");
        assert_eq!(limit(&row(Metric::Iops, 0.0, -0.0, Verdict::Ok)), "-0%");
        assert_eq!(limit(&row(Metric::P50, 0.0, 0.0, Verdict::Ok)), "+0%");
        assert_eq!(row(Metric::P50, 0.0, 0.0, Verdict::Ok).direction, Bad::Rise);
    }

    #[test]
    fn spread_lines() {
        assert_eq!(spread().describe(), "spread: no repetitions; the limit alone decides");
        let s = Spread { baseline_repetitions: 0, current_repetitions: 5, judged: false, ignored: false };
        assert_eq!(s.describe(), "spread: no repetitions in the baseline (current: 5); the limit alone decides");
    }
}
