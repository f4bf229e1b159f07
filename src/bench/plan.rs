//! The validated plan of a bench run: every check of bad input happens here,
//! before any I/O, and each error names the flag or path and the value.

use std::{
    ops::Range,
    path::{Path, PathBuf},
    time::Duration,
};

use super::{
    args::BenchArgs,
    dist::Dist,
};
use crate::{
    error::AppError,
    io_engine::Engine,
    io::layout::{self, Cached},
    prologue::{self, Missing},
    target::{TargetInfo, TargetKind},
};
use crate::model::bench::{Arrival, AsyncMode, DataKind, IoPath, Mode, Submit};

/// The scratch file used when no target is given.
pub const DEFAULT_TARGET: &str = "jdbio-bench.dat";
/// Region size for a new file, or one that ends before --offset.
pub const DEFAULT_FILE_SIZE: u64 = 1 << 30;
const MAX_QD: u32 = 4096;
/// --qd when not given (psync and pvsync2: 1).
const DEFAULT_QD: u32 = 32;
const MAX_JOBS: u32 = 256;
const MAX_BS: u64 = 64 << 20;
/// The highest --rate, IOPS over all jobs.
const MAX_RATE: f64 = 1e8;

/// When the measured phase ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// After this long.
    Time(Duration),
    /// After exactly this many operations (all jobs together).
    Ops(u64),
}

/// Everything a bench run does, validated; the report states it as
/// [`crate::model::bench::BenchJob`].
#[derive(Debug, Clone)]
pub struct Plan {
    /// With `--force` on a target that holds data: the line announcing
    /// what the run destroys, printed before its first write.
    pub forced: Option<String>,
    pub path: PathBuf,
    pub mode: Mode,
    /// Percentage of reads (100 for read modes, 0 for write modes).
    pub read_pct: u32,
    pub bs: u64,
    pub qd: u32,
    pub jobs: u32,
    pub offset: u64,
    pub size: u64,
    pub stop: Stop,
    pub ramp: Duration,
    /// Repetitions of the whole job.
    pub repeat: u32,
    /// Open-loop rate, IOPS over all jobs.
    pub rate: Option<f64>,
    pub arrival: Arrival,
    /// Interval of the per-interval histograms, seconds.
    pub interval: Option<Duration>,
    pub hlog: Option<PathBuf>,
    pub hgrm: Option<PathBuf>,
    pub dist: Dist,
    pub seed: u64,
    /// `--seed` was given (else a read of verify blocks adopts theirs).
    pub seed_given: bool,
    pub data: DataKind,
    pub verify: bool,
    pub submit: Submit,
    /// uring, or nop (no data moves).
    pub engine: Engine,
    /// --io: Direct I/O or through the page cache.
    pub io: IoPath,
    /// --warm: a buffered run keeps the page cache as it found it.
    pub warm: bool,
    /// --async as asked (auto, on, off).
    pub async_mode: AsyncMode,
    /// Whether reads and writes carry IOSQE_ASYNC, and why (what --async
    /// auto decided, in the report's bench section): set by
    /// [`super::engine_checks::force_async`] once the target exists.
    pub force_async: (bool, String),
    /// --hipri: polled completions (IORING_SETUP_IOPOLL).
    pub hipri: bool,
    /// --sqpoll: a kernel thread submits (IORING_SETUP_SQPOLL).
    pub sqpoll: bool,
    pub force: bool,
    /// Parts of the region hold no data (holes, unwritten extents, past the
    /// end, or no file yet): they are laid out before the run.
    pub needs_layout: bool,
    /// The parts of the region that hold no data, in order.
    pub holes: Vec<Range<u64>>,
    /// The target does not exist yet: the layout creates it.
    pub create: bool,
    pub json: Option<String>,
    pub quiet: bool,
    pub target: Option<TargetInfo>,
    /// `--start-at`, Unix ns (in the report's `start_at`, not the job: it
    /// differs between runs of the same job).
    pub start_at: Option<u64>,
}

