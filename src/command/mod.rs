//! The contract between the application layer ([`crate::app`]) and the
//! subcommands: each one implements [`Command`] once. From its parsed
//! arguments it substitutes `{rank}` and `{host}` in what it reads and
//! writes, names its outputs and the paths no output may be
//! ([`OutputPlan`]), describes itself for `--dry-run`, and runs into an
//! [`Outcome`] that the application delivers. A command prints nothing but
//! its progress bar (a suite its job lines, through [`Run::say`]).

mod outcome;
mod paths;
mod sink;

pub use outcome::{Delivery, Export, Outcome, rows_verdict};
pub use paths::OutputPlan;
pub use sink::Sink;

use crate::{error::AppError, hosts::rank::Substitute};

/// One subcommand, as the application runs it.
pub trait Command {
    /// Validates what the run will need, as it would before running, with
    /// nothing touched (a suite checks every job before the first runs).
    fn check(&self) -> Result<(), AppError> {
        Ok(())
    }

    /// Substitutes `{rank}` and `{host}` in every path the command reads or
    /// writes (its target, its inputs, its outputs).
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError>;

    /// What it will write besides its target, and what it reads, before
    /// anything runs.
    fn outputs(&self) -> OutputPlan;

    /// Appends its `--dry-run` lines (the target, the regions it would
    /// write) to `out`, from the same validated plan it runs from.
    fn dry_run(&self, _run: &Run<'_>, out: &mut String) -> Result<(), AppError> {
        out.push_str("  writes: nothing but its outputs\n");
        Ok(())
    }

    /// Runs it. An `Err` is a failure with nothing to deliver (bad input);
    /// a run that got as far as a report returns it in the [`Outcome`],
    /// whatever its verdict.
    fn execute(&self, run: &Run<'_>) -> Result<Outcome, AppError>;
}

/// What a run is given besides its arguments.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    /// `{rank}` and `{host}`, and the rank every report records.
    pub sub: &'a Substitute,
    /// Where human-readable text goes: stderr when an output of the run
    /// took stdout.
    pub sink: Sink,
}

impl Run<'_> {
    /// Prints `jdbio: TEXT` on stderr, now (a warning, or the `--force`
    /// line before the first write).
    pub fn warn(&self, text: &str) {
        eprintln!("jdbio: {text}");
    }

    /// Prints a line of progress (a suite's "job N of M") on the sink.
    pub fn say(&self, text: &str) {
        self.sink.summary(text);
    }
}
