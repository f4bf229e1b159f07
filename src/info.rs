//! `jdbio info`: probe a target and print the result as a table or JSON.

use std::path::PathBuf;

use clap::Args;

use crate::{
    error::AppError,
    report::{Sink, write_json},
    target,
};

/// Runs `jdbio info`.
pub fn run(args: &InfoArgs) -> Result<(), AppError> {
    let info = target::probe(&args.target).map_err(|e| AppError::Usage(e.to_string()))?;
    if let Some(dest) = &args.json {
        write_json(&info, dest)?;
    }
    if args.json.as_deref() != Some("-") {
        Sink::Stdout.summary(&info.human_table());
    }
    Ok(())
}

/// `jdbio info TARGET`
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// File or block device to probe (read only; nothing is written).
    pub target: PathBuf,
    /// Write the `target` object as JSON to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
}
