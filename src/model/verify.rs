//! The verify report's typed parts: its `job` ([`VerifyJob`]) and the
//! `verify` section ([`VerifySection`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{blocks::BadBlock, engine::Engine};

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
    pub engine: Engine,
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

fn uring() -> Engine {
    Engine::Uring
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

/// Where a seed or block size came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Given on the command line.
    Flag,
    /// Found in the blocks already in the target.
    Target,
    /// The ack log's header.
    AckLog,
    /// A new random seed, or the default block size.
    New,
}
