//! What a run ends in: its report, its human summary and its verdict, and
//! where the application delivers them (JSON first, then the exports, then
//! the summary, then the files that follow it).

use std::path::PathBuf;

use crate::{error::AppError, export::ExportArgs, report::Report};

/// A finished run, nothing of it delivered yet.
#[derive(Debug)]
pub struct Outcome {
    /// The report, for `--json` and the exports (none for plot, schema and
    /// the shell commands).
    pub report: Option<Report>,
    /// The human summary, printed on the stream no output took; none when
    /// the run stopped before it measured, or its own output took stdout
    /// instead (`info --json -`, `gate --markdown -`).
    pub summary: Option<String>,
    /// Success, a failed check, an error or an interruption: the exit code.
    pub verdict: Result<(), AppError>,
    /// Where it goes.
    pub to: Delivery,
    /// The run stopped before it measured: its report (the job as planned)
    /// states how it ended, and a failure to write it is printed, not
    /// returned, so the error that stopped the run keeps its exit code.
    pub stopped_early: bool,
}

/// Where an outcome goes.
#[derive(Debug, Default)]
pub struct Delivery {
    /// `--json DEST` ("-" for stdout).
    pub json: Option<String>,
    /// Written after the JSON, before the summary, in order.
    pub exports: Vec<Export>,
    /// The summary as it is, not wrapped to the summary width (a schema, a
    /// man page), and on stdout.
    pub verbatim: bool,
    /// The report is no one rank's (a merge of many ranks' reports): it
    /// records no rank.
    pub unranked: bool,
    /// `(flag, path, text)` of the files written after the summary
    /// (`bench --hlog`, `--hgrm`), so a failing one costs neither.
    pub files: Vec<(&'static str, PathBuf, String)>,
}

/// One output written after the JSON.
#[derive(Debug)]
pub enum Export {
    /// `--csv` and `--markdown` of the report's table.
    Table(ExportArgs),
    /// Bytes made by the command (`plot -o`, `gate --markdown`).
    Bytes { flag: &'static str, dest: String, bytes: Vec<u8> },
}

impl Outcome {
    /// A run that completed into `report`, delivered to `to`.
    pub fn new(report: Report, summary: String, verdict: Result<(), AppError>, to: Delivery) -> Self {
        Self { report: Some(report), summary: Some(summary), verdict, to, stopped_early: false }
    }

    /// A run that bad input stopped after planning (nothing written, no
    /// report), or one that `error` stopped before it measured: `planned`
    /// (the job as planned) goes to `--json` stating how it ended.
    pub fn stopped(mut planned: Report, json: Option<String>, error: AppError) -> Result<Self, AppError> {
        if matches!(error, AppError::Usage(_)) {
            return Err(error);
        }
        planned.end_with_error(&error);
        let to = Delivery { json, ..Delivery::default() };
        Ok(Self { report: Some(planned), summary: None, verdict: Err(error), to, stopped_early: true })
    }

    /// Text for stdout and nothing else (schema, completions, man).
    pub fn text(text: String) -> Self {
        let to = Delivery { verbatim: true, ..Delivery::default() };
        Self { report: None, summary: Some(text), verdict: Ok(()), to, stopped_early: false }
    }

    /// One output and nothing else (plot's SVG).
    pub fn output(flag: &'static str, dest: String, bytes: Vec<u8>) -> Self {
        let to = Delivery { exports: vec![Export::Bytes { flag, dest, bytes }], ..Delivery::default() };
        Self { report: None, summary: None, verdict: Ok(()), to, stopped_early: false }
    }
}

/// The verdict of a command that reports rows (wal, prealloc): the run's
/// failure, the interruption, or success; when a signal cut the rows
/// short, a note saying so ends `summary`.
pub fn rows_verdict(summary: &mut String, interrupted: bool, failure: Option<AppError>) -> Result<(), AppError> {
    if interrupted {
        let by = crate::interrupt::signal_name().unwrap_or("a signal");
        summary.push_str(&format!("  note: interrupted by {by}; the rows above are what was measured up to then\n"));
    }
    match failure {
        Some(e) => Err(e),
        None if interrupted => Err(AppError::Interrupted),
        None => Ok(()),
    }
}
