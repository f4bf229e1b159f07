//! The gate's report: `jdbio gate --json` writes a `jdbio.report/2` report
//! whose `job` names the two reports and the limits, and whose `gate`
//! section is the [`Outcome`]: the verdict per metric ([`Row`]), and the
//! settings that differ ([`Difference`]).

use std::{collections::BTreeMap, path::PathBuf};

use serde::{Deserialize, Serialize};

use serde_json::Value;

/// A gate report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GateBody {
    /// What was compared, and how.
    pub job: GateJob,
    /// What the gate found.
    pub gate: Outcome,
}

/// A gate run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GateJob {
    /// The baseline report, as given.
    pub baseline: PathBuf,
    /// The current report, as given.
    pub current: PathBuf,
    /// The allowed change of each metric in its bad direction, percent
    /// (negative: a drop).
    pub limits_pct: BTreeMap<String, f64>,
    /// `--ignore-spread`: the limit alone decides.
    pub ignore_spread: bool,
    /// `--allow-mismatch`: reports of different jobs compared anyway.
    pub allow_mismatch: bool,
}

/// How the spread of repetitions was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Spread {
    /// Repetitions in the baseline (0 without `--repeat`).
    pub baseline_repetitions: usize,
    /// Repetitions in the current report.
    pub current_repetitions: usize,
    /// True when both have at least two, so each row has `beyond_spread`.
    pub judged: bool,
    /// True with `--ignore-spread`: the limit alone decides.
    pub ignored: bool,
}

/// Everything the gate found: the report's `gate` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Outcome {
    /// The baseline report's path, as given.
    pub baseline: String,
    /// The current report's path, as given.
    pub current: String,
    /// False when any row regressed.
    pub passed: bool,
    /// How the spread of repetitions was used.
    pub spread: Spread,
    /// One row per compared metric.
    pub rows: Vec<Row>,
    /// Settings that differ (compared anyway with `--allow-mismatch`).
    pub mismatches: Vec<Difference>,
    /// Differences of machine, device or run length, and the like.
    pub warnings: Vec<String>,
    /// The compared job in a few words, for the headings.
    pub job: String,
}

/// How one metric fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Within the limit.
    Ok,
    /// Better than the limit (and beyond the spread, where it is known).
    Improved,
    /// Worse than the limit (and beyond the spread, where it is known and
    /// not ignored): fails the gate.
    Regressed,
    /// Worse than the limit, but the repetitions overlap: passes.
    WithinNoise,
}

/// One compared metric: a row of the table and of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Row {
    /// The op kind ("read", "write"); null for the report-level cpu_per_io.
    pub op: Option<String>,
    /// The compared metric.
    pub metric: Metric,
    /// The unit of `baseline`, `current` and the ranges.
    pub unit: Unit,
    /// The baseline's headline value (the median when it has repetitions).
    pub baseline: f64,
    /// The current report's headline value.
    pub current: f64,
    /// (current - baseline) / baseline, in percent; null when the baseline
    /// is 0 and the current is not.
    pub change_pct: Option<f64>,
    /// The allowed change, signed: negative where a drop is bad.
    pub limit_pct: f64,
    /// Which direction is bad.
    pub direction: Bad,
    /// [min, max] over the baseline's repetitions, when the spread is judged.
    pub baseline_range: Option<[f64; 2]>,
    /// [min, max] over the current report's repetitions, likewise.
    pub current_range: Option<[f64; 2]>,
    /// True when every current repetition lies beyond the baseline's range,
    /// on the side the change went; null without repetitions on both sides.
    pub beyond_spread: Option<bool>,
    /// How the metric fared.
    pub verdict: Verdict,
}

/// One setting that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Difference {
    /// e.g. "job.qd".
    pub key: String,
    /// The baseline's value (null when absent).
    pub baseline: Option<Value>,
    /// The current report's value (null when absent).
    pub current: Option<Value>,
}

/// Which way a metric gets worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Bad {
    /// Higher is better: a drop is bad (`--max-drop`).
    Drop,
    /// Lower is better: a rise is bad (`--max-rise`).
    Rise,
}

/// One compared metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Metric {
    /// Operations per second.
    #[serde(rename = "iops")]
    Iops,
    /// Bytes per second.
    #[serde(rename = "bw")]
    Bw,
    /// Median latency.
    #[serde(rename = "p50")]
    P50,
    /// 99th percentile latency.
    #[serde(rename = "p99")]
    P99,
    /// 99.9th percentile latency.
    #[serde(rename = "p99.9")]
    P999,
    /// Process CPU time per I/O.
    #[serde(rename = "cpu_per_io")]
    CpuPerIo,
}

/// The unit of a gate row's `baseline` and `current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Operations (or commits) per second.
    OpsPerS,
    /// Bytes per second.
    BytesPerS,
    /// Nanoseconds.
    Ns,
}
