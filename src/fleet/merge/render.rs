//! The human summary of a fleet report: the fleet's numbers per op kind,
//! how the rates were aggregated, the skew, and a row per host. Reads only
//! the finished report.

use std::fmt::Write;

use crate::model::Percentile;
use crate::units::{human_bytes, human_ns};
use crate::model::{Body, Report};

/// Formats the summary of the merged `report` of job `job`.
pub fn render(report: &Report, job: &str) -> String {
    let Body::Bench(body) = &report.body else { return String::new() };
    let Some(fleet) = &body.fleet else { return String::new() };
    let mut out = format!("jdbio merge: {} reports of {job}\n", fleet.reports);
    for (kind, r) in &report.results {
        let l = &r.latency_ns;
        let p = |k: Percentile| human_ns(l.at(k).unwrap_or(0) as f64);
        let _ = writeln!(
            out,
            "  {kind:<5}: {:.0} IOPS, {}/s, {} ops, {} errors (all hosts)",
            r.iops,
            human_bytes(r.bw_bytes_per_s),
            r.ops,
            r.errors
        );
        let _ = writeln!(
            out,
            "         lat p50 {}  p90 {}  p99 {}  p99.9 {}\n             min {}  max {}  (the hosts' histograms added)",
            p(Percentile::P50),
            p(Percentile::P90),
            p(Percentile::P99),
            p(Percentile::P999),
            human_ns(l.min as f64),
            human_ns(l.max as f64)
        );
    }
    let overlap = fleet.overlap_s.map(|s| format!(" ({s:.2}s)")).unwrap_or_default();
    let _ = writeln!(out, "  rates: {}{overlap}", fleet.rule_text);
    let skew = &fleet.skew;
    let spread = skew.start_spread_ns.map_or("not stated".into(), |ns| format!("within {}", human_ns(ns as f64)));
    let host = |v: &Option<crate::model::fleet::HostIops>| {
        v.as_ref().map_or("?".to_string(), |h| format!("{:.0} ({})", h.iops, h.host))
    };
    let ratio = skew.max_over_min_iops.map(|r| format!(", max/min {r:.2}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "  skew : starts {spread}; IOPS per host min {} max {}{ratio}",
        host(&skew.min_iops),
        host(&skew.max_iops)
    );
    let _ =
        writeln!(out, "  {:<5} {:<16} {:<22} {:>10} {:>10} {:>10}", "rank", "host", "report", "start", "IOPS", "late");
    let first = fleet.hosts.iter().filter_map(|h| h.window_start_unix_ns).min();
    for h in &fleet.hosts {
        let rank = h.rank.map_or("-".into(), |r| r.to_string());
        let start = match (h.window_start_unix_ns, first) {
            (Some(s), Some(first)) => format!("+{}", human_ns((s - first) as f64)),
            _ => "-".into(),
        };
        let late = match h.start_late_ns {
            None => "-".into(),
            Some(0) => "on time".into(),
            Some(ns) => human_ns(ns as f64),
        };
        let _ = writeln!(out, "  {rank:<5} {:<16} {:<22} {start:>10} {:>10.0} {late:>10}", h.host, h.file, h.iops);
    }
    out
}
