//! What the block device under the log saw during one wal row: the cache
//! flushes, writes and sectors it completed between the row's start and
//! end, read from its block statistics (/sys/block/DISK/stat, see
//! [`crate::target::diskstats`]), and per commit. A durable method on a
//! device with a volatile write cache needs about one flush per commit; a
//! path that returns without one shows here as ~0 flushes per commit.
//!
//! The counts are the disk's, not the log's: another process's I/O on the
//! same disk during the row is counted too. The `none` row (no syncs) shows
//! how much that is: its flushes per second are what the disk flushed
//! without being asked by jdbio (other processes, the filesystem's journal
//! commits), to subtract from a durable row's.

use std::{path::Path, time::Instant};

pub use crate::model::wal::DeviceIo;

use super::{method::Method, summary::Entry};

impl DeviceIo {
    /// A row with no counts over `interval_s`, and why.
    fn unavailable(device: Option<String>, why: String, interval_s: f64) -> Self {
        Self { device, unavailable: Some(why), interval_s, ..Self::default() }
    }
}

/// The disk's counters at a row's start, to compare with its end.
pub struct Watch {
    #[cfg(target_os = "linux")]
    start: Result<(crate::target::diskstats::Disk, crate::target::diskstats::Counters), String>,
    started: Instant,
}

impl Watch {
    /// Reads the counters of the disk under `path` (which must exist).
    #[cfg(target_os = "linux")]
    pub fn start(path: &Path) -> Self {
        let start = crate::target::diskstats::Disk::under(path).and_then(|disk| match disk.read() {
            Some(now) => Ok((disk, now)),
            None => Err(format!("/sys/block/{}/stat cannot be read", disk.name())),
        });
        Self { start, started: Instant::now() }
    }

    /// Block statistics are read from Linux sysfs only.
    #[cfg(not(target_os = "linux"))]
    pub fn start(_path: &Path) -> Self {
        Self { started: Instant::now() }
    }

    /// What the disk did since [`Watch::start`], for a row of `commits`.
    #[cfg(target_os = "linux")]
    pub fn finish(self, commits: u64) -> DeviceIo {
        let interval_s = self.started.elapsed().as_secs_f64();
        let (disk, before) = match self.start {
            Ok(start) => start,
            Err(why) => return DeviceIo::unavailable(None, why, interval_s),
        };
        let device = Some(disk.name().to_string());
        let Some(after) = disk.read() else {
            let why = format!("/sys/block/{}/stat cannot be read", disk.name());
            return DeviceIo::unavailable(device, why, interval_s);
        };
        let seen = after.since(&before);
        let per_commit = |n: f64| (commits > 0).then(|| n / commits as f64);
        let per_s = |n: u64| (interval_s > 0.0).then(|| n as f64 / interval_s);
        DeviceIo {
            device,
            stacked: disk.is_stacked(),
            unavailable: seen
                .flushes
                .is_none()
                .then(|| format!("the kernel does not count {}'s flushes (Linux 5.5+ does)", disk.name())),
            interval_s,
            flushes: seen.flushes,
            flushes_per_commit: seen.flushes.and_then(|f| per_commit(f as f64)),
            flushes_per_s: seen.flushes.and_then(per_s),
            flush_ms: seen.flush_ms,
            writes: Some(seen.writes),
            writes_per_commit: per_commit(seen.writes as f64),
            written_bytes_per_commit: per_commit(seen.write_sectors as f64 * 512.0),
        }
    }

    /// Block statistics are read from Linux sysfs only.
    #[cfg(not(target_os = "linux"))]
    pub fn finish(self, _commits: u64) -> DeviceIo {
        let why = "block statistics are read from Linux sysfs only".to_string();
        DeviceIo::unavailable(None, why, self.started.elapsed().as_secs_f64())
    }
}

/// Rows whose flush count is far from what their method needs on a disk
/// with a volatile ("write back") cache: a durable method with well under
/// one flush per commit did not make its commits durable on the device
/// (not said of a stacked device, which may count none of its own), and
/// one with well over one shared the disk with other flushing I/O (other
/// processes, the journal), so its latency is not its own. Profile rows are
/// not judged: a setting makes as many syncs a commit as its database does.
pub fn warnings(entries: &[Entry], write_cache: Option<&str>) -> Vec<String> {
    if write_cache != Some("write back") {
        return Vec::new();
    }
    let mut found = Vec::new();
    // A profile's setting makes as many syncs a commit as its database
    // does (SQLite's DELETE journal: four), so one flush is no yardstick.
    for e in entries.iter().filter(|e| e.method != Method::None && e.profile.is_none()) {
        let Some((device, per_commit, stacked)) =
            e.device_io.as_ref().and_then(|d| Some((d.device.as_deref()?, d.flushes_per_commit?, d.stacked)))
        else {
            continue;
        };
        let name = format!("{} ({})", e.method.name(), e.file_mode.name());
        if per_commit < 0.9 && !stacked {
            found.push(format!(
                "{name}: {device} saw {per_commit:.2} cache flushes per commit: commits returned before the device's cache was flushed"
            ));
        } else if per_commit > 1.5 {
            found.push(format!(
                "{name}: {device} saw {per_commit:.2} cache flushes per commit: other I/O (other processes, the journal) flushed the disk during the row too"
            ));
        }
    }
    found
}
