//! Runs one (method, file mode) entry of a wal run: prepares a fresh log,
//! runs `writers` concurrent appenders as the slots of one engine ring, and
//! records write, sync and commit latency until the time is up or the log is
//! full. A commit is its write plus, for a method with a separate sync, the
//! sync issued when the write completes: its latency runs from the write's
//! submission to the sync's completion, and the sync's from the write's
//! completion (so write + sync = commit).

use std::{fs, time::Instant};

use hdrhistogram::Histogram;
use rand::{RngCore, SeedableRng, rngs::SmallRng};

use super::{
    method::Method,
    plan::{FileMode, WalPlan},
};
use crate::{
    dio::File,
    engine::{Next, Op, OpKind, Workload},
    engine_io::{Async, nanos, sync_outcome, write_outcome},
    error::AppError,
    report::new_histogram,
};

/// What one entry measured.
#[derive(Debug)]
pub struct EntryStats {
    pub commits: u64,
    pub bytes: u64,
    pub duration_s: f64,
    /// The log filled up before --time ran out.
    pub log_full: bool,
    pub write: Histogram<u64>,
    pub sync: Histogram<u64>,
    pub commit: Histogram<u64>,
    /// The error that stopped the writers (ENOSPC, EIO); what they did
    /// before it is measured above.
    pub error: Option<crate::dio::Error>,
}

impl EntryStats {
    fn new() -> Self {
        Self {
            commits: 0,
            bytes: 0,
            duration_s: 0.0,
            log_full: false,
            write: new_histogram(),
            sync: new_histogram(),
            commit: new_histogram(),
            error: None,
        }
    }
}

/// Makes the log file start in `mode` (nothing to do for a block device).
pub fn prepare(plan: &WalPlan, mode: FileMode) -> Result<(), AppError> {
    if plan.is_block() {
        return Ok(());
    }
    match mode {
        FileMode::Overwrite => {
            let written = fs::metadata(&plan.path).is_ok_and(|m| m.len() >= plan.size);
            if !written {
                crate::bench::layout::lay_out(&plan.path, plan.size, 0x5EED, None, plan.quiet)?;
            }
        }
        FileMode::Append => {
            crate::rt::block_on(File::create(&plan.path))??;
        }
        FileMode::Prealloc => {
            crate::rt::block_on(async { File::create(&plan.path).await?.preallocate(plan.size).await })??;
        }
    }
    Ok(())
}

/// Runs `method` on the prepared log for `plan.time`. An error during the
/// writes ends the entry with `error` set; only set-up errors are `Err`.
pub fn run(plan: &WalPlan, method: Method, mode: FileMode) -> Result<EntryStats, crate::dio::Error> {
    let runtime = compio::runtime::Runtime::new()
        .map_err(|e| crate::dio::Error::io(&plan.path, "set up an io_uring runtime", None, e))?;
    let file = runtime.block_on(File::open_mode(&plan.path, method.open_mode()))?;
    let commit_len = (plan.bs * u64::from(plan.batch)) as usize;
    let start = Instant::now();
    let writers = plan.writers as usize;
    let mut wal = Writers {
        file: &file,
        method,
        commit_len: commit_len as u32,
        size: plan.size,
        wraps: mode == FileMode::Overwrite,
        deadline: start + plan.time,
        next_offset: 0,
        slots: vec![Slot::Ready; writers],
        stats: EntryStats::new(),
        last_done: start,
    };
    // No IOSQE_ASYNC: a commit's ops take the ring's inline path first, as
    // they did before the engine (and a buffered log has no Direct I/O to
    // probe). Each writer's buffer holds its own incompressible data.
    let mut ring = crate::engine_io::ring(&file, writers, commit_len, Async::Off)?;
    for w in 0..writers {
        SmallRng::seed_from_u64(w as u64).fill_bytes(ring.buffer(w));
    }
    ring.run(&mut wal).map_err(|e| crate::engine_io::setup(&file, e))?;
    let mut stats = wal.stats;
    stats.duration_s = wal.last_done.duration_since(start).as_secs_f64();
    Ok(stats)
}

/// Where one writer is in its commit.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// Ready to start a commit.
    Ready,
    /// The write of a commit completed; the sync comes next.
    Written { submitted: Instant, done: Instant },
}

/// The writers of one entry: each engine slot is one writer, doing a
/// commit at a time (the write, then, for a method with a separate sync,
/// the sync), at the next offset of the shared log.
struct Writers<'a> {
    file: &'a File,
    method: Method,
    commit_len: u32,
    size: u64,
    /// Overwrite mode: the log wraps to offset 0 when full.
    wraps: bool,
    deadline: Instant,
    next_offset: u64,
    slots: Vec<Slot>,
    stats: EntryStats,
    last_done: Instant,
}

impl Writers<'_> {
    /// The offset of the next commit, or None when no commit may start.
    fn claim(&mut self, now: Instant) -> Option<u64> {
        let s = &mut self.stats;
        if now >= self.deadline || s.error.is_some() || s.log_full {
            return None;
        }
        if self.next_offset + u64::from(self.commit_len) > self.size {
            if !self.wraps {
                s.log_full = true;
                return None;
            }
            self.next_offset = 0;
        }
        let offset = self.next_offset;
        self.next_offset += u64::from(self.commit_len);
        Some(offset)
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
        s.bytes += u64::from(self.commit_len);
        self.last_done = done;
    }
}

