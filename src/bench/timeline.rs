//! What a run looked like over time and against its schedule: the `series`
//! section (--interval), the `rate` section (--rate, open loop), and the
//! HdrHistogram files (--hlog, --hgrm).

use std::path::{Path, PathBuf};

use hdrhistogram::Histogram;
use serde_json::{Value, json};

use super::{plan::Plan, stats::WorkerStats};
use crate::{
    error::AppError,
    report::{
        LatencySummary, LogInterval, OpResult, encode_hdr, interval_log, percentile_distribution, value_at_percentile,
    },
};

/// The per-op-kind histograms of each interval, in order.
fn intervals<'a>(stats: &'a WorkerStats, kind: &str) -> Vec<&'a Histogram<u64>> {
    stats.series.iter().map(|cell| if kind == "read" { &cell.read } else { &cell.write }).collect()
}

fn kinds(stats: &WorkerStats) -> Vec<&'static str> {
    [("read", stats.read.ops), ("write", stats.write.ops)].into_iter().filter(|&(_, n)| n > 0).map(|(k, _)| k).collect()
}

/// Start and length of interval `i` of `count`: the last one ends with the
/// measured window, so its rate is over the time it really covers.
fn span(i: usize, count: usize, every_s: f64, duration_s: f64) -> (f64, f64) {
    let start = i as f64 * every_s;
    let length = if i + 1 == count { duration_s - start } else { every_s };
    (start, length.max(1e-9))
}

/// Folds a last interval shorter than half an interval (the I/Os still in
/// flight when the run ended) into the one before, so the series does not
/// end with a rate computed over a sliver of time.
pub fn fold_tail(stats: &mut WorkerStats, every_s: f64) {
    let duration_s = stats.measured_ns as f64 / 1e9;
    let n = stats.series.len();
    if n >= 2 && duration_s - (n - 1) as f64 * every_s < every_s / 2.0 {
        if let Some(tail) = stats.series.pop() {
            if let Some(last) = stats.series.last_mut() {
                *last += &tail;
            }
        }
    }
}

/// The `series` section: per interval and op kind, ops, IOPS, bytes,
/// p50/p99/max and the interval's `hdr`.
pub fn series(stats: &WorkerStats, every_s: f64) -> Value {
    let duration_s = stats.measured_ns as f64 / 1e9;
    let mut out = json!({ "interval_s": every_s });
    for kind in kinds(stats) {
        let rows: Vec<Value> = stats
            .series
            .iter()
            .zip(intervals(stats, kind))
            .enumerate()
            .map(|(i, (cell, h))| {
                let bytes = if kind == "read" { cell.read_bytes } else { cell.write_bytes };
                let max = if h.is_empty() { 0 } else { h.max() };
                let (p50, p99) = (value_at_percentile(h, 50.0), value_at_percentile(h, 99.0));
                let (start, length) = span(i, stats.series.len(), every_s, duration_s);
                json!({
                    "t_s": start + length,
                    "length_s": length,
                    "ops": h.len(),
                    "iops": h.len() as f64 / length,
                    "bytes": bytes,
                    "p50_ns": p50,
                    "p99_ns": p99,
                    "max_ns": max,
                    "hdr": encode_hdr(h),
                })
            })
            .collect();
        out[kind] = Value::Array(rows);
    }
    out
}

/// The `rate` section and the one-line verdict for the summary.
pub fn rate(plan: &Plan, stats: &WorkerStats, results: &std::collections::BTreeMap<String, OpResult>) -> Value {
    let target = plan.rate.unwrap_or(0.0);
    let achieved: f64 = results.values().map(|r| r.iops).sum();
    let measured = stats.read.ops + stats.write.ops;
    // Sustained: the rate was reached and nine I/Os in ten started on time
    // (a few late starts are scheduler jitter, not a slow target).
    let delay_p90 = if measured > 0 { stats.lateness.delay.value_at_quantile(0.9) } else { 0 };
    let sustained = achieved >= 0.95 * target && delay_p90 <= super::stats::Lateness::THRESHOLD_NS;
    let issued = stats.read.ops + stats.write.ops + stats.read.errors + stats.write.errors;
    let scheduled = match plan.stop {
        super::plan::Stop::Time(t) => (target * t.as_secs_f64()) as u64,
        super::plan::Stop::Ops(n) => n,
    };
    json!({
        "target_iops": target,
        "scheduled_ios": scheduled,
        "issued_ios": issued,
        "arrival": plan.arrival,
        "achieved_iops": achieved,
        "late_ios": stats.lateness.late,
        "late_threshold_ns": super::stats::Lateness::THRESHOLD_NS,
        "start_delay_ns": LatencySummary::from_histogram(&stats.lateness.delay),
        "sustained": sustained,
    })
}

/// Writes --hlog and --hgrm files, if asked for.
pub fn write_files(plan: &Plan, stats: &WorkerStats, start_epoch_s: f64) -> Result<(), AppError> {
    let write = |path: &Path, text: String| crate::report::write_file(path, text.as_bytes());
    let kinds = kinds(stats);
    if let (Some(path), Some(every)) = (&plan.hlog, plan.interval) {
        let every_s = every.as_secs_f64();
        let tagged = kinds.len() > 1;
        let mut lines = Vec::new();
        for (i, _) in stats.series.iter().enumerate() {
            let (start_s, length_s) = span(i, stats.series.len(), every_s, stats.measured_ns as f64 / 1e9);
            for &kind in &kinds {
                let hist = intervals(stats, kind)[i];
                lines.push(LogInterval { start_s, length_s, tag: tagged.then_some(kind), hist });
            }
        }
        write(path, interval_log(start_epoch_s + plan.ramp.as_secs_f64(), &lines))?;
    }
    if let Some(path) = &plan.hgrm {
        for &kind in &kinds {
            let hist = if kind == "read" { &stats.read.hist } else { &stats.write.hist };
            let target = if kinds.len() > 1 { per_kind(path, kind) } else { path.clone() };
            write(&target, percentile_distribution(hist))?;
        }
    }
    Ok(())
}

/// `out.hgrm` -> `out.read.hgrm`.
fn per_kind(path: &Path, kind: &str) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.{kind}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{kind}"),
    };
    path.with_file_name(name)
}
