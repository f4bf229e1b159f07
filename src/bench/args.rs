//! `jdbio bench` flags, exactly as typed. Validation happens in
//! [`super::plan`], before any I/O.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// The I/O pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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

/// What written blocks contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataKind {
    /// Incompressible bytes, each written block stamped unique (defeats
    /// compression and deduplication).
    Random,
    /// All zeros (what a compressing device flatters most).
    Zero,
}

/// When SQEs reach the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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

pub use crate::io_engine::EngineArg as Engine;

/// Whether I/O bypasses the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Arrival {
    /// Evenly, 1/rate apart.
    Fixed,
    /// A Poisson process: exponential gaps with mean 1/rate.
    Poisson,
}

/// `jdbio bench [TARGET]`
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// File or block device. Default: ./jdbio-bench.dat (created, laid out
    /// and kept for reuse).
    pub target: Option<PathBuf>,
    /// I/O pattern.
    #[arg(long, value_enum, default_value = "randread")]
    pub mode: Mode,
    /// Percentage of reads in randrw (0-100; default 50). Only with --mode randrw.
    #[arg(long, value_name = "PCT")]
    pub rwmix: Option<u32>,
    /// Block size (4k, 128k, 1m...); a multiple of the target's Direct I/O alignment.
    #[arg(long, default_value = "4k", value_parser = crate::units::parse_size)]
    pub bs: u64,
    /// Operations kept in flight per job (default 32). psync and pvsync2
    /// keep one: more in flight is more --jobs, and --qd above 1 is refused.
    #[arg(long)]
    pub qd: Option<u32>,
    /// Worker threads, each with its own runtime, ring and file handle.
    #[arg(long, default_value_t = 1)]
    pub jobs: u32,
    /// Bytes of the target to use, from --offset. Default: the whole device,
    /// or the file's size (1 GiB for a new file).
    #[arg(long, value_parser = crate::units::parse_size)]
    pub size: Option<u64>,
    /// Where the region starts, in bytes.
    #[arg(long, default_value = "0", value_parser = crate::units::parse_size)]
    pub offset: u64,
    /// Measured run time (10s, 1m...). Ignored when --ops is given.
    #[arg(long, default_value = "10s", value_parser = crate::units::parse_duration)]
    pub time: std::time::Duration,
    /// Stop after exactly N measured operations instead of after --time.
    #[arg(long, value_name = "N")]
    pub ops: Option<u64>,
    /// Open loop: start I/Os at this total rate (IOPS, all jobs together),
    /// on schedule whether or not earlier ones finished (up to --qd in
    /// flight per job). Latency is then reported twice: `service` (submit to
    /// completion) and `response` (intended start to completion, free of
    /// coordinated omission). Above 0 and at most 100000000 (1e8).
    #[arg(long, value_name = "IOPS")]
    pub rate: Option<f64>,
    /// Spacing of open-loop I/Os.
    #[arg(long, value_enum, default_value = "fixed")]
    pub arrival: Arrival,
    /// Record one histogram per interval (e.g. 1s) per op kind: the report
    /// gains a `series`, and --hlog can write them.
    #[arg(long, value_parser = crate::units::parse_duration)]
    pub interval: Option<std::time::Duration>,
    /// Write the interval histograms as an HdrHistogram interval log (needs --interval).
    #[arg(long, value_name = "FILE")]
    pub hlog: Option<std::path::PathBuf>,
    /// Write the whole run's percentile distribution (.hgrm text), one file per op kind.
    #[arg(long, value_name = "FILE")]
    pub hgrm: Option<std::path::PathBuf>,
    /// Run the job N times (each with its own ramp) and report every
    /// repetition plus the median of each metric.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: u32,
    /// Warm-up time before measuring (not counted).
    #[arg(long, default_value = "1s", value_parser = crate::units::parse_duration)]
    pub ramp: std::time::Duration,
    /// Offset distribution for random modes: uniform, zipf:THETA or pareto:H.
    #[arg(long, default_value = "uniform")]
    pub dist: String,
    /// Random seed (offsets and data); printed in the report so a run can be repeated.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write self-describing verify blocks (the `jdbio verify` format) and
    /// check every block a read returns; failures are counted in the report
    /// and make the exit code 1. Reads take the seed from the target.
    #[arg(long)]
    pub verify: bool,
    /// Content of written blocks.
    #[arg(long, value_enum, default_value = "random")]
    pub data: DataKind,
    /// When SQEs are handed to the kernel: batch (those prepared in one turn
    /// go with the wait for the next completion: fewest syscalls), eager (one
    /// more io_uring_enter per I/O), or auto (batch).
    #[arg(long, value_enum, default_value = "auto")]
    pub submit: Submit,
    /// What carries the I/Os: uring (io_uring), psync (pread/pwrite, one in
    /// flight per job: concurrency is --jobs), pvsync2 (preadv2/pwritev2,
    /// likewise), libaio (Linux native AIO, O_DIRECT, --qd in flight), dio
    /// (this crate's library on compio, --qd tasks), or nop (IORING_OP_NOP:
    /// no data moves, the target is only opened read-only; the cost of the
    /// tool itself).
    #[arg(long, value_enum, default_value = "uring")]
    pub engine: Engine,
    /// direct (O_DIRECT: the device), or buffered (through the page cache,
    /// as PostgreSQL's data files: the region is written back and evicted
    /// first, unless --warm, and the report gives how much of it was in
    /// memory at the start and at the end).
    #[arg(long = "io", value_enum, default_value = "direct")]
    pub io: IoPath,
    /// With --io buffered: keep what the page cache already holds of the
    /// region (measure memory-speed hits on purpose) instead of evicting it.
    #[arg(long)]
    pub warm: bool,
    /// IOSQE_ASYNC on reads and writes: auto (on where the target's queue
    /// has no NOWAIT support, e.g. loop and zram), on, or off.
    #[arg(long = "async", value_enum, default_value = "auto")]
    pub async_mode: AsyncMode,
    /// Polled completions (IORING_SETUP_IOPOLL): only on a block device
    /// whose queue has poll queues (NVMe with poll_queues); refused elsewhere.
    #[arg(long)]
    pub hipri: bool,
    /// A kernel thread submits (IORING_SETUP_SQPOLL); refused if the kernel
    /// cannot set it up.
    #[arg(long)]
    pub sqpoll: bool,
    /// Allow writing to a block device that is mounted or holds a filesystem
    /// or partition table. Destroys its data.
    #[arg(long)]
    pub force: bool,
    /// In a read mode, let a region that ends past the end of an existing
    /// file of data lengthen the file (the part past its end is laid out).
    /// Without it such a region is refused: a file's length is part of its
    /// data (a log segment, a table's footer).
    #[arg(long)]
    pub grow: bool,
    /// Hold the start until T on the wall clock, after all set-up (open,
    /// registration, layout): Unix seconds (1795573200.5) or RFC 3339
    /// (2026-11-25T02:20:00Z). Give every host the same T for a common
    /// start; a host past T when ready starts at once, and its report says
    /// by how much it was late.
    #[arg(long, value_name = "T", value_parser = crate::hosts::start::parse_start_at)]
    pub start_at: Option<u64>,
    #[command(flatten)]
    pub output: crate::report::OutputArgs,
    #[command(flatten)]
    pub export: crate::export::ExportArgs,
}

