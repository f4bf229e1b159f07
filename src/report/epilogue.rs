//! How every run's report is timed: the CPU and wall time it took, and
//! whether a signal cut it short (the application delivers it).

use std::time::Instant;

use super::{CpuUsage, Report};
use crate::error::AppError;

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
