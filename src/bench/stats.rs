//! Per-worker statistics: counters and an HDR histogram per op kind, merged
//! with `+=` after the workers join.

use std::ops::AddAssign;

use hdrhistogram::Histogram;

use crate::report::new_histogram;

/// Counters and latencies of one op kind.
#[derive(Debug, Clone)]
pub struct OpStats {
    pub ops: u64,
    pub bytes: u64,
    pub errors: u64,
    /// Completion latency, nanoseconds.
    pub hist: Histogram<u64>,
}

impl Default for OpStats {
    fn default() -> Self {
        Self { ops: 0, bytes: 0, errors: 0, hist: new_histogram() }
    }
}

impl AddAssign<&OpStats> for OpStats {
    fn add_assign(&mut self, other: &OpStats) {
        self.ops += other.ops;
        self.bytes += other.bytes;
        self.errors += other.errors;
        // Both histograms auto-resize, so adding cannot go out of range.
        let _ = self.hist.add(&other.hist);
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
}

impl AddAssign<&WorkerStats> for WorkerStats {
    fn add_assign(&mut self, other: &WorkerStats) {
        self.read += &other.read;
        self.write += &other.write;
        self.total_ops_including_ramp += other.total_ops_including_ramp;
        self.measured_ns = self.measured_ns.max(other.measured_ns);
        if self.first_error.is_none() {
            self.first_error.clone_from(&other.first_error);
        }
    }
}
