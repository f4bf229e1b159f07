//! How a run ended, stated in every report (`ended`): it completed, a
//! signal cut it short, or an error stopped it. A report is written
//! whatever happens, so a reader (the gate, a script) must be able to tell
//! a whole run from a partial one without knowing the exit code.

use serde::{Deserialize, Serialize};

use super::Report;

/// The end of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum Ended {
    /// It ran to its end. A check that ran and failed (verify found bad
    /// blocks, the gate a regression) completed too.
    Completed,
    /// A signal stopped it; the report holds what was measured up to then.
    Interrupted {
        /// "SIGINT", "SIGTERM" or "SIGHUP".
        signal: String,
    },
    /// An error stopped it (an I/O error, a full disk); the report holds
    /// what was measured up to then, which may be nothing.
    Failed {
        /// The error, as printed on stderr.
        error: String,
    },
}

impl Ended {
    /// True for a run that ran to its end.
    pub fn completed(&self) -> bool {
        matches!(self, Ended::Completed)
    }

    /// "completed", "interrupted by SIGTERM", "failed: No space left ...".
    pub fn describe(&self) -> String {
        match self {
            Ended::Completed => "completed".into(),
            Ended::Interrupted { signal } => format!("interrupted by {signal}"),
            Ended::Failed { error } => format!("failed: {error}"),
        }
    }
}

impl Report {
    /// How the run ended: `ended` where the report states it; for a report
    /// written before it did, inferred from `interrupted`, an error in its
    /// own section, or failed operations. A report that says both (an
    /// `ended` of completed beside `interrupted: true`) is taken at its
    /// worse word: interrupted.
    pub fn end(&self) -> Ended {
        let interrupted =
            || Ended::Interrupted { signal: self.signal.clone().unwrap_or_else(|| "a signal".into()) };
        match &self.ended {
            Some(ended) if !ended.completed() => ended.clone(),
            _ if self.interrupted => interrupted(),
            Some(ended) => ended.clone(),
            None => {
                if let Some(error) = self.body.error() {
                    return Ended::Failed { error: error.to_string() };
                }
                match self.results.values().map(|r| r.errors).sum::<u64>() {
                    0 => Ended::Completed,
                    n => Ended::Failed {
                        error: format!("{n} failed operations (the report does not say how the run ended)"),
                    },
                }
            }
        }
    }
}
