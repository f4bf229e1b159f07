//! What a command can end with besides success, and the exit code of each:
//! 1 the check ran and failed, 2 bad input or an I/O error, 3 a gate that
//! could not decide (too few repetitions or too much noise), 128 + the
//! signal's number when interrupted (130 SIGINT, 143 SIGTERM, 129 SIGHUP).

/// A command's failure. The message is one line and names the flag, path or
/// offset concerned.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input: a flag value, a path, a combination. Nothing was touched.
    #[error("{0}")]
    Usage(String),
    /// The OS refused something during the run.
    #[error("{0}")]
    Io(String),
    /// The command ran and its check failed (verify, gate, align).
    #[error("{0}")]
    CheckFailed(String),
    /// The gate could not tell a change from noise: never a pass.
    #[error("{0}")]
    Inconclusive(String),
    /// Stopped by SIGINT, SIGTERM or SIGHUP after writing the partial report.
    #[error("interrupted by {}", crate::interrupt::signal_name().unwrap_or("a signal"))]
    Interrupted,
}

impl AppError {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Usage(_) | AppError::Io(_) => 2,
            AppError::CheckFailed(_) => 1,
            AppError::Inconclusive(_) => 3,
            AppError::Interrupted => crate::interrupt::exit_code(),
        }
    }
}

impl From<crate::model::LoadError> for AppError {
    fn from(e: crate::model::LoadError) -> Self {
        AppError::Usage(e.0)
    }
}

impl From<crate::dio::Error> for AppError {
    fn from(e: crate::dio::Error) -> Self {
        AppError::Io(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_that_cannot_be_loaded_is_bad_input() {
        let e = AppError::from(crate::model::load(std::path::Path::new("no/such/base.json")).unwrap_err());
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().starts_with("no/such/base.json: cannot read: "), "{e}");
    }
}
