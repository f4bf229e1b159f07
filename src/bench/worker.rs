//! One bench worker: its own thread, file handle and engine (the plan's
//! `--engine`), keeping `qd` operations in flight (the [`BenchLoad`]
//! workload; one on psync and pvsync2) until the plan says stop.
//!
//! Everything is set up (file opened, engine made, buffers registered and
//! filled) before the start barrier; the run itself is the engine's loop.

use std::{
    os::fd::AsRawFd,
    sync::{Arc, Barrier, atomic::AtomicBool},
    time::Instant,
};

use super::{data::fill_random, dist::Offsets, plan::Plan, stats::WorkerStats, workload::BenchLoad};
use crate::{
    dio::{File, OpenMode},
    engine::{Config, Ran, Stop, prepare},
    progress::Counter,
};
use crate::model::bench::{DataKind, IoPath};

/// What a worker is given.
pub struct WorkerSpec {
    pub plan: Arc<Plan>,
    pub offsets: Offsets,
    /// Measured ops this worker does with `Stop::Ops`.
    pub ops_budget: u64,
    pub barrier: Arc<Barrier>,
    /// Set by any worker on an I/O error (and read with SIGINT once per
    /// loop turn): everyone stops issuing.
    pub stop: Arc<AtomicBool>,
    pub progress: Arc<Counter>,
    /// `--start-at`, Unix ns: after the barrier, wait until then.
    pub start_at: Option<u64>,
}

/// Runs one worker to completion. Setup errors are returned after the start
/// barrier so no other worker waits forever.
pub fn run(spec: WorkerSpec) -> Result<(WorkerStats, Ran), String> {
    let plan = spec.plan.clone();
    let file = match open(&plan) {
        Ok(file) => file,
        Err(e) => {
            spec.barrier.wait();
            return Err(e);
        }
    };
    let config = Config {
        fd: file.as_raw_fd(),
        slots: plan.qd as usize,
        buf_len: plan.bs as usize,
        stop: Stop::new(&spec.stop, crate::interrupt::flag()),
        policy: plan.policy(),
        hipri: plan.hipri,
        sqpoll: plan.sqpoll,
    };
    let mut ring = match prepare(plan.engine, &file, &config) {
        Ok(ring) => ring,
        Err(e) => {
            spec.barrier.wait();
            return Err(e.to_string());
        }
    };
    let mut offsets = spec.offsets;
    if plan.data == DataKind::Random {
        for slot in 0..plan.qd as usize {
            fill_random(ring.buffer(slot), &mut offsets);
        }
    }
    spec.barrier.wait();
    let late_ns = spec.start_at.map(crate::hosts::start::wait_until);
    let (start, start_unix_ns) = (Instant::now(), crate::hosts::start::now_unix_ns());
    let mut load = BenchLoad::new(&plan, offsets, spec.ops_budget, start, spec.stop.clone(), spec.progress.clone());
    let ran = ring.run(&mut load).map_err(|e| e.to_string())?;
    load.censor_unstarted(Instant::now());
    let mut stats = std::mem::take(&mut load.stats);
    stats.measured_ns = load.last_done.saturating_duration_since(load.ramp_end).as_nanos() as u64;
    let window_start = start_unix_ns + plan.ramp.as_nanos() as u64;
    stats.window_unix_ns = Some((window_start, window_start + stats.measured_ns));
    stats.start_late_ns = late_ns;
    if let Some(series) = load.series.take() {
        stats.series = series.finish();
    }
    Ok((stats, ran))
}

/// Opens the target through the library, Direct I/O or (--io buffered)
/// through the page cache: read-write for a write mode, read-only
/// otherwise and always for --engine nop.
fn open(plan: &Plan) -> Result<File, String> {
    let writes = plan.mode.writes() && !plan.engine.is_nop();
    let mode = match (plan.io, writes) {
        (IoPath::Direct, true) => OpenMode::ReadWrite,
        (IoPath::Direct, false) => OpenMode::Read,
        (IoPath::Buffered, true) => OpenMode::Buffered,
        (IoPath::Buffered, false) => OpenMode::BufferedRead,
    };
    let opened = crate::io::rt::block_on(File::open_mode(&plan.path, mode));
    match opened {
        Ok(Ok(file)) => Ok(file),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}
