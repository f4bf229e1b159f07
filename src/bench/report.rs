//! The bench report's typed parts: its `job` ([`BenchJob`]), the `bench`
//! section, and the optional `verify`, `series`, `rate`, `repetitions`,
//! `repetition_medians`, `start_at` and `fleet` sections ([`BenchBody`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::{
    args::{Arrival, AsyncMode, DataKind, Engine, IoPath, Mode, Submit},
    dist::Dist,
    plan::{Plan, Stop},
};
use crate::report::{CpuUsage, LatencySummary, OpResult};

/// A bench report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BenchBody {
    /// Every effective setting, defaults included.
    pub job: BenchJob,
    /// What the run did besides measuring.
    #[serde(default)]
    pub bench: BenchSection,
    /// `--verify` in a read mode: what the reads checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<BenchVerify>,
    /// `--interval`: the run over time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
    /// `--rate` (open loop): the schedule against what happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<RateSection>,
    /// `--repeat N` (N > 1): each repetition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repetitions: Option<Vec<Repetition>>,
    /// `--repeat N` (N > 1): the median of each metric over the repetitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repetition_medians: Option<Medians>,
    /// The measured window's start, Unix ns (where the run measured one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_start_unix_ns: Option<u64>,
    /// The measured window's end, Unix ns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_end_unix_ns: Option<u64>,
    /// `--start-at`: when the run was asked to start and how late it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<StartAt>,
    /// `jdbio merge`: the hosts whose reports were added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<crate::fleet::merge::FleetSection>,
}

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

/// When the measured phase ends.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StopJob {
    /// After this many seconds.
    TimeS(f64),
    /// After exactly this many operations (all jobs together).
    Ops(u64),
}

/// A bench run's `job`: every effective setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BenchJob {
    /// The target. Absent in a fleet report whose hosts used different paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The I/O pattern.
    pub mode: Mode,
    /// Reads among all I/Os, percent (100 for read modes, 0 for write modes).
    pub read_pct: u32,
    /// Bytes per I/O.
    pub bs_bytes: u64,
    /// I/Os in flight per job.
    pub qd: u32,
    /// Worker threads, each with its own ring.
    pub jobs: u32,
    /// Where the region starts in the target, bytes.
    pub offset_bytes: u64,
    /// The region's length, bytes.
    pub size_bytes: u64,
    /// When the measured phase ends.
    pub stop: StopJob,
    /// Unmeasured warm-up before it, seconds.
    pub ramp_s: f64,
    /// Repetitions of the whole job.
    #[serde(default = "one")]
    pub repeat: u32,
    /// Open-loop rate over all jobs, I/Os per second (null: closed loop).
    #[serde(default)]
    pub rate_iops: Option<f64>,
    /// How open-loop I/Os are spaced.
    #[serde(default = "fixed")]
    pub arrival: Arrival,
    /// Length of the per-interval histograms, seconds (null: none).
    #[serde(default)]
    pub interval_s: Option<f64>,
    /// The offset distribution of random modes.
    pub dist: Dist,
    /// The seed of offsets and data. Absent in a fleet report whose hosts
    /// used different seeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// What written blocks contain.
    pub data: DataKind,
    /// Writes carry verify blocks; reads check them.
    pub verify: bool,
    /// When SQEs reach the kernel.
    pub submit: Submit,
    /// The engine that carried the I/Os (`--engine`): uring, psync,
    /// pvsync2, libaio, dio, or nop (absent before the choice: uring).
    #[serde(default = "uring")]
    pub engine: Engine,
    /// `--io`: Direct I/O (the device) or through the page cache.
    #[serde(default = "direct")]
    pub io: IoPath,
    /// `--warm`: a buffered run kept what the page cache held of the region
    /// instead of evicting it first.
    #[serde(default)]
    pub warm: bool,
    /// `--async` as asked (whether I/Os carry IOSQE_ASYNC: auto, on, off).
    #[serde(default = "auto", rename = "async")]
    pub async_mode: AsyncMode,
    /// `--hipri`: polled completions (IORING_SETUP_IOPOLL).
    #[serde(default)]
    pub hipri: bool,
    /// `--sqpoll`: a kernel thread submits (IORING_SETUP_SQPOLL).
    #[serde(default)]
    pub sqpoll: bool,
    /// `--force`: writing over data a signature says is there.
    #[serde(default)]
    pub force: bool,
    /// Parts of the region held no data and were laid out before the run.
    #[serde(default)]
    pub needs_layout: bool,
}

fn one() -> u32 {
    1
}

fn uring() -> Engine {
    Engine::Uring
}

fn direct() -> IoPath {
    IoPath::Direct
}

fn auto() -> AsyncMode {
    AsyncMode::Auto
}

fn fixed() -> Arrival {
    Arrival::Fixed
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

/// The `bench` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct BenchSection {
    /// Operations completed, the ramp included.
    pub total_ops_including_ramp: u64,
    /// Wall time of the whole run, the ramp and set-up included, seconds.
    pub wall_s: f64,
    /// Whether parts of the region were laid out before the run.
    pub laid_out: bool,
    /// Bytes laid out before the run.
    pub laid_out_bytes: u64,
    /// The target did not exist and was created.
    pub created: bool,
    /// Process CPU time per I/O, ns (the median over repetitions).
    pub cpu_per_io_ns: f64,
    /// What the engine's rings ran (absent in reports before the engine).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ran: Option<crate::engine::Ran>,
    /// Whether I/Os carried IOSQE_ASYNC, and why.
    #[serde(rename = "async", skip_serializing_if = "Option::is_none")]
    pub async_policy: Option<AsyncPolicy>,
    /// `--io buffered`: what the page cache held of the region, so a
    /// buffered figure is never a silent memory benchmark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_cache: Option<PageCache>,
}

