//! The report's view of an align plan: the `job` it states.

use super::plan::AlignPlan;
use crate::model::align::AlignJob;

impl AlignJob {
    /// The job of `plan`.
    pub fn of(plan: &AlignPlan) -> Self {
        Self { path: plan.path.display().to_string(), write: plan.write, force: plan.force, scratch: plan.scratch }
    }
}
