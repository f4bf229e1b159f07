//! The verdicts: each metric's change against its limit and, where both
//! reports carry at least two repetitions, against the spread of those
//! repetitions.
//!
//! A change worse than the limit is `regressed`, unless the repetitions'
//! ranges overlap (the difference is within noise) and `--ignore-spread` was
//! not given: then it is `within noise` and does not fail the gate. A change
//! better than the limit is `improved` under the same rule; anything else is
//! `ok`. A change is "beyond spread" when the ranges do not overlap and the
//! current range lies on the side the headline value moved to: every current
//! repetition is worse (or better) than every baseline one.

use std::collections::BTreeSet;

pub use crate::model::gate::{Row, Verdict};

use super::{
    limits::Limits,
    metrics::{Bad, Extracted, Metric},
};

impl Verdict {
    /// The verdict as the JSON and the CSV name it.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::WithinNoise => "within_noise",
            other => other.word(),
        }
    }

    /// The word in the table.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Improved => "improved",
            Verdict::Regressed => "regressed",
            Verdict::WithinNoise => "within noise",
        }
    }
}

impl Row {
    /// "read iops", "cpu per I/O".
    pub fn label(&self) -> String {
        match &self.op {
            Some(op) => format!("{op} {}", self.metric.label()),
            None => self.metric.label().to_string(),
        }
    }
}

