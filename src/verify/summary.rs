//! The human summary of a verify run.

use std::fmt::Write;

use super::{classify::Class, findings::Findings};
use crate::units::human_bytes;

/// Formats the counts and the first `max_report` bad blocks.
pub fn render(header: &str, passes: &[String], findings: &Findings, max_report: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}");
    for line in passes {
        let _ = writeln!(out, "  {line}");
    }
    let counts = findings.counts();
    let mut line = format!("  good {}", counts["good"]);
    for class in Class::ALL {
        let _ = write!(line, "  {} {}", class.name(), counts[class.name()]);
    }
    let _ = writeln!(out, "{line}");
    if !findings.bad.is_empty() {
        let shown = findings.bad.len().min(max_report);
        let _ = writeln!(out, "  bad blocks ({shown} of {} shown; all are in the JSON):", findings.bad.len());
        for b in findings.bad.iter().take(max_report) {
            let _ = writeln!(out, "    offset {:<14} {:<12} {}", b.offset, b.class.name(), b.detail);
        }
    }
    out
}

/// "N blocks, X in Ys (Z/s)" for one pass.
pub fn pass_line(verb: &str, ops: u64, bytes: u64, secs: f64) -> String {
    let rate = if secs > 0.0 { bytes as f64 / secs } else { 0.0 };
    format!("{verb:<8}: {ops} blocks, {} in {secs:.2}s ({}/s)", human_bytes(bytes as f64), human_bytes(rate))
}
