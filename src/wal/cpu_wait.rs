//! How long a wal row's threads sat runnable but not running: woken (an
//! I/O completed) and waiting for a CPU that another process held. Read
//! from the scheduler's per-thread statistics (/proc/PID/task/TID/schedstat,
//! second field: nanoseconds spent waiting on a runqueue; the kernel's
//! Documentation/scheduler/sched-stats.rst), before and after the row.
//!
//! On a busy machine a commit can wait far longer for a CPU than for the
//! device (a scheduler tick, 4 ms at HZ=250, behind a CPU-bound process):
//! this is how a report tells that apart from a slow device. The threads
//! counted are the ones that wait for a commit: each psync writer thread,
//! and on the ring the submitting thread and the ring's io-wq workers
//! (`iou-wrk-*`, which run the syncs); a worker that exits during the row
//! takes its share with it.

use std::{collections::HashMap, fs};

/// Nanoseconds the calling thread has waited on a runqueue since it started.
pub fn this_thread_ns() -> Option<u64> {
    waited(&fs::read_to_string("/proc/thread-self/schedstat").ok()?)
}

/// The runqueue waits of the calling thread and of this process's io-wq
/// workers: what a ring row's commits wait on.
#[derive(Debug, Default)]
pub struct RingThreads {
    submitter_ns: Option<u64>,
    workers_ns: HashMap<String, u64>,
}

impl RingThreads {
    /// The waits so far.
    pub fn now() -> Self {
        let mut workers_ns = HashMap::new();
        for task in fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
            let comm = fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            let wait = || waited(&fs::read_to_string(task.path().join("schedstat")).ok()?);
            if let Some(ns) = comm.starts_with("iou-wrk").then(wait).flatten() {
                workers_ns.insert(task.file_name().to_string_lossy().into_owned(), ns);
            }
        }
        Self { submitter_ns: this_thread_ns(), workers_ns }
    }

    /// Nanoseconds waited between `earlier` and `self` (a worker started
    /// since counts from zero); `None` when the submitter's could not be read.
    pub fn since(&self, earlier: &RingThreads) -> Option<u64> {
        let submitter = self.submitter_ns?.saturating_sub(earlier.submitter_ns.unwrap_or(0));
        let workers = self.workers_ns.iter().map(|(tid, &ns)| ns.saturating_sub(earlier.workers_ns.get(tid).copied().unwrap_or(0)));
        Some(submitter + workers.sum::<u64>())
    }
}

/// The runqueue wait in a schedstat line ("run_ns wait_ns timeslices").
fn waited(schedstat: &str) -> Option<u64> {
    schedstat.split_whitespace().nth(1)?.parse().ok()
}

/// Rows whose commits spent more than a quarter of their mean latency, and
/// at least 50 us, waiting for a CPU: their figures say how busy the CPUs
/// were, not how fast the device is, and will not repeat on another run.
pub fn warnings(entries: &[super::summary::Entry]) -> Vec<String> {
    let mut found = Vec::new();
    for e in entries {
        let (Some(wait), Some(commit)) = (e.runqueue_wait_per_commit_ns, e.commit_latency_ns.as_ref()) else {
            continue;
        };
        if wait >= 50_000.0 && wait > 0.25 * commit.mean {
            found.push(format!(
                "{} ({}): {:.0}% of each commit waited for a CPU ({} of {} mean): the CPUs were busy, so this row measures other processes, not the device",
                e.method.name(),
                e.file_mode.name(),
                100.0 * wait / commit.mean,
                crate::units::human_ns(wait),
                crate::units::human_ns(commit.mean),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_field_is_the_wait() {
        assert_eq!(waited("1234 5678 9\n"), Some(5678));
        assert_eq!(waited("1234"), None);
    }

    #[test]
    fn this_thread_has_a_schedstat() {
        assert!(this_thread_ns().is_some());
        assert!(RingThreads::now().since(&RingThreads::default()).is_some());
    }
}
