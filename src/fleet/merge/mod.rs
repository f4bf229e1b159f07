//! `jdbio merge R1.json R2.json ...`: one fleet report from the reports of
//! one `jdbio bench` job run on many hosts (or ranks).
//!
//! Flow: each file read by [`crate::model::load`] (size bounded, typed, a
//! `jdbio.report/1` file mapped to /2) -> the gate's settings rule
//! ([`crate::gate::settings::mismatches`]: every setting that changes the
//! numbers must match; exit 2 naming each difference and the files) -> only
//! whole bench runs -> [`input::HostRun`] (histograms through the checked decoder;
//! `series` rows checked, not kept) -> [`series::fold`] (each file's rows
//! read again, one at a time, onto one grid) -> [`window::aggregate`] (rates
//! over the overlap of the measured windows) -> [`build::build`] the fleet
//! report -> JSON and the [`render`]ed summary.

mod args;
mod build;
mod input;
mod render;
mod series;
mod window;

pub use args::MergeArgs;
pub use crate::model::fleet::FleetSection;

use crate::{
    command::{Command, Delivery, Export, Outcome, OutputPlan, Run},
    error::AppError,
    hosts::rank::Substitute,
    gate::settings,
};
use crate::model::{Body, Ended, LoadedReport, Rows};

impl Command for MergeArgs {
    /// The input reports too: the ranks wrote them, `{rank}` in their names
    /// (`jdbio merge 'r{rank}.json'` reads this rank's, as every command's
    /// paths are substituted).
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        self.reports.iter_mut().try_for_each(|p| sub.path("REPORT", p))?;
        self.export.substitute(sub)?;
        sub.string("--json", &mut self.json)
    }

    fn outputs(&self) -> OutputPlan {
        let mut plan = OutputPlan::reading(self.reports.clone(), &self.json);
        plan.outputs.extend(self.export.outputs());
        plan
    }

    fn execute(&self, _run: &Run<'_>) -> Result<Outcome, AppError> {
        run(self)
    }
}

/// Runs `jdbio merge`.
fn run(args: &MergeArgs) -> Result<Outcome, AppError> {
    refuse_repeats(&args.reports)?;
    let no_rows = |p: &std::path::PathBuf| crate::model::load_with(p, Rows::Each(&mut |_, _| Ok(())));
    let loaded = args.reports.iter().map(no_rows).collect::<Result<Vec<_>, _>>()?;
    let first = &loaded[0];
    let name = |l: &LoadedReport| l.path.display().to_string();
    let diffs: Vec<String> = loaded[1..]
        .iter()
        .flat_map(|other| settings::mismatches(first, other).into_iter().map(|d| d.between(&name(first), &name(other))))
        .collect();
    if !diffs.is_empty() {
        return Err(AppError::Usage(format!(
            "the reports measured different jobs, so jdbio merge will not add them: {}",
            diffs.join("; ")
        )));
    }
    if let Some(l) = loaded.iter().find(|l| !matches!(l.report.body, Body::Bench(_))) {
        let command = format!("a jdbio {} report", l.report.command());
        return Err(AppError::Usage(format!("{}: {command}; jdbio merge adds jdbio bench reports", name(l))));
    }
    if let Some((l, ended)) = loaded.iter().map(|l| (l, l.report.end())).find(|(_, e)| !e.completed()) {
        return Err(AppError::Usage(format!(
            "{}: the run {}; its numbers cover part of the window, so jdbio merge will not add them",
            name(l),
            match ended {
                Ended::Failed { error } => format!("failed ({error})"),
                other => format!("was {}", other.describe()),
            }
        )));
    }
    let hosts = loaded.iter().map(input::HostRun::read).collect::<Result<Vec<_>, _>>()?;
    let folded = series::fold(&hosts, window::overlap(&hosts).ok())?;
    let agg = window::aggregate(&hosts, folded.as_ref().map(|f| &f.in_overlap));
    let report = build::build(&hosts, &agg, folded.map(|f| f.series));
    let job = settings::describe(&report);
    let summary = render::render(&report, &job);
    let exports = vec![Export::Table(args.export.clone())];
    let to = Delivery { json: args.json.clone(), exports, unranked: true, ..Delivery::default() };
    Ok(Outcome::new(report, summary, Ok(()), to))
}

/// Refuses a report given twice (its ops would count twice).
fn refuse_repeats(paths: &[std::path::PathBuf]) -> Result<(), AppError> {
    let mut seen: Vec<(std::path::PathBuf, &std::path::PathBuf)> = Vec::new();
    for p in paths {
        let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if let Some((_, earlier)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(AppError::Usage(format!(
                "{}: the same report as {}; each host's report is merged once",
                p.display(),
                earlier.display()
            )));
        }
        seen.push((key, p));
    }
    Ok(())
}
