//! The libaio engine: Linux native AIO on an O_DIRECT target, as InnoDB
//! and Seastar drive it. One AIO context per worker with one request (and
//! one buffer) per slot, so `--qd` requests are in flight per worker.
//!
//! Each turn of the loop asks every free slot for its op, hands all the
//! requests prepared in that turn to one `io_submit`, then one
//! `io_getevents` waits for at least one completion (bounded by the
//! earliest [`Next::At`]) and reaps every ready one. Reads and writes are
//! IOCB_CMD_PREAD/PWRITE (an op's RWF_* flags in `aio_rw_flags`), syncs
//! IOCB_CMD_FSYNC/FDSYNC, which the kernel takes since 4.18. Two clock
//! readings per turn, as on the ring: before the submit (the submit time of
//! the ops it sends) and after the wait (the done time of the ops it
//! reaps). Nothing on the loop allocates; the [`super::Stop`] flags are
//! read once per turn.

use std::{
    os::fd::AsRawFd,
    time::{Duration, Instant},
};

use super::{Config, EngineError, Next, Op, OpKind, Ran, Workload, buffers::SlotBuffers};
use crate::dio::{
    File,
    os::aio::{CMD_FDSYNC, CMD_FSYNC, CMD_PREAD, CMD_PWRITE, Context, IoEvent, Iocb},
};

/// The longest one wait lasts with nothing in flight, so a stop set by
/// another thread is seen.
const IDLE_WAIT: Duration = Duration::from_millis(50);

/// A libaio engine set up for one worker.
pub struct Aio<'a> {
    // Dropped first: io_destroy waits for what is in flight before the
    // buffers are freed.
    ctx: Context,
    bufs: SlotBuffers,
    file: File,
    slots: usize,
    stop: super::Stop<'a>,
}

impl<'a> Aio<'a> {
    /// An AIO context of `config.slots` requests and their buffers on `file`.
    pub fn setup(file: &File, config: &Config<'a>) -> Result<Self, EngineError> {
        let slots = config.slots.max(1);
        let ctx = Context::new(slots as u32).map_err(EngineError::Aio)?;
        let bufs = SlotBuffers::new(slots, config.buf_len)?;
        Ok(Self { ctx, bufs, file: file.clone(), slots, stop: config.stop })
    }

    /// Slot `slot`'s buffer, to fill before the run.
    pub fn buffer(&mut self, slot: usize) -> &mut [u8] {
        assert!(slot < self.slots, "slot {slot} of {}", self.slots);
        // SAFETY: nothing is in flight before `run`, and `&mut self` is unique.
        unsafe { self.bufs.slot(slot) }
    }

