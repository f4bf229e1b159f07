//! The submission policy: when SQEs reach the kernel, and whether reads and
//! writes carry IOSQE_ASYNC.
//!
//! Block devices without NOWAIT support (zram, loop) fail every I/O's first,
//! non-blocking attempt and then hand it to an io-wq worker; IOSQE_ASYNC
//! (fio's `force_async`) goes to io-wq at once and skips the wasted attempt.
//! Either way the same I/O reaches the device. [`nowait`] reads what the
//! target's queue says so a caller can choose per target, and [`io_poll`]
//! whether polled I/O (IORING_SETUP_IOPOLL) can work there.

use std::{
    fs::Metadata,
    os::unix::fs::{FileTypeExt, MetadataExt},
};

use serde::Serialize;

/// When prepared SQEs are handed to the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Submit {
    /// All SQEs one loop turn prepared go in the enter that also waits for
    /// completions (the fewest syscalls).
    Turn,
    /// Each SQE is submitted as soon as it is prepared (one more
    /// io_uring_enter per op; the device sees I/Os spread out, not in waves).
    EachOp,
}

/// How the ring is fed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Reads, writes and syncs carry IOSQE_ASYNC (straight to io-wq).
    pub force_async: bool,
    /// When SQEs are submitted.
    pub submit: Submit,
}

impl Default for Policy {
    fn default() -> Self {
        Self { force_async: false, submit: Submit::Turn }
    }
}

/// The sysfs directory of the block device under a file (the device
/// itself, or the one holding the file's filesystem); None where there is
/// none (tmpfs and other filesystems without a device).
fn sysfs_dir(meta: &Metadata) -> Option<String> {
    let dev = if meta.file_type().is_block_device() { meta.rdev() } else { meta.dev() };
    let (major, minor) = (libc::major(dev), libc::minor(dev));
    (major != 0).then(|| format!("/sys/dev/block/{major}:{minor}"))
}

/// One attribute of the queue under `meta` (a partition's queue is its disk's).
fn queue_attr(meta: &Metadata, name: &str) -> Option<String> {
    let dir = sysfs_dir(meta)?;
    let text = std::fs::read_to_string(format!("{dir}/queue/{name}"))
        .or_else(|_| std::fs::read_to_string(format!("{dir}/../queue/{name}")))
        .ok()?;
    Some(text.trim().to_string())
}

/// Whether the block queue under a file (see [`sysfs_dir`]) supports NOWAIT:
/// from `queue/nowait` where the kernel has it, else false for the drivers
/// known to lack it (loop, zram); None where there is no block queue
/// (tmpfs) or nothing is known.
pub fn nowait(meta: &Metadata) -> Option<bool> {
    if let Some(v) = queue_attr(meta, "nowait") {
        return Some(v == "1");
    }
    // Kernels without the attribute: the drivers known to lack NOWAIT.
    let name = device_name(meta)?;
    NO_NOWAIT.iter().any(|prefix| name.starts_with(prefix)).then_some(false)
}

/// Block drivers without NOWAIT support: every I/O fails its non-blocking
/// attempt and goes to io-wq.
const NO_NOWAIT: [&str; 2] = ["loop", "zram"];

/// The kernel's name of the device under `meta` ("loop3", "zram0", "vda1").
fn device_name(meta: &Metadata) -> Option<String> {
    let link = std::fs::read_link(sysfs_dir(meta)?).ok()?;
    Some(link.file_name()?.to_string_lossy().into_owned())
}

/// Whether `meta` is a block device whose queue has poll queues
/// (`queue/io_poll` is 1): what IORING_SETUP_IOPOLL needs.
pub fn io_poll(meta: &Metadata) -> bool {
    meta.file_type().is_block_device() && queue_attr(meta, "io_poll").is_some_and(|v| v == "1")
}
