//! The enums a wal report names: the sync [`Method`], the [`FileMode`] a
//! log starts in, and the database [`Profile`] a row replays (how each is
//! done lives in `crate::wal`).

use serde::{Deserialize, Serialize};

/// One way to make a log append durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// O_DIRECT write, no sync: what a write costs without durability.
    None,
    /// O_DIRECT | O_DSYNC write.
    Odsync,
    /// O_DIRECT write, then fdatasync.
    Fdatasync,
    /// O_DIRECT write, then fsync.
    Fsync,
    /// O_DIRECT | O_SYNC write.
    Osync,
    /// O_DIRECT write with the per-write RWF_DSYNC flag.
    RwfDsync,
    /// Page-cache write, then fdatasync (PostgreSQL's default
    /// `wal_sync_method=fdatasync` on Linux, and pg_test_fsync's fdatasync row).
    BufferedFdatasync,
    /// Page-cache write, then fsync (PostgreSQL's `wal_sync_method=fsync`,
    /// pg_test_fsync's fsync row).
    BufferedFsync,
    /// Page-cache write to a log opened O_DSYNC: only in `--profile` rows
    /// (PostgreSQL's `wal_sync_method=open_datasync` at `wal_level` replica
    /// or above).
    BufferedOdsync,
    /// Page-cache write to a log opened O_SYNC: only in `--profile` rows
    /// (PostgreSQL's `wal_sync_method=open_sync`, InnoDB's redo log under
    /// `innodb_flush_method=O_DSYNC`).
    BufferedOsync,
}

impl Method {
    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            Method::None => "none",
            Method::Odsync => "odsync",
            Method::Fdatasync => "fdatasync",
            Method::Fsync => "fsync",
            Method::Osync => "osync",
            Method::RwfDsync => "rwf-dsync",
            Method::BufferedFdatasync => "buffered-fdatasync",
            Method::BufferedFsync => "buffered-fsync",
            Method::BufferedOdsync => "buffered-odsync",
            Method::BufferedOsync => "buffered-osync",
        }
    }
}

/// How the log file starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileMode {
    /// Already written to --size: the steady state of a recycled log segment.
    Overwrite,
    /// Empty: every commit also grows the file.
    Append,
    /// Fallocated to --size: unwritten extents that each commit converts.
    Prealloc,
}

impl FileMode {
    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            FileMode::Overwrite => "overwrite",
            FileMode::Append => "append",
            FileMode::Prealloc => "prealloc",
        }
    }
}

/// A database whose commits `--profile` replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// PostgreSQL 15: 16 MiB WAL segments of 8 KiB pages, each `wal_sync_method`.
    Postgres,
    /// MySQL 8.0 InnoDB redo log, `innodb_flush_log_at_trx_commit=1`, each `innodb_flush_method`.
    Mysql,
    /// RocksDB's appended WAL with `sync=true`, with and without `use_fsync`.
    Rocksdb,
    /// SQLite with `synchronous=FULL`, in WAL and rollback-journal (DELETE) mode.
    Sqlite,
}
