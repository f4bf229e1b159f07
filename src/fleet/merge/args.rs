//! `jdbio merge` flags, exactly as typed.

use std::path::PathBuf;

use clap::Args;

/// `jdbio merge R1.json R2.json ...`
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Reports of the same `jdbio bench` job, one per host or rank.
    #[arg(value_name = "REPORT.json", required = true, num_args = 2..)]
    pub reports: Vec<PathBuf>,
    /// Write the fleet report (a `jdbio.report/2` bench report: `jdbio gate`
    /// and `jdbio plot` read it) to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
    /// `--csv FILE` and `--markdown FILE`: the fleet's rows per op kind and
    /// a row per host.
    #[command(flatten)]
    pub export: crate::export::ExportArgs,
}
