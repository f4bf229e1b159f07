//! `jdbio wal` flags, exactly as typed; validated in [`super::plan`].

use std::{path::PathBuf, time::Duration};

use clap::Args;

/// `jdbio wal [TARGET]`
#[derive(Debug, Args)]
pub struct WalArgs {
    /// Log file (or block device, with overwrite only). Default: ./jdbio-wal.dat,
    /// removed afterwards unless --keep.
    pub target: Option<PathBuf>,
    /// How writes and syncs reach the kernel. psync (the default): each
    /// writer is its own thread issuing pwrite(2) then fdatasync(2)/fsync(2),
    /// or one O_DSYNC/O_SYNC write (pwritev2(2) with RWF_DSYNC for
    /// rwf-dsync), as plain system calls, one I/O in flight per writer: the
    /// path PostgreSQL, MySQL, RocksDB and SQLite commit through. pvsync2:
    /// the same threads, writes as pwritev2(2). uring: the writers are
    /// slots of one io_uring ring, writes and syncs ring ops (on some
    /// kernels and hypervisors a much faster fdatasync than the system
    /// call's, so not what a database sees). libaio: slots of one native
    /// AIO context (IOCB_CMD_PWRITE then IOCB_CMD_FDSYNC/FSYNC; O_DIRECT
    /// methods only). dio: slots as tasks of this crate's library. nop is
    /// refused.
    #[arg(long, value_enum, default_value_t = crate::io_engine::EngineArg::Psync)]
    pub engine: crate::io_engine::EngineArg,
    /// Replay a database's commits: the exact system calls it makes per
    /// commit, its record and page sizes and its files (made in TARGET, a
    /// directory; default ./jdbio-wal-profile), one row per sync setting.
    /// Fixes what --method, --bs, --batch, --writers, --size and
    /// --file-mode would set.
    #[arg(long, value_enum, conflicts_with_all = ["method", "bs", "batch", "writers", "size", "file_mode"])]
    pub profile: Option<ProfileArg>,
    /// With --profile: the database's settings to run, a comma list or
    /// `all`. postgres: fdatasync, fsync, open_datasync, open_sync,
    /// fsync_writethrough; mysql: fsync, fdatasync, o_dsync, o_direct;
    /// rocksdb: sync, use_fsync; sqlite: wal, delete. Default: all.
    #[arg(long)]
    pub setting: Option<String>,
    /// Sync methods, a comma list or `all`: none (no sync: the reference),
    /// odsync, fdatasync, fsync, osync, rwf-dsync, buffered-fdatasync,
    /// buffered-fsync.
    #[arg(long, default_value = "all")]
    pub method: String,
    /// Record size (PostgreSQL's WAL page is 8k).
    #[arg(long, default_value = "8k", value_parser = crate::units::parse_size)]
    pub bs: u64,
    /// Records per commit: written as one write of batch x bs, then one sync.
    #[arg(long, default_value_t = 1)]
    pub batch: u32,
    /// Time per method and file mode.
    #[arg(long, default_value = "5s", value_parser = crate::units::parse_duration)]
    pub time: Duration,
    /// Concurrent appenders to the same log (shows what group commit buys).
    #[arg(long, default_value_t = 1)]
    pub writers: u32,
    /// How the log file starts, a comma list or `all`: overwrite (already
    /// written), append (empty, grows), prealloc (fallocated, unwritten extents).
    #[arg(long, default_value = "overwrite")]
    pub file_mode: String,
    /// Log size: the region overwritten, or the most an append or prealloc
    /// run writes before it stops early.
    #[arg(long, default_value = "256m", value_parser = crate::units::parse_size)]
    pub size: u64,
    /// Keep the default scratch log afterwards.
    #[arg(long)]
    pub keep: bool,
    /// Allow writing to a block device that is mounted or holds a filesystem.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub output: crate::report::OutputArgs,
    #[command(flatten)]
    pub export: crate::export::ExportArgs,
}

/// `--profile`, as typed: a database whose commits it replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileArg {
    /// PostgreSQL 15: 16 MiB WAL segments of 8 KiB pages, each `wal_sync_method`.
    Postgres,
    /// MySQL 8.0 InnoDB redo log, `innodb_flush_log_at_trx_commit=1`, each `innodb_flush_method`.
    Mysql,
    /// RocksDB's appended WAL with `sync=true`, with and without `use_fsync`.
    Rocksdb,
    /// SQLite with `synchronous=FULL`, in WAL and rollback-journal (DELETE) mode.
    Sqlite,
}

impl From<ProfileArg> for super::profile::Profile {
    fn from(v: ProfileArg) -> Self {
        use super::profile::Profile;
        match v {
            ProfileArg::Postgres => Profile::Postgres,
            ProfileArg::Mysql => Profile::Mysql,
            ProfileArg::Rocksdb => Profile::Rocksdb,
            ProfileArg::Sqlite => Profile::Sqlite,
        }
    }
}
