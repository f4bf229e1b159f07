//! `jdbio verify --dry-run`: the target and the blocks it would write and read, from the validated plan.

use std::fmt::Write;
use crate::{dryrun, error::AppError};

pub(super) fn text(out: &mut String, args: &super::VerifyArgs) -> Result<(), AppError> {
    // The real plan opens the ack log --write fills; a dry run lists it
    // (the preflight checked its path) and leaves it alone.
    let mut quiet = args.clone();
    if args.write {
        quiet.ack_log = None;
    }
    let plan = super::plan::VerifyPlan::from_args(&quiet)?;
    let _ = writeln!(out, "jdbio verify{}", if plan.write { " --write" } else { "" });
    dryrun::target_lines(out, &plan.path, dryrun::probe(&plan.path)?.as_ref());
    let verb = if plan.write { "writes" } else { "reads" };
    let why = format!("stamped blocks of {}, generation {}", plan.run.bs, plan.generation);
    dryrun::region(out, verb, &(0..plan.size), &why);
    if plan.write {
        dryrun::region(out, "reads", &(0..plan.size), "read back and checked");
    }
    Ok(())
}
