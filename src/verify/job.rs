//! The report's view of a verify plan: its `job`, its `run` and the
//! `verify` section a read pass's verdicts make.

use std::collections::BTreeMap;

use super::{identity::RunId, plan::VerifyPlan};
use crate::io::block::findings::Verdicts;
use crate::model::verify::{AckLogSection, VerifyJob, VerifyRun, VerifySection};

impl VerifyJob {
    /// The job of `plan`.
    pub fn of(plan: &VerifyPlan) -> Self {
        Self {
            path: plan.path.display().to_string(),
            write: plan.write,
            run: VerifyRun::from(plan.run),
            size_bytes: plan.size,
            generation: plan.generation,
            expected: plan.expected,
            qd: plan.qd,
            engine: plan.engine,
            ack_log: plan.ack_log.as_ref().map(|p| p.display().to_string()),
            max_report: Some(plan.max_report),
            target_bytes: plan.target_bytes,
            warnings: plan.warnings.clone(),
        }
    }
}

impl From<RunId> for VerifyRun {
    fn from(r: RunId) -> Self {
        Self { seed: r.seed, bs_bytes: r.bs, seed_from: Some(r.seed_from), bs_from: Some(r.bs_from) }
    }
}

impl VerifySection {
    /// The section of a run of `plan` whose read pass found `v`.
    pub fn new(plan: &VerifyPlan, v: &Verdicts, read_bytes_per_s: f64, ack_log: Option<AckLogSection>) -> Self {
        let mut counts: BTreeMap<String, u64> = v.counts.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        counts.insert("good".into(), v.good);
        Self {
            bs_bytes: plan.run.bs,
            seed: plan.run.seed,
            seed_from: Some(plan.run.seed_from),
            bs_from: Some(plan.run.bs_from),
            blocks_checked: v.blocks_read,
            bytes_checked: v.bytes_read,
            expected_generation: v.expected,
            read_bytes_per_s,
            counts,
            bad_blocks_total: v.bad_total,
            bad_blocks: v.bad.clone(),
            ack_log,
            warnings: plan.warnings.clone(),
            error: None,
        }
    }
}
