//! The validated plan of a verify run: every check of bad input, before any
//! write and before the target is created. It reads what it needs to know
//! which run to check or continue (the ack log, the target's first MiB), and
//! opens the ack log a `--write` will fill, so a bad `--ack-log` costs
//! nothing.

use std::{
    fs,
    path::{Path, PathBuf},
};


use super::{
    ack_read::{self, Acked},
    args::VerifyArgs,
    identity::RunId,
};
use crate::{
    dio::File,
    error::AppError,
    io::block::detect,
    prologue::{self, Missing},
    target::TargetKind,
};

/// Bytes a --write on a new file fills by default.
const DEFAULT_NEW_SIZE: u64 = 256 << 20;
/// --qd when not given (psync and pvsync2: 1).
const DEFAULT_QD: u32 = 32;

/// Everything a verify run does; the report states it as
/// [`crate::model::verify::VerifyJob`].
#[derive(Debug)]
pub struct VerifyPlan {
    /// With `--force` on a target that holds data: the line announcing
    /// what the run destroys, printed before its first write.
    pub forced: Option<String>,
    pub path: PathBuf,
    pub write: bool,
    /// The run: seed and block size, and where each came from.
    pub run: RunId,
    /// Bytes to fill or check (from offset 0); with an ack log to check,
    /// the log says which blocks instead.
    pub size: u64,
    /// The generation --write writes.
    pub generation: u32,
    /// A --write over blocks of the same run with no --generation: the
    /// newest generation found there (`generation` is one past it).
    pub generation_found: Option<u32>,
    /// The generation every block must have (None: the newest found).
    pub expected: Option<u32>,
    pub qd: u32,
    /// What carries both passes.
    pub engine: crate::io_engine::Engine,
    pub ack_log: Option<PathBuf>,
    pub max_report: usize,
    /// The target's size before the run (0: it does not exist yet).
    pub target_bytes: u64,
    /// Things the user should know before trusting the result.
    pub warnings: Vec<String>,
    /// The ack log to check, read and validated.
    pub acked: Option<Acked>,
    /// The ack log --write fills, opened (not yet truncated).
    pub ack_file: Option<fs::File>,
    pub json: Option<String>,
    pub quiet: bool,
}

impl VerifyPlan {
    /// Validates `args`; reads the target and the ack log, writes nothing.
    pub fn from_args(args: &VerifyArgs) -> Result<Self, AppError> {
        let usage = |m: String| Err(AppError::Usage(m));
        if let Some(qd) = args.qd.filter(|&qd| qd == 0 || qd > 4096) {
            return usage(format!("--qd {qd}: must be between 1 and 4096"));
        }
        crate::io_engine::Engine::from(args.engine).available().map_err(AppError::Usage)?;
        if crate::io_engine::Engine::from(args.engine).is_nop() {
            return usage("--engine nop: verify checks data, and a NOP moves none".into());
        }
        let qd = crate::io_engine::Engine::from(args.engine)
            .queue_depth(args.qd, DEFAULT_QD, "verify runs one worker, so this is --qd 1")
            .map_err(AppError::Usage)?;
        if args.generation == Some(0) {
            return usage("--generation 0: generations start at 1".into());
        }
        if let Some(bs) = args.bs.filter(|&bs| bs < 512 || bs % 512 != 0 || bs > 64 << 20) {
            return usage(format!("--bs {bs}: must be a multiple of 512 between 512 and 64 MiB"));
        }
        let planned = prologue::probe(&args.target, if args.write { Missing::Create } else { Missing::Refuse })?;
        let target = planned.info.clone();
        let existing = target.as_ref().map_or(0, |t| t.size_bytes);
        let mut warnings = Vec::new();
        let mut acked = None;
        if let Some(log) = &args.ack_log {
            check_log_is_another_file(log, &args.target)?;
            if !args.write {
                let a = ack_read::read(log)?;
                warnings.extend(identity_warnings(&a, &args.target, existing));
                acked = Some(a);
            } else if fs::metadata(log).is_ok_and(|m| !m.is_file()) {
                return usage(format!("--ack-log {}: exists and is not a regular file", log.display()));
            }
        }
        let found = match &target {
            Some(_) if existing > 0 && acked.is_none() => detect::detect(&crate::io::rt::block_on(File::open(&args.target))??, existing)?,
            _ => None,
        };
        let run = match (&acked, args.write) {
            (Some(a), _) => {
                RunId::from_log(&a.header, args.seed, args.bs, args.generation).map_err(AppError::Usage)?
            }
            (None, true) => RunId::for_write(found.map(|f| (f.bs, f.seed)), args.seed, args.bs, crate::bench::plan::random_seed()),
            (None, false) => RunId::for_check(found.map(|f| (f.bs, f.seed)), args.seed, args.bs).ok_or_else(|| {
                AppError::Usage(format!(
                    "{}: no intact jdbio verify block in its first MiB, so there is nothing to check against (write one with jdbio verify --write, or give --bs and --seed, or --ack-log)",
                    args.target.display()
                ))
            })?,
        };
        planned.check_aligned("--bs", run.bs)?;
        let (generation, generation_found) = write_generation(args, found, &run)?;
        prologue::check_buffers(&format!("--qd {qd} x --bs {}", crate::units::human_bytes(run.bs as f64)), qd.into(), run.bs)?;
        let is_block = target.as_ref().is_some_and(|t| t.kind == TargetKind::Block);
        let size = match args.size {
            Some(s) => s,
            None if existing > 0 || !args.write => existing,
            None => DEFAULT_NEW_SIZE,
        };
        if is_block && size > existing {
            return usage(format!("--size {size}: larger than {} ({existing} bytes)", args.target.display()));
        }
        let mut ack_file = None;
        let mut forced = None;
        if args.write {
            if size < run.bs {
                return usage(format!("--size {size}: smaller than the block size {}", run.bs));
            }
            if let Some(t) = &target {
                forced = t.refuse_write_unless_forced(args.force).map_err(AppError::Usage)?;
            }
            if let Some(log) = &args.ack_log {
                // Opened now, before the target is created or written; the
                // run truncates it and writes the header.
                let file = fs::OpenOptions::new().write(true).create(true).truncate(false).open(log);
                ack_file = Some(file.map_err(|e| AppError::Usage(format!("--ack-log {}: {e}", log.display())))?);
            }
        }
        Ok(Self {
            forced,
            path: args.target.clone(),
            write: args.write,
            run,
            size: if args.write { size / run.bs * run.bs } else { size },
            generation,
            generation_found,
            expected: args.generation,
            qd,
            engine: crate::io_engine::Engine::from(args.engine),
            ack_log: args.ack_log.clone(),
            max_report: args.max_report,
            target_bytes: existing,
            warnings,
            acked,
            ack_file,
            json: args.output.json.clone(),
            quiet: args.output.quiet,
        })
    }
}

