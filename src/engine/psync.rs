//! The psync and pvsync2 engines: one slot on the calling thread, each op a
//! plain system call that blocks the thread until it returns, as
//! PostgreSQL, MySQL, RocksDB and SQLite commit. [`Calls::Plain`] (psync)
//! issues `pwrite`, `pread`, `fdatasync`, `fsync` (`pwritev2` for a write
//! carrying RWF_* flags); [`Calls::V2`] (pvsync2) issues every read and
//! write as `preadv2`/`pwritev2` with its flags (RWF_HIPRI for `--hipri`)
//! added to the op's own (RWF_DSYNC). One op in flight per thread:
//! concurrency is more threads, each running its own [`run`] (or
//! [`Sync`], the same loop set up like the other engines).
//!
//! The same [`Workload`] contract as the ring: the slot is asked what to do
//! next, the op is issued and timed (a clock reading just before the call
//! and one just after), and its result is handed back as the ring would
//! hand it (bytes done, or -errno). The [`super::Stop`]
//! flags are read before every op; nothing on the
//! loop allocates.

use std::{
    os::fd::{AsFd, BorrowedFd},
    time::{Duration, Instant},
};

use super::{Config, EngineError, Next, Op, OpKind, Ran, Workload, buffers::SlotBuffers};
use crate::dio::{File, os::psync};

/// Which system calls carry reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calls {
    /// pread(2) / pwrite(2): the psync engine.
    Plain,
    /// preadv2(2) / pwritev2(2) with these RWF_* flags on every read and
    /// write: the pvsync2 engine.
    V2 { rw_flags: i32 },
}

/// The longest one sleep towards a [`Next::At`] lasts, so a stop is seen.
const IDLE_WAIT: Duration = Duration::from_millis(50);

/// Runs `w` as slot 0 on this thread, issuing its ops on `fd` from `buf`,
/// until it says [`Next::Done`] (or [`Next::Idle`]: nothing can complete
/// to wake it) or the stop flag or a signal is seen. Returns the ops done.
pub fn run(fd: BorrowedFd<'_>, calls: Calls, buf: &mut [u8], stop: super::Stop<'_>, w: &mut impl Workload) -> u64 {
    let mut ops = 0;
    let mut now = Instant::now();
    loop {
        if stop.requested() {
            w.stopped(now);
            break;
        }
        match w.next(0, buf, now) {
            Next::Issue(op) => {
                let submitted = Instant::now();
                let result = issue(fd, calls, &op, buf);
                let done = Instant::now();
                ops += 1;
                w.complete(0, op, buf, result, submitted, done);
                w.reaped();
                now = done;
            }
            Next::At(when) => {
                std::thread::sleep(when.saturating_duration_since(Instant::now()).min(IDLE_WAIT));
                now = Instant::now();
            }
            Next::Idle | Next::Done => break,
        }
    }
    ops
}

/// Issues `op` as one system call; the result as a CQE would carry it.
fn issue(fd: BorrowedFd<'_>, calls: Calls, op: &Op, buf: &mut [u8]) -> i32 {
    let len = (op.len as usize).min(buf.len());
    let result = match (op.kind, calls) {
        (OpKind::Write, Calls::Plain) => psync::pwrite(fd, &buf[..len], op.offset, op.rw_flags),
        (OpKind::Read, Calls::Plain) => psync::pread(fd, &mut buf[..len], op.offset),
        (OpKind::Write, Calls::V2 { rw_flags }) => psync::pwritev2(fd, &buf[..len], op.offset, op.rw_flags | rw_flags),
        (OpKind::Read, Calls::V2 { rw_flags }) => psync::preadv2(fd, &mut buf[..len], op.offset, op.rw_flags | rw_flags),
        (OpKind::Fdatasync, _) => psync::fdatasync(fd).map(|()| 0),
        (OpKind::Fsync, _) => psync::fsync(fd).map(|()| 0),
        (OpKind::Nop, _) => Ok(0),
    };
    match result {
        Ok(n) => i32::try_from(n).unwrap_or(i32::MAX),
        Err(e) => -e.raw_os_error().unwrap_or(libc::EIO),
    }
}

/// A psync or pvsync2 engine set up for one worker: its one slot buffer
/// and the target's descriptor.
pub struct Sync<'a> {
    file: File,
    calls: Calls,
    bufs: SlotBuffers,
    stop: super::Stop<'a>,
}