    /// Runs `w` to the end: until every slot is done, or the stop flag (or
    /// a signal) was seen and the requests in flight have completed.
    pub fn run(self, w: &mut impl Workload) -> Result<Ran, EngineError> {
        let fd = self.file.as_raw_fd() as u32;
        let bufs = &self.bufs;
        let mut iocbs = vec![Iocb::default(); self.slots];
        let mut events = vec![IoEvent::default(); self.slots];
        let mut flight: Vec<Option<(Op, Instant)>> = vec![None; self.slots];
        let mut free: Vec<u32> = (0..self.slots as u32).rev().collect();
        let mut idle: Vec<u32> = Vec::with_capacity(self.slots);
        let mut prepared: Vec<*mut Iocb> = Vec::with_capacity(self.slots);
        let (mut in_flight, mut ops, mut submits) = (0usize, 0u64, 0u64);
        let mut stopping = false;
        let mut now = Instant::now();
        loop {
            if !stopping && self.stop.requested() {
                stopping = true;
                w.stopped(now);
            }
            let mut wake: Option<Instant> = None;
            let mut i = 0;
            while !stopping && i < free.len() {
                let slot = free[i] as usize;
                // SAFETY: a free slot has nothing in flight.
                match w.next(slot, unsafe { bufs.slot(slot) }, now) {
                    Next::Issue(op) => {
                        iocbs[slot] = request(fd, slot, bufs.ptr(slot), &op);
                        prepared.push(&raw mut iocbs[slot]);
                        flight[slot] = Some((op, now));
                        in_flight += 1;
                        free.swap_remove(i);
                    }
                    Next::At(at) => {
                        wake = Some(wake.map_or(at, |w| w.min(at)));
                        i += 1;
                    }
                    Next::Idle => {
                        idle.push(slot as u32);
                        free.swap_remove(i);
                    }
                    Next::Done => {
                        free.swap_remove(i);
                    }
                }
            }
            if in_flight == 0 && (stopping || wake.is_none()) {
                return Ok(Ran::system_calls(ops, submits));
            }
            let mut refused = 0u64;
            if !prepared.is_empty() {
                let at = Instant::now();
                let mut sent = 0;
                while sent < prepared.len() {
                    // SAFETY: each iocb lives in `iocbs`, its buffer in `bufs`,
                    // neither touched until its completion is reaped.
                    let result = unsafe { self.ctx.submit(&prepared[sent..]) };
                    submits += 1;
                    match result {
                        Ok(n) if n > 0 => {
                            for &p in &prepared[sent..sent + n] {
                                // SAFETY: `p` points into `iocbs`.
                                let slot = unsafe { (*p).data } as usize;
                                if let Some((_, submitted)) = flight[slot].as_mut() {
                                    *submitted = at;
                                }
                            }
                            sent += n;
                        }
                        // The kernel refused the first request: it completes
                        // at once with the error, as a ring's CQE would say it.
                        outcome => {
                            let errno = outcome.err().and_then(|e| e.raw_os_error()).unwrap_or(libc::EAGAIN);
                            // SAFETY: `prepared[sent]` points into `iocbs`.
                            let slot = unsafe { (*prepared[sent]).data } as usize;
                            if let Some((op, _)) = flight[slot].take() {
                                let done = Instant::now();
                                // SAFETY: the request never reached the kernel.
                                w.complete(slot, op, unsafe { bufs.slot(slot) }, -errno, at, done);
                                free.push(slot as u32);
                                in_flight -= 1;
                                refused += 1;
                            }
                            sent += 1;
                        }
                    }
                }
                prepared.clear();
            }
            if in_flight == 0 {
                if refused == 0 {
                    let left = wake.map_or(IDLE_WAIT, |at| at.saturating_duration_since(Instant::now()));
                    std::thread::sleep(left.min(IDLE_WAIT));
                } else {
                    ops += refused;
                    free.append(&mut idle);
                    w.reaped();
                }
                now = Instant::now();
                continue;
            }
            let timeout = wake.map(|at| at.saturating_duration_since(Instant::now()));
            let n = self.ctx.get_events(1, &mut events, timeout).map_err(EngineError::Aio)?;
            let done = Instant::now();
            for event in &events[..n] {
                let slot = event.data as usize;
                if let Some((op, submitted)) = flight.get_mut(slot).and_then(Option::take) {
                    let result = i32::try_from(event.res).unwrap_or(i32::MAX);
                    // SAFETY: the request has completed: the kernel is done with its buffer.
                    w.complete(slot, op, unsafe { bufs.slot(slot) }, result, submitted, done);
                    free.push(slot as u32);
                    in_flight -= 1;
                }
            }
            let reaped = n as u64 + refused;
            if reaped > 0 {
                ops += reaped;
                free.append(&mut idle);
                w.reaped();
            }
            now = done;
        }
    }
}

/// The request for `op` of `slot`, whose buffer starts at `buf`.
fn request(fd: u32, slot: usize, buf: *mut u8, op: &Op) -> Iocb {
    let opcode = match op.kind {
        OpKind::Read => CMD_PREAD,
        OpKind::Write => CMD_PWRITE,
        OpKind::Fsync => CMD_FSYNC,
        OpKind::Fdatasync => CMD_FDSYNC,
        // Native AIO has no no-op the kernel takes; the plan never pairs
        // libaio with nop. A zero-length read does no I/O.
        OpKind::Nop => CMD_PREAD,
    };
    let io = matches!(op.kind, OpKind::Read | OpKind::Write);
    Iocb {
        data: slot as u64,
        rw_flags: if io { op.rw_flags } else { 0 },
        opcode,
        fd,
        buf: if io { buf as u64 } else { 0 },
        nbytes: if io { u64::from(op.len) } else { 0 },
        offset: if io { op.offset as i64 } else { 0 },
        ..Iocb::default()
    }
}
