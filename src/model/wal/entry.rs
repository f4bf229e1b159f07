//! One (method, file mode) row of the `wal` section ([`Entry`]), and what the
//! device under the log saw during it ([`DeviceIo`]).

use serde::{Deserialize, Serialize};

use super::{FileMode, Method, Profile};
use crate::model::LatencySummary;

/// One (method, file mode) row of the `wal` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Entry {
    /// How the append was made durable.
    pub method: Method,
    /// How the log started.
    pub file_mode: FileMode,
    /// The database a `--profile` row replays; absent in a generic row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// The database's setting a `--profile` row ran, as its configuration
    /// spells it (`wal_sync_method=fdatasync`); absent in a generic row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// False when the OS or filesystem cannot do this method.
    pub supported: bool,
    /// Why it is unsupported, or that the log filled up early.
    #[serde(default)]
    pub note: Option<String>,
    /// Commits completed.
    #[serde(default)]
    pub commits: u64,
    /// Bytes committed (a `--profile` row: every byte its commits wrote).
    #[serde(default)]
    pub bytes: u64,
    /// Measured time, seconds.
    #[serde(default)]
    pub duration_s: f64,
    /// Commits per second.
    #[serde(default)]
    pub commits_per_s: f64,
    /// Write plus sync: what a transaction waits for.
    #[serde(default)]
    pub commit_latency_ns: Option<LatencySummary>,
    /// The write call alone (a `--profile` row: the sum of the commit's
    /// write calls).
    #[serde(default)]
    pub write_latency_ns: Option<LatencySummary>,
    /// The sync call alone (methods with a separate sync; a `--profile`
    /// row: the sum of the commit's fsync and fdatasync calls).
    #[serde(default)]
    pub sync_latency_ns: Option<LatencySummary>,
    /// What the block device under the log saw during the row: flushes,
    /// writes and bytes, in all and per commit. Null for an unsupported row
    /// and in reports written before it was counted.
    #[serde(default)]
    pub device_io: Option<DeviceIo>,
    /// Nanoseconds per commit that the threads waiting for commits (psync:
    /// the writer threads; uring: the ring's thread and its io-wq workers)
    /// spent runnable but not running: woken by a completion, or
    /// preempted, and waiting for a CPU another process held. Scheduler
    /// delay, not device time (the difference of
    /// /proc/self/task/TID/schedstat's second field over the row). Null
    /// where it cannot be read (not Linux).
    #[serde(default)]
    pub runqueue_wait_per_commit_ns: Option<f64>,
}

/// The `device_io` object of a wal row. Every count is a difference of the
/// disk's counters read just before the row's writers started and just
/// after they stopped; null when unavailable, with the reason in
/// `unavailable`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct DeviceIo {
    /// Kernel name of the disk counted ("vda", "nvme0n1", "loop3"): the
    /// disk under the log's filesystem (a partition's disk), or the log
    /// device itself.
    pub device: Option<String>,
    /// True when `device` is stacked on other disks (device-mapper, md):
    /// the flushes it passes down may be counted on those disks instead,
    /// so a low `flushes_per_commit` proves nothing and is not warned about.
    pub stacked: bool,
    /// Why the counts are null: no block device under the log (tmpfs,
    /// FUSE, NFS), a kernel that does not count flushes (before 5.5), or
    /// not Linux.
    pub unavailable: Option<String>,
    /// Seconds between the two readings (the row's time, plus opening the
    /// log and starting the writers).
    pub interval_s: f64,
    /// Cache flush requests the disk completed (stat field 16). Includes
    /// every process's flushes on the disk, and the filesystem's own
    /// (journal commits).
    pub flushes: Option<u64>,
    /// `flushes` / the row's commits: about 1 (or more) for a durable
    /// method on a volatile write cache, about 0 for `none`.
    pub flushes_per_commit: Option<f64>,
    /// `flushes` / `interval_s`; in the `none` row, the disk's flush rate
    /// without jdbio's syncs.
    pub flushes_per_s: Option<f64>,
    /// Milliseconds the disk spent on those flushes (stat field 17, summed
    /// over flushes; the device side of a sync's latency).
    pub flush_ms: Option<u64>,
    /// Write requests the disk completed (stat field 5).
    pub writes: Option<u64>,
    /// `writes` / the row's commits: more than 1 when a commit also writes
    /// metadata or a journal block.
    pub writes_per_commit: Option<f64>,
    /// Bytes the disk wrote (stat field 7 x 512) / the row's commits; the
    /// log's own share is the row's `bytes` / `commits`.
    pub written_bytes_per_commit: Option<f64>,
}
