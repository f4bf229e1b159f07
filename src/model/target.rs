//! The report's `target` object: what a target is and what Direct I/O on
//! it demands (probing it lives in `crate::target`).

use serde::{Deserialize, Serialize};

/// What a target is and what Direct I/O on it demands. Serialized as the
/// report's `target` object; unknown values are `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct TargetInfo {
    /// The path as given.
    pub path: String,
    /// "file" or "block".
    pub kind: TargetKind,
    /// A file's length, or a block device's real size (BLKGETSIZE64).
    pub size_bytes: u64,
    /// Logical block size: the device's own; for a file, that of the disk
    /// holding its filesystem (`st_blksize` when there is none, as on tmpfs).
    pub logical_block_bytes: u32,
    /// Physical block size, found the same way.
    pub physical_block_bytes: u32,
    /// Required alignment of a Direct I/O buffer's memory address, bytes
    /// (`dio_mem_align` in /1 reports).
    #[serde(rename = "dio_mem_align_bytes")]
    pub dio_mem_align: u32,
    /// Required alignment of a Direct I/O offset and length, bytes
    /// (`dio_offset_align` in /1 reports).
    #[serde(rename = "dio_offset_align_bytes")]
    pub dio_offset_align: u32,
    /// Whether an O_DIRECT open succeeded. When false the two alignments
    /// are the 4096 fallback, not a measured requirement.
    pub direct_io: bool,
    /// A file's filesystem type as the mount table names it ("ext4",
    /// "xfs", "tmpfs"); `null` for a block device.
    pub filesystem: Option<String>,
    /// Kernel name of the disk under the target ("vda", "nvme0n1",
    /// "loop3"); for a partition, its disk.
    pub device: Option<String>,
    /// Whether the disk reports itself as spinning (queue/rotational).
    pub rotational: Option<bool>,
    /// The disk's active I/O scheduler ("none", "mq-deadline").
    pub scheduler: Option<String>,
    /// The disk's model string, where the driver gives one.
    pub model: Option<String>,
    /// The disk's cache mode: "write back" or "write through".
    pub write_cache: Option<String>,
    /// Mount points of the block device or of its partitions; for a file,
    /// those of the loop devices it backs.
    pub mounted: Vec<String>,
    /// Kernel names of devices stacked on the block device or on its
    /// partitions (device-mapper, md); for a file, on the loop devices it
    /// backs.
    pub holders: Vec<String>,
    /// A file: the loop devices it backs ("/dev/loop3"). Empty for a block
    /// device.
    pub loop_devices: Vec<String>,
    /// The first filesystem, partition-table or volume signature found at
    /// the start of the target or of one of its partitions ("ext4", "gpt",
    /// "swap on vda2"). A file is checked too: it may hold an image.
    pub signature: Option<String>,
    /// A block device the kernel will not write (BLKROGET: `losetup -r`,
    /// `blockdev --setro`, a write-protected disk): the write guard refuses
    /// it, `--force` or not. Not in the report.
    #[serde(skip)]
    #[schemars(skip)]
    pub read_only: bool,
}

/// A regular file or a block device; nothing else is probed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// A regular file.
    #[default]
    File,
    /// A block device.
    Block,
}