/// The model's twin of each flag enum: what the report states.
mod into_model {
    use super::*;
    use crate::model::bench as model;

    impl From<Mode> for model::Mode {
        fn from(v: Mode) -> Self {
            match v {
                Mode::Randread => model::Mode::Randread,
                Mode::Randwrite => model::Mode::Randwrite,
                Mode::Read => model::Mode::Read,
                Mode::Write => model::Mode::Write,
                Mode::Randrw => model::Mode::Randrw,
            }
        }
    }

    impl From<DataKind> for model::DataKind {
        fn from(v: DataKind) -> Self {
            match v {
                DataKind::Random => model::DataKind::Random,
                DataKind::Zero => model::DataKind::Zero,
            }
        }
    }

    impl From<Submit> for model::Submit {
        fn from(v: Submit) -> Self {
            match v {
                Submit::Auto => model::Submit::Auto,
                Submit::Eager => model::Submit::Eager,
                Submit::Batch => model::Submit::Batch,
            }
        }
    }

    impl From<IoPath> for model::IoPath {
        fn from(v: IoPath) -> Self {
            match v {
                IoPath::Direct => model::IoPath::Direct,
                IoPath::Buffered => model::IoPath::Buffered,
            }
        }
    }

    impl From<AsyncMode> for model::AsyncMode {
        fn from(v: AsyncMode) -> Self {
            match v {
                AsyncMode::Auto => model::AsyncMode::Auto,
                AsyncMode::On => model::AsyncMode::On,
                AsyncMode::Off => model::AsyncMode::Off,
            }
        }
    }

    impl From<Arrival> for model::Arrival {
        fn from(v: Arrival) -> Self {
            match v {
                Arrival::Fixed => model::Arrival::Fixed,
                Arrival::Poisson => model::Arrival::Poisson,
            }
        }
    }
}
