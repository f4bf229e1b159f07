//! `jdbio gate --baseline BASE.json CURRENT.json`: the CI performance gate.
//!
//! Flow: [`args::GateArgs`] -> [`limits::Limits`] (flags checked before any
//! file is read) -> [`load::load`] both reports (exit 2 for a missing file,
//! one over 64 MiB, not JSON, not a jdbio report, an unknown schema version,
//! not a bench or wal report, an interrupted run) -> [`metrics::extract`] the
//! headline values and the repetitions, or a wal report's entries
//! ([`wal_metrics`]) (exit 2 for a run that measured nothing) -> [`settings`]: every job setting that changes the numbers and
//! the target kind must match (exit 2 naming each difference, unless
//! `--allow-mismatch`), and so must the machine and device (unless
//! `--allow-other-host`) -> [`compare::one_sided`] (exit 2 for an op kind or
//! metric only one report has) -> [`compare::compare`] each metric's
//! repetitions ([`crate::stats`]) -> [`outcome::Outcome`] -> [`render`]
//! (table or markdown) and the JSON. Exit 1 when any metric regressed, else
//! 3 when any could not be decided, else 0. A verdict always rests on
//! something measured on both sides.

mod args;
mod compare;
mod limits;
pub(crate) mod load;
mod metrics;
pub(crate) mod outcome;
mod render;
pub(crate) mod settings;
mod suite;
mod wal_metrics;

pub use args::GateArgs;
pub use metrics::Unit;

use crate::{
    command::{Command, Delivery, Export, Outcome, OutputPlan, Run},
    error::AppError,
    export::ExportArgs,
    hosts::rank::Substitute,
    report::Clock,
};
use crate::model::{Body, Report};

/// What comparing one pair of reports found (one job of a suite, or the
/// two reports given).
struct Judged {
    rows: Vec<compare::Row>,
    mismatches: Vec<settings::Difference>,
    other_host: Vec<settings::Difference>,
    warnings: Vec<String>,
    statistics: outcome::Statistics,
    job: String,
}

/// Compares the baseline's rounds of a job with the current report's (one
/// each, except in a suite run with `--rounds`): exit 2 for mismatched
/// settings (unless `--allow-mismatch`), another machine or device (unless
/// `--allow-other-host`) or one-sided metrics, else the rows.
fn judge(base: &[load::Loaded], cur: &[load::Loaded], limits: &limits::Limits, args: &GateArgs) -> Result<Judged, AppError> {
    let (first_base, first_cur) = (&base[0], &cur[0]);
    let (base_values, cur_values) = (metrics::extract_rounds(base)?, metrics::extract_rounds(cur)?);
    let refuse = |what: &str, flag: &str, differences: &[settings::Difference]| {
        let list: Vec<String> = differences.iter().map(|d| d.to_string()).collect();
        AppError::Usage(format!(
            "{} and {} {what}, so the gate will not compare them ({flag} to compare anyway): {}",
            first_base.path.display(),
            first_cur.path.display(),
            list.join("; ")
        ))
    };
    let mismatches = settings::mismatches(first_base, first_cur);
    if !mismatches.is_empty() && !args.allow_mismatch {
        return Err(refuse("measured different jobs", "--allow-mismatch", &mismatches));
    }
    let other_host = settings::other_host(first_base, first_cur);
    if !other_host.is_empty() && !args.allow_other_host {
        return Err(refuse("ran on different machines or devices", "--allow-other-host", &other_host));
    }
    let one_sided = compare::one_sided(&base_values, &cur_values);
    if !one_sided.is_empty() {
        return Err(AppError::Usage(format!(
            "{} and {} did not measure the same things, so the gate will not compare them: {}",
            first_base.path.display(),
            first_cur.path.display(),
            one_sided.join("; ")
        )));
    }
    let mut warnings = settings::warnings(first_base, first_cur);
    let rows = compare::compare(&base_values, &cur_values, limits, &mut warnings);
    let statistics = outcome::Statistics::new(base_values.repetitions(), cur_values.repetitions());
    let job = match mismatches.is_empty() {
        true => settings::describe(&first_base.report),
        false => format!(
            "baseline {}; current {}",
            settings::describe(&first_base.report),
            settings::describe(&first_cur.report)
        ),
    };
    Ok(Judged { rows, mismatches, other_host, warnings, statistics, job })
}

