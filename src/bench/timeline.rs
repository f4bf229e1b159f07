//! What a run looked like over time and against its schedule: the `series`
//! section (--interval), the `rate` section (--rate, open loop), and the
//! HdrHistogram files (--hlog, --hgrm).

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use super::{plan::Plan, series::Which, stats::WorkerStats};
use crate::{
    report::{
        LatencySummary, LogInterval, OpResult, interval_line, interval_log_header, new_histogram,
        percentile_distribution, value_at_percentile,
    },
};
use crate::model::bench::{Interval, RateSection, Series};

/// The op kinds and latencies a run of `plan` measures, in report order:
/// the kinds its mode issues; service time, and response time in open loop.
pub fn measured(plan: &Plan) -> Vec<Which> {
    measured_by(plan.read_pct, plan.rate.is_some())
}

/// [`measured`] from the read percentage and whether the run is open loop.
fn measured_by(read_pct: u32, open_loop: bool) -> Vec<Which> {
    Which::ALL
        .into_iter()
        .filter(|w| if w.write { read_pct < 100 } else { read_pct > 0 })
        .filter(|w| !w.response || open_loop)
        .collect()
}

/// "read.service", the name of a latency in exports.
pub fn tag(which: Which) -> String {
    format!("{}.{}", which.kind(), which.latency())
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
    if n >= 2
        && duration_s - (n - 1) as f64 * every_s < every_s / 2.0
        && let Some(tail) = stats.series.pop()
        && let Some(last) = stats.series.last_mut()
    {
        *last += &tail;
    }
}

/// The `series` section: per op kind, one entry per interval with ops,
/// IOPS, bytes and the service time's `latency_ns`; in open loop also
/// `response_latency_ns` (intended start to completion).
pub fn series(plan: &Plan, stats: &WorkerStats, every_s: f64) -> Series {
    let duration_s = stats.measured_ns as f64 / 1e9;
    let mut kinds = BTreeMap::new();
    let mut hist = new_histogram();
    for service in measured(plan).into_iter().filter(|w| !w.response) {
        let response = Which { response: true, ..service };
        let rows: Vec<Interval> = stats
            .series
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let (start, length) = span(i, stats.series.len(), every_s, duration_s);
                cell.histogram(service, &mut hist);
                let latency_ns = LatencySummary::from_histogram(&hist);
                let ops = hist.len();
                let response_latency_ns = plan.rate.is_some().then(|| {
                    cell.histogram(response, &mut hist);
                    LatencySummary::from_histogram(&hist)
                });
                Interval {
                    t_s: start + length,
                    length_s: length,
                    ops,
                    iops: ops as f64 / length,
                    bytes: cell.bytes(service.write),
                    latency_ns,
                    response_latency_ns,
                }
            })
            .collect();
        kinds.insert(service.kind().to_string(), rows);
    }
    Series { interval_s: every_s, kinds }
}

/// The `rate` section: target and achieved rate, late and unstarted I/Os,
/// start delays, and whether the target sustained the rate.
pub fn rate(plan: &Plan, stats: &WorkerStats, results: &BTreeMap<String, OpResult>) -> RateSection {
    let target = plan.rate.unwrap_or(0.0);
    let achieved: f64 = results.values().map(|r| r.iops).sum();
    let measured = stats.read.ops + stats.write.ops;
    // Sustained: every I/O due in the window started, the rate was reached,
    // and nine I/Os in ten started on time (a few late starts are scheduler
    // jitter, not a slow target).
    let delay_p90 = if measured > 0 { value_at_percentile(&stats.lateness.delay, 90.0) } else { 0 };
    let sustained =
        stats.unstarted == 0 && achieved >= 0.95 * target && delay_p90 <= super::stats::Lateness::THRESHOLD_NS;
    let issued = stats.read.ops + stats.write.ops + stats.read.errors + stats.write.errors;
    RateSection {
        target_iops: target,
        scheduled_ios: issued + stats.unstarted,
        issued_ios: issued,
        unstarted_ios: stats.unstarted,
        arrival: plan.arrival,
        achieved_iops: achieved,
        late_ios: stats.lateness.late,
        late_threshold_ns: super::stats::Lateness::THRESHOLD_NS,
        start_delay_ns: LatencySummary::from_histogram(&stats.lateness.delay),
        sustained,
    }
}

/// The --hgrm files of a run of `plan` given `path`: one per op kind and
/// latency, `out.hgrm` -> `out.read.service.hgrm`, `out.read.response.hgrm`
/// (open loop), `out.write.service.hgrm`, ...
pub fn hgrm_files(plan: &Plan, path: &Path) -> Vec<(Which, PathBuf)> {
    measured(plan).into_iter().map(|w| (w, tagged_path(path, &tag(w)))).collect()
}

/// The --hgrm files a run given `args` will write, known before the plan
/// is validated so they are checked and created with the other outputs.
pub fn hgrm_paths(args: &super::BenchArgs, path: &Path) -> Vec<PathBuf> {
    let which = measured_by(crate::model::bench::Mode::from(args.mode).read_pct(args.rwmix), args.rate.is_some());
    which.into_iter().map(|w| tagged_path(path, &tag(w))).collect()
}

/// `(flag, path, text)` of the --hlog and --hgrm files asked for.
pub fn files(plan: &Plan, stats: &WorkerStats, start_epoch_s: f64) -> Vec<(&'static str, PathBuf, String)> {
    let mut files = Vec::new();
    if let (Some(path), Some(every)) = (&plan.hlog, plan.interval) {
        let every_s = every.as_secs_f64();
        let which = measured(plan);
        let tags: Vec<String> = which.iter().map(|&w| tag(w)).collect();
        let count = stats.series.len();
        let mut text = interval_log_header(start_epoch_s + plan.ramp.as_secs_f64());
        let mut hist = new_histogram();
        for (i, cell) in stats.series.iter().enumerate() {
            let (start_s, length_s) = span(i, count, every_s, stats.measured_ns as f64 / 1e9);
            for (&w, tag) in which.iter().zip(&tags) {
                cell.histogram(w, &mut hist);
                text.push_str(&interval_line(&LogInterval { start_s, length_s, tag, hist: &hist }));
            }
        }
        files.push(("--hlog", path.clone(), text));
    }
    if let Some(path) = &plan.hgrm {
        for (w, target) in hgrm_files(plan, path) {
            let op = if w.write { &stats.write } else { &stats.read };
            files.push(("--hgrm", target, percentile_distribution(if w.response { &op.response } else { &op.hist })));
        }
    }
    files
}

/// `out.hgrm` -> `out.TAG.hgrm`.
fn tagged_path(path: &Path, tag: &str) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.{tag}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{tag}"),
    };
    path.with_file_name(name)
}
