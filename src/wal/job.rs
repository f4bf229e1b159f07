//! The report's view of a wal plan: the `job` it states.

use super::plan::WalPlan;
use crate::model::wal::WalJob;

impl WalJob {
    /// The job of `plan`.
    pub fn of(plan: &WalPlan) -> Self {
        Self {
            path: plan.path.display().to_string(),
            engine: plan.engine,
            profile: plan.profile.as_ref().map(|p| p.profile),
            methods: plan.methods.clone(),
            file_modes: plan.file_modes.clone(),
            bs_bytes: plan.bs,
            batch: plan.batch,
            time_s: plan.time.as_secs_f64(),
            writers: plan.writers,
            size_bytes: plan.size,
            keep: plan.keep,
        }
    }
}
