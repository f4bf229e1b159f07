//! `jdbio align --dry-run`: the target (or the scratch file) and the probe matrix's range, from the validated plan.

use std::fmt::Write;
use crate::{dryrun, error::AppError};

pub(super) fn text(out: &mut String, args: &super::AlignArgs) -> Result<(), AppError> {
    let plan = super::plan::AlignPlan::from_args(args)?;
    let _ = writeln!(out, "jdbio align{}", if plan.write { " --write" } else { "" });
    if plan.scratch {
        let bytes = super::plan::SCRATCH_BYTES as u64;
        let _ = writeln!(out, "  target: {}: jdbio's scratch file, created and removed", plan.path.display());
        dryrun::region(out, "writes", &(0..bytes), "the scratch file's contents");
        return Ok(());
    }
    let info = dryrun::probe(&plan.path)?.ok_or_else(|| AppError::Usage(format!("{}: not found", plan.path.display())))?;
    dryrun::target_lines(out, &plan.path, Some(&info));
    let span = super::span(&info, plan.write);
    let verb = if plan.write { "writes" } else { "reads" };
    let why = if plan.write { "the probe matrix (its bytes saved first and restored afterwards)" } else { "the probe matrix" };
    dryrun::region(out, verb, &(0..span), why);
    Ok(())
}
