//! The writers of one wal entry as an engine [`Workload`]: each slot is one
//! writer doing a commit at a time (the write, then, for a method with a
//! separate sync, the sync), at the next free commit of the shared
//! [`Log`]. On the uring engine one `Writers` holds every writer as a slot
//! of one ring; on psync each writer thread has its own one-slot `Writers`,
//! and they meet only in the `Log`'s atomic counters (no lock).
//!
//! A commit's latency runs from its write's submission to its sync's
//! completion, the sync's from the write's completion (so write + sync =
//! commit).

use std::{
    path::PathBuf,
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    time::Instant,
};

use super::{method::Method, runner::EntryStats};
use crate::{
    dio::Alignment,
    engine::{Next, Op, OpKind, Workload},
    io::glue::{nanos, sync_outcome_at, write_outcome_at},
};

/// What every writer of an entry shares: where the log is, how big a
/// commit is, and how many commits have been claimed.
#[derive(Debug)]
pub struct Log {
    path: PathBuf,
    align: Alignment,
    commit_len: u32,
    /// Commits the log holds.
    commits: u64,
    /// Overwrite mode: the log wraps to offset 0 when full.
    wraps: bool,
    deadline: Instant,
    /// Commits claimed so far (the next one's index).
    claimed: AtomicU64,
    /// Set when a writer met an error or the end of an unwrapping log: no
    /// writer starts another commit.
    stop: AtomicBool,
}

impl Log {
    /// A log at `path` of `size` bytes (a multiple of `commit_len`), whose
    /// writes must meet `align`, open for commits until `deadline`.
    pub fn new(path: PathBuf, align: Alignment, commit_len: u32, size: u64, wraps: bool, deadline: Instant) -> Self {
        let commits = size / u64::from(commit_len.max(1));
        Self {
            path,
            align,
            commit_len,
            commits,
            wraps,
            deadline,
            claimed: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        }
    }

    /// No writer starts another commit.
    pub fn stop_all(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Where one writer is in its commit.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// Ready to start a commit.
    Ready,
    /// The write of a commit completed; the sync comes next.
    Written { submitted: Instant, done: Instant },
}

/// One engine's writers of a log (see the module doc).
pub struct Writers<'a> {
    log: &'a Log,
    method: Method,
    slots: Vec<Slot>,
    /// What these writers measured.
    pub stats: EntryStats,
    /// When the last commit completed.
    pub last_done: Instant,
}

impl<'a> Writers<'a> {
    /// `slots` writers of `log` committing with `method`, from `start`.
    pub fn new(log: &'a Log, method: Method, slots: usize, start: Instant) -> Self {
        Self { log, method, slots: vec![Slot::Ready; slots], stats: EntryStats::new(), last_done: start }
    }

    /// The offset of the next commit, or None when no commit may start.
    fn claim(&mut self, now: Instant) -> Option<u64> {
        let log = self.log;
        if now >= log.deadline || self.stats.error.is_some() || log.stop.load(Ordering::Relaxed) || log.commits == 0 {
            return None;
        }
        let mut index = log.claimed.fetch_add(1, Ordering::Relaxed);
        if index >= log.commits {
            if !log.wraps {
                self.stats.log_full = true;
                log.stop_all();
                return None;
            }
            index %= log.commits;
        }
        Some(index * u64::from(log.commit_len))
    }

    /// Keeps the first error and stops every writer of the log.
    fn fail(&mut self, e: crate::dio::Error) {
        self.stats.error.get_or_insert(e);
        self.log.stop_all();
    }

    /// Records a commit that ended at `done`.
    fn commit(&mut self, write: (Instant, Instant), done: Instant) {
        let s = &mut self.stats;
        s.write.saturating_record(nanos(write.0, write.1));
        if self.method.separate_sync() {
            s.sync.saturating_record(nanos(write.1, done));
        }
        s.commit.saturating_record(nanos(write.0, done));
        s.commits += 1;
        s.bytes += u64::from(self.log.commit_len);
        self.last_done = done;
    }
}

