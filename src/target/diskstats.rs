//! The I/O a block device has completed, from its sysfs `stat` file
//! (/sys/block/DISK/stat; the kernel's Documentation/block/stat.rst), so a
//! command can say what the device saw while it ran: how many writes, how
//! many sectors, and how many cache flushes (fields 16 and 17, Linux 5.5+).
//!
//! The counters are the whole disk's: a partition's stat file does not count
//! flushes (a flush has no sector, so the block layer charges it to the
//! disk), so a file on /dev/vda1 is counted on vda. They count every
//! process's I/O on that disk, not only the caller's.

use std::{
    fs,
    os::unix::fs::{FileTypeExt, MetadataExt},
    path::Path,
};

use super::{
    linux::disk_of,
    mounts,
    sysfs::{DevId, Node},
};

/// The counters of one disk at one moment (monotonic since boot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// Write requests completed (field 5).
    pub writes: u64,
    /// 512-byte sectors written (field 7).
    pub write_sectors: u64,
    /// Flush requests completed (field 16); `None` before Linux 5.5.
    pub flushes: Option<u64>,
    /// Milliseconds flush requests spent in the device (field 17).
    pub flush_ms: Option<u64>,
}

impl Counters {
    /// Parses the stat file's whitespace-separated fields.
    fn parse(text: &str) -> Option<Self> {
        let fields: Vec<u64> = text.split_whitespace().map(str::parse).collect::<Result<_, _>>().ok()?;
        Some(Self {
            writes: *fields.get(4)?,
            write_sectors: *fields.get(6)?,
            flushes: fields.get(15).copied(),
            flush_ms: fields.get(16).copied(),
        })
    }

    /// What happened between `self` and a later reading (counters that went
    /// backwards, as after a device reset, give 0).
    pub fn since(&self, earlier: &Counters) -> Counters {
        let delta = |later: Option<u64>, before: Option<u64>| Some(later?.saturating_sub(before?));
        Counters {
            writes: self.writes.saturating_sub(earlier.writes),
            write_sectors: self.write_sectors.saturating_sub(earlier.write_sectors),
            flushes: delta(self.flushes, earlier.flushes),
            flush_ms: delta(self.flush_ms, earlier.flush_ms),
        }
    }
}

/// The disk under a path, whose counters can be read again and again.
#[derive(Debug, Clone)]
pub struct Disk {
    node: Node,
    name: String,
}

impl Disk {
    /// The disk holding `path` (a file or directory: its filesystem's disk,
    /// or the mount's source where `st_dev` is anonymous, as on btrfs), or
    /// the disk of a block device `path`. `Err` says why there is none: a
    /// filesystem on no block device (tmpfs, FUSE, NFS, overlay...).
    pub fn under(path: &Path) -> Result<Disk, String> {
        let meta = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let is_block = meta.file_type().is_block_device();
        let node = if is_block {
            Node::of(DevId::from_raw(meta.rdev()))
        } else {
            let table = mounts::read().unwrap_or_default();
            let mount = fs::canonicalize(path).ok().and_then(|p| mounts::containing(&table, &p).cloned());
            disk_of(&meta, mount.as_ref())
        };
        let id = DevId::from_raw(if is_block { meta.rdev() } else { meta.dev() });
        let no_disk = || {
            format!(
                "{} is on no block device (device {}:{}: tmpfs, FUSE, NFS or another filesystem without a disk)",
                path.display(),
                id.major,
                id.minor
            )
        };
        let disk = node.ok_or_else(no_disk)?.disk();
        let name = disk.name().ok_or_else(no_disk)?;
        let found = Disk { node: disk, name };
        match found.read() {
            Some(_) => Ok(found),
            None => Err(format!("{} has no readable block statistics (/sys/block/{}/stat)", path.display(), found.name)),
        }
    }

    /// The kernel name of the disk ("vda", "nvme0n1", "loop3").
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True for a device-mapper or md device stacked on other disks: the
    /// flushes it passes down may be counted on those disks, not on it.
    pub fn is_stacked(&self) -> bool {
        self.node.is_stacked()
    }

    /// The counters now; `None` if the stat file cannot be read.
    pub fn read(&self) -> Option<Counters> {
        Counters::parse(&self.node.attribute("stat")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_17_field_stat_file_and_older_ones() {
        let now = "22545816 2487867 350387034 8984247 18496567 1075835 325898728 1203238 0 959744 10456534 87179 70 109644240 20459 7803181 248588";
        let c = Counters::parse(now).unwrap();
        assert_eq!((c.writes, c.write_sectors, c.flushes, c.flush_ms), (18496567, 325898728, Some(7803181), Some(248588)));
        let old = Counters::parse("1 2 3 4 5 6 7 8 9 10 11").unwrap();
        assert_eq!((old.writes, old.write_sectors, old.flushes), (5, 7, None));
        assert_eq!(Counters::parse("1 2 x"), None);
    }

    #[test]
    fn differences_never_underflow() {
        let a = Counters { writes: 10, write_sectors: 80, flushes: Some(5), flush_ms: Some(1) };
        let b = Counters { writes: 12, write_sectors: 96, flushes: Some(9), flush_ms: None };
        assert_eq!(b.since(&a), Counters { writes: 2, write_sectors: 16, flushes: Some(4), flush_ms: None });
        assert_eq!(a.since(&b).writes, 0);
    }
}
