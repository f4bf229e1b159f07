//! The dio engine: every op through this crate's own library,
//! [`crate::dio::File`]'s `read_at`, `write_at` (`write_at_dsync` for an
//! RWF_DSYNC write), `sync_data` and `sync_all`, on a compio runtime of the
//! worker's own thread, one task per slot: `--qd` tasks per worker. The
//! figures are what an application embedding the library gets, compio's
//! per-op costs (a boxed op, a waker per completion) included; it is the
//! engine that works on every OS the library does.
//!
//! The tasks share the [`Workload`] (one thread, so a `RefCell`, never
//! borrowed across an await): a task asks it for its slot's next op,
//! awaits the library call, and hands the result back as a ring's CQE
//! would carry it (bytes done, or -errno). A slot that is [`Next::Idle`]
//! waits for another task's completion; [`Next::At`] sleeps on compio's
//! timer. The [`super::Stop`] flags are read
//! before every op.

use std::{
    cell::{Cell, RefCell},
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use super::{Config, EngineError, Next, Op, OpKind, Ran, Workload};
use crate::dio::{AlignedBuf, Error, File};

/// The longest one sleep towards a [`Next::At`] lasts, so a stop is seen.
const IDLE_WAIT: Duration = Duration::from_millis(50);

/// A dio engine set up for one worker: one buffer per slot.
pub struct Library<'a> {
    file: File,
    bufs: Vec<AlignedBuf>,
    stop: super::Stop<'a>,
}

/// What the slot tasks share.
struct Shared<'w, W> {
    workload: RefCell<&'w mut W>,
    /// Ops issued and not yet completed.
    in_flight: Cell<usize>,
    /// Completions so far (an idle slot waits for this to move).
    completions: Cell<u64>,
    stopping: Cell<bool>,
}

impl<'a> Library<'a> {
    /// `config.slots` buffers of `config.buf_len` bytes for `file`.
    pub fn setup(file: &File, config: &Config<'a>) -> Result<Self, EngineError> {
        let bufs = (0..config.slots.max(1))
            .map(|_| AlignedBuf::zeroed(config.buf_len.max(1)).map_err(|_| EngineError::Buffers(config.buf_len)))
            .collect::<Result<_, _>>()?;
        Ok(Self { file: file.clone(), bufs, stop: config.stop })
    }

    /// Slot `slot`'s buffer, to fill before the run.
    pub fn buffer(&mut self, slot: usize) -> &mut [u8] {
        &mut self.bufs[slot]
    }

    /// Runs `w` to the end on this thread's compio runtime (the one the
    /// caller entered; a thread that entered none gets one for the run).
    pub fn run<W: Workload>(self, w: &mut W) -> Result<Ran, EngineError> {
        let runtime = compio::runtime::Runtime::try_current()
            .map_or_else(compio::runtime::Runtime::new, Ok)
            .map_err(EngineError::Runtime)?;
        let shared = Shared {
            workload: RefCell::new(w),
            in_flight: Cell::new(0),
            completions: Cell::new(0),
            stopping: Cell::new(false),
        };
        let (file, stop) = (&self.file, self.stop);
        let tasks: Vec<_> = self
            .bufs
            .into_iter()
            .enumerate()
            .map(|(slot, buf)| Box::pin(task(file, stop, &shared, slot, buf)))
            .collect();
        runtime.block_on(All { tasks, completions: &shared.completions });
        Ok(Ran::system_calls(shared.completions.get(), 0))
    }
}

/// One slot's loop.
async fn task<W: Workload>(file: &File, stop: super::Stop<'_>, shared: &Shared<'_, W>, slot: usize, mut buf: AlignedBuf) {
    let full = buf.len();
    let mut now = Instant::now();
    loop {
        if shared.stopping.get() {
            return;
        }
        if stop.requested() {
            shared.stopping.set(true);
            shared.workload.borrow_mut().stopped(now);
            return;
        }
        let next = shared.workload.borrow_mut().next(slot, &mut buf, now);
        match next {
            Next::Issue(op) => {
                shared.in_flight.set(shared.in_flight.get() + 1);
                buf.set_io_len((op.len as usize).min(full));
                let submitted = Instant::now();
                let (result, back) = issue(file, &op, buf).await;
                let done = Instant::now();
                buf = back;
                buf.set_io_len(full);
                shared.in_flight.set(shared.in_flight.get() - 1);
                shared.completions.set(shared.completions.get() + 1);
                let mut w = shared.workload.borrow_mut();
                w.complete(slot, op, &mut buf, result, submitted, done);
                w.reaped();
                now = done;
            }
            Next::At(when) => {
                compio::time::sleep(when.saturating_duration_since(Instant::now()).min(IDLE_WAIT)).await;
                now = Instant::now();
            }
            Next::Idle => {
                if shared.in_flight.get() == 0 {
                    return;
                }
                Completion { shared, seen: shared.completions.get() }.await;
                now = Instant::now();
            }
            Next::Done => return,
        }
    }
}

/// `op` through the library; the result as a CQE would carry it.
async fn issue(file: &File, op: &Op, buf: AlignedBuf) -> (i32, AlignedBuf) {
    let (result, buf) = match op.kind {
        OpKind::Read => file.read_at(buf, op.offset).await,
        OpKind::Write if op.rw_flags == libc::RWF_DSYNC => file.write_at_dsync(buf, op.offset).await,
        OpKind::Write if op.rw_flags == 0 => file.write_at(buf, op.offset).await,
        OpKind::Write => return (-libc::EOPNOTSUPP, buf),
        OpKind::Fdatasync => (file.sync_data().await.map(|()| 0), buf),
        OpKind::Fsync => (file.sync_all().await.map(|()| 0), buf),
        OpKind::Nop => (Ok(0), buf),
    };
    (result.map_or_else(|e| as_result(&e), |n| i32::try_from(n).unwrap_or(i32::MAX)), buf)
}

/// A library error as a completion's result: a short read or write is the
/// bytes it did, an OS error its -errno, a refused request -EINVAL.
fn as_result(e: &Error) -> i32 {
    match e {
        Error::ShortRead { actual, .. } | Error::ShortWrite { actual, .. } => *actual as i32,
        Error::Io { source, .. } => -source.raw_os_error().unwrap_or(libc::EIO),
        Error::Alignment { .. } | Error::Overflow { .. } => -libc::EINVAL,
        _ => -libc::EIO,
    }
}

/// Ready once another task has completed an op. It registers no waker:
/// [`All`] polls every task again whenever a completion happened.
struct Completion<'s, 'w, W> {
    shared: &'s Shared<'w, W>,
    seen: u64,
}

impl<W> Future for Completion<'_, '_, W> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.shared.completions.get() != self.seen { Poll::Ready(()) } else { Poll::Pending }
    }
}

/// Runs every slot task to its end on one thread: each poll polls every
/// unfinished task, and again while a pass saw a completion (so a task
/// waiting on [`Completion`] sees it).
struct All<'c, F> {
    tasks: Vec<Pin<Box<F>>>,
    completions: &'c Cell<u64>,
}

impl<F: Future<Output = ()>> Future for All<'_, F> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            let before = self.completions.get();
            self.tasks.retain_mut(|t| t.as_mut().poll(cx).is_pending());
            if self.tasks.is_empty() {
                return Poll::Ready(());
            }
            if self.completions.get() == before {
                return Poll::Pending;
            }
        }
    }
}
