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
    /// `--allow-mismatch`: reports of different jobs compared anyway.
    pub allow_mismatch: bool,
    /// `--allow-other-host`: a baseline from another machine or device
    /// compared anyway.
    pub allow_other_host: bool,
}

/// How the gate tells a change from noise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Statistics {
    /// Repetitions in the baseline: the fewest of any job (1 for a single
    /// run).
    pub baseline_repetitions: usize,
    /// Repetitions in the current report, likewise.
    pub current_repetitions: usize,
    /// The confidence of each row's `interval_pct` (0.90: each end a
    /// one-sided 95% bound).
    pub confidence: f64,
    /// The chance of detecting a change of a row's `detectable_pct` (0.8).
    pub power: f64,
    /// How the interval is made.
    pub method: String,
}

/// The gate's verdict over every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GateVerdict {
    /// No row regressed and none is inconclusive (exit 0).
    Pass,
    /// At least one row regressed (exit 1).
    Regression,
    /// No row regressed, but at least one could not be decided (exit 3).
    Inconclusive,
}

/// Everything the gate found: the report's `gate` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Outcome {
    /// The baseline report's path, as given.
    pub baseline: String,
    /// The current report's path, as given.
    pub current: String,
    /// The verdict over every row.
    pub verdict: GateVerdict,
    /// True when `verdict` is `pass`.
    pub passed: bool,
    /// How changes were told from noise.
    pub statistics: Statistics,
    /// One row per compared metric.
    pub rows: Vec<Row>,
    /// Settings that differ (compared anyway with `--allow-mismatch`).
    pub mismatches: Vec<Difference>,
    /// Machines or devices that differ (compared anyway with
    /// `--allow-other-host`).
    pub other_host: Vec<Difference>,
    /// Differences of run length, and the like.
    pub warnings: Vec<String>,
    /// The compared job in a few words, for the headings.
    pub job: String,
}

/// How one metric fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No worsening beyond the limit is compatible with the repetitions.
    Pass,
    /// Clearly worse than the limit allows (the whole interval): fails the
    /// gate.
    Regression,
    /// Clearly better by more than the limit (the whole interval).
    Improvement,
    /// The interval straddles the limit (too much noise, or a change near
    /// the limit), or too few repetitions for one.
    Inconclusive,
}

/// One compared metric: a row of the table and of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Row {
    /// The suite job the row belongs to; null when two single reports were
    /// compared.
    pub job: Option<String>,
    /// The op kind ("read", "write"); null for the report-level cpu_per_io.
    pub op: Option<String>,
    /// The compared metric.
    pub metric: Metric,
    /// The unit of `baseline`, `current` and the values.
    pub unit: Unit,
    /// The median of `baseline_values`.
    pub baseline: f64,
    /// The median of `current_values`.
    pub current: f64,
    /// The estimated change, percent: the median of every ratio of a
    /// current value to a baseline value, less 1 (Hodges-Lehmann); null
    /// when a value is 0.
    pub change_pct: Option<f64>,
    /// The interval of the change at `statistics.confidence`, percent;
    /// null with too few repetitions for one.
    pub interval_pct: Option<[f64; 2]>,
    /// The smallest change, either way, these repetitions detect with
    /// `statistics.power` given their spread (the pooled standard deviation
    /// of the values' logarithms; a t-test approximation less the rank
    /// test's efficiency), percent; null with fewer than 2 repetitions a
    /// side (no spread to go by).
    pub detectable_pct: Option<f64>,
    /// Repetitions a side that would settle the metric with
    /// `statistics.power`, estimated from the spread: for an inconclusive
    /// row, enough to tell the change from the limit (more than it had);
    /// otherwise, enough to detect a change at the limit. At least the
    /// fewest that give an interval (3).
    pub needed_repetitions: usize,
    /// The allowed change, signed: negative where a drop is bad.
    pub limit_pct: f64,
    /// Which direction is bad.
    pub direction: Bad,
    /// The baseline's value in each repetition (one value for a single
    /// run).
    pub baseline_values: Vec<f64>,
    /// The current report's values, likewise.
    pub current_values: Vec<f64>,
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
