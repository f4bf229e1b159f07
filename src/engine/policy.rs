//! The submission policy: when SQEs reach the kernel, and whether reads and
//! writes carry IOSQE_ASYNC.
//!
//! Block devices without NOWAIT support (zram, loop) fail every I/O's first,
//! non-blocking attempt and then hand it to an io-wq worker; IOSQE_ASYNC
//! (fio's `force_async`) goes to io-wq at once and skips the wasted attempt.
//! Either way the same I/O reaches the device. [`nowait`] reads what the
//! target's queue says so a caller can choose per target.

use std::os::fd::RawFd;

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

/// Whether the block queue under `fd` (the device itself, or the device
/// holding the file's filesystem) supports NOWAIT, from
/// `/sys/dev/block/MAJ:MIN/queue/nowait`; None where there is no such queue
/// (tmpfs, an older kernel) or it cannot be read.
pub fn nowait(fd: RawFd) -> Option<bool> {
    // SAFETY: fstat writes into the zeroed struct it is given.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return None;
    }
    let dev = if st.st_mode & libc::S_IFMT == libc::S_IFBLK { st.st_rdev } else { st.st_dev };
    let (major, minor) = (libc::major(dev), libc::minor(dev));
    if major == 0 {
        return None;
    }
    let dir = format!("/sys/dev/block/{major}:{minor}");
    // A partition has no queue of its own: its disk's is one level up.
    let text = std::fs::read_to_string(format!("{dir}/queue/nowait"))
        .or_else(|_| std::fs::read_to_string(format!("{dir}/../queue/nowait")))
        .ok()?;
    Some(text.trim() == "1")
}

/// Whether the block queue under `fd` has poll queues
/// (`/sys/dev/block/MAJ:MIN/queue/io_poll` is 1): what IORING_SETUP_IOPOLL
/// needs. False for anything that is not a block device.
pub fn io_poll(fd: RawFd) -> bool {
    // SAFETY: as in `nowait`.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } != 0 || st.st_mode & libc::S_IFMT != libc::S_IFBLK {
        return false;
    }
    let (major, minor) = (libc::major(st.st_rdev), libc::minor(st.st_rdev));
    let dir = format!("/sys/dev/block/{major}:{minor}");
    std::fs::read_to_string(format!("{dir}/queue/io_poll"))
        .or_else(|_| std::fs::read_to_string(format!("{dir}/../queue/io_poll")))
        .is_ok_and(|t| t.trim() == "1")
}