impl Command for GateArgs {
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        sub.path("--baseline", &mut self.baseline)?;
        sub.path("CURRENT", &mut self.current)?;
        sub.string("--csv", &mut self.csv)?;
        sub.string("--markdown", &mut self.markdown)?;
        sub.string("--json", &mut self.json)
    }

    fn outputs(&self) -> OutputPlan {
        let mut plan = OutputPlan::reading(vec![self.baseline.clone(), self.current.clone()], &self.json);
        plan.outputs.extend(self.markdown.iter().map(|v| ("--markdown", v.clone())));
        plan.outputs.extend(self.csv.iter().map(|v| ("--csv", v.clone())));
        plan
    }

    fn execute(&self, run: &Run<'_>) -> Result<Outcome, AppError> {
        judge_all(self, run)
    }
}

/// Runs `jdbio gate`: its warnings go to stderr through `run` as soon as
/// they are known.
fn judge_all(args: &GateArgs, run: &Run<'_>) -> Result<Outcome, AppError> {
    let clock = Clock::start();
    let limits = limits::Limits::from_flags(&args.max_drop, &args.max_rise)?;
    let base = load::load(&args.baseline)?;
    let cur = load::load(&args.current)?;
    let judged = match suite::pairs(&base, &cur)? {
        None => judge(std::slice::from_ref(&base), std::slice::from_ref(&cur), &limits, args)?,
        Some(pairs) => {
            let mut each = Vec::new();
            for (name, b, c) in &pairs {
                each.push((name.clone(), judge(b, c, &limits, args)?));
            }
            suite::combine(each)
        }
    };
    let paths = (base.path.display().to_string(), cur.path.display().to_string());
    let mut outcome = outcome::Outcome::new(paths.0, paths.1, judged.job, judged.statistics, judged.rows);
    outcome.mismatches = judged.mismatches;
    outcome.other_host = judged.other_host;
    outcome.warnings = judged.warnings;
    for d in &outcome.mismatches {
        run.warn(&format!("warning: settings differ, compared anyway (--allow-mismatch): {d}"));
    }
    for d in &outcome.other_host {
        run.warn(&format!("warning: another machine or device, compared anyway (--allow-other-host): {d}"));
    }
    for w in &outcome.warnings {
        run.warn(&format!("warning: {w}"));
    }
    let job = crate::model::gate::GateJob {
        baseline: args.baseline.clone(),
        current: args.current.clone(),
        limits_pct: limits.signed_pct(),
        allow_mismatch: args.allow_mismatch,
        allow_other_host: args.allow_other_host,
    };
    // The table's last line names the metrics; the error only the verdict.
    let verdict = match outcome.verdict {
        outcome::GateVerdict::Pass => Ok(()),
        outcome::GateVerdict::Regression => Err(AppError::CheckFailed(format!(
            "gate: regression against {} (exit 1)",
            outcome.baseline
        ))),
        outcome::GateVerdict::Inconclusive => Err(AppError::Inconclusive(format!(
            "gate: inconclusive against {}: too few repetitions or too much noise to decide (exit 3)",
            outcome.baseline
        ))),
    };
    let mut exports = Vec::new();
    if let Some(dest) = &args.markdown {
        exports.push(Export::Bytes { flag: "--markdown", dest: dest.clone(), bytes: render::markdown(&outcome).into_bytes() });
    }
    exports.push(Export::Table(ExportArgs { csv: args.csv.clone(), markdown: None }));
    // The plain table, unless the markdown took its place on stdout.
    let table = render::table(&outcome);
    let mut report = Report::new(Body::Gate(crate::model::gate::GateBody { job, gate: outcome }));
    clock.stop(&mut report);
    let to = Delivery { json: args.json.clone(), exports, ..Delivery::default() };
    let mut delivered = Outcome::new(report, table, verdict, to);
    if args.markdown.as_deref() == Some("-") {
        delivered.summary = None;
    }
    Ok(delivered)
}
