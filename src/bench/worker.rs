//! One bench worker: its own thread, compio runtime, ring and file handle,
//! keeping exactly `qd` operations in flight (one task per slot) until the
//! plan says stop.
//!
//! The hot path takes two clock readings per op, records into the worker's
//! own histogram, and neither prints, locks nor allocates: slot buffers are
//! allocated and registered once, before the start barrier.

use std::{
    cell::RefCell,
    rc::Rc,
    sync::{
        Arc, Barrier,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use compio::runtime::RuntimeBuilder;

use super::{
    args::{DataKind, Submit},
    data::{fill_random, stamp_block},
    dist::Offsets,
    plan::{Plan, Stop},
    schedule::Schedule,
    series::Recorder,
    stats::WorkerStats,
    uring::{self, Registered, RwOp},
};
use crate::{
    bench::stats::Lateness,
    blockcheck::{
        classify::{Checker, Verdict},
        findings::BadBlock,
        format,
    },
    dio::{AlignedBuf, File},
    progress::Counter,
};

/// What a worker is given.
pub struct WorkerSpec {
    pub plan: Arc<Plan>,
    pub offsets: Offsets,
    /// Measured ops this worker does with `Stop::Ops`.
    pub ops_budget: u64,
    pub barrier: Arc<Barrier>,
    /// Set by any worker on an I/O error (and by SIGINT): everyone stops issuing.
    pub stop: Arc<AtomicBool>,
    pub progress: Arc<Counter>,
    /// `--start-at`, Unix ns: after the barrier, wait until then.
    pub start_at: Option<u64>,
}

/// The state the worker's slot tasks share (one thread, so a RefCell).
struct Shared {
    offsets: Offsets,
    stats: WorkerStats,
    ramp_end: Instant,
    deadline: Option<Instant>,
    ops_left: u64,
    /// Completions of measured I/Os (errors too): what the bar shows.
    measured_done: u64,
    read_pct: u32,
    bs: u64,
    last_done: Instant,
    stamp: u64,
    /// With --verify: checks blocks read.
    checker: Option<Checker>,
    /// Open loop: when the next I/O is due.
    schedule: Option<Schedule>,
    /// --interval: the live interval histograms.
    series: Option<Recorder>,
    /// When a stop (an error, a signal) ended issuing, if one did.
    stopped_at: Option<Instant>,
}

/// Runs one worker to completion. Setup errors are returned after the start
/// barrier so no other worker waits forever.
pub fn run(spec: WorkerSpec) -> Result<WorkerStats, String> {
    let plan = spec.plan.clone();
    let setup = prepare(&plan);
    let (file, mut bufs, runtime) = match setup {
        Ok(ready) => ready,
        Err(e) => {
            spec.barrier.wait();
            return Err(e);
        }
    };
    let result = runtime.block_on(async {
        let reg = Registered::register(&file, &mut bufs);
        let slots: Vec<(*mut u8, usize)> = bufs.iter_mut().map(|b| (b.as_mut_ptr(), b.len())).collect();
        spec.barrier.wait();
        let late_ns = spec.start_at.map(crate::fleet::start::wait_until);
        let (start, start_unix_ns) = (Instant::now(), crate::fleet::start::now_unix_ns());
        let ramp_end = start + plan.ramp;
        let deadline = match plan.stop {
            Stop::Time(t) => Some(ramp_end + t),
            Stop::Ops(_) => None,
        };
        let mut offsets = spec.offsets;
        if plan.data == DataKind::Random {
            for &(ptr, len) in &slots {
                // SAFETY: the slot buffer is live and not in flight yet.
                fill_random(unsafe { std::slice::from_raw_parts_mut(ptr, len) }, &mut offsets);
            }
        }
        let shared = Rc::new(RefCell::new(Shared {
            stamp: offsets.word(),
            offsets,
            stats: WorkerStats::default(),
            ramp_end,
            deadline,
            ops_left: spec.ops_budget,
            measured_done: 0,
            read_pct: plan.read_pct,
            bs: plan.bs,
            last_done: ramp_end,
            checker: plan.verify.then(|| Checker::new(plan.seed, plan.bs as usize)),
            schedule: plan.rate.map(|rate| Schedule::new(start, rate / f64::from(plan.jobs), plan.arrival, plan.seed)),
            series: plan.interval.map(|every| Recorder::new(every.as_nanos())),
            stopped_at: None,
        }));
        let handles: Vec<_> = slots
            .into_iter()
            .enumerate()
            .map(|(index, slot)| {
                let ctx = SlotCtx {
                    shared: shared.clone(),
                    stop: spec.stop.clone(),
                    progress: spec.progress.clone(),
                    reg,
                    index: index as u16,
                    slot,
                    stamp_writes: plan.data == DataKind::Random,
                    verify_seed: plan.verify.then_some(plan.seed),
                    eager: plan.submit == Submit::Eager || (plan.submit == Submit::Auto && plan.qd > 1),
                };
                compio::runtime::spawn(slot_loop(ctx))
            })
            .collect();
        for handle in handles {
            let _ = handle.await;
        }
        let mut shared = shared.borrow_mut();
        shared.censor_unstarted(Instant::now());
        shared.stats.measured_ns = shared.last_done.saturating_duration_since(ramp_end).as_nanos() as u64;
        let window_start = start_unix_ns + plan.ramp.as_nanos() as u64;
        shared.stats.window_unix_ns = Some((window_start, window_start + shared.stats.measured_ns));
        shared.stats.start_late_ns = late_ns;
        if let Some(series) = shared.series.take() {
            shared.stats.series = series.finish();
        }
        std::mem::take(&mut shared.stats)
    });
    drop(runtime);
    drop(bufs);
    Ok(result)
}

type Prepared = (File, Vec<AlignedBuf>, compio::runtime::Runtime);

fn prepare(plan: &Plan) -> Result<Prepared, String> {
    let runtime = RuntimeBuilder::new()
        .with_proactor(uring::proactor(plan.qd, plan.qd == 1))
        .build()
        .map_err(|e| format!("cannot set up an io_uring runtime: {e}"))?;
    let file = runtime.block_on(async {
        if plan.mode.writes() { File::open_rw(&plan.path).await } else { File::open(&plan.path).await }
    });
    let file = file.map_err(|e| e.to_string())?;
    let bufs = (0..plan.qd).map(|_| AlignedBuf::zeroed(plan.bs as usize)).collect::<Result<Vec<_>, _>>();
    let bufs = bufs.map_err(|e| e.to_string())?;
    Ok((file, bufs, runtime))
}

struct SlotCtx {
    shared: Rc<RefCell<Shared>>,
    stop: Arc<AtomicBool>,
    progress: Arc<Counter>,
    reg: Registered,
    index: u16,
    slot: (*mut u8, usize),
    stamp_writes: bool,
    eager: bool,
    verify_seed: Option<u64>,
}

/// One slot: issue, wait, record, until told to stop.
async fn slot_loop(ctx: SlotCtx) {
    let mut now = Instant::now();
    loop {
        let Some(Next { write, offset, measured, stamp, intended }) = ctx.shared.borrow_mut().next_op(now, &ctx.stop)
        else {
            break;
        };
        if let Some(due) = intended.filter(|&due| due > now) {
            compio::time::sleep_until(due).await;
        }
        // SAFETY: this slot's buffer is not in flight between ops.
        let block = unsafe { std::slice::from_raw_parts_mut(ctx.slot.0, ctx.slot.1) };
        match ctx.verify_seed {
            Some(seed) if write => format::encode(block, seed, offset, 1),
            None if write && ctx.stamp_writes => stamp_block(block, offset, stamp),
            _ => {}
        }
        // SAFETY: the slot is registered buffer `index`, kept alive with the
        // runtime, and this task is its only user until the op completes.
        let op = unsafe { RwOp::new(ctx.reg, ctx.index, ctx.slot.0, ctx.slot.1 as u32, offset, write) };
        let t0 = Instant::now();
        let result = uring::submit(op, ctx.eager).await;
        now = Instant::now();
        let mut shared = ctx.shared.borrow_mut();
        let complete = result.as_ref().is_ok_and(|&n| n == block.len());
        let timing = Timing { done: now, service: now.duration_since(t0), intended, submitted: t0 };
        shared.complete(write, measured, offset, timing, result);
        if !write && complete {
            shared.check_block(block, offset);
        }
        if shared.stats.first_error.is_some() {
            ctx.stop.store(true, Ordering::Relaxed);
        }
        ctx.progress.set(shared.stats.total_ops_including_ramp, shared.measured_done);
    }
}

/// The next I/O to issue.
struct Next {
    write: bool,
    offset: u64,
    /// Issued (or due, in open loop) after the ramp.
    measured: bool,
    stamp: u64,
    /// Open loop: when it is due.
    intended: Option<Instant>,
}

/// When one I/O was due, submitted and done.
struct Timing {
    done: Instant,
    service: Duration,
    intended: Option<Instant>,
    submitted: Instant,
}

impl Shared {
    /// The next op, or None to stop. The run ends on the wall clock: no
    /// I/O starts after the deadline, whatever the rate. In open loop, the
    /// measured window is the I/Os due in it; those due in the ramp but not
    /// started by its end are dropped unmeasured (a ramp never spills into
    /// the window).
    #[inline]
    fn next_op(&mut self, now: Instant, stop: &AtomicBool) -> Option<Next> {
        if stop.load(Ordering::Relaxed) || crate::interrupt::requested() {
            self.stopped_at.get_or_insert(now);
            return None;
        }
        if self.deadline.is_some_and(|deadline| now >= deadline) {
            return None;
        }
        let intended = match self.schedule.as_mut() {
            Some(schedule) => {
                if now >= self.ramp_end {
                    schedule.skip_to(self.ramp_end);
                }
                if self.deadline.is_some_and(|deadline| schedule.peek() >= deadline) {
                    return None;
                }
                Some(schedule.take())
            }
            None => None,
        };
        let measured = intended.unwrap_or(now) >= self.ramp_end;
        if measured && self.deadline.is_none() {
            if self.ops_left == 0 {
                return None;
            }
            self.ops_left -= 1;
        }
        let write = match self.read_pct {
            100 => false,
            0 => true,
            pct => self.offsets.percent() >= pct,
        };
        self.stamp = self.stamp.wrapping_add(1);
        Some(Next { write, offset: self.offsets.next_offset(), measured, stamp: self.stamp, intended })
    }

    /// Open loop, once the slots have drained at `end`: the I/Os due in the
    /// measured window (up to `end`, or to a stop) that never started are counted and
    /// enter the response histograms censored at `end - due`, a lower bound
    /// of what a client would have waited. In bulk: the count comes from the
    /// schedule, not from per-I/O work.
    fn censor_unstarted(&mut self, end: Instant) {
        let Some(schedule) = self.schedule.as_mut() else { return };
        let until = self.deadline.map_or(end, |deadline| deadline.min(end)).min(self.stopped_at.unwrap_or(end));
        let limit = if self.deadline.is_some() { u64::MAX } else { self.ops_left };
        schedule.skip_to(self.ramp_end);
        let stats = &mut self.stats;
        let probe = &stats.lateness.delay;
        let (read, write) = (&mut stats.read.response, &mut stats.write.response);
        let read_pct = u64::from(self.read_pct);
        let mut seen = 0u64;
        let taken = schedule.censor(
            until,
            end,
            limit,
            |v| probe.lowest_equivalent(v),
            |v, n| {
                // Mixed modes: split in the plan's proportion, rounding on
                // the running total so the split is exact overall.
                let reads = (seen + n) * read_pct / 100 - seen * read_pct / 100;
                seen += n;
                if reads > 0 {
                    read.saturating_record_n(v, reads);
                }
                if n > reads {
                    write.saturating_record_n(v, n - reads);
                }
            },
        );
        if taken > 0 {
            stats.unstarted += taken;
            self.last_done = self.last_done.max(until);
        }
    }

    /// With --verify, checks a block that was read.
    #[inline]
    fn check_block(&mut self, block: &[u8], offset: u64) {
        let Some(checker) = self.checker.as_mut() else { return };
        let tally = &mut self.stats.verify;
        tally.checked += 1;
        if let Verdict::Bad(class, detail) = checker.check(block, offset) {
            *tally.bad.entry(class.name()).or_default() += 1;
            let known = tally.examples.iter().any(|b| b.offset == offset);
            if !known && tally.examples.len() < super::stats::VerifyTally::EXAMPLES {
                tally.examples.push(BadBlock { offset, class, detail });
            }
        }
    }

    /// Records one completion.
    #[inline]
    fn complete(&mut self, write: bool, measured: bool, offset: u64, t: Timing, result: std::io::Result<usize>) {
        self.stats.total_ops_including_ramp += 1;
        self.measured_done += u64::from(measured);
        let bs = self.bs;
        let kind = if write { &mut self.stats.write } else { &mut self.stats.read };
        let ns = |d: Duration| d.as_nanos().max(1) as u64;
        match result {
            Ok(n) if n as u64 == bs => {
                if measured {
                    kind.ops += 1;
                    kind.bytes += bs;
                    kind.hist.saturating_record(ns(t.service));
                    let response = t.intended.map(|due| ns(t.done.saturating_duration_since(due)));
                    if let (Some(due), Some(seen)) = (t.intended, response) {
                        kind.response.saturating_record(seen);
                        let delay = t.submitted.saturating_duration_since(due).as_nanos() as u64;
                        self.stats.lateness.delay.saturating_record(delay.max(1));
                        self.stats.lateness.late += u64::from(delay > Lateness::THRESHOLD_NS);
                    }
                    if let Some(series) = self.series.as_mut() {
                        let at = t.done.saturating_duration_since(self.ramp_end).as_nanos();
                        series.record(at, write, bs, ns(t.service), response);
                    }
                    self.last_done = self.last_done.max(t.done);
                }
            }
            other => {
                kind.errors += 1;
                let what = if write { "write" } else { "read" };
                let detail = match other {
                    Ok(n) => format!("short {what}: {n} of {bs} bytes"),
                    Err(e) => format!("{what} failed: {e}"),
                };
                self.stats.first_error.get_or_insert(format!("{detail} at offset {offset}"));
            }
        }
    }
}