impl Plan {
    /// Validates `args`; probes the target (read only).
    pub fn from_args(args: &BenchArgs) -> Result<Plan, AppError> {
        let usage = |m: String| Err(AppError::Usage(m));
        if let Some(qd) = args.qd.filter(|&qd| qd == 0 || qd > MAX_QD) {
            return usage(format!("--qd {qd}: must be between 1 and {MAX_QD}"));
        }
        super::engine_checks::combination(args).map_err(AppError::Usage)?;
        let qd = Engine::from(args.engine).queue_depth(args.qd, DEFAULT_QD, "more in flight is more --jobs").map_err(AppError::Usage)?;
        if args.jobs == 0 || args.jobs > MAX_JOBS {
            return usage(format!("--jobs {}: must be between 1 and {MAX_JOBS}", args.jobs));
        }
        if let Some(rwmix) = args.rwmix {
            if Mode::from(args.mode) != Mode::Randrw {
                return usage(format!(
                    "--rwmix {rwmix}: only means something with --mode randrw (this run is --mode {})",
                    clap::ValueEnum::to_possible_value(&args.mode)
                        .map_or_else(String::new, |v| v.get_name().to_string())
                ));
            }
            if rwmix > 100 {
                return usage(format!("--rwmix {rwmix}: must be a percentage between 0 and 100"));
            }
        }
        if args.bs == 0 || args.bs > MAX_BS {
            return usage(format!("--bs {}: must be between 1 byte and {MAX_BS}", args.bs));
        }
        let jobs = if args.jobs > 1 { format!(" x --jobs {}", args.jobs) } else { String::new() };
        prologue::check_buffers(
            &format!("--qd {qd} x --bs {}{jobs}", crate::units::human_bytes(args.bs as f64)),
            u64::from(qd) * u64::from(args.jobs),
            args.bs,
        )?;
        if let Some(rate) = args.rate
            && !(rate > 0.0 && rate <= MAX_RATE)
        {
            return usage(format!(
                "--rate {}: must be a number of IOPS above 0 and at most {MAX_RATE} (all jobs together)",
                shown(rate)
            ));
        }
        if args.interval.is_some_and(|i| i < Duration::from_millis(10)) {
            return usage("--interval: must be at least 10ms".into());
        }
        if args.hlog.is_some() && args.interval.is_none() {
            return usage("--hlog: needs --interval (the log holds one histogram per interval)".into());
        }
        if args.repeat == 0 || args.repeat > 1000 {
            return usage(format!("--repeat {}: must be between 1 and 1000", args.repeat));
        }
        if args.ops == Some(0) {
            return usage("--ops 0: must be at least 1".into());
        }
        if args.ops.is_none() && args.time.is_zero() {
            return usage("--time 0: must be longer than zero (or give --ops N)".into());
        }
        let dist = Dist::parse(&args.dist).map_err(AppError::Usage)?;
        let path = args.target.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_TARGET));
        let nop = Engine::from(args.engine).is_nop();
        if nop && args.verify {
            return usage("--verify: means nothing with --engine nop (no data moves)".into());
        }
        if nop && args.hipri {
            return usage("--hipri: polls a device's completions; --engine nop has none".into());
        }
        check_io(args)?;
        let planned = prologue::probe(&path, Missing::Create)?;
        let target = planned.info.clone();
        if nop && target.is_none() {
            return usage(format!(
                "--engine nop: {} does not exist (nop moves no data, so it creates and lays out nothing)",
                path.display()
            ));
        }
        if args.hipri {
            super::engine_checks::hipri(&path, target.as_ref()).map_err(AppError::Usage)?;
        }
        planned.check_aligned("--bs", args.bs)?;
        planned.check_aligned("--offset", args.offset)?;
        let size = region(args, &path, target.as_ref())? / args.bs * args.bs;
        let blocks = size / args.bs;
        if !Mode::from(args.mode).random() && blocks < u64::from(args.jobs) {
            return usage(format!(
                "--size {size}: too small to give each of --jobs {} at least one --bs {} block",
                args.jobs, args.bs
            ));
        }
        let forced = match &target {
            Some(t) if Mode::from(args.mode).writes() && !nop => t.refuse_write_unless_forced(args.force).map_err(AppError::Usage)?,
            _ => None,
        };
        let holes = match &target {
            _ if nop => Vec::new(),
            Some(t) if t.kind == TargetKind::Block => Vec::new(),
            _ => layout::empty_ranges(&path, args.offset, args.offset + size, cached_pages(args))?,
        };
        let read_pct = Mode::from(args.mode).read_pct(args.rwmix);
        Ok(Plan {
            forced,
            path,
            mode: Mode::from(args.mode),
            read_pct,
            bs: args.bs,
            qd,
            jobs: args.jobs,
            offset: args.offset,
            size,
            stop: args.ops.map_or(Stop::Time(args.time), Stop::Ops),
            ramp: args.ramp,
            repeat: args.repeat,
            rate: args.rate,
            arrival: Arrival::from(args.arrival),
            interval: args.interval,
            hlog: args.hlog.clone(),
            hgrm: args.hgrm.clone(),
            dist,
            seed: args.seed.unwrap_or_else(random_seed),
            seed_given: args.seed.is_some(),
            data: DataKind::from(args.data),
            verify: args.verify,
            submit: Submit::from(args.submit),
            engine: Engine::from(args.engine),
            io: IoPath::from(args.io),
            warm: args.warm,
            async_mode: AsyncMode::from(args.async_mode),
            force_async: (false, String::new()),
            hipri: args.hipri,
            sqpoll: args.sqpoll,
            force: args.force,
            needs_layout: !holes.is_empty(),
            holes,
            create: target.is_none(),
            json: args.output.json.clone(),
            quiet: args.output.quiet,
            target,
            start_at: args.start_at,
        })
    }

    /// Bytes of the region that hold no data.
    pub fn hole_bytes(&self) -> u64 {
        self.holes.iter().map(|h| h.end - h.start).sum()
    }

    /// The engine's submission policy for this plan.
    #[cfg(target_os = "linux")]
    pub fn policy(&self) -> crate::engine::Policy {
        let submit = match self.submit {
            Submit::Eager => crate::engine::Submit::EachOp,
            Submit::Auto | Submit::Batch => crate::engine::Submit::Turn,
        };
        crate::engine::Policy { force_async: self.force_async.0, submit }
    }

    /// True when the target is a block device.
    pub fn is_block(&self) -> bool {
        self.target.as_ref().is_some_and(|t| t.kind == TargetKind::Block)
    }
}

