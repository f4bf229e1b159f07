//! Reading a report and deciding whether the gate can use it. The file is
//! read by [`crate::report::read_report`] (size-bounded; exit 2 for a file
//! that cannot be read, is too large, is not JSON, not a jdbio report, or of
//! an unknown schema version); here it must also be a bench or wal report
//! (or a `jdbio run` suite of them, see [`super::suite`]) of a run that was
//! not interrupted (a partial run is never judged).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{error::AppError, report::read_report};

/// A report the gate can use: a `jdbio.report/1` object from `jdbio bench`
/// or `jdbio wal`.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it was read from, as given.
    pub path: PathBuf,
    /// The whole report.
    pub value: Value,
}

/// Reads and validates the report at `path`.
pub fn load(path: &Path) -> Result<Loaded, AppError> {
    let value = read_report(path)?;
    gateable(&value)
        .and_then(|()| whole_run(&value))
        .map_err(|why| AppError::Usage(format!("{}: {why}", path.display())))?;
    Ok(Loaded { path: path.to_path_buf(), value })
}

/// Refuses a report of an interrupted run, naming the signal when stated.
fn whole_run(report: &Value) -> Result<(), String> {
    if report.get("interrupted").and_then(Value::as_bool) != Some(true) {
        return Ok(());
    }
    let signal = report.get("signal").and_then(Value::as_str).map(|s| format!(" by {s}")).unwrap_or_default();
    Err(format!("the run was interrupted{signal}; its numbers cover a partial run, so the gate will not judge them"))
}

/// Checks that a jdbio report comes from `jdbio bench` or `jdbio wal`.
fn gateable(report: &Value) -> Result<(), String> {
    match report.get("command").and_then(Value::as_str) {
        Some("bench" | "wal" | "run") => Ok(()),
        Some(other) => Err(format!(
            "a jdbio {other} report; the gate compares jdbio bench and jdbio wal reports (or suites of them)"
        )),
        None => Err("no \"command\"; the gate compares jdbio bench and jdbio wal reports".into()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_bench_and_wal_reports() {
        assert!(gateable(&json!({"command": "bench"})).is_ok());
        assert!(gateable(&json!({"command": "wal"})).is_ok());
        assert_eq!(
            gateable(&json!({"command": "verify"})).unwrap_err(),
            "a jdbio verify report; the gate compares jdbio bench and jdbio wal reports (or suites of them)"
        );
        assert_eq!(
            gateable(&json!({})).unwrap_err(),
            "no \"command\"; the gate compares jdbio bench and jdbio wal reports"
        );
    }

    #[test]
    fn an_interrupted_run_is_refused() {
        assert!(whole_run(&json!({"interrupted": false})).is_ok());
        assert_eq!(
            whole_run(&json!({"interrupted": true, "signal": "SIGTERM"})).unwrap_err(),
            "the run was interrupted by SIGTERM; its numbers cover a partial run, so the gate will not judge them"
        );
    }
}
