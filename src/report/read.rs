//! Reading a report file's bytes (for [`super::load`]): bounded in size
//! before it is read, and checked to be a jdbio report object of a schema
//! this jdbio reads (`jdbio.report/2`, or `/1`). Each way a file can be
//! unusable has its own message.

use std::{io::Read, path::Path};

use serde_json::Value;

use super::{SCHEMA, SCHEMA_V1};

/// The largest report file jdbio reads: 64 MiB. The biggest real reports
/// (an hour of one-second series with a histogram per interval) are a few
/// MiB; a larger file is refused before it is read.
pub const MAX_REPORT_BYTES: u64 = 64 << 20;

/// The bytes of `path`, refused when over [`MAX_REPORT_BYTES`]: by its
/// length for a regular file (nothing is read), and by reading at most one
/// byte past the limit for anything else (a pipe, a device).
pub(super) fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let too_big = |len: Option<u64>| {
        let len =
            len.map_or_else(|| "more than that; stopped reading there".to_string(), |n| format!("{n} bytes; not read"));
        format!("too large for a jdbio report (at most {MAX_REPORT_BYTES} bytes, 64 MiB; this is {len})")
    };
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_dir() {
        return Err("cannot read: a directory, not a report file".into());
    }
    if meta.len() > MAX_REPORT_BYTES {
        return Err(too_big(Some(meta.len())));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(too_big(None));
    }
    Ok(bytes)
}

/// Checks the bytes of a report and gives its JSON and whether it is a /1
/// report; the error is the message without the path.
pub(super) fn parse_report(text: &[u8]) -> Result<(Value, bool), String> {
    let value: Value = serde_json::from_slice(text).map_err(|e| format!("not JSON ({e})"))?;
    let Value::Object(map) = &value else {
        return Err(format!("not a jdbio report (the file holds a JSON {}, not an object)", kind(&value)));
    };
    let schema = match map.get("schema") {
        None => return Err("not a jdbio report (no \"schema\" key)".into()),
        Some(Value::String(s)) => s.as_str(),
        Some(other) => return Err(format!("not a jdbio report (\"schema\" is a {}, not a string)", kind(other))),
    };
    if schema != SCHEMA && schema != SCHEMA_V1 {
        return Err(format!("schema {schema} is not one this jdbio reads ({SCHEMA} or {SCHEMA_V1})"));
    }
    let v1 = schema == SCHEMA_V1;
    Ok((value, v1))
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
    fn each_problem_has_its_own_message() {
        let err = |text: &str| parse_report(text.as_bytes()).unwrap_err();
        assert!(parse_report(br#"{"schema":"jdbio.report/1","command":"bench"}"#).is_ok());
        assert!(err(r#"{"schema":"jdbio.rep"#).starts_with("not JSON"));
        assert_eq!(err("[1,2]"), "not a jdbio report (the file holds a JSON array, not an object)");
        assert_eq!(err(r#"{"a":1}"#), "not a jdbio report (no \"schema\" key)");
        assert_eq!(err(r#"{"schema":7}"#), "not a jdbio report (\"schema\" is a number, not a string)");
        assert_eq!(
            err(r#"{"schema":"jdbio.report/9","command":"bench"}"#),
            "schema jdbio.report/9 is not one this jdbio reads (jdbio.report/2 or jdbio.report/1)"
        );
    }
}
