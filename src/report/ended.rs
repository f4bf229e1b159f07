//! How a run ended, stated in every report (`ended`): it completed, a
//! signal cut it short, or an error stopped it. A report is written
//! whatever happens, so a reader (the gate, a script) must be able to tell
//! a whole run from a partial one without knowing the exit code.

use serde::{Deserialize, Serialize};

use super::Report;
use crate::error::AppError;

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
    /// How a run that ends in `result` ended (a signal that arrived is
    /// read from [`crate::interrupt`]).
    pub fn of(result: &Result<(), AppError>) -> Self {
        match result {
            Ok(()) if crate::interrupt::requested() => Self::interrupted(),
            Ok(()) => Ended::Completed,
            Err(e) => Self::of_error(e),
        }
    }

    /// How a run that ends in `error` ended.
    pub fn of_error(error: &AppError) -> Self {
        match error {
            AppError::CheckFailed(_) if crate::interrupt::requested() => Self::interrupted(),
            AppError::CheckFailed(_) => Ended::Completed,
            AppError::Interrupted => Self::interrupted(),
            AppError::Io(_) | AppError::Usage(_) => Ended::Failed { error: error.to_string() },
        }
    }

    /// Stopped by the signal that arrived.
    fn interrupted() -> Self {
        Ended::Interrupted { signal: crate::interrupt::signal_name().unwrap_or("a signal").to_string() }
    }

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
    /// States how the run ended, from the error the command will return.
    pub fn end_with_error(&mut self, error: &AppError) {
        self.set_end(Ended::of_error(error));
    }

    /// States how the run ended, from the result the command will return;
    /// also sets `interrupted` and `signal` to agree with it.
    pub fn end_with(&mut self, result: &Result<(), AppError>) {
        self.set_end(Ended::of(result));
    }

    /// States `ended`, and `interrupted` and `signal` to agree with it.
    fn set_end(&mut self, ended: Ended) {
        if let Ended::Interrupted { signal } = &ended {
            self.interrupted = true;
            self.signal.get_or_insert_with(|| signal.clone());
        }
        self.ended = Some(ended);
    }

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
