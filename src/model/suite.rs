//! The suite report's typed parts (`jdbio run SUITE.toml`): its `job` and
//! the `suite` section, one [`SuiteEntry`] per job with the job's own report.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Report;

/// A suite report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SuiteBody {
    /// The suite file and its size.
    pub job: SuiteJob,
    /// Each job that ran.
    pub suite: SuiteSection,
}

/// A suite run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SuiteJob {
    /// The suite file.
    pub suite: PathBuf,
    /// Jobs in it.
    pub jobs: usize,
    /// How many times each job ran, interleaved (`--rounds`, or the file's
    /// `rounds`; 1 in reports made before rounds existed).
    #[serde(default = "one")]
    pub rounds: usize,
}

fn one() -> usize {
    1
}

/// The `suite` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SuiteSection {
    /// The suite file.
    pub file: PathBuf,
    /// One entry per job and round that ran, in the order they ran: round
    /// 1's jobs in the file's order, then round 2's, and so on.
    pub jobs: Vec<SuiteEntry>,
}

/// One job of a suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SuiteEntry {
    /// The job's name.
    pub name: String,
    /// The round it ran in, from 1.
    #[serde(default = "one")]
    pub round: usize,
    /// "bench" or "wal".
    pub command: String,
    /// The job's command line.
    pub argv: Vec<String>,
    /// The line of the suite file it starts on.
    pub line: usize,
    /// The job's exit code.
    pub exit_code: u8,
    /// Why it failed (null: it did not).
    pub error: Option<String>,
    /// The job's own report (null: it wrote none).
    pub report: Option<Box<Report>>,
}
