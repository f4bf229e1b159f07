//! The validated plan of a verify run: every check of bad input, before any
//! I/O.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::args::VerifyArgs;
use crate::{
    error::AppError,
    target::{self, TargetKind},
};

/// Bytes a --write on a new file fills by default.
const DEFAULT_NEW_SIZE: u64 = 256 << 20;

/// Everything a verify run does. Serialised as the report's `job`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyPlan {
    pub path: PathBuf,
    pub write: bool,
    /// Block size for --write, or the one given to check with.
    pub bs: u64,
    /// Bytes to fill or check (from offset 0).
    pub size: u64,
    /// The generation --write writes.
    pub generation: u32,
    /// The generation every block must have (None: the newest found).
    pub expected: Option<u32>,
    pub qd: u32,
    pub ack_log: Option<PathBuf>,
    pub seed: Option<u64>,
    #[serde(skip)]
    pub max_report: usize,
    #[serde(skip)]
    pub json: Option<String>,
    #[serde(skip)]
    pub quiet: bool,
}

impl VerifyPlan {
    /// Validates `args`; probes the target (read only).
    pub fn from_args(args: &VerifyArgs) -> Result<Self, AppError> {
        let usage = |m: String| Err(AppError::Usage(m));
        if args.qd == 0 || args.qd > 4096 {
            return usage(format!("--qd {}: must be between 1 and 4096", args.qd));
        }
        if args.generation == Some(0) {
            return usage("--generation 0: generations start at 1".into());
        }
        if args.bs < 512 || args.bs % 512 != 0 || args.bs > 64 << 20 {
            return usage(format!("--bs {}: must be a multiple of 512 between 512 and 64 MiB", args.bs));
        }
        let target = match target::probe(&args.target) {
            Ok(t) => Some(t),
            Err(target::ProbeError::NotFound { .. }) if args.write => None,
            Err(e) => return usage(e.to_string()),
        };
        let align = target.as_ref().map_or(512, |t| u64::from(t.dio_offset_align));
        if args.bs % align != 0 {
            return usage(format!(
                "--bs {}: not a multiple of the Direct I/O alignment {align} of {}",
                args.bs,
                args.target.display()
            ));
        }
        if let Some(log) = &args.ack_log {
            check_log_is_another_file(log, &args.target)?;
        }
        let existing = target.as_ref().map_or(0, |t| t.size_bytes);
        let is_block = target.as_ref().is_some_and(|t| t.kind == TargetKind::Block);
        let size = match args.size {
            Some(s) => s,
            None if existing > 0 => existing,
            None => DEFAULT_NEW_SIZE,
        };
        if is_block && size > existing {
            return usage(format!("--size {size}: larger than {} ({existing} bytes)", args.target.display()));
        }
        if args.write {
            if size < args.bs {
                return usage(format!("--size {size}: smaller than --bs {}", args.bs));
            }
            if let Some(t) = &target {
                t.refuse_write_unless_forced(args.force).map_err(AppError::Usage)?;
            }
        }
        Ok(Self {
            path: args.target.clone(),
            write: args.write,
            bs: args.bs,
            size: if args.write { size / args.bs * args.bs } else { size },
            generation: args.generation.unwrap_or(1),
            expected: args.generation,
            qd: args.qd,
            ack_log: args.ack_log.clone(),
            seed: args.seed,
            max_report: args.max_report,
            json: args.output.json.clone(),
            quiet: args.output.quiet,
        })
    }
}

/// The log must not be the target itself (a crash would take both).
fn check_log_is_another_file(log: &Path, target: &Path) -> Result<(), AppError> {
    let canon = |p: &Path| {
        p.canonicalize().ok().or_else(|| {
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            parent.canonicalize().ok().map(|d| d.join(p.file_name().unwrap_or_default()))
        })
    };
    if canon(log).is_some_and(|l| Some(l) == canon(target)) {
        return Err(AppError::Usage(format!("--ack-log {}: must be another file than the target", log.display())));
    }
    Ok(())
}
