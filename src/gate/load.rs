//! Reading a report and deciding whether the gate can use it. Each way a file
//! can be unusable has its own message naming the path (all exit 2): it
//! cannot be read, it is not JSON, it is not a jdbio report, its schema
//! version is one this jdbio does not know, or it is not a bench report.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{error::AppError, report::SCHEMA};

/// A report the gate can use: a `jdbio.report/1` object from `jdbio bench`.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it was read from, as given.
    pub path: PathBuf,
    /// The whole report.
    pub value: Value,
}

/// Reads and validates the report at `path`.
pub fn load(path: &Path) -> Result<Loaded, AppError> {
    let text = std::fs::read(path).map_err(|e| usage(path, format!("cannot read: {e}")))?;
    let value = parse(&text).map_err(|why| usage(path, why))?;
    Ok(Loaded { path: path.to_path_buf(), value })
}

/// Checks the bytes of a report; the error is the message without the path.
fn parse(text: &[u8]) -> Result<Value, String> {
    let value: Value = serde_json::from_slice(text).map_err(|e| format!("not JSON ({e})"))?;
    let Value::Object(map) = &value else {
        return Err(format!("not a jdbio report (the file holds a JSON {}, not an object)", kind(&value)));
    };
    let schema = match map.get("schema") {
        None => return Err("not a jdbio report (no \"schema\" key)".into()),
        Some(Value::String(s)) => s.as_str(),
        Some(other) => return Err(format!("not a jdbio report (\"schema\" is a {}, not a string)", kind(other))),
    };
    if schema != SCHEMA {
        return Err(format!("schema {schema} is not one this jdbio reads ({SCHEMA})"));
    }
    match map.get("command").and_then(Value::as_str) {
        Some("bench") => Ok(value),
        Some(other) => Err(format!("a jdbio {other} report; the gate compares jdbio bench reports")),
        None => Err("no \"command\"; the gate compares jdbio bench reports".into()),
    }
}

fn usage(path: &Path, why: String) -> AppError {
    AppError::Usage(format!("{}: {why}", path.display()))
}

/// What kind of JSON value `v` is, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_bench_report() {
        assert!(parse(br#"{"schema":"jdbio.report/1","command":"bench","results":{}}"#).is_ok());
    }

    #[test]
    fn each_problem_has_its_own_message() {
        let err = |text: &str| parse(text.as_bytes()).unwrap_err();
        assert!(err(r#"{"schema":"jdbio.rep"#).starts_with("not JSON"));
        assert_eq!(err("[1,2]"), "not a jdbio report (the file holds a JSON array, not an object)");
        assert_eq!(err(r#"{"a":1}"#), "not a jdbio report (no \"schema\" key)");
        assert_eq!(err(r#"{"schema":7}"#), "not a jdbio report (\"schema\" is a number, not a string)");
        assert_eq!(
            err(r#"{"schema":"jdbio.report/9","command":"bench"}"#),
            "schema jdbio.report/9 is not one this jdbio reads (jdbio.report/1)"
        );
        assert_eq!(
            err(r#"{"schema":"jdbio.report/1","command":"wal"}"#),
            "a jdbio wal report; the gate compares jdbio bench reports"
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = load(Path::new("no/such/base.json")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().starts_with("no/such/base.json: cannot read: "), "{e}");
    }
}
