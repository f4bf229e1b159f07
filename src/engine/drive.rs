//! The loop: ask free slots for ops, push their SQEs, one io_uring_enter
//! that submits them and waits for at least one completion (bounded by the
//! earliest [`Next::At`]), reap every ready CQE, repeat.
//!
//! Everything it needs is allocated before the first turn; a turn allocates
//! nothing. The [`Stop`] flags are read once per turn.

use std::time::{Duration, Instant};

use io_uring::{IoUring, types};

use super::{EngineError, Next, Op, Policy, Ran, Stop, Submit, Workload, buffers::SlotBuffers, sqe};

/// The longest one wait lasts with nothing in flight, so a stop set by
/// another thread (not a signal, which interrupts the wait) is seen.
const IDLE_WAIT: Duration = Duration::from_millis(50);

/// What the loop drives: the slots' buffers and how SQEs address things.
pub struct Lanes<'b> {
    pub bufs: &'b SlotBuffers,
    pub slots: usize,
    pub target: sqe::Target,
    pub policy: Policy,
}

/// Runs `w` on `ring` to the end (see the module doc).
pub fn drive(
    ring: &mut IoUring,
    lanes: &Lanes,
    stop: Stop<'_>,
    ran: &mut Ran,
    w: &mut impl Workload,
) -> Result<(), EngineError> {
    let (mut submitter, mut sq, mut cq) = ring.split();
    ran.registered_ring = submitter.register_ring_fd().is_ok();
    let each_op = lanes.policy.submit == Submit::EachOp;
    let bufs = lanes.bufs;
    // Per slot: the op in flight and when it was submitted.
    let mut flight: Vec<Option<(Op, Instant)>> = vec![None; lanes.slots];
    let mut free: Vec<u32> = (0..lanes.slots as u32).rev().collect();
    let mut idle: Vec<u32> = Vec::with_capacity(lanes.slots);
    let mut prepared: Vec<u32> = Vec::with_capacity(lanes.slots);
    let mut in_flight = 0usize;
    let mut stopping = false;
    let mut now = Instant::now();
    loop {
        if !stopping && stop.requested() {
            stopping = true;
            w.stopped(now);
        }
        let mut wake: Option<Instant> = None;
        if !stopping {
            let mut i = 0;
            while i < free.len() {
                let slot = free[i] as usize;
                // SAFETY: a free slot has nothing in flight.
                match w.next(slot, unsafe { bufs.slot(slot) }, now) {
                    Next::Issue(op) => {
                        let entry = sqe::build(lanes.target, slot, bufs.ptr(slot), op);
                        // SAFETY: the buffer stays allocated and untouched
                        // until the op's CQE; the SQ has room for every slot.
                        if unsafe { sq.push(&entry) }.is_err() {
                            unreachable!("the SQ holds at least one entry per slot");
                        }
                        if each_op {
                            let at = Instant::now();
                            sq.sync();
                            submit(&submitter, None)?;
                            sq.sync();
                            ran.enters += 1;
                            flight[slot] = Some((op, at));
                        } else {
                            flight[slot] = Some((op, now));
                            prepared.push(slot as u32);
                        }
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
        }
        if in_flight == 0 && (stopping || wake.is_none()) {
            // Nothing in flight and nothing due: every slot is done (an
            // idle one would wait for a completion that cannot come).
            return Ok(());
        }
        if !prepared.is_empty() {
            let at = Instant::now();
            for &slot in &prepared {
                if let Some((_, submitted)) = flight[slot as usize].as_mut() {
                    *submitted = at;
                }
            }
            prepared.clear();
        }
        sq.sync();
        let wait = wake.map(|at| {
            let left = at.saturating_duration_since(Instant::now());
            if in_flight == 0 { left.min(IDLE_WAIT) } else { left }
        });
        submit(&submitter, Some(wait))?;
        ran.enters += 1;
        let done = Instant::now();
        // The kernel's head: the entries it took are free again.
        sq.sync();
        cq.sync();
        let mut reaped = 0u64;
        for cqe in &mut cq {
            let slot = cqe.user_data() as usize;
            if let Some((op, submitted)) = flight.get_mut(slot).and_then(Option::take) {
                // SAFETY: the slot's op has completed: the kernel is done with its buffer.
                w.complete(slot, op, unsafe { bufs.slot(slot) }, cqe.result(), submitted, done);
                free.push(slot as u32);
                in_flight -= 1;
                reaped += 1;
            }
        }
        cq.sync();
        if reaped > 0 {
            ran.ops += reaped;
            free.append(&mut idle);
            w.reaped();
        }
        now = done;
    }
}

/// One io_uring_enter: `wait` None submits only; Some(None) submits and
/// waits for a completion; Some(Some(d)) waits at most `d`. A wait cut
/// short (timeout, signal, a full CQ) is not an error: the loop goes on.
#[inline]
fn submit(submitter: &io_uring::Submitter, wait: Option<Option<Duration>>) -> Result<(), EngineError> {
    let result = match wait {
        None => submitter.submit(),
        Some(None) => submitter.submit_and_wait(1),
        Some(Some(d)) => {
            let ts = types::Timespec::from(d);
            submitter.submit_with_args(1, &types::SubmitArgs::new().timespec(&ts))
        }
    };
    match result {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.raw_os_error(), Some(libc::ETIME | libc::EINTR | libc::EBUSY | libc::EAGAIN)) => Ok(()),
        Err(e) => Err(EngineError::Enter(e)),
    }
}
