//! `jdbio verify` flags, exactly as typed; validated in [`super::plan`].

use std::path::PathBuf;

use clap::Args;

/// `jdbio verify TARGET`
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// File or block device to check (and, with --write, to fill first).
    pub target: PathBuf,
    /// Fill the target with stamped blocks first, then read it all back.
    /// Destroys what is there.
    #[arg(long)]
    pub write: bool,
    /// Block size. Default: the one found in the target's blocks (a later
    /// --write adopts it, with the seed, so generations stay comparable;
    /// with --ack-log, the log's), else 4k for a new run.
    #[arg(long, value_parser = crate::units::parse_size)]
    pub bs: Option<u64>,
    /// Bytes to fill or check. Default: the whole device or file (256 MiB for
    /// a new file with --write).
    #[arg(long, value_parser = crate::units::parse_size)]
    pub size: Option<u64>,
    /// Generation to write with --write; without --write, the generation
    /// every block must have (older is `stale`). Default for --write: one
    /// past the newest found in the target's blocks of the same run, else 1
    /// (so a write that does not land reads back stale); for checking, the
    /// newest generation found.
    #[arg(long)]
    pub generation: Option<u32>,
    /// Reads or writes kept in flight (default 32). psync and pvsync2 keep
    /// one: --qd above 1 is refused with them.
    #[arg(long)]
    pub qd: Option<u32>,
    /// What carries both passes' I/Os: uring (io_uring), psync
    /// (pread/pwrite system calls, one in flight), pvsync2 (preadv2/pwritev2,
    /// one in flight), libaio (Linux native AIO, --qd in flight), or dio
    /// (this crate's library on compio, --qd tasks). The same blocks are
    /// written and the same verdicts given whichever carries them.
    #[arg(long, value_enum, default_value = "uring")]
    pub engine: crate::io_engine::EngineArg,
    /// Crash verification. With --write: LOG starts with a header naming the
    /// run (seed, block size, generation, target); every write is made
    /// durable (O_DIRECT | O_DSYNC) and only then appended to LOG, which is
    /// fsynced. Without --write: check that every write in LOG is present at
    /// its generation or newer (missing ones are `lost`), using only the
    /// log's header (the target's own blocks are not needed to start). A
    /// damaged log is refused, except for a torn last record. LOG must be
    /// another file.
    #[arg(long, value_name = "LOG")]
    pub ack_log: Option<PathBuf>,
    /// Seed of the payload. Default: the one found in the target's blocks
    /// (with --ack-log, the log's), else a new random one for --write.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Bad blocks listed in the summary and the JSON, lowest offsets first
    /// (every one is counted, whatever this is).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max_report: usize,
    /// Allow --write on a block device that is mounted or holds a filesystem.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub output: crate::report::OutputArgs,
}
