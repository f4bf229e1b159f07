//! The prealloc report's typed parts: its `job` ([`PreallocJob`]) and the
//! `prealloc` section ([`PreallocSection`]: one [`Entry`] per mode).

use serde::{Deserialize, Serialize};

use super::LatencySummary;

/// A prealloc report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreallocBody {
    /// Every effective setting, defaults included.
    pub job: PreallocJob,
    /// The measured rows.
    pub prealloc: PreallocSection,
}

/// A prealloc run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreallocJob {
    /// The base path; each mode's file is `path.MODE`.
    pub path: String,
    /// The modes, in run order.
    pub modes: Vec<Mode>,
    /// Bytes preallocated per mode.
    pub size_bytes: u64,
    /// Bytes per write.
    pub bs_bytes: u64,
    /// Write + fdatasync pairs per mode.
    pub writes: u64,
    /// The files are kept after the run.
    pub keep: bool,
}

/// The `prealloc` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreallocSection {
    /// One row per mode that ran or was found unsupported.
    pub entries: Vec<Entry>,
    /// The result in one line.
    pub conclusion: String,
    /// The error that ended the run early, absent when none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One mode's row of the `prealloc` section. Sizes are in bytes;
/// "allocated" is st_blocks x 512 (`null` where the OS does not say).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Entry {
    /// How the file was prepared.
    pub mode: Mode,
    /// The file this mode used.
    pub file: String,
    /// False when the OS or filesystem cannot preallocate this way.
    pub supported: bool,
    /// Why it is unsupported, or what is surprising about the result.
    pub note: Option<String>,
    /// Preallocation plus the sync that makes it durable, in seconds.
    pub prepare_s: f64,
    /// The file's length before preparing, bytes.
    #[serde(rename = "size_before_bytes")]
    pub size_before: u64,
    /// Bytes allocated before preparing.
    #[serde(rename = "allocated_before_bytes")]
    pub allocated_before: Option<u64>,
    /// The file's length after preparing, before the writes, bytes.
    #[serde(rename = "size_after_bytes")]
    pub size_after: u64,
    /// Bytes allocated after preparing, before the writes.
    #[serde(rename = "allocated_after_bytes")]
    pub allocated_after: Option<u64>,
    /// The file's length after the writes, bytes.
    #[serde(rename = "size_after_writes_bytes")]
    pub size_after_writes: u64,
    /// Bytes allocated after the writes.
    #[serde(rename = "allocated_after_writes_bytes")]
    pub allocated_after_writes: Option<u64>,
    /// Write + fdatasync pairs done.
    pub writes: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Wall time of the writes, in seconds.
    pub duration_s: f64,
    /// Write + fdatasync pairs per second.
    pub writes_per_s: f64,
    /// One write plus its fdatasync: what a commit waits for.
    pub write_latency_ns: Option<LatencySummary>,
}

/// How a file gets its space before the writes start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Sparse: the size is set (ftruncate), nothing is allocated.
    None,
    /// fallocate mode 0: blocks allocated as unwritten extents, size set.
    Fallocate,
    /// fallocate with FALLOC_FL_KEEP_SIZE: blocks allocated, size stays 0.
    FallocateKeepSize,
    /// Zeros written with Direct I/O in 1 MiB chunks, then fdatasync.
    ZeroFill,
}
