//! The I/O engine: one io_uring ring per worker thread, driven directly
//! through the `io-uring` crate, on which every command's queue of I/Os runs.
//!
//! A [`Workload`] says what each free slot issues next and what to do with a
//! completion; [`run`] (or [`Ring::setup`] then [`Ring::run`]) keeps the
//! slots busy until the workload says [`Next::Done`] for every slot or the
//! stop flag is set. One slot is one buffer and at most one op in flight, so
//! the queue depth is the number of slots.
//!
//! Rules of the hot path (see [`drive`]):
//! - no heap allocation per I/O: slot state, the free list and the buffers
//!   are allocated once, at set-up;
//! - one `io_uring_enter` per turn of the loop both submits every SQE the
//!   turn prepared and waits for at least one completion (never for a whole
//!   batch), then every ready CQE is reaped in one pass;
//! - two clock readings per turn: before the enter (the submit time of the
//!   ops it submits) and after the wait (the done time of the ops it reaps);
//! - the [`Stop`] flags (the caller's, and the one a signal sets) are read
//!   once per turn.
//!
//! The other engines run the same contract: [`psync`] on plain blocking
//! system calls, one slot per thread (psync and pvsync2: the path databases
//! commit through); [`libaio`] on Linux native AIO; [`library`] on this
//! crate's own `dio::File` over compio. [`prepared`] sets up whichever a
//! command's `--engine` names ([`crate::io_engine::Engine`]).
//!
//! Why not compio here: compio's driver boxes a key per pushed op and wakes
//! a task per completion; the library ([`crate::dio`]) stays on compio for
//! its users.

mod buffers;
mod drive;
pub mod libaio;
pub mod library;
pub mod policy;
pub mod prepared;
pub mod psync;
mod ring;
mod sqe;

use std::{
    os::fd::RawFd,
    sync::atomic::{AtomicBool, Ordering},
    time::Instant,
};

pub use policy::{Policy, Submit};
pub use prepared::{Prepared, prepare};
pub use crate::model::ran::Ran;
pub use ring::Ring;

/// What one op asks the ring to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// A positional read into the slot's buffer.
    Read,
    /// A positional write from the slot's buffer.
    Write,
    /// fsync(2) of the target.
    Fsync,
    /// fdatasync(2) of the target.
    Fdatasync,
    /// IORING_OP_NOP: no I/O at all, the cost of the ring itself.
    Nop,
}

/// One op of one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    /// What to do.
    pub kind: OpKind,
    /// Byte offset in the target (reads and writes).
    pub offset: u64,
    /// Bytes, from the start of the slot's buffer (at most its length).
    pub len: u32,
    /// RWF_* flags for reads and writes (e.g. RWF_DSYNC); 0 normally.
    pub rw_flags: i32,
}

/// A workload's answer for a free slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Issue this op from the slot's buffer (a write's data already in it).
    Issue(Op),
    /// Nothing due before this instant (open loop): the engine waits, bounded
    /// by the in-flight completions and that instant, and asks again.
    At(Instant),
    /// Nothing for this slot now: ask again after the next completion. With
    /// nothing in flight, no completion will come: the slot counts as done.
    Idle,
    /// This slot is done.
    Done,
}

/// What to issue next and what to do with a completion. One per worker
/// thread (no `Send` needed).
pub trait Workload {
    /// A free slot: what it does next. `buf` is the slot's whole buffer
    /// (page aligned; registered with the ring when the kernel allows).
    fn next(&mut self, slot: usize, buf: &mut [u8], now: Instant) -> Next;

    /// `op` of `slot` finished: `result` is bytes done (>= 0) or -errno, as
    /// the CQE says. `submitted` is the clock before the enter that sent it,
    /// `done` the clock after the wait that reaped it.
    fn complete(&mut self, slot: usize, op: Op, buf: &mut [u8], result: i32, submitted: Instant, done: Instant);

    /// The stop flag (or a signal) was seen at `now`: no slot is asked again;
    /// the ops in flight still complete.
    fn stopped(&mut self, _now: Instant) {}

    /// A batch of completions has been handed to [`Workload::complete`]
    /// (once per loop turn that reaped any): a place for per-batch work
    /// such as publishing progress.
    fn reaped(&mut self) {}
}

/// How to run: one ring per call (per worker thread).
#[derive(Debug, Clone, Copy)]
pub struct Config<'a> {
    /// The target, opened by the caller (O_DIRECT for `hipri`).
    pub fd: RawFd,
    /// Slots (the queue depth); one buffer per slot.
    pub slots: usize,
    /// Bytes per slot buffer (allocated page aligned and registered by the engine).
    pub buf_len: usize,
    /// Checked once per loop turn.
    pub stop: Stop<'a>,
    /// Submission and IOSQE_ASYNC policy.
    pub policy: Policy,
    /// IORING_SETUP_IOPOLL (polled completions; O_DIRECT on a device with poll queues).
    pub hipri: bool,
    /// IORING_SETUP_SQPOLL (a kernel thread submits).
    pub sqpoll: bool,
}

/// What ends a run early: either of two flags, the caller's own (a
/// timer's, a sibling worker's) and the one a signal sets (the
/// application's), read once per loop turn. The engine reads nothing else.
#[derive(Debug, Clone, Copy)]
pub struct Stop<'a> {
    own: &'a AtomicBool,
    signal: &'a AtomicBool,
}

impl<'a> Stop<'a> {
    /// Stops when `own` or `signal` is set.
    pub fn new(own: &'a AtomicBool, signal: &'a AtomicBool) -> Self {
        Self { own, signal }
    }

    /// True once either flag is set.
    #[inline]
    pub fn requested(&self) -> bool {
        self.own.load(Ordering::Relaxed) || self.signal.load(Ordering::Relaxed)
    }
}

/// A set-up error: the ring or its buffers could not be had (registration
/// the kernel refuses falls back and is not an error).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The kernel refused to set up a ring.
    #[error("cannot set up an io_uring ring{what}: {source}")]
    Ring {
        /// Which asked-for feature was refused (" with --sqpoll"), or empty.
        what: &'static str,
        /// The kernel's answer.
        source: std::io::Error,
    },
    /// The slot buffers could not be allocated.
    #[error("cannot allocate {0} bytes of slot buffers")]
    Buffers(usize),
    /// The ring failed while running (not an op's error: those go to `complete`).
    #[error("io_uring_enter failed: {0}")]
    Enter(std::io::Error),
    /// A one-in-flight engine (psync, pvsync2) was given more slots.
    #[error("psync and pvsync2 keep one I/O in flight per worker, not {0}")]
    OneInFlight(usize),
    /// Native AIO refused (io_setup, io_getevents).
    #[error("Linux native AIO failed: {0}")]
    Aio(std::io::Error),
    /// The dio engine's compio runtime could not be set up.
    #[error("cannot set up the dio engine's compio runtime: {0}")]
    Runtime(std::io::Error),
}

/// Sets up a ring for `config` and runs `workload` on it to the end.
pub fn run(config: &Config, workload: &mut impl Workload) -> Result<Ran, EngineError> {
    Ring::setup(config)?.run(workload)
}