impl Workload for Writers<'_> {
    fn next(&mut self, slot: usize, buf: &mut [u8], now: Instant) -> Next {
        if let Slot::Written { .. } = self.slots[slot] {
            let kind = if self.method == Method::Fsync { OpKind::Fsync } else { OpKind::Fdatasync };
            return Next::Issue(Op { kind, offset: 0, len: 0, rw_flags: 0 });
        }
        let Some(offset) = self.claim(now) else { return Next::Done };
        if let Err(e) = self.file.check(offset, self.commit_len as usize, buf.as_ptr() as usize) {
            self.stats.error.get_or_insert(e);
            return Next::Done;
        }
        Next::Issue(Op { kind: OpKind::Write, offset, len: self.commit_len, rw_flags: self.method.rw_flags() })
    }

    fn complete(&mut self, slot: usize, op: Op, _buf: &mut [u8], result: i32, submitted: Instant, done: Instant) {
        // The commit's write: this op, or the write the sync followed.
        let write = match std::mem::replace(&mut self.slots[slot], Slot::Ready) {
            Slot::Written { submitted, done } => (submitted, done),
            Slot::Ready => (submitted, done),
        };
        let outcome = match op.kind {
            OpKind::Write => write_outcome(self.file, &op, result, self.method.write_action()).map(drop),
            _ => sync_outcome(self.file, result, self.method.sync_action()),
        };
        if let Err(e) = outcome {
            self.stats.error.get_or_insert(e);
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

    use super::*;
    use crate::dio::OpenMode;

    const LEN: u32 = 4096;

    /// Writers for `method` on a log of `commits` commits, and their file.
    fn writers(file: &File, method: Method, commits: u64, wraps: bool, start: Instant) -> Writers<'_> {
        Writers {
            file,
            method,
            commit_len: LEN,
            size: commits * u64::from(LEN),
            wraps,
            deadline: start + Duration::from_secs(3600),
            next_offset: 0,
            slots: vec![Slot::Ready; 2],
            stats: EntryStats::new(),
            last_done: start,
        }
    }

    fn log() -> (tempfile::TempDir, File) {
        let dir = tempfile::tempdir().unwrap();
        let file = crate::rt::block_on(File::open_mode(dir.path().join("w.dat"), OpenMode::Buffered)).unwrap().unwrap();
        (dir, file)
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
        let (_dir, file) = log();
        let t = Instant::now();
        let mut w = writers(&file, Method::Fdatasync, 8, false, t);
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
        let (_dir, file) = log();
        let t = Instant::now();
        let mut buf = vec![0u8; LEN as usize];
        let mut w = writers(&file, Method::Fsync, 8, false, t);
        let write = issued(w.next(1, &mut buf, t));
        w.complete(1, write, &mut buf, LEN as i32, t, t + us(5));
        assert_eq!(issued(w.next(1, &mut buf, t)).kind, OpKind::Fsync);
        for method in [Method::Odsync, Method::RwfDsync, Method::None] {
            let mut w = writers(&file, method, 8, false, t);
            let write = issued(w.next(0, &mut buf, t));
            assert_eq!(write.rw_flags, if method == Method::RwfDsync { libc::RWF_DSYNC } else { 0 });
            w.complete(0, write, &mut buf, LEN as i32, t, t + us(7));
            assert_eq!(w.stats.commits, 1, "{method:?}: the write is the commit");
            assert!(holds(&w.stats.commit, 7_000) && holds(&w.stats.write, 7_000) && w.stats.sync.is_empty());
            assert_eq!(issued(w.next(0, &mut buf, t)).kind, OpKind::Write);
        }
    }

    #[test]
    fn a_full_log_ends_appending_and_wraps_overwriting() {
        let (_dir, file) = log();
        let t = Instant::now();
        let mut buf = vec![0u8; LEN as usize];
        let mut append = writers(&file, Method::None, 2, false, t);
        let offsets: Vec<_> = (0..2).map(|s| issued(append.next(s, &mut buf, t)).offset).collect();
        assert_eq!(offsets, [0, u64::from(LEN)]);
        assert!(matches!(append.next(0, &mut buf, t), Next::Done) && append.stats.log_full);
        let mut overwrite = writers(&file, Method::None, 2, true, t);
        let offsets: Vec<_> = (0..3).map(|s| issued(overwrite.next(s % 2, &mut buf, t)).offset).collect();
        assert_eq!(offsets, [0, u64::from(LEN), 0]);
    }

    #[test]
    fn an_error_is_kept_and_no_commit_starts_after_it() {
        let (_dir, file) = log();
        let t = Instant::now();
        let mut buf = vec![0u8; LEN as usize];
        let mut w = writers(&file, Method::Fdatasync, 8, false, t);
        let write = issued(w.next(0, &mut buf, t));
        w.complete(0, write, &mut buf, -libc::ENOSPC, t, t + us(3));
        let e = w.stats.error.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(e.contains("write at offset 0") && e.contains("No space left"), "{e}");
        assert!(matches!(w.next(0, &mut buf, t), Next::Done));
        assert_eq!(w.stats.commits, 0);
    }
}
