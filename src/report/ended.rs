//! How a run ends, from the result its command returns and the signal
//! that arrived ([`crate::model::Ended`] is the type the report states).

use crate::error::AppError;
use crate::model::{Ended, Report};

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
            AppError::CheckFailed(_) | AppError::Inconclusive(_) if crate::interrupt::requested() => {
                Self::interrupted()
            }
            AppError::CheckFailed(_) | AppError::Inconclusive(_) => Ended::Completed,
            AppError::Interrupted => Self::interrupted(),
            AppError::Io(_) | AppError::Usage(_) => Ended::Failed { error: error.to_string() },
        }
    }

    /// Stopped by the signal that arrived.
    fn interrupted() -> Self {
        Ended::Interrupted { signal: crate::interrupt::signal_name().unwrap_or("a signal").to_string() }
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
}
