//! The OS layer: how each platform opens a file uncached and answers the
//! questions Direct I/O needs (what the file is, its alignment and size,
//! preallocation). Private to the library. Every system call jdbio makes
//! itself (beside std's and the io-uring crate's) is wrapped here once,
//! through rustix where it has the call, with errno converted in one place
//! ([`cvt`] for the few raw libc calls left).
//!
//! One file per OS, chosen here and nowhere else. Each exposes the same
//! async functions, which never block the runtime's thread (ring ops where
//! the OS has them, compio's blocking pool otherwise): `open`, `probe`,
//! `size`, `block_sizes`, `read_only`, `claim_exclusive`, `preallocate`,
//! `preallocate_keep_size`; and blocking ones for callers off the runtime:
//! `open_blocking` (Linux) and the block device ioctls in [`ioctls`]; in
//! [`psync`] (Linux), the plain positional system calls a database commits
//! with, in [`aio`] Linux native AIO, in [`extents`] the hole scan's seeks;
//! and in [`unix`] the process-wide calls (host name, CPU usage, memory,
//! signals).

use std::{fmt, io};

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::*;

/// The psync and pvsync2 engines' plain system calls (`pwrite`, `pread`,
/// `pwritev2`, `preadv2`, `fdatasync`, `fsync`), blocking the caller's thread.
#[cfg(all(target_os = "linux", feature = "cli"))]
pub mod psync;

/// Linux native AIO (`io_setup`, `io_submit`, `io_getevents`,
/// `io_destroy`): the libaio engine's system calls.
#[cfg(all(target_os = "linux", feature = "cli"))]
pub mod aio;

/// What the page cache holds of a file (mincore), and evicting it
/// (fdatasync + POSIX_FADV_DONTNEED), for buffered runs.
#[cfg(all(target_os = "linux", feature = "cli"))]
pub mod page_cache;

/// The file-management system calls a database makes around its commits
/// (open with its flags, rename, unlink, fallocate), for `wal --profile`.
#[cfg(all(target_os = "linux", feature = "cli"))]
pub mod files;

/// The block and loop device ioctls, their numbers computed, not typed in.
#[cfg(target_os = "linux")]
pub mod ioctls;

/// Where a file holds data (SEEK_DATA, SEEK_HOLE) and reserving a range.
#[cfg(all(target_os = "linux", feature = "cli"))]
pub mod extents;

/// The process-wide calls of every Unix: host name, CPU usage, memory,
/// device numbers, signals.
#[cfg(all(unix, feature = "cli"))]
pub mod unix;

#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
pub use macos::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

use super::Alignment;

/// No exclusive claim on a device outside Linux.
#[cfg(not(target_os = "linux"))]
pub type Claim = ();

/// Outside Linux no claim is taken (`None`).
#[cfg(not(target_os = "linux"))]
pub async fn claim_exclusive(_: &std::path::Path, _: Option<u64>) -> io::Result<Option<Claim>> {
    Ok(None)
}

/// How a file is opened. Every mode but `Buffered` and `BufferedRead`
/// bypasses the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Read-only.
    Read,
    /// Read-write, create, truncate.
    Create,
    /// Read-write, create if missing.
    ReadWrite,
    /// Read-write, create, every write's data durable on return (O_DSYNC).
    Wal,
    /// Read-write, create, every write's data and metadata durable on return (O_SYNC).
    WalFullSync,
    /// Read-write, create, through the page cache: for comparison with what
    /// many engines really do, not for Direct I/O. Requests are not held to
    /// any alignment.
    Buffered,
    /// Read-only, through the page cache (a buffered read benchmark).
    /// Requests are not held to any alignment.
    BufferedRead,
}

impl OpenMode {
    /// True for the modes that go through the page cache.
    pub fn is_buffered(self) -> bool {
        matches!(self, OpenMode::Buffered | OpenMode::BufferedRead)
    }

    /// True for the modes that cannot write.
    pub fn is_read_only(self) -> bool {
        matches!(self, OpenMode::Read | OpenMode::BufferedRead)
    }
}

/// What an open file is, as the library needs to know it.
pub struct Probe {
    /// True for a block device.
    pub is_block: bool,
    /// The Direct I/O alignment it needs.
    pub align: Alignment,
    /// A block device's device number (for the exclusive claim).
    pub device: Option<u64>,
}

/// A blocking-pool task that did not run to completion (it panicked or was
/// cancelled); carried inside an `io::Error` and turned into
/// [`crate::dio::Error::Join`] where the error gets its path.
#[derive(Debug)]
pub struct JoinFailed(pub String);

impl fmt::Display for JoinFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JoinFailed {}

/// Runs a blocking call on compio's blocking pool, so the runtime's thread
/// keeps serving its other tasks.
pub async fn unblock<T: Send + 'static>(call: impl FnOnce() -> io::Result<T> + Send + 'static) -> io::Result<T> {
    compio::runtime::spawn_blocking(call).await.map_err(|e| io::Error::other(JoinFailed(e.to_string())))?
}

/// The symbolic name of an errno a Direct I/O request can meet ("EINVAL"),
/// `None` for the others.
#[cfg(feature = "cli")]
pub fn errno_name(errno: i32) -> Option<&'static str> {
    Some(match errno {
        libc::EINVAL => "EINVAL",
        libc::EFAULT => "EFAULT",
        libc::EIO => "EIO",
        libc::EBADF => "EBADF",
        libc::EPERM => "EPERM",
        libc::EACCES => "EACCES",
        libc::ENOSPC => "ENOSPC",
        libc::EFBIG => "EFBIG",
        libc::ENXIO => "ENXIO",
        libc::EROFS => "EROFS",
        libc::EAGAIN => "EAGAIN",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::EOVERFLOW => "EOVERFLOW",
        _ => return None,
    })
}

/// Converts a C-style return value (-1 and errno) into an `io::Result`.
#[cfg(unix)]
pub fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 { Err(io::Error::last_os_error()) } else { Ok(ret) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dio::Error;

    #[test]
    fn a_failing_blocking_task_is_a_join_error() {
        let runtime = compio::runtime::Runtime::new().unwrap();
        let failed = runtime.block_on(unblock::<u64>(|| panic!("the device vanished mid-ioctl"))).unwrap_err();
        match Error::io("/dev/loop9", "query size", None, failed) {
            Error::Join { path, action, reason } => {
                assert_eq!((path.to_str(), action.as_str()), (Some("/dev/loop9"), "query size"));
                assert!(!reason.is_empty());
            }
            other => panic!("expected Join, got {other:?}"),
        }
        let fine = runtime.block_on(unblock(|| Ok(7u64))).unwrap();
        assert_eq!(fine, 7, "a call that finishes is its own value");
    }
}
