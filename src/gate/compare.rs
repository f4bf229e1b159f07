//! The verdicts: each metric's per-repetition values on both sides go to
//! [`crate::stats::decide`], which estimates the change (the median ratio
//! of a current value to a baseline value) with its exact 90% interval
//! (each end a one-sided 95% bound: the claims "worse than the limit" and
//! "within the limit" are one-sided) and calls a `regression` only when the
//! whole interval is worse than the metric's limit (`improvement` the other
//! way); `pass` when the interval rules out any worsening beyond the limit;
//! `inconclusive` when it straddles the limit, or with too few repetitions
//! for an interval (a single run on either side is always inconclusive).

use std::collections::BTreeSet;

pub use crate::model::gate::{Row, Verdict};

use super::{
    limits::Limits,
    metrics::{Bad, Extracted, Metric},
};
use crate::stats::decide::{self, Better, Rule};

/// The interval's confidence (two-sided; each end a one-sided 95% bound)
/// and the power the detectable change is stated at.
pub const CONFIDENCE: f64 = 0.90;
pub const POWER: f64 = 0.8;

impl Verdict {
    /// The verdict as the JSON, the CSV and the table name it.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Regression => "regression",
            Verdict::Improvement => "improvement",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

impl Row {
    /// "read iops", "cpu per I/O", "randread-qd1 read p99" in a suite.
    pub fn label(&self) -> String {
        match &self.job {
            Some(job) => format!("{job} {}", self.metric_label()),
            None => self.metric_label(),
        }
    }

    /// The label without the job: "read iops", "cpu per I/O".
    pub fn metric_label(&self) -> String {
        match &self.op {
            Some(op) => format!("{op} {}", self.metric.label()),
            None => self.metric.label().to_string(),
        }
    }
}

/// What one report measures and the other does not: an op kind, or CPU per
/// I/O, one line each (the gate refuses to judge half a comparison).
pub fn one_sided(base: &Extracted, cur: &Extracted) -> Vec<String> {
    let mut out = Vec::new();
    let all: BTreeSet<&String> = base.main.ops.keys().chain(cur.main.ops.keys()).collect();
    for op in all {
        match (base.main.ops.contains_key(op), cur.main.ops.contains_key(op)) {
            (true, false) => out.push(format!("{op}: measured in the baseline only")),
            (false, true) => out.push(format!("{op}: measured in the current report only")),
            _ => {}
        }
    }
    match (base.main.cpu_per_io.is_some(), cur.main.cpu_per_io.is_some()) {
        (true, false) => out.push("cpu per I/O (bench.cpu_per_io_ns): in the baseline only".into()),
        (false, true) => out.push("cpu per I/O (bench.cpu_per_io_ns): in the current report only".into()),
        _ => {}
    }
    out
}

/// Compares every metric found in both reports (see [`one_sided`] for the
/// rest); `notes` receives a line when neither states CPU per I/O where
/// such reports should.
pub fn compare(base: &Extracted, cur: &Extracted, limits: &Limits, notes: &mut Vec<String>) -> Vec<Row> {
    let mut rows = Vec::new();
    for op in base.main.ops.keys().filter(|op| cur.main.ops.contains_key(*op)) {
        rows.extend(Metric::PER_OP.into_iter().filter_map(|m| row(base, cur, Some(op), m, limits)));
    }
    match row(base, cur, None, Metric::CpuPerIo, limits) {
        Some(r) => rows.push(r),
        None if base.states_cpu || cur.states_cpu => {
            notes.push("cpu per I/O: in neither report (bench.cpu_per_io_ns); not compared".into())
        }
        None => {}
    }
    rows
}

/// The row for `metric` of `op`, or None when a report lacks the value.
fn row(base: &Extracted, cur: &Extracted, op: Option<&str>, metric: Metric, limits: &Limits) -> Option<Row> {
    let (b, c) = (base.values(op, metric)?, cur.values(op, metric)?);
    let limit = limits.pct(metric);
    let better = match metric.bad() {
        Bad::Drop => Better::Higher,
        Bad::Rise => Better::Lower,
    };
    let rule = Rule { limit: limit / 100.0, alpha: 1.0 - CONFIDENCE, power: POWER };
    let pct = |f: f64| f * 100.0;
    let fewest = decide::fewest_for_interval(rule.alpha);
    let (change_pct, interval_pct, detectable_pct, needed_repetitions, verdict) =
        match decide::decide(&b, &c, better, rule) {
            Ok(d) => {
                // With one value on a side there is no spread to go by.
                let spread_known = b.len() >= 2 && c.len() >= 2;
                (
                    Some(pct(d.change)),
                    d.interval.map(|[lo, hi]| [pct(lo), pct(hi)]),
                    spread_known.then(|| pct(d.detectable)),
                    if spread_known { d.needed } else { fewest },
                    Verdict::from(d.verdict),
                )
            }
            // A value of 0 on either side: no ratio, nothing to decide on.
            Err(_) => (None, None, None, fewest, Verdict::Inconclusive),
        };
    Some(Row {
        job: None,
        op: op.map(str::to_string),
        metric,
        unit: metric.unit(),
        baseline: median(&b),
        current: median(&c),
        change_pct,
        interval_pct,
        detectable_pct,
        needed_repetitions,
        limit_pct: match metric.bad() {
            Bad::Drop => -limit,
            Bad::Rise => limit,
        },
        direction: metric.bad(),
        baseline_values: b,
        current_values: c,
        verdict,
    })
}

impl From<decide::Verdict> for Verdict {
    fn from(v: decide::Verdict) -> Self {
        match v {
            decide::Verdict::Pass => Verdict::Pass,
            decide::Verdict::Regression => Verdict::Regression,
            decide::Verdict::Improvement => Verdict::Improvement,
            decide::Verdict::Inconclusive => Verdict::Inconclusive,
        }
    }
}

/// The median (the mean of the middle two for an even count); `v` is not
/// empty.
fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let mid = s.len() / 2;
    if s.len() % 2 == 1 { s[mid] } else { (s[mid - 1] + s[mid]) / 2.0 }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::gate::metrics::Values;

