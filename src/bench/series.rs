//! The per-interval histograms of `--interval`: while a worker runs, one
//! live histogram per op kind and latency (service, response); when an
//! interval ends, a compact [`Snapshot`] of each, so memory grows by a few
//! KiB per interval instead of four full histograms. Nothing here allocates
//! per I/O: only the rollover to a new interval does.

use std::ops::AddAssign;

use hdrhistogram::Histogram;

use super::snapshot::Snapshot;
use crate::report::new_histogram;

/// Which op kind and latency: the index into an interval's histograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Which {
    /// A write (else a read).
    pub write: bool,
    /// Response time, intended start to completion (else service time).
    pub response: bool,
}

impl Which {
    /// All four, in index order.
    pub const ALL: [Which; 4] = [
        Which { write: false, response: false },
        Which { write: false, response: true },
        Which { write: true, response: false },
        Which { write: true, response: true },
    ];

    fn index(self) -> usize {
        usize::from(self.write) * 2 + usize::from(self.response)
    }

    /// "read" or "write".
    pub fn kind(self) -> &'static str {
        if self.write { "write" } else { "read" }
    }

    /// "service" or "response".
    pub fn latency(self) -> &'static str {
        if self.response { "response" } else { "service" }
    }
}

/// One finished interval: bytes per op kind, and each worker's snapshots.
#[derive(Debug, Clone, Default)]
pub struct Interval {
    /// Bytes read and written.
    pub bytes: [u64; 2],
    /// One entry per worker (merged workers append theirs).
    parts: Vec<[Snapshot; 4]>,
}

impl Interval {
    /// Bytes of `write` (else read) ops.
    pub fn bytes(&self, write: bool) -> u64 {
        self.bytes[usize::from(write)]
    }

    /// Replaces `into`'s counts with this interval's histogram of `which`.
    pub fn histogram(&self, which: Which, into: &mut Histogram<u64>) {
        into.reset();
        for part in &self.parts {
            part[which.index()].add_to(into);
        }
    }
}

impl AddAssign<&Interval> for Interval {
    fn add_assign(&mut self, other: &Interval) {
        self.bytes[0] += other.bytes[0];
        self.bytes[1] += other.bytes[1];
        self.parts.extend(other.parts.iter().cloned());
    }
}

/// A worker's live interval histograms and its finished intervals.
pub struct Recorder {
    every_ns: u128,
    /// Index of the interval being filled.
    current: usize,
    live: [Histogram<u64>; 4],
    bytes: [u64; 2],
    done: Vec<Interval>,
    scratch: Vec<u8>,
}

impl Recorder {
    /// A recorder of intervals `every_ns` long (at least 1).
    pub fn new(every_ns: u128) -> Self {
        Self {
            every_ns: every_ns.max(1),
            current: 0,
            live: std::array::from_fn(|_| new_histogram()),
            bytes: [0; 2],
            done: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Records one measured I/O that completed `at_ns` after the end of the
    /// ramp: its service time, and in open loop its response time.
    #[inline]
    pub fn record(&mut self, at_ns: u128, write: bool, bytes: u64, service_ns: u64, response_ns: Option<u64>) {
        let slot = (at_ns / self.every_ns) as usize;
        while self.current < slot {
            self.roll();
        }
        self.live[Which { write, response: false }.index()].saturating_record(service_ns);
        if let Some(ns) = response_ns {
            self.live[Which { write, response: true }.index()].saturating_record(ns);
        }
        self.bytes[usize::from(write)] += bytes;
    }

    /// Closes the interval being filled.
    fn roll(&mut self) {
        let parts = [0, 1, 2, 3].map(|i| Snapshot::take(&mut self.live[i], &mut self.scratch));
        self.done.push(Interval { bytes: std::mem::take(&mut self.bytes), parts: vec![parts] });
        self.current += 1;
    }

    /// The finished intervals, the last (partial) one included when it saw
    /// any I/O.
    pub fn finish(mut self) -> Vec<Interval> {
        if self.live.iter().any(|h| !h.is_empty()) {
            self.roll();
        }
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_hold_what_was_recorded_in_them() {
        let mut rec = Recorder::new(1_000);
        rec.record(10, false, 4096, 50, Some(70));
        rec.record(2_500, true, 8192, 60, None);
        let done = rec.finish();
        assert_eq!(done.len(), 3, "interval 1 is empty but present");
        let mut h = new_histogram();
        done[0].histogram(Which { write: false, response: true }, &mut h);
        assert_eq!((h.len(), h.max()), (1, 70));
        done[1].histogram(Which { write: false, response: false }, &mut h);
        assert!(h.is_empty());
        done[2].histogram(Which { write: true, response: false }, &mut h);
        assert_eq!((h.len(), done[2].bytes(true), done[2].bytes(false)), (1, 8192, 0));
    }
}
