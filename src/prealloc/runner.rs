//! Runs one mode: a fresh file at `TARGET.MODE`, its size and allocation
//! before and after preparing, the timed preparation, then `writes`
//! write + fdatasync pairs at increasing offsets (the WAL pattern).

use std::{
    fs, io,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use hdrhistogram::Histogram;
use indicatif::ProgressBar;
use rand::{RngCore, SeedableRng, rngs::SmallRng};

use super::{
    mode::{Mode, is_unsupported},
    plan::PreallocPlan,
};
use crate::{
    dio::{AlignedBuf, File},
    error::AppError,
    report::new_histogram,
    scratch::Scratch,
    target::{self, TargetInfo},
};

/// A file's size and allocated bytes (st_blocks x 512; `None` where the OS
/// does not say).
#[derive(Debug, Clone, Copy, Default)]
pub struct Space {
    pub size: u64,
    pub allocated: Option<u64>,
}

/// What one mode measured.
#[derive(Debug, Clone)]
pub struct ModeStats {
    pub file: PathBuf,
    /// Why the mode could not run, when it could not.
    pub unsupported: Option<String>,
    pub prepare: Duration,
    pub before: Space,
    pub after: Space,
    pub after_writes: Space,
    pub writes: u64,
    pub bytes: u64,
    pub duration: Duration,
    /// write + fdatasync, nanoseconds.
    pub latency: Histogram<u64>,
    /// The file probed after preparing (when asked for).
    pub target: Option<TargetInfo>,
    /// The error that stopped the writes (ENOSPC, EIO); the writes before
    /// it are measured above.
    pub error: Option<String>,
}

/// Runs `mode` on a fresh file; `bar` advances once per write. With `probe`
/// the prepared file is probed for the report's `target`. An error during
/// the writes ends them with `error` set; earlier errors are `Err`.
pub async fn run(plan: &PreallocPlan, mode: Mode, probe: bool, bar: &ProgressBar) -> Result<ModeStats, AppError> {
    let path = plan.mode_path(mode);
    let io_err = |action: &str, e: io::Error| AppError::Io(format!("{}: {action}: {e}", path.display()));
    match fs::remove_file(&path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_err("remove the old test file", e)),
        _ => {}
    }
    // Declared before the file, so it is removed after the file is closed.
    let _scratch = Scratch::new(&path, plan.keep);
    let file = File::create(&path).await?;
    let need = u64::from(file.alignment().offset);
    if !plan.bs.is_multiple_of(need) {
        return Err(AppError::Usage(format!(
            "--bs {}: not a multiple of the Direct I/O alignment {need} of {}",
            plan.bs,
            path.display()
        )));
    }
    let space = |when: &str| space_of(&path).map_err(|e| io_err(&format!("stat {when}"), e));
    let before = space("before preparing")?;
    let mut stats = ModeStats {
        file: path.clone(),
        unsupported: None,
        prepare: Duration::ZERO,
        before,
        after: before,
        after_writes: before,
        writes: 0,
        bytes: 0,
        duration: Duration::ZERO,
        latency: new_histogram(),
        target: None,
        error: None,
    };
    let t0 = Instant::now();
    match mode.prepare(&file, plan.size).await {
        Ok(()) => stats.prepare = t0.elapsed(),
        Err(e) if is_unsupported(&e) => {
            stats.unsupported = Some(e.to_string());
            return Ok(stats);
        }
        Err(e) => return Err(e.into()),
    }
    stats.after = space("after preparing")?;
    if probe {
        stats.target = target::probe_async(&path).await.ok();
    }
    if let Err(e) = write_run(plan, &file, &mut stats, bar).await {
        stats.error = Some(e.to_string());
    }
    stats.after_writes = space("after the writes")?;
    Ok(stats)
}

/// `plan.writes` writes of `plan.bs` at offsets 0, bs, 2bs, ..., each
/// followed by fdatasync; records write + fdatasync latency. Stops early,
/// keeping what it measured, when a signal arrives.
async fn write_run(plan: &PreallocPlan, file: &File, stats: &mut ModeStats, bar: &ProgressBar) -> Result<(), AppError> {
    let mut buf = AlignedBuf::zeroed(plan.bs as usize)?;
    // Random bytes, so no layer below can shortcut zeros.
    SmallRng::seed_from_u64(0x5EED).fill_bytes(&mut buf);
    let start = Instant::now();
    for i in 0..plan.writes {
        if crate::interrupt::requested() {
            break;
        }
        let t0 = Instant::now();
        let (res, back) = file.write_at(buf, i * plan.bs).await;
        buf = back;
        let done = match res {
            Ok(_) => file.sync_data().await,
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            stats.duration = start.elapsed();
            return Err(e.into());
        }
        stats.latency.saturating_record(t0.elapsed().as_nanos().max(1) as u64);
        stats.writes += 1;
        stats.bytes += plan.bs;
        bar.inc(1);
    }
    stats.duration = start.elapsed();
    Ok(())
}

/// Size and allocated bytes of `path`.
fn space_of(path: &Path) -> io::Result<Space> {
    let meta = fs::metadata(path)?;
    Ok(Space { size: meta.len(), allocated: allocated_bytes(&meta) })
}

/// st_blocks x 512: the bytes the filesystem really allocated.
#[cfg(unix)]
fn allocated_bytes(meta: &fs::Metadata) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    Some(meta.blocks() * 512)
}

/// No st_blocks here.
#[cfg(not(unix))]
fn allocated_bytes(_: &fs::Metadata) -> Option<u64> {
    None
}