/// A number as a user would write it back: 1e19 rather than twenty digits.
fn shown(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e9 { format!("{x:e}") } else { x.to_string() }
}

/// `--io` and `--warm` against the flags they cannot go with.
fn check_io(args: &BenchArgs) -> Result<(), AppError> {
    let refuse = |m: &str| Err(AppError::Usage(m.to_string()));
    match IoPath::from(args.io) {
        IoPath::Direct if args.warm => {
            refuse("--warm: only means something with --io buffered (Direct I/O bypasses the page cache)")
        }
        IoPath::Buffered if Engine::from(args.engine).is_nop() => {
            refuse("--io buffered: --engine nop moves no data, so nothing goes through the page cache")
        }
        IoPath::Buffered if Engine::from(args.engine) == Engine::Libaio => refuse(
            "--io buffered with --engine libaio: native AIO is asynchronous only with Direct I/O (on a buffered file io_submit does the I/O before it returns)",
        ),
        IoPath::Buffered if args.hipri => {
            refuse("--hipri: polled completions need Direct I/O, and --io buffered goes through the page cache")
        }
        _ => Ok(()),
    }
}

/// What the hole scan does with the target's cached pages: `--io buffered
/// --warm` keeps them, as it promises.
fn cached_pages(args: &BenchArgs) -> Cached {
    if IoPath::from(args.io) == IoPath::Buffered && args.warm { Cached::Keep } else { Cached::Evict }
}

/// The region size, before rounding down to whole blocks.
fn region(args: &BenchArgs, path: &Path, target: Option<&TargetInfo>) -> Result<u64, AppError> {
    let usage = |m: String| Err(AppError::Usage(m));
    let (existing, is_block) = target.map_or((0, false), |t| (t.size_bytes, t.kind == TargetKind::Block));
    if is_block && args.offset >= existing {
        return usage(format!(
            "--offset {}: at or beyond the end of {} ({existing} bytes)",
            args.offset,
            path.display()
        ));
    }
    let size = match args.size {
        Some(s) => s,
        None if is_block || existing > args.offset => existing - args.offset,
        None => DEFAULT_FILE_SIZE,
    };
    if size < args.bs {
        return usage(format!("--size {size}: smaller than --bs {}", args.bs));
    }
    let end = args.offset.checked_add(size);
    if is_block && end.is_none_or(|e| e > existing) {
        return usage(format!(
            "--offset {} + --size {size}: beyond the end of {} ({existing} bytes)",
            args.offset,
            path.display()
        ));
    }
    if end.is_none_or(|e| e > i64::MAX as u64) {
        return usage(format!("--offset {} + --size {size}: too large", args.offset));
    }
    let end = args.offset + size / args.bs * args.bs;
    if !is_block && !Mode::from(args.mode).writes() && !args.grow && existing > 0 && end > existing {
        let what = match args.size {
            Some(_) => format!("--offset {} + --size {size}", args.offset),
            None => format!("--offset {}", args.offset),
        };
        return usage(format!(
            "{what}: ends at {end}, past the end of {} ({existing} bytes); a read mode does not lengthen a file that holds data (--grow to let it)",
            path.display()
        ));
    }
    Ok(size)
}

/// A seed from the clock and the process id, for runs not given --seed.
pub fn random_seed() -> u64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    t ^ (u64::from(std::process::id()) << 32)
}
