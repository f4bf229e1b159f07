//! The validated plan of a `jdbio align` run: every check of bad input,
//! before any I/O. The checks that need the target's alignment and size
//! (which decide the matrix) run in [`AlignPlan::check_target`], after the
//! default scratch file exists.

use std::path::PathBuf;


use super::args::AlignArgs;
use crate::{
    error::AppError,
    target::{self, TargetInfo, TargetKind},
};

/// The scratch file used when no target is given.
pub const DEFAULT_TARGET: &str = "jdbio-align.dat";

/// Size of the scratch file.
pub const SCRATCH_BYTES: usize = 1 << 20;

/// Everything an align run does; the report states it as
/// [`crate::model::align::AlignJob`].
#[derive(Debug, Clone)]
pub struct AlignPlan {
    pub path: PathBuf,
    /// Probe writes too.
    pub write: bool,
    pub force: bool,
    /// The target is jdbio's own scratch file.
    pub scratch: bool,
    pub json: Option<String>,
}

impl AlignPlan {
    /// Validates `args`; probes a named target (read only) to refuse a
    /// write it must not do.
    pub fn from_args(args: &AlignArgs) -> Result<AlignPlan, AppError> {
        let plan = AlignPlan {
            path: args.target.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_TARGET)),
            write: args.write,
            force: args.force,
            scratch: args.target.is_none(),
            json: args.json.clone(),
        };
        if !plan.scratch {
            let info = target::probe(&plan.path).map_err(|e| AppError::Usage(e.to_string()))?;
            plan.check_write(&info)?;
        }
        Ok(plan)
    }

    /// Refuses --write where it could destroy data without --force.
    fn check_write(&self, info: &TargetInfo) -> Result<(), AppError> {
        if !self.write || self.force || self.scratch {
            return Ok(());
        }
        let why = match info.kind {
            TargetKind::File => Some(format!("{} is a file you named, not jdbio's scratch file", self.path.display())),
            TargetKind::Block => info.holds_data(),
        };
        match why {
            Some(why) => Err(AppError::Usage(format!(
                "refusing --write: {why}; the write matrix overwrites its first few KiB (saved and restored afterwards); pass --force to allow it"
            ))),
            None => Ok(()),
        }
    }

    /// Checks the target can run a matrix touching `[0, span)`.
    pub fn check_target(&self, info: &TargetInfo, span: u64) -> Result<(), AppError> {
        if !info.direct_io {
            return Err(AppError::Usage(format!(
                "{}: the filesystem refuses O_DIRECT, so there is no Direct I/O alignment to probe",
                self.path.display()
            )));
        }
        if info.size_bytes < span {
            return Err(AppError::Usage(format!(
                "{}: {} bytes; the matrix needs at least {span}",
                self.path.display(),
                info.size_bytes
            )));
        }
        Ok(())
    }
}