    /// A report with one op kind "read" whose metrics all take the values
    /// `reps`, one repetition each.
    fn ext(reps: &[f64]) -> Extracted {
        let values = |v: f64| Values {
            ops: BTreeMap::from([("read".to_string(), Metric::PER_OP.into_iter().map(|m| (m, v)).collect())]),
            cpu_per_io: Some(v),
        };
        Extracted { main: values(reps[0]), reps: reps.iter().map(|&r| values(r)).collect(), states_cpu: true }
    }

    fn verdicts(base: &Extracted, cur: &Extracted) -> Vec<(String, Verdict)> {
        let limits = Limits::from_flags(&[], &[]).unwrap();
        compare(base, cur, &limits, &mut Vec::new()).iter().map(|r| (r.label(), r.verdict)).collect()
    }

    fn verdict_of(rows: &[(String, Verdict)], label: &str) -> Verdict {
        rows.iter().find(|(l, _)| l == label).unwrap().1
    }

    /// Five values around `center`, 2% apart.
    fn five(center: f64) -> Vec<f64> {
        [-0.04, -0.02, 0.0, 0.02, 0.04].iter().map(|d| center * (1.0 + d)).collect()
    }

    #[test]
    fn identical_repetitions_pass() {
        let rows = verdicts(&ext(&five(1000.0)), &ext(&five(1000.0)));
        assert_eq!(rows.len(), 6);
        assert!(rows.iter().all(|(_, v)| *v == Verdict::Pass), "{rows:?}");
    }

    #[test]
    fn a_single_run_is_inconclusive_however_large_the_change() {
        let rows = verdicts(&ext(&[1000.0]), &ext(&[300.0]));
        assert!(rows.iter().all(|(_, v)| *v == Verdict::Inconclusive), "{rows:?}");
        let limits = Limits::from_flags(&[], &[]).unwrap();
        let r = &compare(&ext(&[1000.0]), &ext(&[300.0]), &limits, &mut Vec::new())[0];
        assert_eq!((r.detectable_pct, r.needed_repetitions, r.interval_pct), (None, 3, None));
        assert!((r.change_pct.unwrap() + 70.0).abs() < 1e-9);
    }

    #[test]
    fn limits_per_direction() {
        // Everything 30% higher, clearly: throughput improved, latency
        // regressed where the whole interval is past the limit (p50, +20%),
        // undecided where it straddles it (p99, +25%), p99.9 within its
        // +50% limit.
        let rows = verdicts(&ext(&five(1000.0)), &ext(&five(1300.0)));
        assert_eq!(verdict_of(&rows, "read iops"), Verdict::Improvement);
        assert_eq!(verdict_of(&rows, "read bw"), Verdict::Improvement);
        assert_eq!(verdict_of(&rows, "read p50"), Verdict::Regression);
        assert_eq!(verdict_of(&rows, "read p99"), Verdict::Inconclusive);
        assert_eq!(verdict_of(&rows, "read p99.9"), Verdict::Pass);
        assert_eq!(verdict_of(&rows, "cpu per I/O"), Verdict::Regression);
    }

    #[test]
    fn a_row_states_its_values_and_figures() {
        let limits = Limits::from_flags(&[], &[]).unwrap();
        let rows = compare(&ext(&five(1000.0)), &ext(&five(800.0)), &limits, &mut Vec::new());
        let r = &rows[0];
        assert_eq!((r.metric, r.verdict), (Metric::Iops, Verdict::Regression));
        assert_eq!((r.baseline, r.current), (1000.0, 800.0));
        assert_eq!(r.baseline_values, five(1000.0));
        assert!((r.change_pct.unwrap() + 20.0).abs() < 1e-9, "{r:?}");
        let [lo, hi] = r.interval_pct.unwrap();
        assert!(lo < -20.0 && -20.0 < hi && hi < 0.0, "{r:?}");
        assert!(r.detectable_pct.unwrap() > 0.0 && r.detectable_pct.unwrap() < 10.0, "{r:?}");
        assert_eq!(r.limit_pct, -10.0);
    }

    #[test]
    fn a_zero_value_is_inconclusive() {
        let rows = verdicts(&ext(&[0.0, 0.0, 0.0, 0.0]), &ext(&five(5.0)));
        assert_eq!(verdict_of(&rows, "read iops"), Verdict::Inconclusive);
    }

    #[test]
    fn what_one_report_measures_alone_is_named() {
        let base = ext(&[1000.0]);
        let mut cur = ext(&[1000.0]);
        assert!(one_sided(&base, &cur).is_empty());
        let write = cur.main.ops["read"].clone();
        cur.main.ops.insert("write".into(), write);
        cur.main.cpu_per_io = None;
        assert_eq!(
            one_sided(&base, &cur),
            ["write: measured in the current report only", "cpu per I/O (bench.cpu_per_io_ns): in the baseline only"]
        );
    }
}
