//! The report's view of a plan: the `job` it states and the body of a run
//! that stopped before it measured.

use super::plan::{Plan, Stop};
use crate::model::bench::{BenchBody, BenchJob, BenchSection, StopJob};

impl BenchBody {
    /// The body of a run that stopped before it measured: the job as
    /// planned, nothing else.
    pub fn planned(plan: &Plan) -> Self {
        Self {
            job: BenchJob::of(plan),
            bench: BenchSection { created: plan.create, ..BenchSection::default() },
            verify: None,
            series: None,
            rate: None,
            repetitions: None,
            repetition_medians: None,
            window_start_unix_ns: None,
            window_end_unix_ns: None,
            start_at: None,
            fleet: None,
        }
    }
}

impl BenchJob {
    /// The job of `plan`.
    pub fn of(plan: &Plan) -> Self {
        Self {
            path: Some(plan.path.display().to_string()),
            mode: plan.mode,
            read_pct: plan.read_pct,
            bs_bytes: plan.bs,
            qd: plan.qd,
            jobs: plan.jobs,
            offset_bytes: plan.offset,
            size_bytes: plan.size,
            stop: match plan.stop {
                Stop::Time(d) => StopJob::TimeS(d.as_secs_f64()),
                Stop::Ops(n) => StopJob::Ops(n),
            },
            ramp_s: plan.ramp.as_secs_f64(),
            repeat: plan.repeat,
            rate_iops: plan.rate,
            arrival: plan.arrival,
            interval_s: plan.interval.map(|d| d.as_secs_f64()),
            dist: plan.dist,
            seed: Some(plan.seed),
            data: plan.data,
            verify: plan.verify,
            submit: plan.submit,
            engine: plan.engine,
            io: plan.io,
            warm: plan.warm,
            async_mode: plan.async_mode,
            hipri: plan.hipri,
            sqpoll: plan.sqpoll,
            force: plan.force,
            needs_layout: plan.needs_layout,
        }
    }
}
