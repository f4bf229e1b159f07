//! A bench report's `job` ([`BenchJob`]): every effective setting, and the
//! enums it names (the `--mode`, `--submit`, ... flags convert into them).

use serde::{Deserialize, Serialize};

pub use super::super::engine::Engine;

/// The I/O pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Random reads.
    Randread,
    /// Random writes.
    Randwrite,
    /// Sequential reads.
    Read,
    /// Sequential writes.
    Write,
    /// Random mixed reads and writes (see --rwmix).
    Randrw,
}

impl Mode {
    /// The name `--mode` takes (and the report states).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Randread => "randread",
            Mode::Randwrite => "randwrite",
            Mode::Read => "read",
            Mode::Write => "write",
            Mode::Randrw => "randrw",
        }
    }

    /// True when the mode writes.
    pub fn writes(self) -> bool {
        !matches!(self, Mode::Randread | Mode::Read)
    }

    /// Percentage of reads: 100 for read modes, 0 for write modes, `rwmix`
    /// for randrw (50 when not given).
    pub fn read_pct(self, rwmix: Option<u32>) -> u32 {
        match self {
            Mode::Randread | Mode::Read => 100,
            Mode::Randwrite | Mode::Write => 0,
            Mode::Randrw => rwmix.unwrap_or(50),
        }
    }

    /// True for random offsets.
    pub fn random(self) -> bool {
        matches!(self, Mode::Randread | Mode::Randwrite | Mode::Randrw)
    }
}

/// What written blocks contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DataKind {
    /// Incompressible bytes, each written block stamped unique (defeats
    /// compression and deduplication).
    Random,
    /// All zeros (what a compressing device flatters most).
    Zero,
}

/// When SQEs reach the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Submit {
    /// Batch: the engine's default.
    Auto,
    /// Each SQE is submitted as soon as it is prepared (one more
    /// io_uring_enter per I/O).
    Eager,
    /// The SQEs prepared in one turn of the loop go to the kernel in the
    /// io_uring_enter that also waits for the next completion.
    Batch,
}

/// Whether I/O bypasses the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IoPath {
    /// Direct I/O (O_DIRECT): every read and write goes to the device.
    Direct,
    /// Through the page cache, as PostgreSQL reads and writes its data
    /// files: the region is written back and evicted before each
    /// repetition (unless --warm) and the report says how much of it was
    /// in memory at the start and at the end.
    Buffered,
}

/// Whether reads and writes carry IOSQE_ASYNC (straight to the kernel's
/// io-wq workers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AsyncMode {
    /// On where a non-blocking Direct I/O read of the target's first block
    /// is refused (each I/O would first fail that attempt, then go to
    /// io-wq), off elsewhere.
    Auto,
    /// Always.
    On,
    /// Never.
    Off,
}

/// How open-loop I/Os are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Arrival {
    /// Evenly, 1/rate apart.
    Fixed,
    /// A Poisson process: exponential gaps with mean 1/rate.
    Poisson,
}

impl Arrival {
    /// The name `--arrival` takes (and the report states).
    pub fn name(self) -> &'static str {
        match self {
            Arrival::Fixed => "fixed",
            Arrival::Poisson => "poisson",
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

/// The offset distribution of random modes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Dist {
    /// Every block equally likely.
    Uniform,
    /// Zipf with exponent `theta` over the blocks (hot blocks scattered).
    Zipf {
        /// The exponent.
        theta: f64,
    },
    /// fio's Pareto: `h` in (0,1); higher is more skewed.
    Pareto {
        /// The skew.
        h: f64,
    },
}

impl std::fmt::Display for Dist {
    /// As `--dist` takes it: `uniform`, `zipf:1.2`, `pareto:0.9`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dist::Uniform => write!(f, "uniform"),
            Dist::Zipf { theta } => write!(f, "zipf:{theta}"),
            Dist::Pareto { h } => write!(f, "pareto:{h}"),
        }
    }
}
