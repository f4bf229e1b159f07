//! The verify report's typed parts: its `job` ([`VerifyJob`]) and the
//! `verify` section ([`VerifySection`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    identity::{Origin, RunId},
    plan::VerifyPlan,
};
use crate::io::block::findings::{BadBlock, Verdicts};

/// A verify report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerifyBody {
    /// Every effective setting, defaults included.
    pub job: VerifyJob,
    /// What the read pass found.
    pub verify: VerifySection,
}

/// A verify run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerifyJob {
    /// The target.
    pub path: String,
    /// `--write`: fill the target first.
    pub write: bool,
    /// The run: seed and block size, and where each came from.
    pub run: VerifyRun,
    /// Bytes to fill or check, from offset 0.
    pub size_bytes: u64,
    /// The generation `--write` writes.
    pub generation: u32,
    /// The generation every block must have (null: the newest found).
    pub expected: Option<u32>,
    /// I/Os in flight.
    pub qd: u32,
    /// The engine that carried both passes (`--engine`; absent before the
    /// choice: uring).
    #[serde(default = "uring")]
    pub engine: crate::io_engine::Engine,
    /// The ack log written or checked.
    #[serde(default)]
    pub ack_log: Option<String>,
    /// Bad blocks listed in detail at most (null in early /1 reports).
    #[serde(default)]
    pub max_report: Option<usize>,
    /// The target's size before the run, bytes (0: it did not exist).
    #[serde(default)]
    pub target_bytes: u64,
    /// Things to know before trusting the result.
    #[serde(default)]
    pub warnings: Vec<String>,
}

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

fn uring() -> crate::io_engine::Engine {
    crate::io_engine::Engine::Uring
}

/// A verify run's seed and block size, and where each came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerifyRun {
    /// The seed every block is derived from.
    pub seed: u64,
    /// The block size, bytes.
    pub bs_bytes: u64,
    /// Where the seed came from (null in early /1 reports).
    #[serde(default)]
    pub seed_from: Option<Origin>,
    /// Where the block size came from (null in early /1 reports).
    #[serde(default)]
    pub bs_from: Option<Origin>,
}

impl From<RunId> for VerifyRun {
    fn from(r: RunId) -> Self {
        Self { seed: r.seed, bs_bytes: r.bs, seed_from: Some(r.seed_from), bs_from: Some(r.bs_from) }
    }
}

/// The `verify` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerifySection {
    /// The block size checked, bytes.
    pub bs_bytes: u64,
    /// The run's seed.
    pub seed: u64,
    /// Where the seed came from (null in early /1 reports).
    #[serde(default)]
    pub seed_from: Option<Origin>,
    /// Where the block size came from (null in early /1 reports).
    #[serde(default)]
    pub bs_from: Option<Origin>,
    /// Blocks whose read succeeded and were checked.
    pub blocks_checked: u64,
    /// Bytes those reads returned.
    pub bytes_checked: u64,
    /// The generation every block had to have (null: nothing good found).
    pub expected_generation: Option<u32>,
    /// Read rate of the check, bytes per second.
    pub read_bytes_per_s: f64,
    /// Blocks per class ("good", "corrupt", "torn", ...), every class present.
    pub counts: BTreeMap<String, u64>,
    /// All bad blocks.
    pub bad_blocks_total: u64,
    /// The first `--max-report` bad blocks by offset.
    pub bad_blocks: Vec<BadBlock>,
    /// The ack log written or checked (null: none).
    #[serde(default)]
    pub ack_log: Option<AckLogSection>,
    /// Things to know before trusting the result.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The error that stopped the run (null: none).
    #[serde(default)]
    pub error: Option<String>,
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

/// The `verify.ack_log` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AckLogSection {
    /// The log file.
    pub path: String,
    /// Writes acknowledged in it.
    pub acknowledged: u64,
    /// The generation they wrote.
    pub generation: u32,
    /// The target the log was written for (a checked log only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_for: Option<String>,
    /// Bytes the run wrote, from offset 0 (a checked log only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_bytes: Option<u64>,
    /// A torn last record that was ignored (a checked log only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torn_last_record: Option<TornRecord>,
}

/// A torn last record of an ack log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TornRecord {
    /// Where it starts in the log, bytes.
    pub offset_bytes: u64,
    /// Its length.
    pub bytes: u64,
}
