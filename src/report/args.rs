//! The flags every report-writing subcommand shares (`--json`, `--quiet`),
//! kept beside the output sink they feed so a subcommand's args name
//! `report::OutputArgs` and never import the command line (`cli.rs` imports
//! the subcommands, not the other way round).

use clap::Args;

/// Where a report goes: shared by every subcommand that writes one.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Write the JSON report to FILE, or to stdout with `-` (then nothing
    /// else goes to stdout; the summary goes to stderr).
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}
