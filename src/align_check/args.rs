//! `jdbio align` flags, exactly as typed; validated in [`super::plan`].

use std::path::PathBuf;

use clap::Args;

/// `jdbio align [TARGET]`
#[derive(Debug, Args)]
pub struct AlignArgs {
    /// File or block device to probe. Default: a 1 MiB scratch file
    /// ./jdbio-align.dat, removed afterwards.
    pub target: Option<PathBuf>,
    /// Also probe writes. Allowed on the scratch file and on a block device
    /// that holds no data; a named regular file or a device holding data
    /// needs --force. The first few KiB written are saved first and
    /// restored afterwards.
    #[arg(long)]
    pub write: bool,
    /// Allow --write on a named regular file, or on a block device that is
    /// mounted or holds a filesystem.
    #[arg(long)]
    pub force: bool,
    /// Write the JSON report to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
}
