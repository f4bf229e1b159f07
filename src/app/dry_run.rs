//! `--dry-run`: say before destroying. The plan of a command, printed
//! instead of running it: its own lines ([`crate::command::Command::dry_run`]:
//! the target and what the probe found on it, the byte ranges that would be
//! written, the files that would be created), then the outputs. The
//! outputs are checked, not created.

use std::fmt::Write;

use crate::{
    command::{Command, OutputPlan, Run},
    error::AppError,
};

/// The dry run of `command`, whose outputs are `outputs`, as text.
pub fn text(command: &dyn Command, run: &Run<'_>, outputs: &OutputPlan) -> Result<String, AppError> {
    let mut out = String::from("jdbio: dry run: nothing below is done; no target or output is touched\n");
    command.dry_run(run, &mut out)?;
    for (flag, path) in &outputs.checked {
        let _ = writeln!(out, "  creates: {flag} {}", path.display());
    }
    for (flag, value) in &outputs.outputs {
        let _ = writeln!(out, "  output: {flag} {}", if value == "-" { "stdout" } else { value });
    }
    Ok(out)
}
