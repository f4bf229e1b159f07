//! The validated plan of a `jdbio prealloc` run: every check of bad input,
//! before any I/O.

use std::{
    fs,
    path::{Path, PathBuf},
};


use super::{args::PreallocArgs, mode::Mode};
use crate::{
    error::AppError,
    prologue,
    target::{self, TargetKind},
};

/// The base path used when no target is given.
pub const DEFAULT_TARGET: &str = "jdbio-prealloc.dat";

/// Everything a prealloc run does; the report states it as
/// [`crate::model::prealloc::PreallocJob`].
#[derive(Debug, Clone)]
pub struct PreallocPlan {
    /// The base path; each mode's file is `path.MODE`.
    pub path: PathBuf,
    pub modes: Vec<Mode>,
    /// Bytes preallocated per mode (--size rounded down to a multiple of --bs).
    pub size: u64,
    pub bs: u64,
    /// Write + fdatasync pairs per mode.
    pub writes: u64,
    pub keep: bool,
    pub json: Option<String>,
    pub quiet: bool,
}

impl PreallocPlan {
    /// Validates `args`; looks at (never writes) an existing target.
    pub fn from_args(args: &PreallocArgs) -> Result<PreallocPlan, AppError> {
        let usage = |m: String| Err(AppError::Usage(m));
        let modes = parse_modes(&args.mode)?;
        let path = args.target.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_TARGET));
        check_target(&path)?;
        if args.bs == 0 || args.bs > 64 << 20 {
            return usage(format!("--bs {}: must be between 1 byte and 64 MiB", args.bs));
        }
        // Every mode writes a fresh file beside the target: the new-file
        // rule of bench, wal and verify, checked before any file exists.
        if let Some(&first) = modes.first() {
            prologue::new_file(&mode_path(&path, first)).check_aligned("--bs", args.bs)?;
        }
        if args.writes == 0 {
            return usage("--writes 0: must be at least 1".into());
        }
        let size = args.size / args.bs * args.bs;
        if size == 0 {
            return usage(format!("--size {}: smaller than --bs {}", args.size, args.bs));
        }
        let written = args.writes.saturating_mul(args.bs);
        if written > size {
            return usage(format!(
                "--writes {} x --bs {} = {written} bytes: more than --size {}; raise --size or lower --writes",
                args.writes, args.bs, args.size
            ));
        }
        let plan = PreallocPlan {
            path,
            modes,
            size,
            bs: args.bs,
            writes: args.writes,
            keep: args.keep,
            json: args.output.json.clone(),
            quiet: args.output.quiet,
        };
        for &mode in &plan.modes {
            let file = plan.mode_path(mode);
            if fs::symlink_metadata(&file).is_ok_and(|m| !m.is_file()) {
                return usage(format!("{}: exists and is not a regular file; it would be replaced", file.display()));
            }
        }
        Ok(plan)
    }

    /// The fresh file `mode` uses: `path.MODE`.
    pub fn mode_path(&self, mode: Mode) -> PathBuf {
        mode_path(&self.path, mode)
    }
}

/// `TARGET.MODE` for `mode`.
fn mode_path(target: &Path, mode: Mode) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".");
    name.push(mode.name());
    PathBuf::from(name)
}

/// The scratch file of every mode for `target` (`TARGET.none`, ...).
pub fn mode_paths(target: &Path) -> Vec<PathBuf> {
    Mode::ALL.iter().map(|&m| mode_path(target, m)).collect()
}

/// Parses --mode: `all` or a comma list.
fn parse_modes(text: &str) -> Result<Vec<Mode>, AppError> {
    if text == "all" {
        return Ok(Mode::ALL.to_vec());
    }
    let mut picked = Vec::new();
    for part in text.split(',').map(str::trim) {
        let Some(mode) = Mode::ALL.into_iter().find(|m| m.name() == part) else {
            let known: Vec<_> = Mode::ALL.iter().map(|m| m.name()).collect();
            return Err(AppError::Usage(format!(
                "--mode {text}: unknown '{part}' (use all or a comma list of {})",
                known.join(", ")
            )));
        };
        if !picked.contains(&mode) {
            picked.push(mode);
        }
    }
    Ok(picked)
}

/// Refuses a target that exists and is not a regular file.
fn check_target(path: &Path) -> Result<(), AppError> {
    let Ok(meta) = fs::metadata(path) else { return Ok(()) };
    if meta.is_dir() {
        return Err(AppError::Usage(format!(
            "{} is a directory; give a file path (the test files are created as {}.MODE)",
            path.display(),
            path.display()
        )));
    }
    match target::probe(path) {
        Ok(t) if t.kind == TargetKind::Block => Err(AppError::Usage(format!(
            "{} is a block device: preallocation is a file-system concept; give a file path on the filesystem to test",
            path.display()
        ))),
        Ok(_) => Ok(()),
        Err(target::ProbeError::NotSupported { what, .. }) => {
            Err(AppError::Usage(format!("{} is {what}; give a file path on the filesystem to test", path.display())))
        }
        Err(e) => Err(AppError::Usage(e.to_string())),
    }
}
