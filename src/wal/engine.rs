//! Which path a wal run's writes and syncs take to the kernel.

use serde::{Deserialize, Serialize};

/// The I/O engine of a wal run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Each writer is its own thread issuing pwrite(2) then fdatasync(2) or
    /// fsync(2) (or one O_DSYNC/O_SYNC write; pwritev2(2) with RWF_DSYNC for
    /// rwf-dsync) as plain system calls, one I/O in flight per writer: the
    /// path PostgreSQL, MySQL, RocksDB and SQLite commit through.
    Psync,
    /// Every writer is a slot of one io_uring ring on one thread, the write
    /// and the sync submitted as ring ops (IORING_OP_WRITE, IORING_OP_FSYNC).
    Uring,
}

impl Engine {
    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Psync => "psync",
            Engine::Uring => "uring",
        }
    }

    /// The engine of a report written before `job.engine` existed: every
    /// wal run then went through io_uring.
    pub fn before_the_choice() -> Self {
        Engine::Uring
    }
}
