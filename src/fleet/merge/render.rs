//! The human summary of a fleet report: the fleet's numbers per op kind,
//! how the rates were aggregated, the skew, and a row per host. Reads only
//! the finished report.

use std::fmt::Write;

use serde_json::Value;

use crate::units::{human_bytes, human_ns};

/// Formats the summary of the merged `report` of job `job`.
pub fn render(report: &Value, job: &str) -> String {
    let fleet = &report["fleet"];
    let f = |v: &Value| v.as_f64().unwrap_or(0.0);
    let mut out = format!("jdbio merge: {} reports of {job}\n", fleet["reports"]);
    for (kind, r) in report["results"].as_object().into_iter().flatten() {
        let l = &r["latency_ns"];
        let p = |k: &str| human_ns(f(&l["percentiles"][k]));
        let _ = writeln!(
            out,
            "  {kind:<5}: {:.0} IOPS, {}/s, {} ops, {} errors (all hosts)",
            f(&r["iops"]),
            human_bytes(f(&r["bw_bytes_per_s"])),
            r["ops"],
            r["errors"]
        );
        let _ = writeln!(
            out,
            "         lat p50 {}  p90 {}  p99 {}  p99.9 {}\n             min {}  max {}  (the hosts' histograms added)",
            p("50"),
            p("90"),
            p("99"),
            p("99.9"),
            human_ns(f(&l["min"])),
            human_ns(f(&l["max"]))
        );
    }
    let overlap = fleet["overlap_s"].as_f64().map(|s| format!(" ({s:.2}s)")).unwrap_or_default();
    let _ = writeln!(out, "  rates: {}{overlap}", fleet["rule_text"].as_str().unwrap_or("?"));
    let skew = &fleet["skew"];
    let spread = skew["start_spread_ns"].as_f64().map_or("not stated".into(), |ns| format!("within {}", human_ns(ns)));
    let host = |v: &Value| format!("{:.0} ({})", f(&v["iops"]), v["host"].as_str().unwrap_or("?"));
    let ratio = skew["max_over_min_iops"].as_f64().map(|r| format!(", max/min {r:.2}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "  skew : starts {spread}; IOPS per host min {} max {}{ratio}",
        host(&skew["min_iops"]),
        host(&skew["max_iops"])
    );
    let _ =
        writeln!(out, "  {:<5} {:<16} {:<22} {:>10} {:>10} {:>10}", "rank", "host", "report", "start", "IOPS", "late");
    let first =
        fleet["hosts"].as_array().into_iter().flatten().filter_map(|h| h["window_start_unix_ns"].as_u64()).min();
    for h in fleet["hosts"].as_array().into_iter().flatten() {
        let rank = h["rank"].as_u64().map_or("-".into(), |r| r.to_string());
        let start = match (h["window_start_unix_ns"].as_u64(), first) {
            (Some(s), Some(first)) => format!("+{}", human_ns((s - first) as f64)),
            _ => "-".into(),
        };
        let late = match h["start_late_ns"].as_f64() {
            None => "-".into(),
            Some(0.0) => "on time".into(),
            Some(ns) => human_ns(ns),
        };
        let _ = writeln!(
            out,
            "  {rank:<5} {:<16} {:<22} {start:>10} {:>10.0} {late:>10}",
            h["host"].as_str().unwrap_or("?"),
            h["file"].as_str().unwrap_or("?"),
            f(&h["iops"])
        );
    }
    out
}
