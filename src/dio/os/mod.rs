//! The OS layer: how each platform opens a file uncached and answers the
//! questions Direct I/O needs (alignment, device size, preallocation).
//!
//! One file per OS, chosen here and nowhere else. Each exposes the same
//! functions: `open`, `alignment`, `block_device_size`, `is_block_device`,
//! `preallocate`, `preallocate_keep_size`; Linux also `claim_exclusive`
//! (O_EXCL on a block device opened for writing).

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::*;

#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
pub use macos::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

/// No exclusive claim on a device outside Linux.
#[cfg(not(target_os = "linux"))]
pub type Claim = ();

/// Outside Linux no claim is taken (`None`).
#[cfg(not(target_os = "linux"))]
pub fn claim_exclusive(_: &std::path::Path, _: &std::fs::File) -> std::io::Result<Option<Claim>> {
    Ok(None)
}

/// How a file is opened. Every mode but `Buffered` bypasses the page cache.
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
    /// many engines really do, not for Direct I/O.
    Buffered,
}

/// Converts a C-style return value (-1 and errno) into an `io::Result`.
#[cfg(unix)]
pub(crate) fn cvt(ret: libc::c_int) -> std::io::Result<libc::c_int> {
    if ret < 0 { Err(std::io::Error::last_os_error()) } else { Ok(ret) }
}