/// The page cache's share of the region in a buffered run, counted in whole
/// pages with mincore(2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageCache {
    /// The region was written back (fdatasync) and evicted
    /// (POSIX_FADV_DONTNEED) before each repetition (false with --warm).
    pub dropped: bool,
    /// The region's length, bytes.
    pub region_bytes: u64,
    /// Bytes of the region in memory when the first repetition started
    /// (after the eviction, if any).
    pub resident_at_start_bytes: u64,
    /// Bytes of the region in memory when the last repetition ended.
    pub resident_at_end_bytes: u64,
}

/// The IOSQE_ASYNC policy a bench run used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AsyncPolicy {
    /// `--async` as asked.
    pub asked: AsyncMode,
    /// Reads and writes carried IOSQE_ASYNC (straight to io-wq).
    pub on: bool,
    /// Why: the flag, or what the non-blocking probe of the target found.
    pub why: String,
}

/// The `verify` section of a bench run with `--verify` reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BenchVerify {
    /// Blocks read and checked.
    pub checked: u64,
    /// Bad blocks per class.
    pub bad: BTreeMap<String, u64>,
    /// The first bad blocks, by offset.
    pub bad_blocks: Vec<crate::io::block::findings::BadBlock>,
}

/// The `series` section: per op kind, one row per interval.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Series {
    /// The interval length, seconds.
    pub interval_s: f64,
    /// Per op kind ("read", "write"), the intervals in time order.
    #[serde(flatten)]
    pub kinds: BTreeMap<String, Vec<Interval>>,
}

/// One interval of a `series`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Interval {
    /// End of the interval, seconds from the start of the measured run.
    pub t_s: f64,
    /// Length of the interval, seconds (the last one may be shorter).
    pub length_s: f64,
    /// Operations completed in it.
    pub ops: u64,
    /// ops / length_s.
    pub iops: f64,
    /// Bytes transferred in it.
    pub bytes: u64,
    /// Service time (submit to completion) in the interval.
    pub latency_ns: LatencySummary,
    /// Open loop only: response time (intended start to completion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_latency_ns: Option<LatencySummary>,
}

/// The `rate` section of an open-loop run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RateSection {
    /// The rate asked for, I/Os per second.
    pub target_iops: f64,
    /// I/Os due in the measured window.
    pub scheduled_ios: u64,
    /// I/Os started.
    pub issued_ios: u64,
    /// I/Os due but never started before the run ended.
    pub unstarted_ios: u64,
    /// How I/Os were spaced.
    pub arrival: Arrival,
    /// The rate reached, I/Os per second.
    pub achieved_iops: f64,
    /// I/Os that started later than `late_threshold_ns` after their time.
    pub late_ios: u64,
    /// How late counts as late, ns.
    pub late_threshold_ns: u64,
    /// How late each I/O started.
    pub start_delay_ns: LatencySummary,
    /// The target kept up: every I/O started, the rate was reached, nine in
    /// ten started on time.
    pub sustained: bool,
}

/// One repetition (`repetitions[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Repetition {
    /// Per op kind, as the report's `results`.
    pub results: BTreeMap<String, OpResult>,
    /// Process CPU use in this repetition.
    #[serde(default)]
    pub cpu: CpuUsage,
    /// Measured time, seconds.
    #[serde(default)]
    pub duration_s: f64,
    /// Wall time, the ramp included, seconds.
    #[serde(default)]
    pub wall_s: f64,
    /// Operations, the ramp included.
    #[serde(default)]
    pub total_ops_including_ramp: u64,
    /// Process CPU time per I/O, ns.
    #[serde(default)]
    pub cpu_per_io_ns: Option<f64>,
}

/// The `repetition_medians` section.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Medians {
    /// The median measured time, seconds.
    pub duration_s: f64,
    /// Per op kind, the medians.
    #[serde(flatten)]
    pub kinds: BTreeMap<String, MedianOp>,
}

/// The medians of one op kind over the repetitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MedianOp {
    /// Operations.
    pub ops: f64,
    /// Bytes transferred.
    pub bytes: f64,
    /// Operations per second.
    pub iops: f64,
    /// Bytes per second.
    pub bw_bytes_per_s: f64,
    /// Service time percentiles ("50", "99", ...), ns.
    pub latency_percentiles_ns: BTreeMap<String, f64>,
    /// Open loop only: response time percentiles, ns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_latency_percentiles_ns: Option<BTreeMap<String, f64>>,
}

/// The `start_at` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StartAt {
    /// The time asked for, Unix ns.
    pub requested_unix_ns: u64,
    /// How late the run was ready for it, ns (0: on time).
    pub late_ns: u64,
}

/// Read by [`crate::report::named_and_rest`], not serde's `flatten` (which
/// would keep every row as a tree before reading any).
impl<'de> Deserialize<'de> for Series {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (interval_s, kinds) = crate::report::named_and_rest(d, "interval_s")?;
        Ok(Series { interval_s, kinds })
    }
}

/// Read as [`Series`] is.
impl<'de> Deserialize<'de> for Medians {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (duration_s, kinds) = crate::report::named_and_rest(d, "duration_s")?;
        Ok(Medians { duration_s, kinds })
    }
}
