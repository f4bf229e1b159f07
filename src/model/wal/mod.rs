//! The wal report's typed parts: its `job` ([`WalJob`]) and the `wal`
//! section ([`WalSection`]: one [`Entry`] per method and file mode).

use serde::{Deserialize, Serialize};

mod entry;
mod method;

pub use entry::{DeviceIo, Entry};
pub use method::{FileMode, Method, Profile};

use super::engine::Engine;

/// A wal report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WalBody {
    /// Every effective setting, defaults included.
    pub job: WalJob,
    /// The measured rows.
    pub wal: WalSection,
}

/// A wal run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WalJob {
    /// The log file (a `--profile` run: the directory of the database's
    /// files).
    pub path: String,
    /// How writes and syncs reached the kernel (`--engine`): `psync` or
    /// `pvsync2` (a thread per writer, plain system calls), or `uring`,
    /// `libaio` or `dio` (every writer a slot of one ring, AIO context or
    /// set of library tasks). Absent in reports written before the choice
    /// existed, which all ran on uring.
    #[serde(default = "before_the_choice")]
    pub engine: Engine,
    /// The database whose commits a `--profile` run replayed; absent for
    /// the generic methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// The sync methods, in run order.
    pub methods: Vec<Method>,
    /// How the log starts, in run order.
    pub file_modes: Vec<FileMode>,
    /// Bytes per commit record (a `--profile` run: the bytes a commit adds
    /// to the database's log).
    pub bs_bytes: u64,
    /// Records per commit.
    pub batch: u32,
    /// Measured time per method and file mode, seconds.
    pub time_s: f64,
    /// Concurrent writers.
    pub writers: u32,
    /// The log's length, bytes (0 for a `--profile` run: the database's
    /// own file sizes apply).
    pub size_bytes: u64,
    /// The log is kept after the run.
    #[serde(default)]
    pub keep: bool,
}

/// The `wal` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WalSection {
    /// One row per (method, file mode) that ran or was found unsupported.
    pub entries: Vec<Entry>,
    /// Syncs too fast to be durable, and the like.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The error that ended the run early, absent when none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The engine of a report written before `job.engine` existed: every wal
/// run then went through io_uring.
pub fn before_the_choice() -> Engine {
    Engine::Uring
}
