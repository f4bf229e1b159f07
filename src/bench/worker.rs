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
    dist::Offsets,
    plan::{Plan, Stop},
    stats::WorkerStats,
    uring::{self, Registered, RwOp},
};
use crate::{
    dio::{AlignedBuffer, File},
    progress::Counter,
    verify::{
        classify::{Checker, Verdict},
        findings::BadBlock,
        format,
    },
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
}

/// The state the worker's slot tasks share (one thread, so a RefCell).
struct Shared {
    offsets: Offsets,
    stats: WorkerStats,
    ramp_end: Instant,
    deadline: Option<Instant>,
    ops_left: u64,
    read_pct: u32,
    bs: u64,
    last_done: Instant,
    stamp: u64,
    /// With --verify: checks blocks read.
    checker: Option<Checker>,
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
        let start = Instant::now();
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
            read_pct: plan.read_pct,
            bs: plan.bs,
            last_done: ramp_end,
            checker: plan.verify.then(|| Checker::new(plan.seed, plan.bs as usize)),
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
        shared.stats.measured_ns = shared.last_done.saturating_duration_since(ramp_end).as_nanos() as u64;
        std::mem::take(&mut shared.stats)
    });
    drop(runtime);
    drop(bufs);
    Ok(result)
}

type Prepared = (File, Vec<AlignedBuffer>, compio::runtime::Runtime);

fn prepare(plan: &Plan) -> Result<Prepared, String> {
    let file = if plan.mode.writes() { File::open_rw(&plan.path) } else { File::open(&plan.path) };
    let file = file.map_err(|e| e.to_string())?;
    let bufs = (0..plan.qd).map(|_| AlignedBuffer::zeroed(plan.bs as usize)).collect::<Result<Vec<_>, _>>();
    let bufs = bufs.map_err(|e| e.to_string())?;
    let runtime = RuntimeBuilder::new()
        .with_proactor(uring::proactor(plan.qd))
        .build()
        .map_err(|e| format!("cannot set up an io_uring runtime: {e}"))?;
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
        let Some((write, offset, measured, stamp)) = ctx.shared.borrow_mut().next_op(now, &ctx.stop) else {
            break;
        };
        // SAFETY: this slot's buffer is not in flight between ops.
        let block = unsafe { std::slice::from_raw_parts_mut(ctx.slot.0, ctx.slot.1) };
        match ctx.verify_seed {
            Some(seed) if write => format::encode(block, seed, offset, 1),
            None if write && ctx.stamp_writes => stamp_block(block, offset, stamp),
            _ => {}
        }
        let op = RwOp::new(ctx.reg, ctx.index, ctx.slot.0, ctx.slot.1 as u32, offset, write);
        let t0 = Instant::now();
        let result = uring::submit(op, ctx.eager).await;
        now = Instant::now();
        let mut shared = ctx.shared.borrow_mut();
        let complete = result.as_ref().is_ok_and(|&n| n == block.len());
        shared.complete(write, measured, offset, now, now.duration_since(t0), result);
        if !write && complete {
            shared.check_block(block, offset);
        }
        if shared.stats.first_error.is_some() {
            ctx.stop.store(true, Ordering::Relaxed);
        }
        ctx.progress.set(shared.stats.total_ops_including_ramp);
    }
}

impl Shared {
    /// The next op (write?, offset, measured?, stamp) or None to stop.
    #[inline]
    fn next_op(&mut self, now: Instant, stop: &AtomicBool) -> Option<(bool, u64, bool, u64)> {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let measured = now >= self.ramp_end;
        if measured {
            match self.deadline {
                Some(deadline) if now >= deadline => return None,
                Some(_) => {}
                None if self.ops_left == 0 => return None,
                None => self.ops_left -= 1,
            }
        }
        let write = match self.read_pct {
            100 => false,
            0 => true,
            pct => self.offsets.percent() >= pct,
        };
        self.stamp = self.stamp.wrapping_add(1);
        Some((write, self.offsets.next_offset(), measured, self.stamp))
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
    fn complete(
        &mut self,
        write: bool,
        measured: bool,
        offset: u64,
        done: Instant,
        latency: Duration,
        result: std::io::Result<usize>,
    ) {
        self.stats.total_ops_including_ramp += 1;
        let bs = self.bs;
        let kind = if write { &mut self.stats.write } else { &mut self.stats.read };
        match result {
            Ok(n) if n as u64 == bs => {
                if measured {
                    kind.ops += 1;
                    kind.bytes += bs;
                    kind.hist.saturating_record(latency.as_nanos().max(1) as u64);
                    self.last_done = self.last_done.max(done);
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

/// Fills `buf` with incompressible bytes.
pub fn fill_random(buf: &mut [u8], rng: &mut Offsets) {
    for chunk in buf.chunks_mut(8) {
        let word = rng.word().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

/// Makes every 512-byte sector of a written block unique, so deduplication
/// cannot flatter: its first 16 bytes become a hash of (offset, per-write
/// counter). Hashed rather than plain numbers, whose zero bytes would give a
/// compressor matches (LZO in zram slows down on them) and so cost the
/// device work that truly random data does not.
#[inline]
fn stamp_block(buf: &mut [u8], offset: u64, stamp: u64) {
    for (i, sector) in buf.chunks_mut(512).enumerate() {
        if sector.len() >= 16 {
            let a = mix(offset.wrapping_add(i as u64 * 512) ^ stamp.rotate_left(32));
            sector[..8].copy_from_slice(&a.to_le_bytes());
            sector[8..16].copy_from_slice(&mix(a ^ stamp).to_le_bytes());
        }
    }
}

/// splitmix64's finaliser: a cheap bijective 64-bit mix.
#[inline]
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}
