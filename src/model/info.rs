//! The info report's typed parts: its `job` (what was probed); the probe
//! itself is the report's `target`.

use serde::{Deserialize, Serialize};

/// An info report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InfoBody {
    /// What was asked for.
    pub job: InfoJob,
}

/// An info run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InfoJob {
    /// The target probed, as given.
    pub path: String,
}
