//! The Direct I/O module's error type. Every variant names the path it
//! concerns, and the offset where an I/O operation is involved.

use std::{io, path::PathBuf};

use super::{Alignment, os::JoinFailed};

/// Result of a Direct I/O operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in the Direct I/O module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The OS refused an operation.
    #[error("{}: {action}{}: {source}", path.display(), at(*offset))]
    Io {
        /// The file or device.
        path: PathBuf,
        /// What was being done, e.g. "read", "open with O_DIRECT".
        action: String,
        /// Where, for a read or a write.
        offset: Option<u64>,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// An aligned buffer could not be allocated.
    #[error("cannot allocate an aligned buffer of {len} bytes: {reason}")]
    Alloc {
        /// The length asked for.
        len: usize,
        /// Why the allocator refused.
        reason: String,
    },
    /// The request breaks the target's Direct I/O alignment; nothing was submitted.
    #[error("{}: misaligned I/O (offset {offset}, length {len}, buffer address {addr:#x}): {need}", path.display())]
    Alignment {
        /// The file or device.
        path: PathBuf,
        /// The request's file offset.
        offset: u64,
        /// The request's length.
        len: usize,
        /// The buffer's memory address.
        addr: usize,
        /// What the target needs.
        need: Alignment,
    },
    /// A read ended early (end of file or device); the bytes read are in the buffer.
    #[error("{}: short read at offset {offset}: expected {expected} bytes, got {actual}", path.display())]
    ShortRead {
        /// The file or device.
        path: PathBuf,
        /// Where the read started.
        offset: u64,
        /// Bytes asked for.
        expected: usize,
        /// Bytes read (the buffer's length now).
        actual: usize,
    },
    /// A write was only partly done.
    #[error("{}: short write at offset {offset}: expected {expected} bytes, wrote {actual}", path.display())]
    ShortWrite {
        /// The file or device.
        path: PathBuf,
        /// Where the write started.
        offset: u64,
        /// Bytes offered.
        expected: usize,
        /// Bytes written.
        actual: usize,
    },
    /// A call run on compio's blocking pool (one with no ring op) did not
    /// finish: it panicked or was cancelled.
    #[error("{}: {action}: background task failed: {reason}", path.display())]
    Join {
        /// The file or device.
        path: PathBuf,
        /// What the task was doing.
        action: String,
        /// What the runtime reported.
        reason: String,
    },
    /// offset + length does not fit the file offset type.
    #[error("{}: offset {offset} + length {len} overflows the largest file offset", path.display())]
    Overflow {
        /// The file or device.
        path: PathBuf,
        /// The request's file offset.
        offset: u64,
        /// The request's length.
        len: u64,
    },
}

fn at(offset: Option<u64>) -> String {
    offset.map(|o| format!(" at offset {o}")).unwrap_or_default()
}

impl Error {
    /// Builds an [`Error::Io`], or an [`Error::Join`] when `source` says a
    /// blocking-pool task did not finish.
    pub fn io(path: impl Into<PathBuf>, action: impl Into<String>, offset: Option<u64>, source: io::Error) -> Self {
        let (path, action) = (path.into(), action.into());
        match source.get_ref().and_then(|inner| inner.downcast_ref::<JoinFailed>()) {
            Some(JoinFailed(reason)) => Error::Join { path, action, reason: reason.clone() },
            None => Error::Io { path, action, offset, source },
        }
    }

    /// The OS error number, where the error came from the OS.
    pub fn raw_os_error(&self) -> Option<i32> {
        match self {
            Error::Io { source, .. } => source.raw_os_error(),
            _ => None,
        }
    }
}
