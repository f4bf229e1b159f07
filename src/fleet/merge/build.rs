//! The fleet report: a `jdbio.report/1` bench report (so `jdbio gate` and
//! `jdbio plot` read it) whose `results` add the hosts' histograms exactly
//! (every count and percentile is what a decode of the merged `hdr` gives)
//! and whose rates are the fleet's aggregate ([`super::window`]); the
//! `fleet` section holds a row per host, the skew and the rule used.
//! `host`, `target` and `job` keep what all hosts share (a key whose value
//! differs between hosts, such as the seed or the path, is left out).

use serde_json::{Map, Value, json};

use super::{
    input::HostRun,
    window::{Aggregate, overlap},
};
use crate::report::{OpResult, SCHEMA, new_histogram};

/// The merged report of `hosts`.
pub fn build(hosts: &[HostRun], agg: &Aggregate) -> Value {
    let reports: Vec<&Value> = hosts.iter().map(|h| &h.report).collect();
    let mut results = Map::new();
    for (kind, rates) in &agg.rates {
        let mut hist = new_histogram();
        let (mut ops, mut bytes, mut errors) = (0, 0, 0);
        for op in hosts.iter().filter_map(|h| h.ops.get(kind)) {
            let _ = hist.add(&op.hist);
            (ops, bytes, errors) = (ops + op.ops, bytes + op.bytes, errors + op.errors);
        }
        let mut r = OpResult::new(ops, bytes, errors, 0.0, &hist);
        (r.iops, r.bw_bytes_per_s) = (rates.iops, rates.bw_bytes_per_s);
        results.insert(kind.clone(), serde_json::to_value(r).unwrap_or_default());
    }
    let sum = |f: &dyn Fn(&Value) -> f64| reports.iter().map(|r| f(r)).sum::<f64>();
    let (user_s, sys_s) =
        (sum(&|r| r["cpu"]["user_s"].as_f64().unwrap_or(0.0)), sum(&|r| r["cpu"]["sys_s"].as_f64().unwrap_or(0.0)));
    let all_ops = sum(&|r| r["bench"]["total_ops_including_ramp"].as_f64().unwrap_or(0.0));
    let duration_s = match agg.overlap {
        Some((s, e)) => (e - s) as f64 / 1e9,
        None => hosts.iter().map(|h| h.duration_s).fold(0.0, f64::max),
    };
    let mut out = json!({
        "schema": SCHEMA,
        "jdbio_version": env!("CARGO_PKG_VERSION"),
        "command": "bench",
        "argv": std::env::args().collect::<Vec<_>>(),
        "started_at": reports.iter().filter_map(|r| r["started_at"].as_str()).min(),
        "host": common(&reports, "host"),
        "job": common(&reports, "job"),
        "results": results,
        "cpu": {
            "user_s": user_s,
            "sys_s": sys_s,
            "ctx_switches": sum(&|r| r["cpu"]["ctx_switches"].as_f64().unwrap_or(0.0)) as u64,
            "max_rss_bytes": reports.iter().filter_map(|r| r["cpu"]["max_rss_bytes"].as_u64()).max(),
        },
        "duration_s": duration_s,
        "interrupted": false,
        "bench": {
            "total_ops_including_ramp": all_ops as u64,
            "cpu_per_io_ns": (user_s + sys_s) * 1e9 / all_ops.max(1.0),
        },
        "fleet": fleet(hosts, agg),
    });
    if reports.iter().all(|r| r.get("target").is_some()) {
        out["target"] = common(&reports, "target");
    }
    if let Some((start, end)) = agg.overlap {
        out["window_start_unix_ns"] = json!(start);
        out["window_end_unix_ns"] = json!(end);
    }
    if let Some(series) = super::series::merged(hosts) {
        out["series"] = series;
    }
    out
}

/// The keys of `section` whose values all reports share.
fn common(reports: &[&Value], section: &str) -> Value {
    let first = reports.first().and_then(|r| r[section].as_object()).cloned().unwrap_or_default();
    let shared = first.into_iter().filter(|(k, v)| reports.iter().all(|r| r[section].get(k) == Some(v)));
    Value::Object(shared.collect())
}

/// The `fleet` section: the rule, the overlap, a row per host, the skew.
fn fleet(hosts: &[HostRun], agg: &Aggregate) -> Value {
    let rows: Vec<Value> = hosts.iter().map(row).collect();
    let starts: Option<Vec<u64>> = hosts.iter().map(|h| h.window.map(|w| w.0)).collect();
    let spread = starts.map(|s| s.iter().max().unwrap_or(&0) - s.iter().min().unwrap_or(&0));
    let by_iops = |pick: fn(f64, f64) -> bool| {
        let best = hosts.iter().reduce(|a, b| if pick(b.iops(), a.iops()) { b } else { a });
        best.map(|h| json!({ "host": h.name(), "file": h.file, "iops": h.iops() }))
    };
    let (min, max) = (by_iops(|b, a| b < a), by_iops(|b, a| b > a));
    let ratio =
        match (hosts.iter().map(HostRun::iops).reduce(f64::min), hosts.iter().map(HostRun::iops).reduce(f64::max)) {
            (Some(lo), Some(hi)) if lo > 0.0 => Some(hi / lo),
            _ => None,
        };
    json!({
        "reports": hosts.len(),
        "rule": agg.rule,
        "rule_text": agg.rule.text(),
        "overlap_start_unix_ns": agg.overlap.map(|o| o.0),
        "overlap_end_unix_ns": agg.overlap.map(|o| o.1),
        "overlap_s": agg.overlap.map(|(s, e)| (e - s) as f64 / 1e9),
        "windows_overlap": overlap(hosts).is_ok(),
        "hosts": rows,
        "skew": {
            "start_spread_ns": spread,
            "min_iops": min,
            "max_iops": max,
            "max_over_min_iops": ratio,
        },
    })
}

/// One host's row.
fn row(h: &HostRun) -> Value {
    let ops: Map<String, Value> = h
        .ops
        .iter()
        .map(|(kind, op)| {
            let p99 = crate::report::value_at_percentile(&op.hist, 99.0);
            (kind.clone(), json!({ "ops": op.ops, "iops": op.iops, "bw_bytes_per_s": op.bw, "p99_ns": p99 }))
        })
        .collect();
    json!({
        "file": h.file,
        "host": h.name(),
        "rank": h.rank(),
        "window_start_unix_ns": h.window.map(|w| w.0),
        "window_end_unix_ns": h.window.map(|w| w.1),
        "start_late_ns": h.report["start_at"]["late_ns"].as_u64(),
        "duration_s": h.duration_s,
        "iops": h.iops(),
        "results": ops,
    })
}
