//! How every run ends: the CPU and wall time it took, whether a signal cut
//! it short, then its report written (JSON first, then the exports) and its
//! human summary printed where no output took the stream. One place, so
//! bench, wal, verify, prealloc and align end alike.

use std::time::Instant;

use super::{CpuUsage, Report, Sink, write_json};
use crate::{error::AppError, export::ExportArgs};

/// Measures a run from [`Clock::start`] to [`Clock::stop`].
#[derive(Debug, Clone)]
pub struct Clock {
    cpu: CpuUsage,
    started: Instant,
    started_at: String,
}

impl Clock {
    /// Starts measuring now.
    pub fn start() -> Self {
        Self { cpu: CpuUsage::now(), started: Instant::now(), started_at: super::now_rfc3339() }
    }

    /// Fills `report`'s `started_at`, and its `cpu` and `duration_s` with
    /// what the run used since the start, and its `interrupted` and
    /// `signal` ([`Report::stamp_signal`]).
    pub fn stop(&self, report: &mut Report) {
        report.started_at.clone_from(&self.started_at);
        report.cpu = CpuUsage::now().since(&self.cpu);
        report.duration_s = self.started.elapsed().as_secs_f64();
        report.stamp_signal();
    }
}

impl Report {
    /// Sets `interrupted` and `signal` from what arrived during the run.
    pub fn stamp_signal(&mut self) {
        self.interrupted = crate::interrupt::requested();
        self.signal = crate::interrupt::signal_name().map(String::from);
        if self.interrupted {
            self.end_with(&Err(AppError::Interrupted));
        }
    }
}

/// Where a finished report goes: `--json` and the exports, if any.
#[derive(Debug, Clone, Copy, Default)]
pub struct Delivery<'a> {
    /// `--json DEST` ("-" for stdout).
    pub json: Option<&'a str>,
    /// `--csv` / `--markdown`, for the commands that have them.
    pub export: Option<&'a ExportArgs>,
}

/// Writes `report` as JSON, then its exports, then prints `summary` on the
/// stream no output took; returns that stream for a closing note.
pub fn deliver(report: &Report, to: Delivery<'_>, summary: &str) -> Result<Sink, AppError> {
    if let Some(dest) = to.json {
        write_json(report, dest)?;
    }
    if let Some(export) = to.export {
        export.write(report)?;
    }
    let (csv, markdown) = to.export.map_or((None, None), |e| (e.csv.as_deref(), e.markdown.as_deref()));
    let sink = Sink::avoiding(&[to.json, csv, markdown]);
    sink.summary(summary);
    Ok(sink)
}

/// Ends a run that an error or a signal stopped before it wrote its
/// report: `report` (the job as planned, nothing measured) goes to `--json`
/// stating how the run ended, and `error` is given back. A run whose report
/// is already out (or failed to go out: that is the error), or that bad
/// input stopped before any I/O, writes nothing more.
pub fn deliver_failure(mut report: Report, json: Option<&str>, error: AppError) -> AppError {
    if matches!(error, AppError::Usage(_)) || json.is_some_and(super::output::tried) {
        return error;
    }
    report.end_with_error(&error);
    if let Some(dest) = json
        && let Err(e) = write_json(&report, dest)
    {
        eprintln!("jdbio: error: {e}");
    }
    error
}
