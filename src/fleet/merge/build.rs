//! The fleet report: a `jdbio.report/2` bench report (so `jdbio gate` and
//! `jdbio plot` read it) whose `results` add the hosts' histograms exactly
//! (every count and percentile is what a decode of the merged `hdr` gives)
//! and whose rates are the fleet's aggregate ([`super::window`]); the
//! `fleet` section holds a row per host, the skew and the rule used.
//! `host`, `target` and `job` keep what all hosts share: the job's `path`
//! and `seed` are left out where hosts differ, the host's name, kernel and
//! CPU model are left empty, and the target is stated only when every host
//! probed the same one.

use std::collections::BTreeMap;

use super::{
    input::HostRun,
    window::{Aggregate, overlap},
};
use crate::model::{
    Body, CpuUsage, Host, OpResult, Report,
    bench::{BenchBody, BenchSection, Series},
    fleet::{FleetHost, FleetHostOp, FleetSection, HostIops, Skew},
    new_histogram,
};

/// The merged report of `hosts` (at least one, each a bench report), with
/// the merged `series` when they have one.
pub fn build(hosts: &[HostRun], agg: &Aggregate, series: Option<Series>) -> Report {
    let mut results = BTreeMap::new();
    for (kind, rates) in &agg.rates {
        let mut hist = new_histogram();
        let (mut ops, mut bytes, mut errors) = (0, 0, 0);
        for op in hosts.iter().filter_map(|h| h.ops.get(kind)) {
            let _ = hist.add(&op.hist);
            (ops, bytes, errors) = (ops + op.ops, bytes + op.bytes, errors + op.errors);
        }
        let mut r = OpResult::new(ops, bytes, errors, 0.0, &hist);
        (r.iops, r.bw_bytes_per_s) = (rates.iops, rates.bw_bytes_per_s);
        results.insert(kind.clone(), r);
    }
    let reports: Vec<&Report> = hosts.iter().map(|h| &h.report).collect();
    let cpu = CpuUsage {
        user_s: reports.iter().map(|r| r.cpu.user_s).sum(),
        sys_s: reports.iter().map(|r| r.cpu.sys_s).sum(),
        ctx_switches: reports.iter().map(|r| r.cpu.ctx_switches).sum(),
        max_rss_bytes: reports.iter().map(|r| r.cpu.max_rss_bytes).max().unwrap_or(0),
    };
    let all_ops: u64 = hosts.iter().filter_map(HostRun::body).map(|b| b.bench.total_ops_including_ramp).sum();
    let duration_s = match agg.overlap {
        Some((s, e)) => (e - s) as f64 / 1e9,
        None => hosts.iter().map(|h| h.duration_s).fold(0.0, f64::max),
    };
    let first = hosts[0].body().expect("merge reads bench reports only");
    let mut job = first.job.clone();
    let bodies: Vec<&BenchBody> = hosts.iter().filter_map(HostRun::body).collect();
    if bodies.iter().any(|b| b.job.path != job.path) {
        job.path = None;
    }
    if bodies.iter().any(|b| b.job.seed != job.seed) {
        job.seed = None;
    }
    let body = BenchBody {
        job,
        bench: BenchSection {
            total_ops_including_ramp: all_ops,
            cpu_per_io_ns: (cpu.user_s + cpu.sys_s) * 1e9 / all_ops.max(1) as f64,
            ..BenchSection::default()
        },
        verify: None,
        series,
        rate: None,
        repetitions: None,
        repetition_medians: None,
        window_start_unix_ns: agg.overlap.map(|o| o.0),
        window_end_unix_ns: agg.overlap.map(|o| o.1),
        start_at: None,
        fleet: Some(fleet(hosts, agg)),
    };
    let mut report = Report::new(Body::Bench(body));
    report.started_at = reports.iter().map(|r| r.started_at.clone()).min().unwrap_or_default();
    report.host = common_host(&reports);
    report.target = reports[0].target.clone().filter(|t| reports.iter().all(|r| r.target.as_ref() == Some(t)));
    report.results = results;
    report.cpu = cpu;
    report.duration_s = duration_s;
    report
}

/// What the hosts of `reports` share (a field that differs is left empty).
fn common_host(reports: &[&Report]) -> Host {
    let first = &reports[0].host;
    let same = |f: &dyn Fn(&Host) -> String| reports.iter().all(|r| f(&r.host) == f(first));
    Host {
        name: String::new(),
        os: if same(&|h| h.os.clone()) { first.os.clone() } else { String::new() },
        kernel: if same(&|h| h.kernel.clone()) { first.kernel.clone() } else { String::new() },
        cpus: if same(&|h| h.cpus.to_string()) { first.cpus } else { 0 },
        cpu_model: first.cpu_model.clone().filter(|_| same(&|h| format!("{:?}", h.cpu_model))),
    }
}

/// The `fleet` section: the rule, the overlap, a row per host, the skew.
fn fleet(hosts: &[HostRun], agg: &Aggregate) -> FleetSection {
    let starts: Option<Vec<u64>> = hosts.iter().map(|h| h.window.map(|w| w.0)).collect();
    let spread = starts.map(|s| s.iter().max().unwrap_or(&0) - s.iter().min().unwrap_or(&0));
    let by_iops = |pick: fn(f64, f64) -> bool| {
        let best = hosts.iter().reduce(|a, b| if pick(b.iops(), a.iops()) { b } else { a });
        best.map(|h| HostIops { host: h.name(), file: h.file.clone(), iops: h.iops() })
    };
    let ratio =
        match (hosts.iter().map(HostRun::iops).reduce(f64::min), hosts.iter().map(HostRun::iops).reduce(f64::max)) {
            (Some(lo), Some(hi)) if lo > 0.0 => Some(hi / lo),
            _ => None,
        };
    FleetSection {
        reports: hosts.len(),
        rule: agg.rule,
        rule_text: agg.rule.text().to_string(),
        overlap_start_unix_ns: agg.overlap.map(|o| o.0),
        overlap_end_unix_ns: agg.overlap.map(|o| o.1),
        overlap_s: agg.overlap.map(|(s, e)| (e - s) as f64 / 1e9),
        windows_overlap: overlap(hosts).is_ok(),
        hosts: hosts.iter().map(row).collect(),
        skew: Skew {
            start_spread_ns: spread,
            min_iops: by_iops(|b, a| b < a),
            max_iops: by_iops(|b, a| b > a),
            max_over_min_iops: ratio,
        },
    }
}

/// One host's row.
fn row(h: &HostRun) -> FleetHost {
    let results = h
        .ops
        .iter()
        .map(|(kind, op)| {
            let row = FleetHostOp { ops: op.ops, iops: op.iops, bw_bytes_per_s: op.bw, latency_ns: op.latency.clone() };
            (kind.clone(), row)
        })
        .collect();
    FleetHost {
        file: h.file.clone(),
        host: h.name(),
        rank: h.rank(),
        window_start_unix_ns: h.window.map(|w| w.0),
        window_end_unix_ns: h.window.map(|w| w.1),
        start_late_ns: h.body().and_then(|b| b.start_at).map(|s| s.late_ns),
        duration_s: h.duration_s,
        iops: h.iops(),
        results,
    }
}
