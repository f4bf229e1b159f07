//! Per-worker statistics: counters and an HDR histogram per op kind, merged
//! with `+=` after the workers join.

use std::ops::AddAssign;

use std::collections::BTreeMap;

use hdrhistogram::Histogram;

use super::series::Interval;
use crate::{io::block::findings::BadBlock, report::new_histogram};

/// Verification of blocks read (bench --verify).
#[derive(Debug, Clone, Default)]
pub struct VerifyTally {
    /// Blocks checked.
    pub checked: u64,
    /// Bad blocks per class.
    pub bad: BTreeMap<&'static str, u64>,
    /// The first bad blocks found (at most [`VerifyTally::EXAMPLES`] per worker).
    pub examples: Vec<BadBlock>,
}

impl VerifyTally {
    /// Bad blocks kept as examples per worker.
    pub const EXAMPLES: usize = 20;

    /// Bad blocks in all.
    pub fn failures(&self) -> u64 {
        self.bad.values().sum()
    }
}

impl AddAssign<&VerifyTally> for VerifyTally {
    fn add_assign(&mut self, other: &VerifyTally) {
        self.checked += other.checked;
        for (class, n) in &other.bad {
            *self.bad.entry(class).or_default() += n;
        }
        self.examples.extend(other.examples.iter().cloned());
    }
}

/// Counters and latencies of one op kind.
#[derive(Debug, Clone)]
pub struct OpStats {
    pub ops: u64,
    pub bytes: u64,
    pub errors: u64,
    /// Completion latency (submit to completion), nanoseconds.
    pub hist: Histogram<u64>,
    /// Open loop only: intended start to completion, nanoseconds; I/Os that
    /// never started are in it too, censored at (end of run - intended start).
    pub response: Histogram<u64>,
}

impl Default for OpStats {
    fn default() -> Self {
        Self { ops: 0, bytes: 0, errors: 0, hist: new_histogram(), response: new_histogram() }
    }
}

impl AddAssign<&OpStats> for OpStats {
    fn add_assign(&mut self, other: &OpStats) {
        self.ops += other.ops;
        self.bytes += other.bytes;
        self.errors += other.errors;
        // Both histograms auto-resize, so adding cannot go out of range.
        let _ = self.hist.add(&other.hist);
        let _ = self.response.add(&other.response);
    }
}

/// Open-loop lateness: how late I/Os started against their schedule.
#[derive(Debug, Clone)]
pub struct Lateness {
    /// I/Os submitted more than [`Lateness::THRESHOLD_NS`] after their intended start.
    pub late: u64,
    /// Start delay of every measured I/O, nanoseconds.
    pub delay: Histogram<u64>,
}

impl Lateness {
    /// An I/O counts as late beyond this delay (timer and wake-up jitter below it).
    pub const THRESHOLD_NS: u64 = 100_000;
}

impl Default for Lateness {
    fn default() -> Self {
        Self { late: 0, delay: new_histogram() }
    }
}

/// Everything one worker measured.
#[derive(Debug, Clone, Default)]
pub struct WorkerStats {
    pub read: OpStats,
    pub write: OpStats,
    /// Completed operations including the ramp.
    pub total_ops_including_ramp: u64,
    /// Nanoseconds from the end of the ramp to the last measured completion.
    pub measured_ns: u64,
    /// The first I/O error, with its offset and errno.
    pub first_error: Option<String>,
    /// Blocks checked with --verify.
    pub verify: VerifyTally,
    /// Open loop: start delays against the schedule.
    pub lateness: Lateness,
    /// Open loop: I/Os due in the measured window that never started
    /// (their censored response times are in `response`).
    pub unstarted: u64,
    /// Per-interval histograms (--interval), from the end of the ramp.
    pub series: Vec<Interval>,
    /// The measured window, Unix ns: the end of the ramp to the last
    /// measured completion (merged: the earliest start, the latest end).
    pub window_unix_ns: Option<(u64, u64)>,
    /// `--start-at`: how late the start barrier was passed (merged: the latest).
    pub start_late_ns: Option<u64>,
}

impl AddAssign<&WorkerStats> for WorkerStats {
    fn add_assign(&mut self, other: &WorkerStats) {
        self.read += &other.read;
        self.write += &other.write;
        self.total_ops_including_ramp += other.total_ops_including_ramp;
        self.verify += &other.verify;
        self.lateness.late += other.lateness.late;
        self.unstarted += other.unstarted;
        let _ = self.lateness.delay.add(&other.lateness.delay);
        if self.series.len() < other.series.len() {
            self.series.resize_with(other.series.len(), Interval::default);
        }
        for (mine, theirs) in self.series.iter_mut().zip(&other.series) {
            *mine += theirs;
        }
        self.measured_ns = self.measured_ns.max(other.measured_ns);
        self.window_unix_ns = match (self.window_unix_ns, other.window_unix_ns) {
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        };
        self.start_late_ns = self.start_late_ns.max(other.start_late_ns);
        if self.first_error.is_none() {
            self.first_error.clone_from(&other.first_error);
        }
    }
}
