//! The report's view of a prealloc plan: the `job` it states.

use super::plan::PreallocPlan;
use crate::model::prealloc::PreallocJob;

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
