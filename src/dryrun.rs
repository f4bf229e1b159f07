//! The pieces every `--dry-run` text is made of: the target and what the
//! probe found on it, and one line per byte range that would be read or
//! written. Each command that writes builds its own text from its validated
//! plan (`dry_run.rs` in its folder) out of these.

use std::{fmt::Write, ops::Range, path::Path};

use crate::{
    error::AppError,
    target::{self, TargetInfo, TargetKind},
    units::human_bytes,
};

/// The target line(s): what the probe found, or that it would be created.
pub(crate) fn target_lines(out: &mut String, path: &Path, info: Option<&TargetInfo>) {
    let Some(t) = info else {
        let _ = writeln!(out, "  target: {}: does not exist; it would be created", path.display());
        return;
    };
    let kind = if t.kind == TargetKind::Block { "block device" } else { "file" };
    let _ = write!(out, "  target: {}: {kind}, {} ({} bytes)", t.path, human_bytes(t.size_bytes as f64), t.size_bytes);
    if let Some(fs) = &t.filesystem {
        let _ = write!(out, ", on {fs}");
    }
    out.push('\n');
    let list = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.join(", ") };
    let _ = writeln!(
        out,
        "    signature: {}; mounted: {}; holders: {}; loop devices: {}",
        t.signature.as_deref().unwrap_or("none"),
        list(&t.mounted),
        list(&t.holders),
        list(&t.loop_devices)
    );
    match t.holds_data() {
        Some(why) => {
            let _ = writeln!(out, "    holds data: {why}");
        }
        None => out.push_str("    holds data: nothing found that a write would destroy\n"),
    }
}

/// One region line: `  VERB [start, end) SIZE: WHY`.
pub(crate) fn region(out: &mut String, verb: &str, r: &Range<u64>, why: &str) {
    let _ = writeln!(out, "  {verb}: [{}, {}) {}: {why}", r.start, r.end, human_bytes((r.end - r.start) as f64));
}

/// The probe's finding for `path`; None when nothing is there yet.
pub(crate) fn probe(path: &Path) -> Result<Option<TargetInfo>, AppError> {
    match target::probe(path) {
        Ok(info) => Ok(Some(info)),
        Err(target::ProbeError::NotFound { .. }) => Ok(None),
        Err(e) => Err(AppError::Usage(e.to_string())),
    }
}
