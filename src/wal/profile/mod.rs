//! `jdbio wal --profile postgres|mysql|rocksdb|sqlite`: the exact system
//! calls a database makes per commit, with its record and page sizes and
//! its files, replayed for each of its sync settings (one row each).
//!
//! Each database is a generator of calls ([`Calls`]: a set-up script, then
//! one script per commit, made of [`step::Step`]s) in its own file, which
//! names the source files each behaviour was read from: [`postgres`],
//! [`mysql`], [`rocksdb`], [`sqlite`]. [`replay`] runs the scripts as an
//! engine `Workload` on the psync engine (plain system calls, one in
//! flight), with the file steps between I/O steps done by [`files`]. The
//! files live in the TARGET directory (created and removed when it did not
//! exist); only the files a run creates are removed.

mod files;
pub mod mysql;
mod plan;
pub mod postgres;
mod replay;
pub mod rocksdb;
mod run;
pub mod sqlite;
mod step;
pub mod summary;

pub use plan::{ProfilePlan, plan};
pub use run::run;

use super::{method::Method, plan::FileMode};

pub use crate::model::wal::Profile;

impl Profile {
    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Postgres => "postgres",
            Profile::Mysql => "mysql",
            Profile::Rocksdb => "rocksdb",
            Profile::Sqlite => "sqlite",
        }
    }

    /// Every setting, in run order.
    pub fn settings(self) -> &'static [Setting] {
        match self {
            Profile::Postgres => postgres::SETTINGS,
            Profile::Mysql => mysql::SETTINGS,
            Profile::Rocksdb => rocksdb::SETTINGS,
            Profile::Sqlite => sqlite::SETTINGS,
        }
    }

    /// Bytes a commit adds to the log: the WAL record of a one-row INSERT
    /// (PostgreSQL, InnoDB), one put's log record (RocksDB), one page
    /// (SQLite).
    pub fn record_bytes(self) -> u64 {
        match self {
            Profile::Postgres => postgres::RECORD,
            Profile::Mysql => mysql::RECORD,
            Profile::Rocksdb => rocksdb::BATCH + 7,
            Profile::Sqlite => sqlite::MAX_WRITE as u64,
        }
    }

    /// The generator of `setting`'s calls, its files' count and names, and
    /// the longest write it makes.
    fn calls(self, setting: &Setting) -> (Box<dyn Calls>, usize, files::Namer, usize) {
        match self {
            Profile::Postgres => {
                (Box::new(postgres::Postgres::new(setting)), postgres::FILES, postgres::name, postgres::MAX_WRITE)
            }
            Profile::Mysql => (Box::new(mysql::Mysql::new(setting)), mysql::FILES, mysql::name, mysql::MAX_WRITE),
            Profile::Rocksdb => {
                (Box::new(rocksdb::Rocksdb::new(setting)), rocksdb::FILES, rocksdb::name, rocksdb::MAX_WRITE)
            }
            Profile::Sqlite => (Box::new(sqlite::Sqlite::new(setting)), sqlite::FILES, sqlite::name, sqlite::MAX_WRITE),
        }
    }
}

/// One sync setting of a database.
#[derive(Debug, PartialEq, Eq)]
pub struct Setting {
    /// What `--setting` takes: `fdatasync`, `open_datasync`, `wal`, ...
    pub key: &'static str,
    /// As the database's configuration spells it: `wal_sync_method=fdatasync`.
    pub name: &'static str,
    /// The generic method whose durability call it makes, for the report.
    pub method: Method,
    /// How its log starts.
    pub file_mode: FileMode,
    /// Why it cannot run on this OS, if it cannot.
    pub unsupported: Option<&'static str>,
}

impl Setting {
    const fn new(key: &'static str, name: &'static str, method: Method, file_mode: FileMode) -> Self {
        Self { key, name, method, file_mode, unsupported: None }
    }

    const fn unsupported(key: &'static str, name: &'static str, method: Method, why: &'static str) -> Self {
        Self { key, name, method, file_mode: FileMode::Overwrite, unsupported: Some(why) }
    }
}

/// A database's system calls: a set-up (before the clock) and one commit
/// at a time, appended to a script the caller clears.
pub trait Calls {
    /// The calls that make the files ready (not measured).
    fn setup(&mut self, script: &mut Vec<step::Step>);
    /// The calls of the next commit.
    fn commit(&mut self, script: &mut Vec<step::Step>);
}
