//! The gate's report: `jdbio gate --json` writes a `jdbio.report/2` report
//! whose `job` names the two reports and the limits, and whose `gate`
//! section is the [`super::outcome::Outcome`].

use std::{collections::BTreeMap, path::PathBuf};

use serde::{Deserialize, Serialize};

use super::outcome::Outcome;

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
