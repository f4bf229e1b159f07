//! The `prealloc` report section, its one-line conclusion, and the human
//! table.

use std::fmt::Write;

use super::{mode::Mode, runner::ModeStats};
use crate::model::Percentile;
use crate::{
    model::LatencySummary,
    units::{human_bytes, human_ns},
};

pub use crate::model::prealloc::Entry;

impl Entry {
    /// The row for `mode` from what it measured; `size` is what was asked for.
    pub fn new(mode: Mode, s: &ModeStats, size: u64) -> Self {
        let measured = s.unsupported.is_none();
        let secs = s.duration.as_secs_f64();
        Self {
            mode,
            file: s.file.display().to_string(),
            supported: measured,
            note: s.unsupported.clone().or_else(|| surprise(mode, s, size)),
            prepare_s: s.prepare.as_secs_f64(),
            size_before: s.before.size,
            allocated_before: s.before.allocated,
            size_after: s.after.size,
            allocated_after: s.after.allocated,
            size_after_writes: s.after_writes.size,
            allocated_after_writes: s.after_writes.allocated,
            writes: s.writes,
            bytes: s.bytes,
            duration_s: secs,
            writes_per_s: if secs > 0.0 { s.writes as f64 / secs } else { 0.0 },
            write_latency_ns: measured.then(|| LatencySummary::from_histogram(&s.latency)),
        }
    }

    fn p(&self, key: Percentile) -> Option<u64> {
        self.write_latency_ns.as_ref().and_then(|l| l.at(key))
    }
}

/// A preallocating mode that did not allocate, or a sparse file that did.
fn surprise(mode: Mode, s: &ModeStats, size: u64) -> Option<String> {
    let allocated = s.after.allocated?;
    match mode {
        Mode::None if allocated >= size => {
            Some("the filesystem allocated the whole file anyway (no sparse files here)".into())
        }
        Mode::Fallocate | Mode::FallocateKeepSize | Mode::ZeroFill if allocated < size => Some(format!(
            "only {} of {} allocated (compression, deduplication or a copy-on-write filesystem?)",
            human_bytes(allocated as f64),
            human_bytes(size as f64)
        )),
        _ => None,
    }
}

/// One line: which mode had the lowest p99 write + fdatasync, and by how
/// much it beat the slowest.
pub fn conclusion(entries: &[Entry]) -> String {
    let measured: Vec<(&Entry, u64)> = entries.iter().filter_map(|e| Some((e, e.p(Percentile::P99)?))).collect();
    let (Some(best), Some(worst)) = (measured.iter().min_by_key(|m| m.1), measured.iter().max_by_key(|m| m.1)) else {
        return "no mode could run here".into();
    };
    if measured.len() == 1 {
        return format!("only {} ran: p99 write + fdatasync {}", best.0.mode.name(), human_ns(best.1 as f64));
    }
    let ratio = worst.1 as f64 / best.1.max(1) as f64;
    if ratio < 1.1 {
        return format!(
            "preallocation made no real difference here: p99 write + fdatasync within 10% across modes ({} to {})",
            human_ns(best.1 as f64),
            human_ns(worst.1 as f64)
        );
    }
    format!(
        "{} had the lowest p99 write + fdatasync ({}); {} had the highest ({}, {ratio:.1}x)",
        best.0.mode.name(),
        human_ns(best.1 as f64),
        worst.0.mode.name(),
        human_ns(worst.1 as f64)
    )
}

/// The human table, 98 columns wide: write p99 and max (p50 is in the JSON).
pub fn render(header: &str, entries: &[Entry], conclusion: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}");
    let _ = writeln!(
        out,
        "  {:<19} {:>9} {:>11} {:>11} {:>12} {:>9} {:>9} {:>9}",
        "mode", "prepare", "size", "allocated", "after writes", "p99", "max", "writes/s"
    );
    let bytes = |n: Option<u64>| n.map_or("-".to_string(), |n| human_bytes(n as f64));
    let ns = |n: Option<u64>| n.map_or("-".to_string(), |n| human_ns(n as f64));
    for e in entries {
        if !e.supported {
            let _ = writeln!(out, "  {:<19} unsupported: {}", e.mode.name(), e.note.as_deref().unwrap_or(""));
            continue;
        }
        let _ = writeln!(
            out,
            "  {:<19} {:>9} {:>11} {:>11} {:>12} {:>9} {:>9} {:>9.0}",
            e.mode.name(),
            human_ns(e.prepare_s * 1e9),
            bytes(Some(e.size_after)),
            bytes(e.allocated_after),
            bytes(e.allocated_after_writes),
            ns(e.p(Percentile::P99)),
            ns(e.write_latency_ns.as_ref().map(|l| l.max)),
            e.writes_per_s,
        );
        if let Some(note) = &e.note {
            let _ = writeln!(out, "  {:<19} note: {note}", "");
        }
    }
    let _ = writeln!(out, "  conclusion: {conclusion}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prealloc::runner::Space;

    fn stats(p99_ns: u64, allocated: u64) -> ModeStats {
        let mut latency = crate::report::new_histogram();
        latency.record(p99_ns).unwrap();
        let space = Space { size: 1 << 20, allocated: Some(allocated) };
        ModeStats {
            file: "f".into(),
            unsupported: None,
            prepare: std::time::Duration::from_millis(1),
            before: Space::default(),
            after: space,
            after_writes: space,
            writes: 1,
            bytes: 4096,
            duration: std::time::Duration::from_millis(1),
            latency,
            target: None,
            error: None,
        }
    }

    #[test]
    fn conclusion_names_the_lowest_p99() {
        let entries = vec![
            Entry::new(Mode::None, &stats(300_000, 0), 1 << 20),
            Entry::new(Mode::ZeroFill, &stats(100_000, 1 << 20), 1 << 20),
        ];
        let line = conclusion(&entries);
        assert!(line.starts_with("zero-fill had the lowest p99"), "{line}");
        assert!(line.contains("none had the highest") && line.contains("3.0x"), "{line}");
        assert!(entries.iter().all(|e| e.note.is_none()));
    }

    #[test]
    fn preallocation_that_did_not_allocate_is_noted() {
        let e = Entry::new(Mode::Fallocate, &stats(1000, 4096), 1 << 20);
        assert!(e.note.as_deref().unwrap_or("").contains("only 4.00 KiB of 1.00 MiB allocated"), "{:?}", e.note);
        let mut s = stats(1000, 0);
        s.unsupported = Some("fallocate: Operation not supported".into());
        let e = Entry::new(Mode::Fallocate, &s, 1 << 20);
        assert!(!e.supported && e.write_latency_ns.is_none());
        assert_eq!(conclusion(&[e]), "no mode could run here");
    }
}