impl Workload for Writers<'_> {
    fn next(&mut self, slot: usize, buf: &mut [u8], now: Instant) -> Next {
        if let Slot::Written { .. } = self.slots[slot] {
            let kind = if self.method.syncs_all() { OpKind::Fsync } else { OpKind::Fdatasync };
            return Next::Issue(Op { kind, offset: 0, len: 0, rw_flags: 0 });
        }
        let Some(offset) = self.claim(now) else { return Next::Done };
        let len = self.log.commit_len;
        if let Err(e) = self.log.align.check(&self.log.path, offset, len as usize, buf.as_ptr() as usize) {
            self.fail(e);
            return Next::Done;
        }
        Next::Issue(Op { kind: OpKind::Write, offset, len, rw_flags: self.method.rw_flags() })
    }

    fn complete(&mut self, slot: usize, op: Op, _buf: &mut [u8], result: i32, submitted: Instant, done: Instant) {
        // The commit's write: this op, or the write the sync followed.
        let write = match std::mem::replace(&mut self.slots[slot], Slot::Ready) {
            Slot::Written { submitted, done } => (submitted, done),
            Slot::Ready => (submitted, done),
        };
        let path = &self.log.path;
        let outcome = match op.kind {
            OpKind::Write => write_outcome_at(path, &op, result, self.method.write_action()).map(drop),
            _ => sync_outcome_at(path, result, self.method.sync_action()),
        };
        if let Err(e) = outcome {
            self.fail(e);
        } else if op.kind == OpKind::Write && self.method.separate_sync() {
            self.slots[slot] = Slot::Written { submitted, done };
        } else {
            self.commit(write, done);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use hdrhistogram::Histogram;

    use super::*;

    const LEN: u32 = 4096;

    /// A buffered log of `commits` commits of LEN bytes.
    fn log(commits: u64, wraps: bool, start: Instant) -> Log {
        let size = commits * u64::from(LEN);
        Log::new("w.dat".into(), Alignment { mem: 1, offset: 1 }, LEN, size, wraps, start + Duration::from_secs(3600))
    }

    /// Writers for `method` with two slots on `log`.
    fn writers(log: &Log, method: Method, start: Instant) -> Writers<'_> {
        Writers::new(log, method, 2, start)
    }

    fn issued(next: Next) -> Op {
        match next {
            Next::Issue(op) => op,
            other => panic!("expected an op, got {other:?}"),
        }
    }

    /// True when `h` holds one value, `ns` (to its precision).
    fn holds(h: &Histogram<u64>, ns: u64) -> bool {
        h.len() == 1 && h.equivalent(h.max(), ns)
    }

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn a_commit_is_its_write_then_its_sync_and_both_are_timed() {
        let t = Instant::now();
        let log = log(8, false, t);
        let mut w = writers(&log, Method::Fdatasync, t);
        let mut buf = vec![0u8; LEN as usize];
        let write = issued(w.next(0, &mut buf, t));
        assert_eq!((write.kind, write.offset, write.len), (OpKind::Write, 0, LEN));
        w.complete(0, write, &mut buf, LEN as i32, t, t + us(10));
        assert_eq!(w.stats.commits, 0, "a write alone is no commit");
        let sync = issued(w.next(0, &mut buf, t + us(12)));
        assert_eq!(sync.kind, OpKind::Fdatasync);
        w.complete(0, sync, &mut buf, 0, t + us(12), t + us(30));
        assert_eq!((w.stats.commits, w.stats.bytes), (1, u64::from(LEN)));
        let s = &w.stats;
        assert!(holds(&s.write, 10_000) && holds(&s.sync, 20_000) && holds(&s.commit, 30_000), "{s:?}");
        assert_eq!(issued(w.next(0, &mut buf, t + us(30))).offset, u64::from(LEN), "the next commit appends");
    }

    #[test]
    fn fsync_and_write_only_methods() {
        let t = Instant::now();
        let mut buf = vec![0u8; LEN as usize];
        let log = log(8, false, t);
        let mut w = writers(&log, Method::Fsync, t);
        let write = issued(w.next(1, &mut buf, t));
        w.complete(1, write, &mut buf, LEN as i32, t, t + us(5));
        assert_eq!(issued(w.next(1, &mut buf, t)).kind, OpKind::Fsync);
        for method in [Method::Odsync, Method::RwfDsync, Method::None] {
            let mut w = writers(&log, method, t);
            let write = issued(w.next(0, &mut buf, t));
            assert_eq!(write.rw_flags, if method == Method::RwfDsync { libc::RWF_DSYNC } else { 0 });
            w.complete(0, write, &mut buf, LEN as i32, t, t + us(7));
            assert_eq!(w.stats.commits, 1, "{method:?}: the write is the commit");
            assert!(holds(&w.stats.commit, 7_000) && holds(&w.stats.write, 7_000) && w.stats.sync.is_empty());
            assert_eq!(issued(w.next(0, &mut buf, t)).kind, OpKind::Write);
        }
    }

    #[test]
    fn writers_of_one_log_claim_its_commits_in_turn() {
        let t = Instant::now();
        let mut buf = vec![0u8; LEN as usize];
        let log = log(3, false, t);
        let (mut a, mut b) = (writers(&log, Method::None, t), writers(&log, Method::None, t));
        let offsets = [issued(a.next(0, &mut buf, t)).offset, issued(b.next(0, &mut buf, t)).offset];
        assert_eq!(offsets, [0, u64::from(LEN)]);
        assert_eq!(issued(b.next(1, &mut buf, t)).offset, 2 * u64::from(LEN));
        assert!(matches!(a.next(1, &mut buf, t), Next::Done) && a.stats.log_full);
        assert!(matches!(b.next(0, &mut buf, t), Next::Done), "a full log stops every writer");
    }

    #[test]
    fn a_full_log_ends_appending_and_wraps_overwriting() {
        let t = Instant::now();
        let mut buf = vec![0u8; LEN as usize];
        let append_log = log(2, false, t);
        let mut append = writers(&append_log, Method::None, t);
        let offsets: Vec<_> = (0..2).map(|s| issued(append.next(s, &mut buf, t)).offset).collect();
        assert_eq!(offsets, [0, u64::from(LEN)]);
        assert!(matches!(append.next(0, &mut buf, t), Next::Done) && append.stats.log_full);
        let overwrite_log = log(2, true, t);
        let mut overwrite = writers(&overwrite_log, Method::None, t);
        let offsets: Vec<_> = (0..3).map(|s| issued(overwrite.next(s % 2, &mut buf, t)).offset).collect();
        assert_eq!(offsets, [0, u64::from(LEN), 0]);
    }

    #[test]
    fn an_error_is_kept_and_no_commit_starts_after_it() {
        let t = Instant::now();
        let mut buf = vec![0u8; LEN as usize];
        let log = log(8, false, t);
        let mut w = writers(&log, Method::Fdatasync, t);
        let write = issued(w.next(0, &mut buf, t));
        w.complete(0, write, &mut buf, -libc::ENOSPC, t, t + us(3));
        let e = w.stats.error.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(e.contains("write at offset 0") && e.contains("No space left"), "{e}");
        assert!(matches!(w.next(0, &mut buf, t), Next::Done));
        assert_eq!(w.stats.commits, 0);
        let mut other = writers(&log, Method::Fdatasync, t);
        assert!(matches!(other.next(0, &mut buf, t), Next::Done), "the other writers stop too");
    }
}
