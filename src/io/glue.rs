//! What the commands that run their I/O on [`crate::engine`] share (verify's
//! two passes, wal's writers, the bench layout): one call that runs a
//! workload on a [`File`] through the chosen [`Engine`] (the layout always
//! takes the ring: it is not measured), the Direct I/O module's errors made from a
//! completion (so a port reports a failed write in the words the library
//! would), and a progress bar fed in steps rather than once per I/O.

use std::{io, os::fd::AsRawFd, path::Path, sync::atomic::AtomicBool, time::Instant};

use indicatif::ProgressBar;

use crate::{
    dio::{Error, File},
    engine::{Config, EngineError, Op, Policy, Prepared, Ran, Stop, Submit, Workload, policy, prepare},
    error::AppError,
    io_engine::Engine,
};

/// The ports' own stop flag, never set: they stop on a signal (the
/// application's flag, which the engine reads once per turn) or when their
/// workload says it is done.
static NO_STOP: AtomicBool = AtomicBool::new(false);

/// How a port's ring hands its I/O to the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Async {
    /// `bench --async auto`'s rule: IOSQE_ASYNC where the target refuses a
    /// non-blocking Direct I/O read of one slot at offset 0 (tmpfs; a queue
    /// without NOWAIT support), so the same I/O costs the same as in a bench.
    Auto,
    /// Never IOSQE_ASYNC: each op takes the ring's inline attempt first.
    Off,
}

/// `engine` for `file` with `slots` slots of `buf_len` bytes each, the
/// slot buffers ready to fill ([`Prepared::buffer`]) before
/// [`Prepared::run`]. `mode` matters on the ring only. An engine that
/// cannot be set up is an error naming the path.
pub fn engine(engine: Engine, file: &File, slots: usize, buf_len: usize, mode: Async) -> Result<Prepared<'static>, Error> {
    let force_async = engine.is_ring() && mode == Async::Auto && policy::auto(file.std_file(), 0, buf_len).0;
    let config = Config {
        fd: file.as_raw_fd(),
        slots,
        buf_len,
        stop: Stop::new(&NO_STOP, crate::interrupt::flag()),
        policy: Policy { force_async, submit: Submit::Turn },
        hipri: false,
        sqpoll: false,
    };
    prepare(engine, file, &config).map_err(|e| setup(file, e))
}

/// Runs `workload` on `engine` (with [`Async::Auto`] on the ring) until
/// every slot is done or a signal arrives (no slot is asked again; what is
/// in flight completes).
pub fn run(
    engine: Engine,
    file: &File,
    slots: usize,
    buf_len: usize,
    workload: &mut impl Workload,
) -> Result<Ran, Error> {
    self::engine(engine, file, slots, buf_len, Async::Auto)?.run(workload).map_err(|e| setup(file, e))
}

/// An engine error as the Direct I/O module's, naming the path.
pub fn setup(file: &File, e: EngineError) -> Error {
    Error::io(file.path(), "run the I/O engine", None, io::Error::other(e.to_string()))
}

/// A run's set-up error as the command reports it.
pub fn setup_error(e: Error) -> AppError {
    AppError::Io(e.to_string())
}

/// The outcome of a read or write `op` that completed with `result`: the
/// bytes done, or the error [`File::write_at`] would give (a short write
/// is one; `action` names the op in the message, e.g. "write").
pub fn write_outcome(file: &File, op: &Op, result: i32, action: &str) -> Result<usize, Error> {
    write_outcome_at(file.path(), op, result, action)
}

/// [`write_outcome`] for a file known by its path (a worker thread that
/// holds only a descriptor of it).
pub fn write_outcome_at(path: &Path, op: &Op, result: i32, action: &str) -> Result<usize, Error> {
    if result < 0 {
        return Err(Error::io(path, action, Some(op.offset), io::Error::from_raw_os_error(-result)));
    }
    let (done, want) = (result as usize, op.len as usize);
    if done < want {
        return Err(Error::ShortWrite { path: path.to_path_buf(), offset: op.offset, expected: want, actual: done });
    }
    Ok(done)
}

/// The outcome of a sync that completed with `result` (`action`: "fsync" or
/// "fdatasync").
pub fn sync_outcome_at(path: &Path, result: i32, action: &str) -> Result<(), Error> {
    if result < 0 {
        return Err(Error::io(path, action, None, io::Error::from_raw_os_error(-result)));
    }
    Ok(())
}

/// Nanoseconds from `from` to `to`, at least 1 (a histogram's floor).
#[inline]
pub fn nanos(from: Instant, to: Instant) -> u64 {
    to.saturating_duration_since(from).as_nanos().max(1) as u64
}

/// A progress bar advanced a mebibyte at a time: a bar step reads the
/// clock and may draw, too much for every 4 KiB block.
pub struct Steps {
    bar: ProgressBar,
    pending: u64,
}

impl Steps {
    const STEP: u64 = 1 << 20;

    /// Steps for `bar`.
    pub fn new(bar: &ProgressBar) -> Self {
        Self { bar: bar.clone(), pending: 0 }
    }

    /// Counts `bytes` done.
    #[inline]
    pub fn add(&mut self, bytes: u64) {
        self.pending += bytes;
        if self.pending >= Self::STEP {
            self.flush();
        }
    }

    /// Shows everything counted.
    pub fn flush(&mut self) {
        if self.pending > 0 {
            self.bar.inc(std::mem::take(&mut self.pending));
        }
    }
}
