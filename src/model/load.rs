//! The one way to read a report back: [`load`] (a file) or [`load_bytes`],
//! giving the typed [`Report`]. The file is bounded in size before it is
//! read (64 MiB), must be JSON, a jdbio report, of `jdbio.report/2` or
//! `/1` (a /1 report, at most 4 MiB, is mapped to /2 by
//! [`super::upgrade`]), and must fit the types; every failure is exit 2
//! with a message naming the path.
//!
//! Memory follows what the report holds, not the file's size: a first pass
//! ([`read::head`]) checks the JSON and finds the schema and command while
//! keeping nothing else, and a /2 report is then streamed into its types
//! ([`stream`]), skipping keys no type has; [`load_with`] hands a bench
//! report's `series` rows to the reader one at a time instead of keeping
//! them.

use std::path::{Path, PathBuf};

use super::{Body, Report, Rows, read, rows, stream, upgrade};

/// Why a report could not be read: one line naming the path (a usage
/// error, exit 2, to the command that asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// A report read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedReport {
    /// Where it was read from, as given (or what names it in messages).
    pub path: PathBuf,
    /// The report, in /2 types whatever its file's schema.
    pub report: Report,
    /// True when the file was a `jdbio.report/1` report.
    pub from_v1: bool,
}

/// Reads the report at `path`; errors name the path (exit 2).
pub fn load(path: &Path) -> Result<LoadedReport, LoadError> {
    load_with(path, Rows::Keep)
}

/// Reads the report at `path`, doing with a bench report's `series` rows
/// what `rows` says; errors name the path (exit 2).
pub fn load_with(path: &Path, rows: Rows) -> Result<LoadedReport, LoadError> {
    let usage = |why: String| LoadError(format!("{}: {why}", path.display()));
    let input = read::open(path).map_err(usage)?;
    let (report, from_v1) = parse(input, rows).map_err(usage)?;
    Ok(LoadedReport { path: path.to_path_buf(), report, from_v1 })
}

/// Reads a report from its bytes; the error is the message without a path.
pub fn load_bytes(bytes: &[u8]) -> Result<Report, String> {
    parse(read::Input::Bytes(bytes.into()), Rows::Keep).map(|(report, _)| report)
}

/// The typed report of `input`, and whether it was a /1 report.
fn parse(mut input: read::Input, rows: Rows) -> Result<(Report, bool), String> {
    let head = read::head(input.reader()?)?;
    let each = match rows {
        Rows::Keep => None,
        Rows::Each(each) => Some(each),
    };
    if head.v1 {
        let mut report = v1(&mut input)?;
        if let (Some(each), Body::Bench(bench)) = (each, &mut report.body) {
            rows::drain(bench.series.as_mut(), each)?;
        }
        return Ok((report, true));
    }
    let Some(command) = head.command else { return Err(no_command()) };
    let report = stream::report(input.reader()?, &command, each)
        .map_err(|e| format!("not a usable jdbio {command} report ({e})"))?;
    Ok((report, false))
}

/// A /1 report, read whole (at most [`read::MAX_V1_REPORT_BYTES`]) and
/// mapped to /2.
fn v1(input: &mut read::Input) -> Result<Report, String> {
    let len = input.len()?;
    if len > read::MAX_V1_REPORT_BYTES {
        return Err(read::too_big_v1(len));
    }
    let mut value: serde_json::Value =
        serde_json::from_reader(input.reader()?).map_err(|e| format!("not JSON ({e})"))?;
    upgrade::v1_to_v2(&mut value)?;
    let command = value.get("command").and_then(|c| c.as_str()).map(String::from);
    serde_json::from_value::<Report>(value).map_err(|e| match command {
        Some(c) => format!("not a usable jdbio {c} report ({e})"),
        None => no_command(),
    })
}

/// The message for a report with no `command` string.
fn no_command() -> String {
    "not a jdbio report (no \"command\" key)".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_and_a_directory_are_named() {
        let e = load(Path::new("no/such/base.json")).unwrap_err();
        assert!(e.to_string().starts_with("no/such/base.json: cannot read: "), "{e}");
        let e = load(Path::new("src")).unwrap_err();
        assert_eq!(e.to_string(), "src: cannot read: a directory, not a report file");
    }

    #[test]
    fn a_report_that_does_not_fit_the_types_names_its_command() {
        let e = load_bytes(br#"{"schema":"jdbio.report/2","command":"bench","job":7}"#).unwrap_err();
        assert!(e.starts_with("not a usable jdbio bench report ("), "{e}");
        let e = load_bytes(br#"{"schema":"jdbio.report/2"}"#).unwrap_err();
        assert_eq!(e, "not a jdbio report (no \"command\" key)");
    }

    #[test]
    fn how_the_run_ended_is_read_back() {
        let text = br#"{"schema":"jdbio.report/2","command":"info","job":{"path":"t"},"ended":{"status":"failed","error":"EIO at 512"}}"#;
        let report = load_bytes(text).unwrap();
        assert_eq!(report.ended, Some(super::super::Ended::Failed { error: "EIO at 512".into() }));
        let without = load_bytes(br#"{"schema":"jdbio.report/2","command":"info","job":{"path":"t"}}"#).unwrap();
        assert_eq!((without.end(), without.ended), (super::super::Ended::Completed, None));
    }
}
