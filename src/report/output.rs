//! Where output goes: JSON to a file or to stdout (`-`), the human summary to
//! stdout, or to stderr when stdout carries JSON. A broken pipe on stdout is
//! not an error.

use std::{
    fs,
    io::{self, Write},
    path::Path,
};

use serde::Serialize;

use crate::error::AppError;

/// Where the human-readable text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    Stdout,
    Stderr,
}

impl Sink {
    /// Stderr when JSON is going to stdout, else stdout.
    pub fn for_json_dest(json: Option<&str>) -> Self {
        if json == Some("-") { Sink::Stderr } else { Sink::Stdout }
    }

    /// Writes `text`; a closed pipe is ignored.
    pub fn print(self, text: &str) {
        let result = match self {
            Sink::Stdout => io::stdout().lock().write_all(text.as_bytes()),
            Sink::Stderr => io::stderr().lock().write_all(text.as_bytes()),
        };
        drop(result);
    }
}

/// Writes `value` as pretty JSON to `dest` ("-" is stdout).
pub fn write_json<T: Serialize>(value: &T, dest: &str) -> Result<(), AppError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| AppError::Io(format!("cannot encode the report as JSON: {e}")))?;
    text.push('\n');
    if dest == "-" {
        match io::stdout().lock().write_all(text.as_bytes()) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                Err(AppError::Io(format!("writing the report to stdout: {e}")))
            }
            _ => Ok(()),
        }
    } else {
        fs::write(Path::new(dest), text)
            .map_err(|e| AppError::Io(format!("--json {dest}: cannot write the report: {e}")))
    }
}
