//! `jdbio info`: probe a target and print the result as a table or JSON.
//! The JSON is a `jdbio.report/2` report whose `target` is the probe.

use std::path::PathBuf;

use clap::Args;

use crate::{
    error::AppError,
    report::{Body, Clock, Delivery, Report, deliver},
    target,
};
use crate::model::info::{InfoBody, InfoJob};

/// Runs `jdbio info`.
pub fn run(args: &InfoArgs) -> Result<(), AppError> {
    let clock = Clock::start();
    let info = target::probe(&args.target).map_err(|e| AppError::Usage(e.to_string()))?;
    let table = info.human_table();
    let mut report = Report::new(Body::Info(InfoBody { job: InfoJob { path: args.target.display().to_string() } }));
    report.target = Some(info);
    clock.stop(&mut report);
    match args.json.as_deref() {
        // The JSON took stdout: the table is not printed at all.
        Some("-") => crate::report::write_json(&report, "-"),
        json => deliver(&report, Delivery { json, export: None }, &table).map(drop),
    }
}

/// `jdbio info TARGET`
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// File or block device to probe (read only; nothing is written).
    pub target: PathBuf,
    /// Write the probe as a JSON report (`jdbio.report/2`, the probe in its
    /// `target`) to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
}
