//! The application: the one place a parsed command line becomes a run.
//! Signals are handled from the start ([`crate::interrupt`]); `{rank}` and
//! `{host}` are substituted in the command's paths; its outputs are checked
//! and created before it touches its target ([`outputs`]), and those it
//! never wrote are removed at the end; `--dry-run` prints the plan instead
//! ([`dry_run`]); the command runs into an outcome, which is delivered
//! ([`deliver`]) and becomes the result `main` maps to an exit code. All of
//! it runs on one compio runtime, this thread's ([`crate::io::rt`]).

pub mod cli;
mod deliver;
mod dispatch;
mod dry_run;
mod outputs;
mod shell;
mod suite;

use crate::{
    app::cli::Cli,
    command::{Run, Sink},
    error::AppError,
    hosts::rank::{self, Substitute},
    interrupt,
};

/// Runs one parsed command line. A run that a signal cut short ends in
/// [`AppError::Interrupted`].
pub fn run(cli: Cli) -> Result<(), AppError> {
    crate::io::rt::enter(|| run_entered(cli))?
}

/// [`run`], on the thread's runtime.
fn run_entered(cli: Cli) -> Result<(), AppError> {
    // From the first thing that can block (a probe of a slow device),
    // a signal asks the command to stop and report.
    interrupt::install();
    let found = rank::detect(&cli.rank, |v| std::env::var(v).ok()).map_err(AppError::Usage)?;
    let sub = Substitute::new(found);
    let mut command = dispatch::command(cli.command);
    command.substitute(&sub)?;
    let plan = command.outputs();
    if cli.dry_run {
        outputs::check(&plan)?;
        let run = Run { sub: &sub, sink: Sink::Stdout };
        Sink::Stdout.print(&dry_run::text(command.as_ref(), &run, &plan)?);
        return Ok(());
    }
    let sink = Sink::avoiding(plan.takes_stdout());
    // Dropped on every way out, a panic's unwinding included, so the
    // outputs never written are removed whatever ends the run.
    let mut outputs = outputs::Outputs::prepare(plan)?;
    let run = Run { sub: &sub, sink };
    let result = command.execute(&run).and_then(|outcome| deliver::deliver(outcome, &mut outputs, &run));
    drop(outputs);
    match result {
        Ok(()) if interrupt::requested() => Err(AppError::Interrupted),
        other => other,
    }
}
