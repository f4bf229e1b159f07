//! The human lines of a `--profile` run: one per setting, the database's
//! own setting name next to its figures
//! (`postgres wal_sync_method=fdatasync: 281 commits/s, ...`).

use std::fmt::Write;

use crate::model::{LatencySummary, Percentile};
use crate::units::human_ns;
use crate::model::wal::Entry;

/// The summary: `header`, then one line per row, then `warnings`.
pub fn render(header: &str, entries: &[Entry], warnings: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}");
    for e in entries {
        let profile = e.profile.map_or("", |p| p.name());
        let setting = e.setting.as_deref().unwrap_or("");
        if !e.supported {
            let _ = writeln!(out, "  {profile} {setting}: unsupported: {}", e.note.as_deref().unwrap_or(""));
            continue;
        }
        let p = |lat: &Option<LatencySummary>, key: Percentile| {
            lat.as_ref().and_then(|l| l.at(key)).map_or("-".to_string(), |n| human_ns(n as f64))
        };
        let max = e.commit_latency_ns.as_ref().map_or("-".to_string(), |l| human_ns(l.max as f64));
        let _ = write!(
            out,
            "  {profile} {setting}: {:.0} commits/s, p50 {}, p99 {}, max {}",
            e.commits_per_s,
            p(&e.commit_latency_ns, Percentile::P50),
            p(&e.commit_latency_ns, Percentile::P99),
            max,
        );
        if e.sync_latency_ns.is_some() {
            let _ = write!(out, ", sync p50 {}", p(&e.sync_latency_ns, Percentile::P50));
        }
        if let Some(flushes) = e.device_io.as_ref().and_then(|d| d.flushes_per_commit) {
            let _ = write!(out, ", {flushes:.2} device flushes/commit");
        }
        let _ = writeln!(out);
        if let Some(note) = &e.note {
            let _ = writeln!(out, "    note: {note}");
        }
    }
    for w in warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    out
}
