//! What every plan that does Direct I/O to a target starts with (bench, wal,
//! verify; prealloc's fresh files take the new-file rule): probe the target read-only, or check that a missing one may be
//! created ([`new_target`]); know the Direct I/O alignment it demands; refuse
//! a `--bs` (or `--offset`) that is not a multiple of it, in one line naming
//! the flag, before any I/O.
//!
//! The alignment of a target that exists is what the probe measured
//! (STATX_DIOALIGN, else the device's logical block size). One that does not
//! exist yet has none to measure, so it is the logical block size of the
//! disk under its directory: the smallest O_DIRECT allows there, so a valid
//! `--bs 512` on a 512-byte-sector disk is not refused. Where no disk can be
//! asked (tmpfs, FUSE), it is 4096, the page size and the Direct I/O
//! library's own fallback ([`crate::dio::Alignment::FALLBACK`]): a multiple
//! of every logical block size up to a page, so a `--bs` it lets through is
//! never refused by the kernel mid-run. (verify used to assume 512 there,
//! which let `--bs 512` through to a 4Kn disk and fail after the file was
//! created; bench and wal assumed 4096 even on a 512-byte disk.)

mod memory;
mod new_target;

pub use memory::check_buffers;

use std::path::{Path, PathBuf};

use crate::{
    dio::Alignment,
    error::AppError,
    target::{self, ProbeError, TargetInfo},
};

/// What a plan does when its target does not exist yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// It will be created as a regular file ([`new_target::check_creatable`]).
    Create,
    /// It must exist: the probe's error ("no such file or block device").
    Refuse,
}

/// Where [`PlannedTarget::align`] came from, for the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AlignFrom {
    /// The probe of the target itself.
    Probe,
    /// The disk under the directory a new file will be created in.
    Disk,
    /// No disk to ask: the page size.
    Fallback,
}

/// A plan's target as probed before any I/O.
#[derive(Debug, Clone)]
pub struct PlannedTarget {
    /// The path as given.
    pub path: PathBuf,
    /// What the probe found; `None` when the target does not exist yet.
    pub info: Option<TargetInfo>,
    /// The Direct I/O alignment of offsets and lengths, in bytes.
    pub align: u64,
    from: AlignFrom,
}

/// Probes `path` (read only) and finds its Direct I/O alignment; a missing
/// target is refused or checked creatable, as `missing` says. Errors are
/// one line naming the path (exit 2).
pub fn probe(path: &Path, missing: Missing) -> Result<PlannedTarget, AppError> {
    let info = match target::probe(path) {
        Ok(info) => Some(info),
        Err(ProbeError::NotFound { .. }) if missing == Missing::Create => {
            new_target::check_creatable(path)?;
            None
        }
        Err(e) => return Err(AppError::Usage(e.to_string())),
    };
    Ok(match info {
        Some(t) => PlannedTarget { path: path.to_path_buf(), align: u64::from(t.dio_offset_align), info: Some(t), from: AlignFrom::Probe },
        None => new_file(path),
    })
}

/// The target a file not created yet at `path` will be: the alignment of
/// the disk under its directory, else the page size. For a command that
/// always writes fresh files (prealloc), so its `--bs` is held to the same
/// rule before any file exists.
pub fn new_file(path: &Path) -> PlannedTarget {
    let (align, from) = match target::new_file_alignment(new_target::parent(path)) {
        Some(disk) => (disk, AlignFrom::Disk),
        None => (Alignment::FALLBACK.offset, AlignFrom::Fallback),
    };
    PlannedTarget { path: path.to_path_buf(), info: None, align: u64::from(align), from }
}

impl PlannedTarget {
    /// Refuses `value` of `flag` (`--bs`, `--offset`) unless it is a
    /// multiple of the alignment: one line naming the flag, the value, the
    /// alignment, the path and, for a target not yet created, where the
    /// alignment came from.
    pub fn check_aligned(&self, flag: &str, value: u64) -> Result<(), AppError> {
        if value.is_multiple_of(self.align) {
            return Ok(());
        }
        let why = match self.from {
            AlignFrom::Probe => "",
            AlignFrom::Disk => " (a new file: the logical block size of the disk it will be created on)",
            AlignFrom::Fallback => " (a new file on no disk jdbio can ask: the page size)",
        };
        Err(AppError::Usage(format!(
            "{flag} {value}: not a multiple of the Direct I/O alignment {} of {}{why}",
            self.align,
            self.path.display()
        )))
    }
}
