//! Linux sysfs: from a device number to the block device's directory under
//! /sys (via /sys/dev/block/MAJ:MIN), its disk's queue settings, its
//! partitions and its holders (device-mapper or md devices stacked on it).
//!
//! sysfs files that are missing or unreadable read as "unknown" (`None`):
//! which ones exist depends on the driver and the kernel.

use std::{
    fs,
    path::{Path, PathBuf},
};

/// A device number, as in /sys/dev/block/MAJ:MIN and /proc/self/mountinfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevId {
    pub major: u32,
    pub minor: u32,
}

impl DevId {
    /// Splits a `dev_t` (`st_dev` or `st_rdev`).
    pub fn from_raw(dev: u64) -> Self {
        let (major, minor) = crate::dio::os::unix::device_parts(dev);
        Self { major, minor }
    }

    /// Parses "MAJ:MIN".
    pub fn parse(text: &str) -> Option<Self> {
        let (major, minor) = text.trim().split_once(':')?;
        Some(Self { major: major.parse().ok()?, minor: minor.parse().ok()? })
    }
}

/// What the block layer says about a disk (its queue/ and device/ files).
#[derive(Debug)]
pub struct Queue {
    pub logical_block_bytes: Option<u32>,
    pub physical_block_bytes: Option<u32>,
    pub rotational: Option<bool>,
    pub scheduler: Option<String>,
    pub write_cache: Option<String>,
    pub model: Option<String>,
}

/// A partition of a disk.
#[derive(Debug)]
pub struct Partition {
    pub name: String,
    pub dev: DevId,
    /// Where it starts on the disk.
    pub start_bytes: u64,
    /// Devices stacked on it.
    pub holders: Vec<String>,
}

/// A block device's directory in sysfs: a whole disk or a partition.
#[derive(Debug, Clone)]
pub struct Node {
    dir: PathBuf,
}

impl Node {
    /// The sysfs directory of device `dev`, if it is a block device sysfs knows.
    pub fn of(dev: DevId) -> Option<Self> {
        let link = format!("/sys/dev/block/{}:{}", dev.major, dev.minor);
        fs::canonicalize(link).ok().map(|dir| Self { dir })
    }

    /// The whole disk: a partition's parent directory, else this node.
    pub fn disk(&self) -> Node {
        match self.dir.parent() {
            Some(parent) if self.is_partition() => Node { dir: parent.to_path_buf() },
            _ => Node { dir: self.dir.clone() },
        }
    }

    /// True when this node is a partition of a disk.
    fn is_partition(&self) -> bool {
        self.dir.join("partition").exists()
    }

    /// The kernel name, e.g. "vda", "nvme0n1p2", "loop3".
    pub fn name(&self) -> Option<String> {
        self.dir.file_name().map(|n| n.to_string_lossy().into_owned())
    }

    /// Queue settings and model of the disk this node is or belongs to.
    pub fn queue(&self) -> Queue {
        let disk = self.disk().dir;
        let queue = disk.join("queue");
        let number = |file: &str| read(&queue.join(file)).and_then(|s| s.parse().ok());
        Queue {
            logical_block_bytes: number("logical_block_size"),
            physical_block_bytes: number("physical_block_size"),
            rotational: read(&queue.join("rotational")).map(|s| s != "0"),
            scheduler: read(&queue.join("scheduler")).and_then(|s| active_scheduler(&s)),
            write_cache: read(&queue.join("write_cache")),
            model: read(&disk.join("device/model")),
        }
    }

    /// The partitions of this node (none for a partition itself).
    pub fn partitions(&self) -> Vec<Partition> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut found: Vec<Partition> = entries
            .flatten()
            .map(|entry| Node { dir: entry.path() })
            .filter(Node::is_partition)
            .filter_map(|part| {
                Some(Partition {
                    name: part.name()?,
                    dev: DevId::parse(&read(&part.dir.join("dev"))?)?,
                    start_bytes: read(&part.dir.join("start"))?.parse::<u64>().ok()? * 512,
                    holders: part.holders(),
                })
            })
            .collect();
        found.sort_by_key(|p| p.start_bytes);
        found
    }

    /// One of this node's attribute files (e.g. "stat"), trimmed.
    pub fn attribute(&self, file: &str) -> Option<String> {
        read(&self.dir.join(file))
    }

    /// True when this node is itself stacked on other devices (a
    /// device-mapper or md device: its slaves/ directory lists them).
    pub fn is_stacked(&self) -> bool {
        fs::read_dir(self.dir.join("slaves")).is_ok_and(|mut entries| entries.next().is_some())
    }

    /// Kernel names of the devices stacked on this node (dm-0, md0, ...).
    pub fn holders(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.dir.join("holders")) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }
}

/// A sysfs attribute, trimmed; `None` when missing, unreadable or empty.
fn read(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The active entry of queue/scheduler: "none [mq-deadline] kyber" gives
/// "mq-deadline"; a lone entry is the active one.
fn active_scheduler(text: &str) -> Option<String> {
    if let Some((_, rest)) = text.split_once('[') {
        return rest.split_once(']').map(|(name, _)| name.to_owned());
    }
    let mut words = text.split_whitespace();
    match (words.next(), words.next()) {
        (Some(only), None) => Some(only.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_ids() {
        assert_eq!(DevId::parse("254:0"), Some(DevId { major: 254, minor: 0 }));
        assert_eq!(DevId::parse("8:17\n"), Some(DevId { major: 8, minor: 17 }));
        assert_eq!(DevId::parse("8"), None);
        assert_eq!(DevId::from_raw(rustix::fs::makedev(259, 3)), DevId { major: 259, minor: 3 });
    }

    #[test]
    fn scheduler_is_the_bracketed_entry() {
        assert_eq!(active_scheduler("none [mq-deadline] kyber bfq"), Some("mq-deadline".into()));
        assert_eq!(active_scheduler("[none] mq-deadline"), Some("none".into()));
        assert_eq!(active_scheduler("none"), Some("none".into()));
        assert_eq!(active_scheduler("a b"), None);
    }
}
