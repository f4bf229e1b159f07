//! The validated plan of a `jdbio wal` run: every check of bad input, before
//! any I/O.

use std::{path::PathBuf, time::Duration};


use super::{args::WalArgs, method::Method};
use crate::io_engine::Engine;
use crate::{
    error::AppError,
    prologue::{self, Missing},
    target::{TargetInfo, TargetKind},
};

/// The scratch log used when no target is given.
pub const DEFAULT_TARGET: &str = "jdbio-wal.dat";

pub use crate::model::wal::FileMode;

impl FileMode {
    const ALL: [FileMode; 3] = [FileMode::Overwrite, FileMode::Append, FileMode::Prealloc];
}

/// Everything a wal run does; the report states it as
/// [`crate::model::wal::WalJob`].
#[derive(Debug, Clone)]
pub struct WalPlan {
    /// With `--force` on a target that holds data: the line announcing
    /// what the run destroys, printed before its first write.
    pub forced: Option<String>,
    pub path: PathBuf,
    pub engine: Engine,
    pub methods: Vec<Method>,
    pub file_modes: Vec<FileMode>,
    pub bs: u64,
    pub batch: u32,
    pub time: Duration,
    pub writers: u32,
    pub size: u64,
    pub keep: bool,
    pub is_default_target: bool,
    pub json: Option<String>,
    pub quiet: bool,
    pub target: Option<TargetInfo>,
    /// A `--profile` run's settings and directory.
    pub profile: Option<super::profile::ProfilePlan>,
}

/// Parses a comma list against `all`, naming the flag on error.
fn parse_list<T: Copy>(
    flag: &str,
    text: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<Vec<T>, AppError> {
    if text == "all" {
        return Ok(all.to_vec());
    }
    let mut picked = Vec::new();
    for part in text.split(',').map(str::trim) {
        let Some(&item) = all.iter().find(|&&x| name(x) == part) else {
            let known: Vec<_> = all.iter().map(|&x| name(x)).collect();
            return Err(AppError::Usage(format!(
                "{flag} {text}: unknown '{part}' (use all or a comma list of {})",
                known.join(", ")
            )));
        };
        picked.push(item);
    }
    Ok(picked)
}

impl WalPlan {
    /// Validates `args`; probes an existing target (read only).
    pub fn from_args(args: &WalArgs) -> Result<WalPlan, AppError> {
        if let Some(profile) = args.profile.map(super::profile::Profile::from) {
            return super::profile::plan(args, profile);
        }
        let usage = |m: String| Err(AppError::Usage(m));
        if let Some(setting) = &args.setting {
            return usage(format!("--setting {setting}: a database's setting, only with --profile"));
        }
        let mut methods = parse_list("--method", &args.method, &Method::ALL, Method::name)?;
        super::engine::check(crate::io_engine::Engine::from(args.engine), &mut methods, &args.method).map_err(AppError::Usage)?;
        let mut file_modes = parse_list("--file-mode", &args.file_mode, &FileMode::ALL, FileMode::name)?;
        if args.batch == 0 || args.batch > 1024 {
            return usage(format!("--batch {}: must be between 1 and 1024", args.batch));
        }
        if args.writers == 0 || args.writers > 1024 {
            return usage(format!("--writers {}: must be between 1 and 1024", args.writers));
        }
        if args.time.is_zero() {
            return usage("--time 0: must be longer than zero".into());
        }
        let commit = match args.bs.checked_mul(u64::from(args.batch)) {
            Some(commit) if args.bs > 0 && commit <= 64 << 20 => commit,
            _ => {
                return usage(format!(
                    "--bs {} x --batch {}: a commit must be between 1 byte and 64 MiB",
                    args.bs, args.batch
                ));
            }
        };
        prologue::check_buffers(
            &format!(
                "--writers {} x --bs {} x --batch {}",
                args.writers,
                crate::units::human_bytes(args.bs as f64),
                args.batch
            ),
            args.writers.into(),
            commit,
        )?;
        let path = args.target.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_TARGET));
        let planned = prologue::probe(&path, Missing::Create)?;
        planned.check_aligned("--bs", args.bs)?;
        let target = planned.info;
        let mut size = args.size / commit * commit;
        if size < commit * u64::from(args.writers) {
            return usage(format!(
                "--size {}: too small for --writers {} commits of {commit} bytes",
                args.size, args.writers
            ));
        }
        if let Some(t) = target.as_ref().filter(|t| t.kind == TargetKind::Block) {
            if file_modes.iter().any(|&m| m != FileMode::Overwrite) {
                if args.file_mode != "all" {
                    return usage(format!("--file-mode {}: a block device can only be overwritten", args.file_mode));
                }
                file_modes = vec![FileMode::Overwrite];
            }
            size = size.min(t.size_bytes / commit * commit);
        }
        let forced = match &target {
            Some(t) => t.refuse_write_unless_forced(args.force).map_err(AppError::Usage)?,
            None => None,
        };
        Ok(WalPlan {
            forced,
            path,
            engine: crate::io_engine::Engine::from(args.engine),
            methods,
            file_modes,
            bs: args.bs,
            batch: args.batch,
            time: args.time,
            writers: args.writers,
            size,
            keep: args.keep,
            is_default_target: args.target.is_none(),
            json: args.output.json.clone(),
            quiet: args.output.quiet,
            target,
            profile: None,
        })
    }

    /// True when the target is a block device.
    pub fn is_block(&self) -> bool {
        self.target.as_ref().is_some_and(|t| t.kind == TargetKind::Block)
    }
}
