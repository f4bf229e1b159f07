//! One bench worker's [`Workload`] on the engine: which offset each free
//! slot reads or writes next (closed loop, or open loop on a schedule), and
//! what a completion adds to the worker's statistics, series and verify
//! tally.
//!
//! Nothing here prints, locks or allocates per I/O: slot state is a vector
//! sized at set-up, histograms are pre-sized.

use std::{
    io,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use super::{
    data::stamp_block,
    dist::Offsets,
    plan::{Plan, Stop},
    schedule::Schedule,
    series::Recorder,
    stats::{Lateness, VerifyTally, WorkerStats},
};
use crate::model::bench::DataKind;
use crate::{
    engine::{Next, Op, OpKind, Workload},
    progress::Counter,
    io::block::{
        classify::{Checker, Verdict},
        findings::BadBlock,
        format,
    },
};

/// What one slot has in flight, beyond its [`Op`].
#[derive(Debug, Clone, Copy, Default)]
struct SlotOp {
    write: bool,
    /// Issued (or due, in open loop) after the ramp.
    measured: bool,
    /// Open loop: when it was due.
    intended: Option<Instant>,
}

/// A bench worker's state over one run.
pub struct BenchLoad {
    pub offsets: Offsets,
    pub stats: WorkerStats,
    pub ramp_end: Instant,
    pub deadline: Option<Instant>,
    ops_left: u64,
    /// Completions of measured I/Os (errors too): what the bar shows.
    measured_done: u64,
    read_pct: u32,
    bs: u64,
    pub last_done: Instant,
    stamp: u64,
    stamp_writes: bool,
    verify_seed: Option<u64>,
    /// --engine nop: ops move no data; each counts as `bs` bytes done.
    nop: bool,
    /// With --verify: checks blocks read.
    checker: Option<Checker>,
    /// Open loop: when the next I/O is due.
    schedule: Option<Schedule>,
    /// --interval: the live interval histograms.
    pub series: Option<Recorder>,
    /// When a stop (an error, a signal) ended issuing, if one did.
    stopped_at: Option<Instant>,
    slots: Vec<SlotOp>,
    /// Set on this worker's first I/O error: every worker stops issuing.
    stop: Arc<AtomicBool>,
    progress: Arc<Counter>,
}

impl BenchLoad {
    /// The state for a run of `plan` starting at `start`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        plan: &Plan,
        mut offsets: Offsets,
        ops_budget: u64,
        start: Instant,
        stop: Arc<AtomicBool>,
        progress: Arc<Counter>,
    ) -> Self {
        let ramp_end = start + plan.ramp;
        let deadline = match plan.stop {
            Stop::Time(t) => Some(ramp_end + t),
            Stop::Ops(_) => None,
        };
        Self {
            stamp: offsets.word(),
            offsets,
            stats: WorkerStats::default(),
            ramp_end,
            deadline,
            ops_left: ops_budget,
            measured_done: 0,
            read_pct: plan.read_pct,
            bs: plan.bs,
            last_done: ramp_end,
            stamp_writes: plan.data == DataKind::Random,
            verify_seed: plan.verify.then_some(plan.seed),
            nop: plan.engine.is_nop(),
            checker: plan.verify.then(|| Checker::new(plan.seed, plan.bs as usize)),
            schedule: plan.rate.map(|rate| Schedule::new(start, rate / f64::from(plan.jobs), plan.arrival, plan.seed)),
            series: plan.interval.map(|every| Recorder::new(every.as_nanos())),
            stopped_at: None,
            slots: vec![SlotOp::default(); plan.qd as usize],
            stop,
            progress,
        }
    }

    /// Open loop, once the slots have drained at `end`: the I/Os due in the
    /// measured window (up to `end`, or to a stop) that never started are counted and
    /// enter the response histograms censored at `end - due`, a lower bound
    /// of what a client would have waited. In bulk: the count comes from the
    /// schedule, not from per-I/O work.
    pub fn censor_unstarted(&mut self, end: Instant) {
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
            if !known && tally.examples.len() < VerifyTally::EXAMPLES {
                tally.examples.push(BadBlock { offset, class, detail });
            }
        }
    }

    /// Records one completion: `result` is bytes done or the error.
    #[inline]
    fn record(&mut self, s: SlotOp, offset: u64, submitted: Instant, done: Instant, result: io::Result<usize>) {
        self.stats.total_ops_including_ramp += 1;
        self.measured_done += u64::from(s.measured);
        let bs = self.bs;
        let kind = if s.write { &mut self.stats.write } else { &mut self.stats.read };
        let ns = |d: Duration| d.as_nanos().max(1) as u64;
        match result {
            Ok(n) if n as u64 == bs => {
                if s.measured {
                    let service = ns(done.saturating_duration_since(submitted));
                    kind.ops += 1;
                    kind.bytes += bs;
                    kind.hist.saturating_record(service);
                    let response = s.intended.map(|due| ns(done.saturating_duration_since(due)));
                    if let (Some(due), Some(seen)) = (s.intended, response) {
                        kind.response.saturating_record(seen);
                        let delay = submitted.saturating_duration_since(due).as_nanos() as u64;
                        self.stats.lateness.delay.saturating_record(delay.max(1));
                        self.stats.lateness.late += u64::from(delay > Lateness::THRESHOLD_NS);
                    }
                    if let Some(series) = self.series.as_mut() {
                        let at = done.saturating_duration_since(self.ramp_end).as_nanos();
                        series.record(at, s.write, bs, service, response);
                    }
                    self.last_done = self.last_done.max(done);
                }
            }
            other => {
                kind.errors += 1;
                let what = if s.write { "write" } else { "read" };
                let detail = match other {
                    Ok(n) => format!("short {what}: {n} of {bs} bytes"),
                    Err(e) => format!("{what} failed: {e}"),
                };
                self.stats.first_error.get_or_insert(format!("{detail} at offset {offset}"));
            }
        }
    }
}

