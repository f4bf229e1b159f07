//! The prealloc report's typed parts: its `job` ([`PreallocJob`]) and the
//! `prealloc` section ([`PreallocSection`]: one [`Entry`] per mode).

use serde::{Deserialize, Serialize};

pub use super::summary::Entry;
use super::{mode::Mode, plan::PreallocPlan};

/// A prealloc report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreallocBody {
    /// Every effective setting, defaults included.
    pub job: PreallocJob,
    /// The measured rows.
    pub prealloc: PreallocSection,
}

/// A prealloc run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreallocJob {
    /// The base path; each mode's file is `path.MODE`.
    pub path: String,
    /// The modes, in run order.
    pub modes: Vec<Mode>,
    /// Bytes preallocated per mode.
    pub size_bytes: u64,
    /// Bytes per write.
    pub bs_bytes: u64,
    /// Write + fdatasync pairs per mode.
    pub writes: u64,
    /// The files are kept after the run.
    pub keep: bool,
}

impl PreallocJob {
    /// The job of `plan`.
    pub fn of(plan: &PreallocPlan) -> Self {
        Self {
            path: plan.path.display().to_string(),
            modes: plan.modes.clone(),
            size_bytes: plan.size,
            bs_bytes: plan.bs,
            writes: plan.writes,
            keep: plan.keep,
        }
    }
}

/// The `prealloc` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreallocSection {
    /// One row per mode that ran or was found unsupported.
    pub entries: Vec<Entry>,
    /// The result in one line.
    pub conclusion: String,
    /// The error that ended the run early, absent when none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
