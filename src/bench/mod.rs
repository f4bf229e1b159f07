//! `jdbio bench`: random and sequential read/write workloads at a queue
//! depth, on files and block devices.
//!
//! Flow: [`args::BenchArgs`] -> [`plan::Plan`] (all validation, before I/O)
//! -> [`crate::io::layout`] of what in the region holds no data -> [`engine`] (one
//! [`worker`] thread per job, merged [`stats`]) -> [`crate::report::Report`]
//! -> JSON and the human [`summary`].

pub mod args;
#[cfg(target_os = "linux")]
mod data;
pub mod dist;
#[cfg(target_os = "linux")]
mod engine;
mod engine_checks;
#[cfg(target_os = "linux")]
mod page_cache;
pub mod plan;
mod job;
#[cfg(target_os = "linux")]
mod repeat;
#[cfg(target_os = "linux")]
mod schedule;
mod series;
mod snapshot;
mod stats;
mod summary;
pub(crate) mod timeline;
#[cfg(target_os = "linux")]
mod worker;
#[cfg(target_os = "linux")]
mod workload;

use std::sync::{Arc, atomic::AtomicBool};

pub use args::BenchArgs;

use crate::{
    error::AppError,
    io::layout,
    report::{Body, Delivery, Report, deliver},
    target,
};

/// Runs `jdbio bench`. Once planned, every run ends in a report: one that
/// an error or a signal stops before it measures (while the target is laid
/// out, say) writes the job as planned and how it ended.
pub fn run(args: &BenchArgs) -> Result<(), AppError> {
    let mut plan = plan::Plan::from_args(args)?;
    let mut planned = Report::new(Body::Bench(crate::model::bench::BenchBody::planned(&plan)));
    planned.target = plan.target.clone();
    let json = plan.json.clone();
    prepare(&mut plan)
        .and_then(|laid_out_bytes| measure(args, plan, laid_out_bytes))
        .map_err(|e| crate::report::deliver_failure(planned, json.as_deref(), e))
}

/// What comes before the measured phase: the verify seed of the blocks
/// already there, the layout of what holds no data (returns its bytes),
/// and the engine's async policy.
fn prepare(plan: &mut plan::Plan) -> Result<u64, AppError> {
    let holds_data = plan.hole_bytes() < plan.size;
    if plan.verify && holds_data && plan.read_pct > 0 && !plan.seed_given {
        plan.seed = verify_seed_of(plan)?;
    }
    let laid_out_bytes = if plan.needs_layout {
        let fill = match plan.verify {
            true => layout::Fill::Verify { seed: plan.seed, bs: plan.bs, origin: plan.offset },
            false => layout::Fill::Random { seed: plan.seed },
        };
        let bytes = layout::lay_out_ranges(&plan.path, &plan.holes, fill, plan.quiet)?;
        plan.target = Some(target::probe(&plan.path).map_err(|e| AppError::Io(e.to_string()))?);
        bytes
    } else {
        0
    };
    if crate::interrupt::requested() {
        return Err(AppError::Interrupted);
    }
    plan.force_async = engine_checks::force_async(plan);
    Ok(laid_out_bytes)
}

