//! The Direct I/O module's error type. Every variant names the path it
//! concerns, and the offset where an I/O operation is involved.

use std::{io, path::PathBuf};

use super::Alignment;

/// Result of a Direct I/O operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in the Direct I/O module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The OS refused an operation.
    #[error("{}: {action}{}: {source}", path.display(), at(*offset))]
    Io {
        path: PathBuf,
        /// What was being done, e.g. "read", "open with O_DIRECT".
        action: String,
        offset: Option<u64>,
        #[source]
        source: io::Error,
    },
    /// An aligned buffer could not be allocated.
    #[error("cannot allocate an aligned buffer of {len} bytes: {reason}")]
    Alloc { len: usize, reason: String },
    /// The request breaks the target's Direct I/O alignment; nothing was submitted.
    #[error("{}: misaligned I/O (offset {offset}, length {len}, buffer address {addr:#x}): {need}", path.display())]
    Alignment { path: PathBuf, offset: u64, len: usize, addr: usize, need: Alignment },
    /// A read ended early (end of file or device); the bytes read are in the buffer.
    #[error("{}: short read at offset {offset}: expected {expected} bytes, got {actual}", path.display())]
    ShortRead { path: PathBuf, offset: u64, expected: usize, actual: usize },
    /// A write was only partly done.
    #[error("{}: short write at offset {offset}: expected {expected} bytes, wrote {actual}", path.display())]
    ShortWrite { path: PathBuf, offset: u64, expected: usize, actual: usize },
    /// A blocking helper thread failed.
    #[error("{}: {action}: background task failed: {reason}", path.display())]
    Join { path: PathBuf, action: String, reason: String },
    /// offset + length does not fit the file offset type.
    #[error("{}: offset {offset} + length {len} overflows the largest file offset", path.display())]
    Overflow { path: PathBuf, offset: u64, len: u64 },
}

fn at(offset: Option<u64>) -> String {
    offset.map(|o| format!(" at offset {o}")).unwrap_or_default()
}

impl Error {
    /// Builds an [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, action: impl Into<String>, offset: Option<u64>, source: io::Error) -> Self {
        Error::Io { path: path.into(), action: action.into(), offset, source }
    }

    /// The OS error number, where the error came from the OS.
    pub fn raw_os_error(&self) -> Option<i32> {
        match self {
            Error::Io { source, .. } => source.raw_os_error(),
            _ => None,
        }
    }
}
