//! `jdbio prealloc` flags, exactly as typed; validated in [`super::plan`].

use std::path::PathBuf;

use clap::Args;

/// `jdbio prealloc [TARGET]`
#[derive(Debug, Args)]
pub struct PreallocArgs {
    /// Base path of the test files: each mode gets a fresh file TARGET.MODE
    /// next to it (TARGET itself is never written). Must be on a
    /// filesystem; a block device is refused. Default: ./jdbio-prealloc.dat.
    pub target: Option<PathBuf>,
    /// Bytes to preallocate in each mode's file.
    #[arg(long, default_value = "256m", value_parser = crate::units::parse_size)]
    pub size: u64,
    /// Size of each write in the write run (a multiple of the Direct I/O
    /// alignment; PostgreSQL's WAL page is 8k).
    #[arg(long, default_value = "8k", value_parser = crate::units::parse_size)]
    pub bs: u64,
    /// Writes per mode after preallocating, each followed by fdatasync, at
    /// increasing offsets from 0 (the WAL pattern). writes x bs must fit in --size.
    #[arg(long, default_value_t = 2000)]
    pub writes: u64,
    /// Modes, a comma list or `all`: none (sparse: ftruncate only), fallocate,
    /// fallocate-keep-size (FALLOC_FL_KEEP_SIZE: blocks reserved, size stays 0),
    /// zero-fill (zeros written with Direct I/O, then fdatasync).
    #[arg(long, default_value = "all")]
    pub mode: String,
    /// Keep the test files (TARGET.MODE) afterwards, e.g. to inspect them with filefrag.
    #[arg(long)]
    pub keep: bool,
    #[command(flatten)]
    pub output: crate::report::OutputArgs,
}