/// The measured phase and its report.
fn measure(args: &BenchArgs, plan: plan::Plan, laid_out_bytes: u64) -> Result<(), AppError> {
    let plan = Arc::new(plan);
    let clock = crate::report::Clock::start();
    let start_epoch_s =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
    #[cfg(not(target_os = "linux"))]
    return Err(AppError::Usage("jdbio bench drives io_uring directly and runs on Linux only".into()));
    #[cfg(target_os = "linux")]
    let (reps, mut stats, ran, residency) = {
        let mut reps = Vec::new();
        let mut stats = stats::WorkerStats::default();
        let mut ran: Option<crate::model::ran::Ran> = None;
        let buffered = plan.io == crate::model::bench::IoPath::Buffered;
        let mut resident_at_start = None;
        for rep in 0..plan.repeat {
            if buffered {
                let resident = page_cache::settle(&plan)?;
                resident_at_start.get_or_insert(resident);
            }
            // --start-at holds the first repetition; the others follow it.
            let start_at = plan.start_at.filter(|_| rep == 0);
            let outcome = engine::run(&plan, Arc::new(AtomicBool::new(false)), start_at)?;
            reps.push(repeat::Rep::from_outcome(&outcome));
            stats += &outcome.stats;
            match (ran.as_mut(), &outcome.ran) {
                (Some(ran), Some(more)) => ran.merge(more),
                (None, more) => ran = more.clone(),
                _ => {}
            }
            if stats.first_error.is_some() || crate::interrupt::requested() {
                break;
            }
        }
        let residency = match resident_at_start {
            Some(resident_at_start_bytes) => Some(crate::model::bench::PageCache {
                dropped: !plan.warm,
                region_bytes: plan.size,
                resident_at_start_bytes,
                resident_at_end_bytes: page_cache::resident(&plan)?,
            }),
            None => None,
        };
        (reps, stats, ran, residency)
    };
    let body = crate::model::bench::BenchBody {
        job: crate::model::bench::BenchJob::of(&plan),
        bench: crate::model::bench::BenchSection {
            total_ops_including_ramp: stats.total_ops_including_ramp,
            wall_s: reps.iter().map(|r| r.wall_s).sum::<f64>(),
            laid_out: plan.needs_layout,
            laid_out_bytes,
            created: plan.create,
            cpu_per_io_ns: repeat::median(reps.iter().map(|r| r.cpu_per_io_ns).collect()),
            ran,
            async_policy: Some(crate::model::bench::AsyncPolicy {
                asked: plan.async_mode,
                on: plan.force_async.0,
                why: plan.force_async.1.clone(),
            }),
            page_cache: residency,
        },
        verify: plan.verify.then(|| crate::model::bench::BenchVerify {
            checked: stats.verify.checked,
            bad: stats.verify.bad.iter().map(|(class, n)| (class.to_string(), *n)).collect(),
            bad_blocks: stats.verify.examples.clone(),
        }),
        series: None,
        rate: None,
        repetitions: (reps.len() > 1).then(|| reps.iter().map(repeat::Rep::stated).collect()),
        repetition_medians: (reps.len() > 1).then(|| repeat::medians(&reps)),
        window_start_unix_ns: stats.window_unix_ns.map(|w| w.0),
        window_end_unix_ns: stats.window_unix_ns.map(|w| w.1),
        start_at: plan.start_at.map(|at| crate::model::bench::StartAt {
            requested_unix_ns: at,
            late_ns: stats.start_late_ns.unwrap_or(0),
        }),
        fleet: None,
    };
    let mut report = Report::new(Body::Bench(body));
    report.target = plan.target.clone();
    clock.stop(&mut report);
    // The measured time and CPU are the repetitions', not the set-up's.
    report.duration_s = reps.iter().map(|r| r.duration_s).sum();
    report.results = repeat::merged_results(&reps, report.duration_s);
    report.cpu = repeat::total_cpu(&reps);
    if let Body::Bench(body) = &mut report.body {
        if let Some(every) = plan.interval {
            timeline::fold_tail(&mut stats, every.as_secs_f64());
            body.series = Some(timeline::series(&plan, &stats, every.as_secs_f64()));
        }
        if plan.rate.is_some() {
            body.rate = Some(timeline::rate(&plan, &stats, &report.results));
        }
    }
    // The peak so far, series and exports built: what the run cost in memory.
    report.cpu.max_rss_bytes = crate::report::CpuUsage::now().max_rss_bytes;
    let result = match &stats.first_error {
        _ if report.interrupted => Err(AppError::Interrupted),
        Some(e) => Err(AppError::Io(format!("{}: {e}", plan.path.display()))),
        None if stats.verify.failures() > 0 => Err(AppError::CheckFailed(format!(
            "{} of {} blocks read from {} failed verification",
            stats.verify.failures(),
            stats.verify.checked,
            plan.path.display()
        ))),
        None => Ok(()),
    };
    report.end_with(&result);
    let to = Delivery { json: plan.json.as_deref(), export: Some(&args.export) };
    deliver(&report, to, &summary::render(&report))?;
    // After the JSON and the summary, so a failing file costs neither.
    timeline::write_files(&plan, &stats, start_epoch_s)?;
    result
}

/// The seed of the verify blocks already in the target (for read modes).
fn verify_seed_of(plan: &plan::Plan) -> Result<u64, AppError> {
    let file = crate::io::rt::block_on(crate::dio::File::open(&plan.path))??;
    match crate::io::block::detect::detect(&file, plan.offset + plan.size)? {
        Some(found) if found.bs == plan.bs => Ok(found.seed),
        Some(crate::io::block::detect::Found { bs, .. }) => Err(AppError::Usage(format!(
            "--verify: {} holds verify blocks of {bs} bytes, not --bs {}",
            plan.path.display(),
            plan.bs
        ))),
        None => Err(AppError::Usage(format!(
            "--verify: {} holds no jdbio verify blocks to check (write them first with a --verify write mode or jdbio verify --write)",
            plan.path.display()
        ))),
    }
}
