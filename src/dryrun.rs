//! The `--dry-run` lines of the commands that write: the target and what
//! the probe found on it, the byte ranges that would be written, the files
//! that would be created. Built from the same validated plans the commands
//! run from (so a bad flag still fails with exit 2), which only probe and
//! read.

use std::{fmt::Write, ops::Range, path::Path};

use crate::{
    error::AppError,
    target::{self, TargetInfo, TargetKind},
    units::human_bytes,
};

/// The target line(s): what the probe found, or that it would be created.
fn target_lines(out: &mut String, path: &Path, info: Option<&TargetInfo>) {
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
fn region(out: &mut String, verb: &str, r: &Range<u64>, why: &str) {
    let _ = writeln!(out, "  {verb}: [{}, {}) {}: {why}", r.start, r.end, human_bytes((r.end - r.start) as f64));
}

fn probe(path: &Path) -> Result<Option<TargetInfo>, AppError> {
    match target::probe(path) {
        Ok(info) => Ok(Some(info)),
        Err(target::ProbeError::NotFound { .. }) => Ok(None),
        Err(e) => Err(AppError::Usage(e.to_string())),
    }
}

pub(crate) fn bench(out: &mut String, args: &crate::bench::BenchArgs) -> Result<(), AppError> {
    let plan = crate::bench::plan::Plan::from_args(args)?;
    let mode = clap::ValueEnum::to_possible_value(&args.mode).map(|v| v.get_name().to_string()).unwrap_or_default();
    let _ = writeln!(out, "jdbio bench --mode {mode}");
    target_lines(out, &plan.path, plan.target.as_ref());
    for hole in &plan.holes {
        region(out, "writes", hole, "layout (these bytes hold no data yet)");
    }
    let measured = plan.offset..plan.offset + plan.size;
    let verb = if plan.mode.writes() { "writes" } else { "reads" };
    region(out, verb, &measured, &format!("measured region, {} blocks of {}", plan.size / plan.bs, plan.bs));
    Ok(())
}

pub(crate) fn verify(out: &mut String, args: &crate::verify::VerifyArgs) -> Result<(), AppError> {
    // The real plan opens the ack log --write fills; a dry run lists it
    // (the preflight checked its path) and leaves it alone.
    let mut quiet = args.clone();
    if args.write {
        quiet.ack_log = None;
    }
    let plan = crate::verify::plan::VerifyPlan::from_args(&quiet)?;
    let _ = writeln!(out, "jdbio verify{}", if plan.write { " --write" } else { "" });
    target_lines(out, &plan.path, probe(&plan.path)?.as_ref());
    let verb = if plan.write { "writes" } else { "reads" };
    let why = format!("stamped blocks of {}, generation {}", plan.run.bs, plan.generation);
    region(out, verb, &(0..plan.size), &why);
    if plan.write {
        region(out, "reads", &(0..plan.size), "read back and checked");
    }
    Ok(())
}

pub(crate) fn wal(out: &mut String, args: &crate::wal::WalArgs) -> Result<(), AppError> {
    let plan = crate::wal::plan::WalPlan::from_args(args)?;
    out.push_str("jdbio wal\n");
    if let Some(profile) = &plan.profile {
        let settings: Vec<&str> = profile.settings.iter().map(|s| s.name).collect();
        let made = if profile.make_dir { "created, then removed unless --keep" } else { "exists, kept" };
        let _ = writeln!(out, "  directory: {} ({made})", profile.dir.display());
        let _ = writeln!(
            out,
            "  writes: the files {} makes there, fresh per setting ({}), removed at the end unless --keep",
            profile.profile.name(),
            settings.join("; ")
        );
        return Ok(());
    }
    target_lines(out, &plan.path, plan.target.as_ref());
    let modes: Vec<&str> = plan.file_modes.iter().map(|m| m.name()).collect();
    let methods: Vec<&str> = plan.methods.iter().map(|m| m.name()).collect();
    let why = format!("the log, rewritten per file mode ({}) and method ({})", modes.join(", "), methods.join(", "));
    region(out, "writes", &(0..plan.size), &why);
    if plan.is_default_target && !plan.keep {
        let _ = writeln!(out, "  removes: {} at the end (pass --keep to keep it)", plan.path.display());
    }
    Ok(())
}

pub(crate) fn prealloc(out: &mut String, args: &crate::prealloc::PreallocArgs) -> Result<(), AppError> {
    let plan = crate::prealloc::plan::PreallocPlan::from_args(args)?;
    out.push_str("jdbio prealloc\n");
    for &mode in &plan.modes {
        let path = plan.mode_path(mode);
        let _ = writeln!(out, "  target: {}: created fresh ({})", path.display(), mode.name());
        let why = format!("made by {}, then {} writes of {} each with an fdatasync", mode.name(), plan.writes, plan.bs);
        region(out, "writes", &(0..plan.size), &why);
        if !plan.keep {
            let _ = writeln!(out, "  removes: {} at the end (pass --keep to keep it)", path.display());
        }
    }
    Ok(())
}

pub(crate) fn align(out: &mut String, args: &crate::align_check::AlignArgs) -> Result<(), AppError> {
    let plan = crate::align_check::plan::AlignPlan::from_args(args)?;
    let _ = writeln!(out, "jdbio align{}", if plan.write { " --write" } else { "" });
    if plan.scratch {
        let bytes = crate::align_check::plan::SCRATCH_BYTES as u64;
        let _ = writeln!(out, "  target: {}: jdbio's scratch file, created and removed", plan.path.display());
        region(out, "writes", &(0..bytes), "the scratch file's contents");
        return Ok(());
    }
    let info = probe(&plan.path)?.ok_or_else(|| AppError::Usage(format!("{}: not found", plan.path.display())))?;
    target_lines(out, &plan.path, Some(&info));
    let span = crate::align_check::span(&info, plan.write);
    let verb = if plan.write { "writes" } else { "reads" };
    let why = if plan.write { "the probe matrix (its bytes saved first and restored afterwards)" } else { "the probe matrix" };
    region(out, verb, &(0..span), why);
    Ok(())
}
