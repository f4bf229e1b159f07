//! `jdbio prealloc`: how long space preallocation takes, what it really
//! allocates, and what it does to the latency of the writes that follow.
//!
//! Flow: [`args::PreallocArgs`] -> [`plan::PreallocPlan`] (validation before
//! I/O) -> for each [`mode::Mode`]: [`runner::run`] on a fresh file
//! `TARGET.MODE` (prepare, then write + fdatasync at increasing offsets, the
//! WAL pattern) -> [`summary::Entry`] rows -> the report's `prealloc`
//! section (`{ "entries": [...], "conclusion": "..." }`) and the table.
//! Preallocation is a filesystem concept, so a block device is refused.
//!
//! Every run ends in a report: a signal stops the writes (the mode they
//! were in is kept, measured up to then) and its `TARGET.MODE` file is
//! removed; an error (ENOSPC, EIO) ends the run with the rows that
//! completed and the error in the `prealloc` section.

mod args;
mod dry_run;
mod mode;
pub(crate) mod plan;
mod job;
mod runner;
mod summary;

pub use args::PreallocArgs;
pub use plan::{DEFAULT_TARGET, mode_paths};

use std::path::PathBuf;

use crate::{
    command::{Command, Delivery, Outcome, OutputPlan, Run, rows_verdict},
    error::AppError,
    hosts::rank::Substitute,
    progress::new_bar,
    report::{Body, Clock, Report},
    units::human_bytes,
};

impl Command for PreallocArgs {
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        sub.opt_path("TARGET", &mut self.target)?;
        sub.string("--json", &mut self.output.json)
    }

    fn outputs(&self) -> OutputPlan {
        let base = self.target.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_TARGET));
        let mut inputs = mode_paths(&base);
        inputs.push(base);
        OutputPlan::reading(inputs, &self.output.json)
    }

    fn dry_run(&self, _run: &Run<'_>, out: &mut String) -> Result<(), AppError> {
        dry_run::text(out, self)
    }

    fn execute(&self, _run: &Run<'_>) -> Result<Outcome, AppError> {
        run(self)
    }
}

/// Runs `jdbio prealloc`.
fn run(args: &PreallocArgs) -> Result<Outcome, AppError> {
    let plan = plan::PreallocPlan::from_args(args)?;
    let mut target = None;
    let runtime =
        crate::io::rt::runtime().map_err(|e| AppError::Io(format!("cannot set up the io_uring runtime: {e}")))?;
    let bar =
        new_bar(plan.writes * plan.modes.len() as u64, plan.quiet, "{spinner} prealloc [{bar:30}] {pos}/{len} {msg}");
    let clock = Clock::start();
    let mut entries = Vec::new();
    let mut failure = None;
    for &mode in &plan.modes {
        if crate::interrupt::requested() {
            break;
        }
        bar.set_message(mode.name());
        match runtime.block_on(runner::run(&plan, mode, target.is_none(), &bar)) {
            Ok(mut stats) => {
                target = target.take().or(stats.target.take());
                let mut entry = summary::Entry::new(mode, &stats, plan.size);
                if let Some(e) = stats.error.take() {
                    entry.note = Some(format!("stopped by an error after {} writes: {e}", stats.writes));
                    entries.push(entry);
                    failure = Some(AppError::Io(e));
                    break;
                }
                entries.push(entry);
            }
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    bar.finish_and_clear();
    let conclusion = summary::conclusion(&entries);
    let fs = target.as_ref().and_then(|t| {
        let fs = t.filesystem.as_deref()?;
        Some(format!(" ({fs}{})", t.device.as_ref().map(|d| format!(" on {d}")).unwrap_or_default()))
    });
    let header = format!(
        "jdbio prealloc: {} per mode, then {} writes of {} each followed by fdatasync, in {}.MODE{}",
        human_bytes(plan.size as f64),
        plan.writes,
        human_bytes(plan.bs as f64),
        plan.path.display(),
        fs.unwrap_or_default(),
    );
    let mut summary = summary::render(&header, &entries, &conclusion);
    let section = crate::model::prealloc::PreallocSection { entries, conclusion, error: failure.as_ref().map(ToString::to_string) };
    let job = crate::model::prealloc::PreallocJob::of(&plan);
    let mut report = Report::new(Body::Prealloc(crate::model::prealloc::PreallocBody { job, prealloc: section }));
    report.target = target;
    clock.stop(&mut report);
    if let Some(e) = &failure {
        report.end_with_error(e);
    }
    let verdict = rows_verdict(&mut summary, report.interrupted, failure);
    let to = Delivery { json: plan.json.clone(), ..Delivery::default() };
    Ok(Outcome::new(report, summary, verdict, to))
}
