//! The submission policy: when SQEs reach the kernel, and whether reads and
//! writes carry IOSQE_ASYNC.
//!
//! Block devices without NOWAIT support (zram, loop) fail every I/O's first,
//! non-blocking attempt and then hand it to an io-wq worker; IOSQE_ASYNC
//! (fio's `force_async`) goes to io-wq at once and skips the wasted attempt.
//! Either way the same I/O reaches the device. [`nowait_read`] asks the
//! target itself so a caller can choose per target, and [`io_poll`]
//! whether polled I/O (IORING_SETUP_IOPOLL) can work there.

use std::{
    fs::Metadata,
    os::{
        fd::AsFd,
        unix::fs::{FileTypeExt, MetadataExt},
    },
};

use serde::Serialize;

pub use crate::model::ran::Submit;

use crate::dio::{AlignedBuf, os::psync};

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
    let (major, minor) = crate::dio::os::unix::device_parts(dev);
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

/// Whether the target takes a non-blocking Direct I/O read: one `len`-byte
/// preadv2(RWF_NOWAIT) at `offset` through `fd` (opened O_DIRECT). An error
/// (EOPNOTSUPP from tmpfs, EAGAIN from a queue without NOWAIT support) means
/// io_uring's inline attempt of every read would fail the same way and go to
/// io-wq after it: IOSQE_ASYNC skips that attempt. Reads only; nothing is
/// written.
pub fn nowait_read(fd: impl AsFd, offset: u64, len: usize) -> std::io::Result<()> {
    let mut buf = AlignedBuf::zeroed(len.max(1)).map_err(std::io::Error::other)?;
    psync::preadv2(fd, &mut buf, offset, libc::RWF_NOWAIT).map(drop)
}

/// What `--async auto` decides for the target behind `fd` (opened O_DIRECT):
/// IOSQE_ASYNC on exactly where [`nowait_read`] of `len` bytes at `offset`
/// is refused; and why, for the report.
pub fn auto(fd: impl AsFd, offset: u64, len: usize) -> (bool, String) {
    match nowait_read(fd, offset, len) {
        Ok(()) => (false, "auto: the target takes non-blocking reads".into()),
        Err(e) => (
            true,
            format!("auto: the target refuses non-blocking reads ({e}), so each I/O would go to io-wq after a failed try"),
        ),
    }
}

/// Whether `meta` is a block device whose queue has poll queues
/// (`queue/io_poll` is 1): what IORING_SETUP_IOPOLL needs.
pub fn io_poll(meta: &Metadata) -> bool {
    meta.file_type().is_block_device() && queue_attr(meta, "io_poll").is_some_and(|v| v == "1")
}
