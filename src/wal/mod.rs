//! `jdbio wal`: the latency of a durable log append, for every way a
//! database can make one durable, side by side (pg_test_fsync with full
//! latency distributions).
//!
//! Flow: [`args::WalArgs`] -> [`plan::WalPlan`] (validation before I/O) ->
//! for each file mode and method: [`runner::prepare`] a fresh log,
//! [`runner::run`] the writers on the chosen [`engine::Engine`] (psync by
//! default: plain system calls, as databases commit) -> [`summary::Entry`] rows -> the report's
//! `wal` section and the table. The `none` method (no sync) is the
//! reference a durable method is compared with. Each row also carries what
//! the disk under the log saw ([`device_io`]: flushes per commit) and how
//! long its committing threads waited for a CPU ([`cpu_wait`]), so a row
//! that skipped its flushes, or that measured a busy machine, says so.
//!
//! Every run ends in a report: a signal stops the writers (the entry they
//! were in is kept, measured up to then), an error (ENOSPC, EIO) ends the
//! run with the rows that completed and the error in the `wal` section.

mod args;
mod dry_run;
mod cpu_wait;
pub mod device_io;
pub mod engine;
mod method;
pub(crate) mod plan;
pub mod profile;
mod job;
mod runner;
mod summary;
mod writers;

pub use args::WalArgs;
pub use plan::DEFAULT_TARGET;

use std::path::PathBuf;

use crate::{
    command::{Command, Delivery, Export, Outcome, OutputPlan, Run},
    error::AppError,
    hosts::rank::Substitute,
    progress::new_bar,
    report::{Body, Clock, Report},
    scratch::Scratch,
    units::human_bytes,
};

impl Command for WalArgs {
    fn check(&self) -> Result<(), AppError> {
        plan::WalPlan::from_args(self).map(drop)
    }

    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        sub.opt_path("TARGET", &mut self.target)?;
        self.export.substitute(sub)?;
        sub.string("--json", &mut self.output.json)
    }

    fn outputs(&self) -> OutputPlan {
        let target = self.target.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_TARGET));
        let mut plan = OutputPlan::reading(vec![target], &self.output.json);
        plan.outputs.extend(self.export.outputs());
        plan
    }

    fn dry_run(&self, _run: &Run<'_>, out: &mut String) -> Result<(), AppError> {
        dry_run::text(out, self)
    }

    fn execute(&self, run: &Run<'_>) -> Result<Outcome, AppError> {
        let plan = plan::WalPlan::from_args(self)?;
        plan.forced.iter().for_each(|line| run.warn(line));
        measure_all(self, plan)
    }
}

/// Runs `jdbio wal` to its planned end.
fn measure_all(args: &WalArgs, plan: plan::WalPlan) -> Result<Outcome, AppError> {
    // A profile's directory is cleaned up by the profile run itself.
    let _scratch = (plan.is_default_target && plan.profile.is_none())
        .then(|| Scratch::new(plan::DEFAULT_TARGET, plan.keep));
    let steps = match &plan.profile {
        Some(p) => p.settings.len() as u64,
        None => (plan.methods.len() * plan.file_modes.len()) as u64,
    };
    let bar = new_bar(steps * plan.time.as_secs().max(1), plan.quiet, "{spinner} wal [{bar:30}] {msg}");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let clock = Clock::start();
    let (entries, failure, target) = match &plan.profile {
        Some(profile) => {
            let ran = profile::run(profile, plan.time, plan.keep, &bar);
            (ran.entries, ran.failure, ran.target)
        }
        None => {
            let (entries, failure) = run_methods(&plan, &bar);
            (entries, failure, crate::target::probe(&plan.path).ok())
        }
    };
    bar.finish_and_clear();
    let write_cache = target.as_ref().and_then(|t| t.write_cache.clone());
    let fs = target.as_ref().and_then(|t| t.filesystem.clone().or(t.device.clone()));
    let mut warnings = summary::durability_warnings(&entries, write_cache.as_deref());
    warnings.extend(device_io::warnings(&entries, write_cache.as_deref()));
    warnings.extend(cpu_wait::warnings(&entries));
    let mut summary = match &plan.profile {
        Some(p) => {
            let header = format!(
                "jdbio wal --profile {}: engine=psync, {:.1}s per setting, in {} ({}, write cache: {})",
                p.profile.name(),
                plan.time.as_secs_f64(),
                plan.path.display(),
                fs.as_deref().unwrap_or("unknown"),
                write_cache.as_deref().unwrap_or("unknown"),
            );
            profile::summary::render(&header, &entries, &warnings)
        }
        None => {
            let header = format!(
                "jdbio wal: engine={} bs={} batch={} writers={}, {:.1}s per method, on {} ({}, write cache: {})",
                plan.engine.name(),
                human_bytes(plan.bs as f64),
                plan.batch,
                plan.writers,
                plan.time.as_secs_f64(),
                plan.path.display(),
                fs.as_deref().unwrap_or("unknown"),
                write_cache.as_deref().unwrap_or("unknown"),
            );
            summary::render(&header, &entries, &warnings)
        }
    };
    let wal = crate::model::wal::WalSection { entries, warnings, error: failure.as_ref().map(ToString::to_string) };
    let mut report = Report::new(Body::Wal(crate::model::wal::WalBody { job: crate::model::wal::WalJob::of(&plan), wal }));
    report.target = target;
    clock.stop(&mut report);
    if let Some(e) = &failure {
        report.end_with_error(e);
    }
    let verdict = crate::command::rows_verdict(&mut summary, report.interrupted, failure);
    let to = Delivery { json: plan.json.clone(), exports: vec![Export::Table(args.export.clone())], ..Delivery::default() };
    Ok(Outcome::new(report, summary, verdict, to))
}