/// The directory a path lives in ("." for a bare name).
fn parent(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A path made absolute through its directory (the file need not exist).
pub fn absolute(path: &Path) -> Option<PathBuf> {
    path.canonicalize()
        .ok()
        .or_else(|| parent(path).canonicalize().ok().map(|d| d.join(path.file_name().unwrap_or_default())))
}

/// The log must not be the target itself (a crash would take both).
fn check_log_is_another_file(log: &Path, target: &Path) -> Result<(), AppError> {
    if absolute(log).is_some_and(|l| Some(l) == absolute(target)) {
        return Err(AppError::Usage(format!("--ack-log {}: must be another file than the target", log.display())));
    }
    Ok(())
}

/// Whether the target is the one the log was written for.
fn identity_warnings(acked: &Acked, target: &Path, size: u64) -> Vec<String> {
    let h = &acked.header;
    let mut out = Vec::new();
    if absolute(target).is_some_and(|t| t != h.target) {
        out.push(format!(
            "the ack log was written for {}, this is {}: checking it as that target (a renamed device or a copy)",
            h.target.display(),
            target.display()
        ));
    }
    if size < h.size {
        out.push(format!(
            "{} is {size} bytes, the run wrote {}: acknowledged blocks past its end are lost",
            target.display(),
            h.size
        ));
    }
    out
}

/// The generation a `--write` writes: `--generation` where given; over
/// blocks of the same run, one past the newest found there, so that a write
/// the device drops leaves a block that reads back `stale` (written again at
/// the same generation, old and new blocks would be the same bytes and a
/// lost write could not be seen); else 1. Also the newest found, when it
/// set the generation.
fn write_generation(args: &VerifyArgs, found: Option<detect::Found>, run: &RunId) -> Result<(u32, Option<u32>), AppError> {
    let same_run = found.filter(|f| args.write && (f.bs, f.seed) == (run.bs, run.seed));
    match (args.generation, same_run) {
        (Some(g), _) => Ok((g, None)),
        (None, Some(f)) => match f.generation.checked_add(1) {
            Some(g) => Ok((g, Some(f.generation))),
            None => Err(AppError::Usage(format!(
                "{}: its blocks are at generation {}, the last there is; give --generation, or --seed for a new run",
                args.target.display(),
                f.generation
            ))),
        },
        (None, None) => Ok((1, None)),
    }
}
