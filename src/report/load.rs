//! The one way to read a report back: [`load`] (a file) or [`load_bytes`],
//! giving the typed [`Report`]. The file is bounded in size before it is
//! read (64 MiB), must be JSON, a jdbio report, of `jdbio.report/2` or
//! `/1` (a /1 report is mapped to /2 by [`super::upgrade`]), and must fit
//! the types; every failure is exit 2 with a message naming the path.

use std::path::{Path, PathBuf};

use super::{Report, read, upgrade};
use crate::error::AppError;

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
pub fn load(path: &Path) -> Result<LoadedReport, AppError> {
    let usage = |why: String| AppError::Usage(format!("{}: {why}", path.display()));
    let bytes = read::read_bounded(path).map_err(usage)?;
    let (report, from_v1) = parse(&bytes).map_err(usage)?;
    Ok(LoadedReport { path: path.to_path_buf(), report, from_v1 })
}

/// Reads a report from its bytes; the error is the message without a path.
pub fn load_bytes(bytes: &[u8]) -> Result<Report, String> {
    parse(bytes).map(|(report, _)| report)
}

/// The typed report of `bytes`, and whether they were a /1 report.
fn parse(bytes: &[u8]) -> Result<(Report, bool), String> {
    let (mut value, v1) = read::parse_report(bytes)?;
    if v1 {
        upgrade::v1_to_v2(&mut value)?;
    }
    let command = value.get("command").and_then(|c| c.as_str()).map(String::from);
    let report = serde_json::from_value::<Report>(value).map_err(|e| match command {
        Some(c) => format!("not a usable jdbio {c} report ({e})"),
        None => "not a jdbio report (no \"command\" key)".to_string(),
    })?;
    Ok((report, v1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_and_a_directory_are_named() {
        let e = load(Path::new("no/such/base.json")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
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
}
