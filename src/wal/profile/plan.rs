//! The plan of a `--profile` run: the settings and the directory, checked
//! before any I/O. The flags a profile fixes (--method, --bs, --batch,
//! --writers, --size, --file-mode) are refused by the argument parser
//! itself, naming both flags; any `--engine` but psync is refused here.

use std::path::PathBuf;

use super::{Profile, Setting};
use crate::{
    error::AppError,
    wal::{
        args::WalArgs,
        engine::Engine,
        plan::{FileMode, WalPlan},
    },
};

/// The scratch directory used when no TARGET is given.
pub const DEFAULT_DIR: &str = "jdbio-wal-profile";

/// What a profile run does besides the common wal settings.
#[derive(Debug, Clone)]
pub struct ProfilePlan {
    pub profile: Profile,
    /// The settings to run, in order.
    pub settings: Vec<&'static Setting>,
    /// The directory the database's files go in.
    pub dir: PathBuf,
    /// The directory does not exist yet: the run makes it (and removes it
    /// afterwards unless --keep).
    pub make_dir: bool,
}

/// The settings `text` names (`all` or a comma list of keys).
fn settings(profile: Profile, text: &str) -> Result<Vec<&'static Setting>, AppError> {
    let all = profile.settings();
    if text == "all" {
        return Ok(all.iter().collect());
    }
    text.split(',')
        .map(str::trim)
        .map(|part| {
            all.iter().find(|s| s.key.eq_ignore_ascii_case(part)).ok_or_else(|| {
                let keys: Vec<_> = all.iter().map(|s| s.key).collect();
                AppError::Usage(format!(
                    "--setting {text}: unknown '{part}' for --profile {} (use all or a comma list of {})",
                    profile.name(),
                    keys.join(", ")
                ))
            })
        })
        .collect()
}

/// The plan of `jdbio wal --profile`: `args` with `profile` set.
pub fn plan(args: &WalArgs, profile: Profile) -> Result<WalPlan, AppError> {
    let flag = format!("--profile {}", profile.name());
    if crate::io_engine::Engine::from(args.engine) != Engine::Psync {
        return Err(AppError::Usage(format!(
            "{flag} with --engine {}: a profile replays a database's plain system calls (--engine psync)",
            crate::io_engine::Engine::from(args.engine).name()
        )));
    }
    if args.time.is_zero() {
        return Err(AppError::Usage("--time 0: must be longer than zero".into()));
    }
    let settings = settings(profile, args.setting.as_deref().unwrap_or("all"))?;
    let dir = args.target.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
    let make_dir = match std::fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => false,
        Ok(_) => {
            return Err(AppError::Usage(format!(
                "{}: {flag} needs a directory TARGET (the database's files are made in it)",
                dir.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(AppError::Usage(format!("{}: {e}", dir.display()))),
    };
    let mut file_modes: Vec<FileMode> = Vec::new();
    for s in &settings {
        if !file_modes.contains(&s.file_mode) {
            file_modes.push(s.file_mode);
        }
    }
    Ok(WalPlan {
        forced: None,
        path: dir.clone(),
        engine: Engine::Psync,
        methods: settings.iter().map(|s| s.method).collect(),
        file_modes,
        bs: profile.record_bytes(),
        batch: 1,
        time: args.time,
        writers: 1,
        size: 0,
        keep: args.keep,
        is_default_target: args.target.is_none(),
        json: args.output.json.clone(),
        quiet: args.output.quiet,
        target: None,
        profile: Some(ProfilePlan { profile, settings, dir, make_dir }),
    })
}
