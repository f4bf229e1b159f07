//! `jdbio prealloc --dry-run`: the files each mode would create, write and remove, from the validated plan.

use std::fmt::Write;
use crate::{dryrun, error::AppError};

pub(super) fn text(out: &mut String, args: &super::PreallocArgs) -> Result<(), AppError> {
    let plan = super::plan::PreallocPlan::from_args(args)?;
    out.push_str("jdbio prealloc\n");
    for &mode in &plan.modes {
        let path = plan.mode_path(mode);
        let _ = writeln!(out, "  target: {}: created fresh ({})", path.display(), mode.name());
        let why = format!("made by {}, then {} writes of {} each with an fdatasync", mode.name(), plan.writes, plan.bs);
        dryrun::region(out, "writes", &(0..plan.size), &why);
        if !plan.keep {
            let _ = writeln!(out, "  removes: {} at the end (pass --keep to keep it)", path.display());
        }
    }
    Ok(())
}
