//! `jdbio wal --dry-run`: the log (or a profile's directory) and what would be written and removed, from the validated plan.

use std::fmt::Write;
use crate::{dryrun, error::AppError};

pub(super) fn text(out: &mut String, args: &super::WalArgs) -> Result<(), AppError> {
    let plan = super::plan::WalPlan::from_args(args)?;
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
    dryrun::target_lines(out, &plan.path, plan.target.as_ref());
    let modes: Vec<&str> = plan.file_modes.iter().map(|m| m.name()).collect();
    let methods: Vec<&str> = plan.methods.iter().map(|m| m.name()).collect();
    let why = format!("the log, rewritten per file mode ({}) and method ({})", modes.join(", "), methods.join(", "));
    dryrun::region(out, "writes", &(0..plan.size), &why);
    if plan.is_default_target && !plan.keep {
        let _ = writeln!(out, "  removes: {} at the end (pass --keep to keep it)", plan.path.display());
    }
    Ok(())
}