/// True when both reports carry enough repetitions to judge the spread.
pub fn spread_known(base: &Extracted, cur: &Extracted) -> bool {
    base.reps.len() >= 2 && cur.reps.len() >= 2
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
pub fn compare(
    base: &Extracted,
    cur: &Extracted,
    limits: &Limits,
    ignore_spread: bool,
    notes: &mut Vec<String>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for op in base.main.ops.keys().filter(|op| cur.main.ops.contains_key(*op)) {
        rows.extend(Metric::PER_OP.into_iter().filter_map(|m| row(base, cur, Some(op), m, limits, ignore_spread)));
    }
    match row(base, cur, None, Metric::CpuPerIo, limits, ignore_spread) {
        Some(r) => rows.push(r),
        None if base.states_cpu || cur.states_cpu => {
            notes.push("cpu per I/O: in neither report (bench.cpu_per_io_ns); not compared".into())
        }
        None => {}
    }
    rows
}

/// The row for `metric` of `op`, or None when a report lacks the value.
fn row(
    base: &Extracted,
    cur: &Extracted,
    op: Option<&str>,
    metric: Metric,
    limits: &Limits,
    ignore: bool,
) -> Option<Row> {
    let (b, c) = (base.main.get(op, metric)?, cur.main.get(op, metric)?);
    let range = |e: &Extracted| -> Option<[f64; 2]> {
        let vals: Option<Vec<f64>> = e.reps.iter().map(|r| r.get(op, metric)).collect();
        let vals = vals?;
        let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some([min, max])
    };
    let (b_range, c_range) = if spread_known(base, cur) { (range(base), range(cur)) } else { (None, None) };
    let change = change_pct(b, c);
    // Beyond the spread: the current range lies wholly on the side the
    // headline value moved to.
    let beyond = match (b_range, c_range) {
        (Some(br), Some(cr)) => Some((change > 0.0 && cr[0] > br[1]) || (change < 0.0 && cr[1] < br[0])),
        _ => None,
    };
    let limit = limits.pct(metric);
    // How much worse, in percent of the baseline (negative: better).
    let worse = match metric.bad() {
        Bad::Drop => -change,
        Bad::Rise => change,
    };
    let counts = beyond.is_none_or(|beyond| beyond || ignore);
    let verdict = if worse > limit {
        if counts { Verdict::Regressed } else { Verdict::WithinNoise }
    } else if -worse > limit && counts {
        Verdict::Improved
    } else {
        Verdict::Ok
    };
    Some(Row {
        op: op.map(str::to_string),
        metric,
        unit: metric.unit(),
        baseline: b,
        current: c,
        change_pct: change.is_finite().then_some(change),
        limit_pct: match metric.bad() {
            Bad::Drop => -limit,
            Bad::Rise => limit,
        },
        direction: metric.bad(),
        baseline_range: b_range,
        current_range: c_range,
        beyond_spread: beyond,
        verdict,
    })
}

/// The change from `b` to `c` in percent of `b`; infinite when `b` is 0 and
/// `c` is not.
fn change_pct(b: f64, c: f64) -> f64 {
    if b == c {
        0.0
    } else if b == 0.0 {
        f64::INFINITY.copysign(c)
    } else {
        (c - b) / b * 100.0
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::gate::metrics::Values;

    /// A report with one op kind "read" whose metrics all equal `v`, with
    /// one repetition per entry of `reps`.
    fn ext(v: f64, reps: &[f64]) -> Extracted {
        let values = |v: f64| Values {
            ops: BTreeMap::from([("read".to_string(), Metric::PER_OP.into_iter().map(|m| (m, v)).collect())]),
            cpu_per_io: Some(v),
        };
        Extracted { main: values(v), reps: reps.iter().map(|&r| values(r)).collect(), states_cpu: true }
    }

    fn verdicts(base: &Extracted, cur: &Extracted, ignore: bool) -> Vec<(String, Verdict)> {
        let limits = Limits::from_flags(&[], &[]).unwrap();
        compare(base, cur, &limits, ignore, &mut Vec::new()).iter().map(|r| (r.label(), r.verdict)).collect()
    }

    fn verdict_of(rows: &[(String, Verdict)], label: &str) -> Verdict {
        rows.iter().find(|(l, _)| l == label).unwrap().1
    }

    #[test]
    fn identical_reports_pass() {
        let rows = verdicts(&ext(1000.0, &[]), &ext(1000.0, &[]), false);
        assert_eq!(rows.len(), 6);
        assert!(rows.iter().all(|(_, v)| *v == Verdict::Ok));
    }

    #[test]
    fn limits_per_direction() {
        // Everything 30% higher: throughput improved, latency regressed
        // (p99.9's limit is 50%: ok).
        let rows = verdicts(&ext(1000.0, &[]), &ext(1300.0, &[]), false);
        assert_eq!(verdict_of(&rows, "read iops"), Verdict::Improved);
        assert_eq!(verdict_of(&rows, "read bw"), Verdict::Improved);
        assert_eq!(verdict_of(&rows, "read p50"), Verdict::Regressed);
        assert_eq!(verdict_of(&rows, "read p99"), Verdict::Regressed);
        assert_eq!(verdict_of(&rows, "read p99.9"), Verdict::Ok);
        assert_eq!(verdict_of(&rows, "cpu per I/O"), Verdict::Regressed);
        // Exactly at the limit is within it.
        let rows = verdicts(&ext(1000.0, &[]), &ext(900.0, &[]), false);
        assert_eq!(verdict_of(&rows, "read iops"), Verdict::Ok);
    }

    #[test]
    fn overlapping_repetitions_are_noise() {
        let base = ext(1000.0, &[950.0, 1000.0, 1100.0]);
        let cur = ext(800.0, &[700.0, 800.0, 960.0]);
        let rows = verdicts(&base, &cur, false);
        assert_eq!(verdict_of(&rows, "read iops"), Verdict::WithinNoise);
        assert_eq!(verdict_of(&rows, "read p99"), Verdict::Ok);
        let rows = verdicts(&base, &cur, true);
        assert_eq!(verdict_of(&rows, "read iops"), Verdict::Regressed);
    }

    #[test]
    fn disjoint_repetitions_are_beyond_noise() {
        let base = ext(1000.0, &[950.0, 1000.0, 1100.0]);
        let cur = ext(800.0, &[700.0, 800.0, 940.0]);
        let limits = Limits::from_flags(&[], &[]).unwrap();
        let rows = compare(&base, &cur, &limits, false, &mut Vec::new());
        assert_eq!(rows[0].verdict, Verdict::Regressed);
        assert_eq!(rows[0].beyond_spread, Some(true));
        assert_eq!(rows[0].baseline_range, Some([950.0, 1100.0]));
        assert_eq!(rows[0].current_range, Some([700.0, 940.0]));
        assert_eq!(rows[0].change_pct, Some(-20.0));
        assert_eq!(rows[0].limit_pct, -10.0);
    }

    #[test]
    fn beyond_spread_follows_the_direction_of_the_change() {
        // A headline value outside its own repetitions' range (a hand-edited
        // report): the disjoint ranges point the other way, so not beyond.
        let base = ext(1000.0, &[950.0, 1100.0]);
        let cur = ext(800.0, &[1200.0, 1300.0]);
        let limits = Limits::from_flags(&[], &[]).unwrap();
        let rows = compare(&base, &cur, &limits, false, &mut Vec::new());
        assert_eq!((rows[0].beyond_spread, rows[0].verdict), (Some(false), Verdict::WithinNoise));
    }

    #[test]
    fn one_sided_repetitions_leave_the_limit_alone() {
        let rows = verdicts(&ext(1000.0, &[950.0, 1100.0]), &ext(800.0, &[]), false);
        assert_eq!(verdict_of(&rows, "read iops"), Verdict::Regressed);
    }

    #[test]
    fn zero_baseline() {
        assert_eq!(change_pct(0.0, 0.0), 0.0);
        assert_eq!(change_pct(0.0, 5.0), f64::INFINITY);
        let rows = verdicts(&ext(0.0, &[]), &ext(5.0, &[]), false);
        assert_eq!(verdict_of(&rows, "read iops"), Verdict::Improved);
        assert_eq!(verdict_of(&rows, "read p99"), Verdict::Regressed);
    }

    #[test]
    fn what_one_report_measures_alone_is_named() {
        let base = ext(1000.0, &[]);
        let mut cur = ext(1000.0, &[]);
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
