//! The command line, as close to what the user typed as possible: clap
//! derive definitions with a doc comment on every flag. No syscalls here;
//! each subcommand turns its args into a validated plan before any I/O.

use clap::{Parser, Subcommand};

/// `jdbio --version`: the package version, the git commit it was built
/// from ("unknown" outside a git checkout) and the cargo profile, e.g.
/// "0.1.0 (commit 2914107, release)".
pub const VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("JDBIO_GIT_COMMIT"), ", ", env!("JDBIO_BUILD_PROFILE"), ")");

/// Storage benchmarking and verification for database engineers: Direct I/O
/// on io_uring, HDR latency histograms, data verification, a CI gate.
#[derive(Debug, Parser)]
#[command(name = "jdbio", version = VERSION, about, propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// --rank and --world (for `{rank}` in paths, and the report).
    #[command(flatten)]
    pub rank: crate::hosts::rank::RankArgs,
    /// Print the plan (the target and what is on it, the regions that would
    /// be written, the outputs) and exit without any I/O to the target and
    /// without creating any file.
    #[arg(long, global = true)]
    pub dry_run: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what a file or block device is and what Direct I/O on it demands.
    Info(crate::info::InfoArgs),
    /// Random and sequential read/write workloads at a queue depth.
    Bench(crate::bench::BenchArgs),
    /// Latency of a durable log append, for every way a database can make one durable.
    Wal(crate::wal::WalArgs),
    /// How long preallocation takes, what it allocates, and what it does to later writes.
    Prealloc(crate::prealloc::PreallocArgs),
    /// The alignment a target demands, proven by trying.
    Align(crate::align_check::AlignArgs),
    /// Check that data comes back exactly as written (and, with --write, write it first).
    Verify(crate::verify::VerifyArgs),
    /// Draw latency spectra and time series from reports as SVG.
    Plot(crate::plot::PlotArgs),
    /// Compare a report with a baseline and fail on a regression.
    Gate(crate::gate::GateArgs),
    /// Add the reports of one bench job run on many hosts into one fleet report.
    Merge(crate::fleet::merge::MergeArgs),
    /// Run a suite of bench and wal jobs from a TOML file into one report.
    Run(crate::app::suite::RunArgs),
    /// Print the JSON Schema of the report every subcommand writes (jdbio.report/2).
    Schema(crate::schema::SchemaArgs),
    /// Print a shell completion script (e.g. `jdbio completions bash > /etc/bash_completion.d/jdbio`).
    Completions(crate::app::shell::CompletionsArgs),
    /// Print the man page (roff) for jdbio or one subcommand (`jdbio man | man -l -`).
    Man(crate::app::shell::ManArgs),
}

/// A clap error as one line, naming the flag: its message without the
/// usage and help lines, joined (a missing argument is named on the line
/// after "were not provided:").
pub fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ").trim_start_matches("error: ").to_string()
}
