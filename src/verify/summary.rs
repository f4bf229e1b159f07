//! The human summary of a verify run.

use std::fmt::Write;

use crate::{
    io::block::{classify::Class, findings::Verdicts},
    units::human_bytes,
};

/// Formats the header, the lines about the run, the counts and the listed
/// bad blocks.
pub fn render(header: &str, lines: &[String], v: &Verdicts) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}");
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
    let mut line = format!("  good {}", v.good);
    for class in Class::ALL {
        let _ = write!(line, "  {} {}", class.name(), v.counts[class.name()]);
    }
    let _ = writeln!(out, "{line}");
    if v.bad_total > 0 {
        let _ = writeln!(
            out,
            "  bad blocks ({} of {} listed, lowest offsets first; --max-report sets how many):",
            v.bad.len(),
            v.bad_total
        );
        for b in &v.bad {
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
