//! Runs a plan: starts one worker thread per job, waits for them, and merges
//! their statistics with `+=`.

use std::{
    sync::{Arc, Barrier, atomic::AtomicBool},
    time::Instant,
};

use super::{
    dist::Offsets,
    plan::{Plan, Stop},
    stats::WorkerStats,
    worker::{self, WorkerSpec},
};
use crate::{
    engine::Ran,
    error::AppError,
    progress::{Counter, Goal, LiveIops},
    report::CpuUsage,
};

/// The merged outcome of all workers.
pub struct Outcome {
    pub stats: WorkerStats,
    /// Process CPU use over the whole run (ramp included).
    pub cpu: CpuUsage,
    /// Wall time of the whole run (ramp included).
    pub wall_s: f64,
    /// What the engine ran (the workers' rings merged).
    pub ran: Option<Ran>,
}

/// Runs all jobs of `plan`. `stop` ends the run early when set; with
/// `start_at` (Unix ns) the workers, once all are set up, wait until then.
pub fn run(plan: &Arc<Plan>, stop: Arc<AtomicBool>, start_at: Option<u64>) -> Result<Outcome, AppError> {
    let jobs = u64::from(plan.jobs);
    let blocks = plan.size / plan.bs;
    let barrier = Arc::new(Barrier::new(plan.jobs as usize));
    let counters: Vec<Arc<Counter>> = (0..jobs).map(|_| Arc::new(Counter::default())).collect();
    let goal = match plan.stop {
        Stop::Time(t) => Goal::Seconds((plan.ramp + t).as_secs()),
        Stop::Ops(n) => Goal::Ops(n),
    };
    let cpu_before = CpuUsage::now();
    let (started, started_unix_ns) = (Instant::now(), crate::hosts::start::now_unix_ns());
    let live = LiveIops::start(counters.clone(), goal, plan.quiet);
    let handles: Vec<_> = (0..jobs)
        .map(|j| {
            let seed = plan.seed.wrapping_add(j.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let offsets = if plan.mode.random() {
                Offsets::random(seed, plan.offset, plan.bs, blocks, plan.dist)
            } else {
                // Sequential jobs split the region; the last takes the remainder.
                let share = blocks / jobs;
                let len = if j == jobs - 1 { blocks - share * j } else { share };
                Offsets::sequential(seed, plan.offset, plan.bs, share * j, len)
            };
            let ops_budget = match plan.stop {
                Stop::Ops(n) => n / jobs + u64::from(j < n % jobs),
                Stop::Time(_) => 0,
            };
            let spec = WorkerSpec {
                plan: plan.clone(),
                offsets,
                ops_budget,
                barrier: barrier.clone(),
                stop: stop.clone(),
                progress: counters[j as usize].clone(),
                start_at,
            };
            std::thread::Builder::new().name(format!("jdbio-worker-{j}")).spawn(move || {
                // The worker's own runtime, for its opens and a `dio` engine.
                crate::io::rt::enter(|| worker::run(spec)).map_err(|e| e.to_string()).and_then(|ran| ran)
            })
        })
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::Io(format!("cannot start a worker thread: {e}")))?;
    let mut merged = WorkerStats::default();
    let mut ran: Option<Ran> = None;
    let mut setup_error = None;
    for handle in handles {
        match handle.join() {
            Ok(Ok((stats, worker_ran))) => {
                merged += &stats;
                match ran.as_mut() {
                    Some(ran) => ran.merge(&worker_ran),
                    None => ran = Some(worker_ran),
                }
            }
            Ok(Err(e)) => {
                setup_error.get_or_insert(e);
            }
            Err(_) => {
                setup_error.get_or_insert_with(|| "a worker thread panicked".to_string());
            }
        }
    }
    drop(live);
    // Time spent waiting for --start-at is not part of the run.
    let waited = start_at.map_or(0, |at| at.saturating_sub(started_unix_ns));
    let wall_s = started.elapsed().saturating_sub(std::time::Duration::from_nanos(waited)).as_secs_f64();
    let cpu = CpuUsage::now().since(&cpu_before);
    match setup_error {
        Some(e) => Err(AppError::Io(e)),
        None => Ok(Outcome { stats: merged, cpu, wall_s, ran }),
    }
}
