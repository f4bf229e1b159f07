//! `jdbio merge R1.json R2.json ...`: one fleet report from the reports of
//! one `jdbio bench` job run on many hosts (or ranks).
//!
//! Flow: each file read by [`crate::report::read_report`] (size bounded, a
//! `jdbio.report/1` object) -> the gate's settings rule
//! ([`crate::gate::settings::mismatches`]: every setting that changes the
//! numbers must match; exit 2 naming each difference and the files) -> only
//! whole bench runs -> [`input::HostRun`] (histograms through the checked decoder) ->
//! [`window::aggregate`] (rates over the overlap of the measured windows) ->
//! [`build::build`] the fleet report -> JSON and the [`render`]ed summary.

mod args;
mod build;
mod input;
mod render;
mod series;
mod window;

pub use args::MergeArgs;

use crate::{
    error::AppError,
    gate::{load, settings},
    report::{Sink, read_report, write_json},
};

/// Runs `jdbio merge`.
pub fn run(args: &MergeArgs) -> Result<(), AppError> {
    refuse_repeats(&args.reports)?;
    let read = |p: &std::path::PathBuf| read_report(p).map(|value| load::Loaded { path: p.clone(), value });
    let loaded = args.reports.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    let first = &loaded[0];
    let name = |l: &load::Loaded| l.path.display().to_string();
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
    if let Some(l) = loaded.iter().find(|l| l.value["command"] != "bench") {
        let command = l.value["command"].as_str().map_or("(no command)".into(), |c| format!("a jdbio {c} report"));
        return Err(AppError::Usage(format!("{}: {command}; jdbio merge adds jdbio bench reports", name(l))));
    }
    if let Some(l) = loaded.iter().find(|l| l.value["interrupted"] == true) {
        let by = l.value["signal"].as_str().map(|s| format!(" by {s}")).unwrap_or_default();
        return Err(AppError::Usage(format!(
            "{}: the run was interrupted{by}; its numbers cover part of the window, so jdbio merge will not add them",
            name(l)
        )));
    }
    let hosts = loaded.iter().map(input::HostRun::read).collect::<Result<Vec<_>, _>>()?;
    let agg = window::aggregate(&hosts);
    let report = build::build(&hosts, &agg);
    if let Some(dest) = &args.json {
        write_json(&report, dest)?;
    }
    args.export.write(&report)?;
    let job = settings::describe(&load::Loaded { path: first.path.clone(), value: report.clone() });
    Sink::avoiding(&[args.json.as_deref(), args.export.csv.as_deref(), args.export.markdown.as_deref()])
        .summary(&render::render(&report, &job));
    Ok(())
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
