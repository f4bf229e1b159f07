//! The wal report section, the durability warnings, and the human table.

use std::fmt::Write;

use super::{method::Method, plan::FileMode, runner::EntryStats};
use crate::model::Percentile;
use crate::{model::LatencySummary, units::human_ns};

pub use crate::model::wal::Entry;

impl Entry {
    /// A measured entry.
    pub fn measured(method: Method, file_mode: FileMode, s: &EntryStats) -> Self {
        let rate = if s.duration_s > 0.0 { s.commits as f64 / s.duration_s } else { 0.0 };
        Self {
            method,
            file_mode,
            profile: None,
            setting: None,
            supported: true,
            note: s.log_full.then(|| "the log filled up before --time ran out (raise --size)".to_string()),
            commits: s.commits,
            bytes: s.bytes,
            duration_s: s.duration_s,
            commits_per_s: rate,
            commit_latency_ns: Some(LatencySummary::from_histogram(&s.commit)),
            write_latency_ns: Some(LatencySummary::from_histogram(&s.write)),
            sync_latency_ns: method.separate_sync().then(|| LatencySummary::from_histogram(&s.sync)),
            device_io: None,
            runqueue_wait_per_commit_ns: s.runqueue_wait_ns.filter(|_| s.commits > 0).map(|ns| ns as f64 / s.commits as f64),
        }
    }

    /// An entry the OS cannot run.
    pub fn unsupported(method: Method, file_mode: FileMode, why: String) -> Self {
        Self {
            method,
            file_mode,
            profile: None,
            setting: None,
            supported: false,
            note: Some(why),
            commits: 0,
            bytes: 0,
            duration_s: 0.0,
            commits_per_s: 0.0,
            commit_latency_ns: None,
            write_latency_ns: None,
            sync_latency_ns: None,
            device_io: None,
            runqueue_wait_per_commit_ns: None,
        }
    }

    /// The row's name where rows are told apart (the gate's op, a plot's
    /// curve): "fdatasync overwrite", or for a `--profile` row the database
    /// and its setting ("postgres wal_sync_method=fdatasync"), since two
    /// settings can make the same calls (sqlite's WAL and DELETE modes both
    /// sync with fdatasync on an appended file).
    pub fn label(&self) -> String {
        match (self.profile, &self.setting) {
            (Some(profile), Some(setting)) => format!("{} {setting}", profile.name()),
            _ => format!("{} {}", self.method.name(), self.file_mode.name()),
        }
    }

    fn p(lat: &Option<LatencySummary>, key: Percentile) -> Option<u64> {
        lat.as_ref().and_then(|l| l.at(key))
    }
}

/// Warnings for syncs too fast to be real: a durable method whose commit p50
/// is within 1.5x of a plain O_DIRECT write (the `none` row, same file mode)
/// on a device that reports a volatile ("write back") cache, where making
/// data durable needs a cache flush that a plain write does not.
pub fn durability_warnings(entries: &[Entry], write_cache: Option<&str>) -> Vec<String> {
    if write_cache != Some("write back") {
        return Vec::new();
    }
    let mut warnings = Vec::new();
    for e in entries.iter().filter(|e| e.supported && e.method != Method::None) {
        let commit = Entry::p(&e.commit_latency_ns, Percentile::P50).unwrap_or(0);
        let plain = entries
            .iter()
            .find(|r| r.method == Method::None && r.file_mode == e.file_mode)
            .and_then(|r| Entry::p(&r.write_latency_ns, Percentile::P50));
        let too_fast = plain.is_some_and(|w| (commit as f64) < 1.5 * w as f64);
        if too_fast {
            warnings.push(format!(
                "{} ({}): commit p50 {} is implausibly fast for a device with a volatile write cache (plain write p50 {}): something below (a hypervisor, controller or disk cache) is probably not making data durable",
                e.method.name(),
                e.file_mode.name(),
                human_ns(commit as f64),
                plain.map_or("-".to_string(), |w| human_ns(w as f64)),
            ));
        }
    }
    warnings
}

/// The human table, 92 columns wide: commit latency percentiles and max
/// (the minimum and p90 are in the JSON), the sync call's p50, and the
/// device's cache flushes per commit ("-" where they are not counted).
pub fn render(header: &str, entries: &[Entry], warnings: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}");
    let _ = writeln!(
        out,
        "  {:<18} {:<9} {:>10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "method", "file", "commits/s", "p50", "p99", "p99.9", "max", "sync p50", "flush/c"
    );
    for e in entries {
        if !e.supported {
            let _ = writeln!(
                out,
                "  {:<18} {:<9} unsupported: {}",
                e.method.name(),
                e.file_mode.name(),
                e.note.as_deref().unwrap_or("")
            );
            continue;
        }
        let l = e.commit_latency_ns.as_ref();
        let fmt = |v: Option<u64>| v.map_or("-".to_string(), |n| human_ns(n as f64));
        let _ = writeln!(
            out,
            "  {:<18} {:<9} {:>10.0} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}",
            e.method.name(),
            e.file_mode.name(),
            e.commits_per_s,
            fmt(Entry::p(&e.commit_latency_ns, Percentile::P50)),
            fmt(Entry::p(&e.commit_latency_ns, Percentile::P99)),
            fmt(Entry::p(&e.commit_latency_ns, Percentile::P999)),
            fmt(l.map(|l| l.max)),
            fmt(Entry::p(&e.sync_latency_ns, Percentile::P50)),
            e.device_io.as_ref().and_then(|d| d.flushes_per_commit).map_or("-".to_string(), |f| format!("{f:.2}")),
        );
        if let Some(note) = &e.note {
            let _ = writeln!(out, "  {:<18} {:<9} note: {note}", "", "");
        }
        if let Some(setting) = e.method.database_setting() {
            let _ = writeln!(out, "  {:<18} {:<9} as: {setting}", "", "");
        }
    }
    for w in warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    out
}