impl<'a> Sync<'a> {
    /// One slot for `config` on `file` (more than one slot is an error:
    /// the plan refuses --qd above 1 first).
    pub fn setup(file: &File, config: &Config<'a>, calls: Calls) -> Result<Self, EngineError> {
        if config.slots > 1 {
            return Err(EngineError::OneInFlight(config.slots));
        }
        let bufs = SlotBuffers::new(1, config.buf_len)?;
        Ok(Self { file: file.clone(), calls, bufs, stop: config.stop })
    }

    /// The slot's buffer, to fill before the run.
    pub fn buffer(&mut self, slot: usize) -> &mut [u8] {
        assert_eq!(slot, 0, "a system-call engine has one slot");
        // SAFETY: nothing is in flight outside `run`, and `&mut self` is unique.
        unsafe { self.bufs.slot(0) }
    }

    /// Runs `w` to the end; every op was one system call.
    pub fn run(mut self, w: &mut impl Workload) -> Ran {
        let (file, calls, stop) = (self.file.clone(), self.calls, self.stop);
        let ops = run(file.std_file().as_fd(), calls, self.buffer(0), stop, w);
        Ran::system_calls(ops, ops)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::*;

    /// Writes `ops` blocks of 8 bytes, then a sync, recording every result.
    struct Script {
        ops: Vec<Op>,
        results: Vec<(OpKind, i32)>,
    }

    impl Workload for Script {
        fn next(&mut self, slot: usize, buf: &mut [u8], _now: Instant) -> Next {
            assert_eq!(slot, 0);
            buf[..8].copy_from_slice(b"walpage!");
            self.ops.pop().map_or(Next::Done, Next::Issue)
        }

        fn complete(&mut self, _: usize, op: Op, _: &mut [u8], result: i32, submitted: Instant, done: Instant) {
            assert!(submitted <= done);
            self.results.push((op.kind, result));
        }
    }

    fn op(kind: OpKind, offset: u64, len: u32) -> Op {
        Op { kind, offset, len, rw_flags: 0 }
    }

    #[test]
    fn each_op_is_a_system_call_and_its_result_comes_back() {
        let file = tempfile::tempfile().unwrap();
        let ops =
            vec![op(OpKind::Read, 8, 8), op(OpKind::Fsync, 0, 0), op(OpKind::Fdatasync, 0, 0), op(OpKind::Write, 8, 8)];
        let mut script = Script { ops, results: Vec::new() };
        let stop = AtomicBool::new(false);
        let done = run(file.as_fd(), Calls::Plain, &mut [0u8; 64], crate::engine::Stop::new(&stop, &stop), &mut script);
        assert_eq!(done, 4);
        let want = [(OpKind::Write, 8), (OpKind::Fdatasync, 0), (OpKind::Fsync, 0), (OpKind::Read, 8)];
        assert_eq!(script.results, want);
        let ops = vec![op(OpKind::Read, 8, 8), op(OpKind::Write, 16, 8)];
        let mut script = Script { ops, results: Vec::new() };
        assert_eq!(run(file.as_fd(), Calls::V2 { rw_flags: 0 }, &mut [0u8; 64], crate::engine::Stop::new(&stop, &stop), &mut script), 2);
        assert_eq!(script.results, [(OpKind::Write, 8), (OpKind::Read, 8)]);
        assert_eq!(
            std::fs::read(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&file))).unwrap()[8..],
            *b"walpage!walpage!",
            "psync wrote at 8, pvsync2 at 16"
        );
    }

    #[test]
    fn an_error_is_minus_errno_and_a_stop_ends_the_loop() {
        let named = tempfile::NamedTempFile::new().unwrap();
        let read = std::fs::File::open(named.path()).unwrap();
        let mut script = Script { ops: vec![op(OpKind::Write, 0, 8)], results: Vec::new() };
        let stop = AtomicBool::new(false);
        run(read.as_fd(), Calls::Plain, &mut [0u8; 8], crate::engine::Stop::new(&stop, &stop), &mut script);
        assert_eq!(script.results, [(OpKind::Write, -libc::EBADF)]);
        let mut script = Script { ops: vec![op(OpKind::Write, 0, 8)], results: Vec::new() };
        let stop = AtomicBool::new(true);
        assert_eq!(run(read.as_fd(), Calls::Plain, &mut [0u8; 8], crate::engine::Stop::new(&stop, &stop), &mut script), 0);
    }
}