impl Workload for BenchLoad {
    /// The next op, or Done. The run ends on the wall clock: no I/O starts
    /// after the deadline, whatever the rate. In open loop, the measured
    /// window is the I/Os due in it; those due in the ramp but not started
    /// by its end are dropped unmeasured (a ramp never spills into the
    /// window).
    #[inline]
    fn next(&mut self, slot: usize, buf: &mut [u8], now: Instant) -> Next {
        if self.deadline.is_some_and(|deadline| now >= deadline) {
            return Next::Done;
        }
        let due = match self.schedule.as_mut() {
            Some(schedule) => {
                if now >= self.ramp_end {
                    schedule.skip_to(self.ramp_end);
                }
                let due = schedule.peek();
                if self.deadline.is_some_and(|deadline| due >= deadline) {
                    return Next::Done;
                }
                Some(due)
            }
            None => None,
        };
        let measured = due.unwrap_or(now) >= self.ramp_end;
        let counted = measured && self.deadline.is_none();
        if counted && self.ops_left == 0 {
            return Next::Done;
        }
        if let Some(due) = due {
            if due > now {
                return Next::At(due);
            }
            if let Some(schedule) = self.schedule.as_mut() {
                schedule.take();
            }
        }
        self.ops_left -= u64::from(counted);
        let write = match self.read_pct {
            100 => false,
            0 => true,
            pct => self.offsets.percent() >= pct,
        };
        self.stamp = self.stamp.wrapping_add(1);
        let offset = self.offsets.next_offset();
        let kind = match (self.nop, write) {
            (true, _) => OpKind::Nop,
            (false, true) => OpKind::Write,
            (false, false) => OpKind::Read,
        };
        if kind == OpKind::Write {
            match self.verify_seed {
                Some(seed) => format::encode(buf, seed, offset, 1),
                None if self.stamp_writes => stamp_block(buf, offset, self.stamp),
                None => {}
            }
        }
        self.slots[slot] = SlotOp { write, measured, intended: due };
        Next::Issue(Op { kind, offset, len: self.bs as u32, rw_flags: 0 })
    }

    #[inline]
    fn complete(&mut self, slot: usize, op: Op, buf: &mut [u8], result: i32, submitted: Instant, done: Instant) {
        let s = self.slots[slot];
        let result = match result {
            n if n < 0 => Err(io::Error::from_raw_os_error(-n)),
            _ if op.kind == OpKind::Nop => Ok(self.bs as usize),
            n => Ok(n as usize),
        };
        let whole = result.as_ref().is_ok_and(|&n| n as u64 == self.bs);
        self.record(s, op.offset, submitted, done, result);
        if op.kind == OpKind::Read && whole {
            self.check_block(buf, op.offset);
        }
        if self.stats.first_error.is_some() {
            self.stop.store(true, Ordering::Relaxed);
        }
    }

    fn stopped(&mut self, now: Instant) {
        self.stopped_at.get_or_insert(now);
    }

    #[inline]
    fn reaped(&mut self) {
        self.progress.set(self.stats.total_ops_including_ramp, self.measured_done);
    }
}
