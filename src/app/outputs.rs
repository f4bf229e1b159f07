//! The outputs of one run, checked and created before the command touches
//! its target ([`Outputs::prepare`]), so a bad output path costs nothing;
//! each file is replaced whole when it is written (an old report keeps its
//! bytes until then), and dropping [`Outputs`] removes those it created
//! but never wrote, however the run ends.

use std::{
    io::{self, Write},
    path::PathBuf,
};

use serde::Serialize;

use crate::{command::OutputPlan, error::AppError, report::output_path::OutputPath};

/// The outputs checked and created before the run, and the paths the
/// command reads or writes (which no output may be).
#[derive(Debug, Default)]
pub struct Outputs {
    outputs: Vec<OutputPath>,
    inputs: Vec<PathBuf>,
}

impl Outputs {
    /// Checks every output of `plan` and creates the missing files; exit 2
    /// naming the flag and path of the first that is refused or cannot be
    /// created (the ones created before it are removed again).
    pub fn prepare(plan: OutputPlan) -> Result<Self, AppError> {
        let mut outputs = Vec::new();
        walk(&plan, |flag, value, taken| {
            outputs.push(OutputPath::open(flag, value, taken)?);
            Ok(())
        })?;
        Ok(Self { outputs, inputs: plan.inputs })
    }

    /// Writes `bytes` to the output `dest` given with `flag` ("-" is
    /// stdout): through the file [`Outputs::prepare`] opened, or, for one
    /// it did not see, after the same checks.
    pub fn write(&mut self, flag: &str, dest: &str, bytes: &[u8]) -> Result<(), AppError> {
        self.write_with(flag, dest, &mut |w| w.write_all(bytes))
    }

    /// Writes `value` as pretty JSON to `dest` ("-" is stdout), streamed: a
    /// report of many series rows is never held as text.
    pub fn write_json<T: Serialize>(&mut self, value: &T, dest: &str) -> Result<(), AppError> {
        self.write_with("--json", dest, &mut |w| {
            serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::from)?;
            w.write_all(b"\n")
        })
    }

    /// What `put` writes, streamed (buffered) to `dest`.
    fn write_with(
        &mut self,
        flag: &str,
        dest: &str,
        put: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), AppError> {
        match self.outputs.iter_mut().find(|o| o.value() == dest) {
            Some(out) => out.write_with(put),
            None => OutputPath::open(flag, dest, &self.inputs).and_then(|mut out| out.write_with(put)),
        }
    }
}

/// The checks of [`Outputs::prepare`] without creating or opening anything
/// (`--dry-run`): the same refusals, and a missing output's directory
/// must exist.
pub fn check(plan: &OutputPlan) -> Result<(), AppError> {
    walk(plan, OutputPath::check_only)
}

/// Checks the stdout outputs and the `checked` paths of `plan`, then gives
/// each output to `each` with the paths it must not be: the inputs and the
/// outputs before it, so no two outputs share a file either.
fn walk(
    plan: &OutputPlan,
    mut each: impl FnMut(&str, &str, &[PathBuf]) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let stdout: Vec<String> = plan.outputs.iter().filter(|(_, v)| v == "-").map(|(f, _)| format!("{f} -")).collect();
    if stdout.len() > 1 {
        return Err(AppError::Usage(format!("{}: only one output can go to stdout", stdout.join(", "))));
    }
    for (flag, path) in &plan.checked {
        crate::report::output_path::check(flag, path, &plan.inputs)?;
    }
    let mut taken: Vec<PathBuf> = plan.inputs.iter().chain(plan.checked.iter().map(|(_, p)| p)).cloned().collect();
    for (flag, value) in &plan.outputs {
        each(flag, value, &taken)?;
        if value != "-" {
            taken.push(PathBuf::from(value));
        }
    }
    Ok(())
}
