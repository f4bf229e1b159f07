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
mod dry_run;
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

use std::{
    path::PathBuf,
    sync::{Arc, atomic::AtomicBool},
};

pub use args::BenchArgs;

use crate::{
    command::{Command, Delivery, Export, Outcome, OutputPlan, Run},
    error::AppError,
    hosts::rank::Substitute,
    io::layout,
    report::{Body, Report},
    target,
};

impl Command for BenchArgs {
    fn check(&self) -> Result<(), AppError> {
        plan::Plan::from_args(self).map(drop)
    }

    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        sub.opt_path("TARGET", &mut self.target)?;
        sub.opt_path("--hlog", &mut self.hlog)?;
        sub.opt_path("--hgrm", &mut self.hgrm)?;
        self.export.substitute(sub)?;
        sub.string("--json", &mut self.output.json)
    }

    fn outputs(&self) -> OutputPlan {
        let target = self.target.clone().unwrap_or_else(|| PathBuf::from(plan::DEFAULT_TARGET));
        let mut plan = OutputPlan::reading(vec![target], &self.output.json);
        plan.outputs.extend(self.export.outputs());
        plan.outputs.extend(self.hlog.iter().map(|p| ("--hlog", p.display().to_string())));
        // --hgrm names a base: the files are one per op kind and latency
        // beside it, and the base itself must not be a device either.
        plan.checked.extend(self.hgrm.iter().map(|p| ("--hgrm", p.clone())));
        let hgrm = self.hgrm.iter().flat_map(|p| timeline::hgrm_paths(self, p));
        plan.outputs.extend(hgrm.map(|p| ("--hgrm", p.display().to_string())));
        plan
    }

    fn dry_run(&self, _run: &Run<'_>, out: &mut String) -> Result<(), AppError> {
        dry_run::text(out, self)
    }

    /// Once planned, every run ends in a report: one that an error or a
    /// signal stops before it measures (while the target is laid out, say)
    /// writes the job as planned and how it ended.
    fn execute(&self, run: &Run<'_>) -> Result<Outcome, AppError> {
        let mut plan = plan::Plan::from_args(self)?;
        plan.forced.iter().for_each(|line| run.warn(line));
        let mut planned = Report::new(Body::Bench(crate::model::bench::BenchBody::planned(&plan)));
        planned.target = plan.target.clone();
        let json = plan.json.clone();
        prepare(&mut plan)
            .and_then(|laid_out_bytes| measure(self, plan, laid_out_bytes))
            .or_else(|e| Outcome::stopped(planned, json, e))
    }
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
fn measure(args: &BenchArgs, plan: plan::Plan, laid_out_bytes: u64) -> Result<Outcome, AppError> {
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
    let to = Delivery {
        json: plan.json.clone(),
        exports: vec![Export::Table(args.export.clone())],
        files: timeline::files(&plan, &stats, start_epoch_s),
        ..Delivery::default()
    };
    let summary = summary::render(&report);
    Ok(Outcome::new(report, summary, result, to))
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
