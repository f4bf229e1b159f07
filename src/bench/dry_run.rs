//! `jdbio bench --dry-run`: the target, the layout's writes and the measured region, from the validated plan.

use std::fmt::Write;
use crate::{dryrun, error::AppError};

pub(super) fn text(out: &mut String, args: &super::BenchArgs) -> Result<(), AppError> {
    let plan = super::plan::Plan::from_args(args)?;
    let mode = clap::ValueEnum::to_possible_value(&args.mode).map(|v| v.get_name().to_string()).unwrap_or_default();
    let _ = writeln!(out, "jdbio bench --mode {mode}");
    dryrun::target_lines(out, &plan.path, plan.target.as_ref());
    for hole in &plan.holes {
        dryrun::region(out, "writes", hole, "layout (these bytes hold no data yet)");
    }
    let measured = plan.offset..plan.offset + plan.size;
    let verb = if plan.mode.writes() { "writes" } else { "reads" };
    dryrun::region(out, verb, &measured, &format!("measured region, {} blocks of {}", plan.size / plan.bs, plan.bs));
    Ok(())
}