/// Runs every (file mode, method) entry of a generic plan in turn, until
/// a signal or an error; the error comes back with the rows before it.
fn run_methods(plan: &plan::WalPlan, bar: &indicatif::ProgressBar) -> (Vec<summary::Entry>, Option<AppError>) {
    let mut entries = Vec::new();
    for &mode in &plan.file_modes {
        for &method in &plan.methods {
            if crate::interrupt::requested() {
                return (entries, None);
            }
            bar.set_message(format!("{} / {}", method.name(), mode.name()));
            let (entry, error) = run_entry(plan, method, mode, bar);
            entries.extend(entry);
            if error.is_some() {
                return (entries, error);
            }
            bar.inc(plan.time.as_secs().max(1));
        }
    }
    (entries, None)
}

/// Prepares the log and runs one method, or records it as unsupported.
/// An error mid-run gives both the row measured up to it and the error.
fn run_entry(
    plan: &plan::WalPlan,
    method: method::Method,
    mode: plan::FileMode,
    bar: &indicatif::ProgressBar,
) -> (Option<summary::Entry>, Option<AppError>) {
    if let Some(why) = method.unsupported() {
        return (Some(summary::Entry::unsupported(method, mode, why.into())), None);
    }
    // Laying out the log draws its own bar: this one steps aside meanwhile,
    // or its line would stay behind, stale, above the table.
    if let Err(e) = bar.suspend(|| runner::prepare(plan, mode)) {
        return (None, Some(e));
    }
    let watch = device_io::Watch::start(&plan.path);
    let (mut entry, error) = measure(plan, method, mode);
    if let Some(e) = entry.as_mut().filter(|e| e.supported) {
        e.device_io = Some(watch.finish(e.commits));
    }
    (entry, error)
}

/// Runs one method on the prepared log: its row, and the error that
/// stopped it, if one did.
fn measure(
    plan: &plan::WalPlan,
    method: method::Method,
    mode: plan::FileMode,
) -> (Option<summary::Entry>, Option<AppError>) {
    match runner::run(plan, method, mode) {
        Ok(mut stats) => match stats.error.take() {
            None => (Some(summary::Entry::measured(method, mode, &stats)), None),
            Some(e) if is_refusal(&e) && stats.commits == 0 => {
                (Some(summary::Entry::unsupported(method, mode, e.to_string())), None)
            }
            Some(e) => {
                let mut entry = summary::Entry::measured(method, mode, &stats);
                entry.note = Some(format!("stopped by an error after {} commits: {e}", stats.commits));
                (Some(entry), Some(e.into()))
            }
        },
        Err(e) if is_refusal(&e) => (Some(summary::Entry::unsupported(method, mode, e.to_string())), None),
        Err(e) => (None, Some(e.into())),
    }
}

/// An error that means "this OS or filesystem does not do that".
fn is_refusal(e: &crate::dio::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP) | Some(libc::EINVAL))
}
