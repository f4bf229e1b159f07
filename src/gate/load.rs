//! Reading a report and deciding whether the gate can use it. The file is
//! read by [`crate::model::load`] (size-bounded; exit 2 for a file that
//! cannot be read, is too large, is not JSON, not a jdbio report, of an
//! unknown schema version, or does not fit the types; a `jdbio.report/1`
//! file is mapped to /2); here it must also be a bench or wal report (or a
//! `jdbio run` suite of them, see [`super::suite`]) of a run that
//! completed (an interrupted or failed run is never judged). The gate reads
//! no `series`: its rows are checked as they are read and not kept.

use std::path::Path;

use crate::error::AppError;
use crate::model::{Body, Ended, LoadedReport, Report, Rows};

/// A report the gate can use.
pub type Loaded = LoadedReport;

/// Reads and validates the report at `path`.
pub fn load(path: &Path) -> Result<Loaded, AppError> {
    let loaded = crate::model::load_with(path, Rows::Each(&mut |_, _| Ok(())))?;
    gateable(&loaded.report)
        .and_then(|()| whole_run(&loaded.report))
        .map_err(|why| AppError::Usage(format!("{}: {why}", path.display())))?;
    Ok(loaded)
}

/// Refuses a report of a run that did not complete: interrupted (naming
/// the signal) or failed (naming the error). A partial run is never judged.
pub fn whole_run(report: &Report) -> Result<(), String> {
    match report.end() {
        Ended::Completed => Ok(()),
        Ended::Interrupted { signal } => Err(format!(
            "the run was interrupted by {signal}; its numbers cover a partial run, so the gate will not judge them"
        )),
        Ended::Failed { error } => Err(format!(
            "the run failed ({error}); its numbers cover a partial run, so the gate will not judge them"
        )),
    }
}

/// Checks that a jdbio report comes from `jdbio bench`, `jdbio wal` or a
/// suite of them.
fn gateable(report: &Report) -> Result<(), String> {
    match &report.body {
        Body::Bench(_) | Body::Wal(_) | Body::Run(_) => Ok(()),
        other => Err(format!(
            "a jdbio {} report; the gate compares jdbio bench and jdbio wal reports (or suites of them)",
            other.command()
        )),
    }
}
