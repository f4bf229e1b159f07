//! Delivery, the same for every command: the report as JSON first, then
//! the exports, then the human summary on the stream no output took, then
//! the files that follow it; the verdict last.

use super::outputs::Outputs;
use crate::{
    command::{Export, Outcome, Run, Sink},
    error::AppError,
    report::RankRecord,
};

/// Delivers `outcome` through `outputs`, its report stamped with the
/// run's rank and its summary on the run's sink, and gives back its
/// verdict (or the first output that failed).
pub fn deliver(outcome: Outcome, outputs: &mut Outputs, run: &Run<'_>) -> Result<(), AppError> {
    let Outcome { mut report, summary, verdict, to, stopped_early } = outcome;
    if let Some(report) = report.as_mut().filter(|_| !to.unranked) {
        report.rank = run.sub.rank().map(RankRecord::from);
    }
    let json = report.as_ref().zip(to.json.as_deref());
    if stopped_early {
        if let Some((report, dest)) = json
            && let Err(e) = outputs.write_json(report, dest)
        {
            eprintln!("jdbio: error: {e}");
        }
        return verdict;
    }
    if let Some((report, dest)) = json {
        outputs.write_json(report, dest)?;
    }
    for export in &to.exports {
        match (export, &report) {
            (Export::Table(args), Some(report)) => {
                for (flag, dest, text) in args.render(report)? {
                    outputs.write(flag, dest, text.as_bytes())?;
                }
            }
            (Export::Table(_), None) => {}
            (Export::Bytes { flag, dest, bytes }, _) => outputs.write(flag, dest, bytes)?,
        }
    }
    match summary {
        Some(text) if to.verbatim => Sink::Stdout.print(&text),
        Some(text) => run.sink.summary(&text),
        None => {}
    }
    for (flag, path, text) in &to.files {
        outputs.write(flag, &path.display().to_string(), text.as_bytes())?;
    }
    verdict
}
