//! Repetitions (`--repeat N`): each repetition is a whole engine run (ramp
//! included). One rule for the report: every count and percentile in
//! `results` is what a decode of the `hdr` beside it gives, so `results`
//! merges all repetitions (counts summed, histograms added, rates over the
//! summed measured time); each repetition is stated in `repetitions`, and
//! the median of each metric over them in `repetition_medians`, so a gate
//! can judge against noise instead of one sample.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;

use super::engine::Outcome;
use crate::model::bench::{MedianOp, Medians, Repetition};
use crate::report::{CpuUsage, LatencySummary, OpResult, PERCENTILES, Percentile, new_histogram};

/// One repetition: what the report states of it, and its histograms.
#[derive(Debug, Clone)]
pub struct Rep {
    /// Per op kind.
    pub results: BTreeMap<String, OpResult>,
    /// Process CPU use.
    pub cpu: CpuUsage,
    /// Measured time, seconds.
    pub duration_s: f64,
    /// Wall time, the ramp included, seconds.
    pub wall_s: f64,
    /// Operations, the ramp included.
    pub total_ops_including_ramp: u64,
    /// Process CPU time per I/O, ns.
    pub cpu_per_io_ns: f64,
    hists: BTreeMap<String, Histogram<u64>>,
    responses: BTreeMap<String, Histogram<u64>>,
}

impl Rep {
    /// The results of one engine run.
    pub fn from_outcome(outcome: &Outcome) -> Self {
        let stats = &outcome.stats;
        let secs = stats.measured_ns as f64 / 1e9;
        let mut results = BTreeMap::new();
        let mut hists = BTreeMap::new();
        let mut responses = BTreeMap::new();
        for (kind, s) in [("read", &stats.read), ("write", &stats.write)] {
            if s.ops > 0 || s.errors > 0 || !s.response.is_empty() {
                let mut result = OpResult::new(s.ops, s.bytes, s.errors, secs, &s.hist);
                if !s.response.is_empty() {
                    result.response_latency_ns = Some(LatencySummary::from_histogram(&s.response));
                    responses.insert(kind.to_string(), s.response.clone());
                }
                results.insert(kind.to_string(), result);
                hists.insert(kind.to_string(), s.hist.clone());
            }
        }
        let cpu = outcome.cpu;
        Self {
            results,
            cpu,
            duration_s: secs,
            wall_s: outcome.wall_s,
            total_ops_including_ramp: stats.total_ops_including_ramp,
            cpu_per_io_ns: (cpu.user_s + cpu.sys_s) * 1e9 / stats.total_ops_including_ramp.max(1) as f64,
            hists,
            responses,
        }
    }
}

impl Rep {
    /// The repetition as the report's `repetitions` states it.
    pub fn stated(&self) -> Repetition {
        Repetition {
            results: self.results.clone(),
            cpu: self.cpu,
            duration_s: self.duration_s,
            wall_s: self.wall_s,
            total_ops_including_ramp: self.total_ops_including_ramp,
            cpu_per_io_ns: Some(self.cpu_per_io_ns),
        }
    }
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}

/// Per op kind, all repetitions merged: counts summed, latency from the
/// added histograms, rates over the summed measured time `secs`.
pub fn merged_results(reps: &[Rep], secs: f64) -> BTreeMap<String, OpResult> {
    let mut out = BTreeMap::new();
    for kind in reps.iter().flat_map(|r| r.results.keys()) {
        if out.contains_key(kind) {
            continue;
        }
        let merge = |of: &dyn Fn(&Rep) -> Option<&Histogram<u64>>| {
            let mut merged = new_histogram();
            for h in reps.iter().filter_map(of) {
                let _ = merged.add(h);
            }
            merged
        };
        let hist = merge(&|r: &Rep| r.hists.get(kind));
        let responses = merge(&|r: &Rep| r.responses.get(kind));
        let sum = |f: &dyn Fn(&OpResult) -> u64| reps.iter().filter_map(|r| r.results.get(kind)).map(f).sum::<u64>();
        let mut result = OpResult::new(sum(&|r| r.ops), sum(&|r| r.bytes), sum(&|r| r.errors), secs, &hist);
        result.response_latency_ns = (!responses.is_empty()).then(|| LatencySummary::from_histogram(&responses));
        out.insert(kind.clone(), result);
    }
    out
}

/// The `repetition_medians` section: per op kind, the median over the
/// repetitions of ops, bytes, IOPS, bandwidth and each percentile (service
/// and, in open loop, response), and the median measured time.
pub fn medians(reps: &[Rep]) -> Medians {
    let mut kinds = BTreeMap::new();
    for kind in reps.iter().flat_map(|r| r.results.keys()) {
        let of: Vec<&OpResult> = reps.iter().filter_map(|r| r.results.get(kind)).collect();
        let med = |f: &dyn Fn(&OpResult) -> f64| median(of.iter().map(|r| f(r)).collect());
        let percentiles = |lat: &dyn Fn(&OpResult) -> Option<&LatencySummary>| -> BTreeMap<Percentile, f64> {
            PERCENTILES.iter().map(|&key| (key, med(&|r| lat(r).and_then(|l| l.at(key)).unwrap_or(0) as f64))).collect()
        };
        let entry = MedianOp {
            ops: med(&|r| r.ops as f64),
            bytes: med(&|r| r.bytes as f64),
            iops: med(&|r| r.iops),
            bw_bytes_per_s: med(&|r| r.bw_bytes_per_s),
            latency_percentiles_ns: percentiles(&|r| Some(&r.latency_ns)),
            response_latency_percentiles_ns: of
                .iter()
                .any(|r| r.response_latency_ns.is_some())
                .then(|| percentiles(&|r| r.response_latency_ns.as_ref())),
        };
        kinds.insert(kind.clone(), entry);
    }
    Medians { duration_s: median(reps.iter().map(|r| r.duration_s).collect()), kinds }
}

/// Total CPU over all repetitions.
pub fn total_cpu(reps: &[Rep]) -> CpuUsage {
    reps.iter().fold(CpuUsage::default(), |acc, r| CpuUsage {
        user_s: acc.user_s + r.cpu.user_s,
        sys_s: acc.sys_s + r.cpu.sys_s,
        ctx_switches: acc.ctx_switches + r.cpu.ctx_switches,
        max_rss_bytes: acc.max_rss_bytes.max(r.cpu.max_rss_bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(vec![]), 0.0);
    }
}
