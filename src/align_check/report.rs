//! The align report's typed parts: its `job` ([`AlignJob`]) and the
//! `align` section ([`super::summary::Section`]).

use serde::{Deserialize, Serialize};

pub use super::summary::Section as AlignSection;
use super::plan::AlignPlan;

/// An align report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlignBody {
    /// Every effective setting.
    pub job: AlignJob,
    /// What the kernel and the library answered.
    pub align: AlignSection,
}

/// An align run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlignJob {
    /// The target.
    pub path: String,
    /// Writes were tried too.
    pub write: bool,
    /// `--force`.
    pub force: bool,
    /// The target is jdbio's own scratch file.
    pub scratch: bool,
}

impl AlignJob {
    /// The job of `plan`.
    pub fn of(plan: &AlignPlan) -> Self {
        Self { path: plan.path.display().to_string(), write: plan.write, force: plan.force, scratch: plan.scratch }
    }
}
