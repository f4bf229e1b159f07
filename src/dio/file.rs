//! `File`: one Direct I/O file or block device, positional owned-buffer I/O
//! through the compio runtime (io_uring on Linux).
//!
//! Every read and write is checked against the target's real alignment
//! before it is submitted; every error names the path and, for I/O, the
//! offset. The async methods must run inside a compio runtime.

use std::{
    fs,
    path::{Path, PathBuf},
};

use compio::{
    BufResult,
    buf::{IntoInner, IoBuf, IoBufMut},
    driver::{
        SharedFd,
        op::{ReadAt, Sync, WriteAt},
    },
};

#[cfg(doc)]
use super::AlignedBuffer;
use super::{
    Alignment, Error, Result,
    os::{self, OpenMode},
};

/// A file or block device opened for Direct I/O.
pub struct File {
    fd: SharedFd<fs::File>,
    path: PathBuf,
    align: Alignment,
    is_block: bool,
    /// Held while open for writing on a block device (O_EXCL, Linux).
    _claim: Option<os::Claim>,
}

/// What a failed exclusive open of a block device for writing means.
fn exclusive_refusal(e: &std::io::Error) -> &'static str {
    if e.raw_os_error() == Some(libc::EBUSY) {
        "in use (mounted, perhaps in another mount namespace, or claimed by another program): the exclusive open (O_EXCL) for writing was refused"
    } else {
        "open exclusively (O_EXCL) for writing"
    }
}

impl File {
    /// Opens read-only.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path.as_ref(), OpenMode::Read)
    }

    /// Opens read-write, creating or truncating.
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path.as_ref(), OpenMode::Create)
    }

    /// Opens read-write, creating the file if it is missing.
    pub fn open_rw(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path.as_ref(), OpenMode::ReadWrite)
    }

    /// Opens a write-ahead log: read-write, create, Direct I/O plus O_DSYNC,
    /// so a write is durable when it returns.
    pub fn open_wal(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path.as_ref(), OpenMode::Wal)
    }

    /// Opens in any [`OpenMode`] (O_SYNC logs, or buffered files to compare
    /// against).
    pub fn open_mode(path: impl AsRef<Path>, mode: OpenMode) -> Result<Self> {
        Self::open_with(path.as_ref(), mode)
    }

    fn open_with(path: &Path, mode: OpenMode) -> Result<Self> {
        let file = os::open(path, mode).map_err(|e| {
            let action =
                if os::is_direct_io_refusal(&e) { format!("open: {}", os::NO_DIRECT_IO) } else { "open".into() };
            Error::io(path, action, None, e)
        })?;
        let is_block = os::is_block_device(&file).map_err(|e| Error::io(path, "stat", None, e))?;
        let align = os::alignment(&file).map_err(|e| Error::io(path, "query Direct I/O alignment", None, e))?;
        let claim = match mode {
            OpenMode::Read => None,
            _ => os::claim_exclusive(path, &file).map_err(|e| Error::io(path, exclusive_refusal(&e), None, e))?,
        };
        Ok(Self { fd: SharedFd::new(file), path: path.to_path_buf(), align, is_block, _claim: claim })
    }

    /// The path this file was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The alignment every request must meet.
    pub fn alignment(&self) -> Alignment {
        self.align
    }

    /// True for a block device.
    pub fn is_block_device(&self) -> bool {
        self.is_block
    }

    /// The underlying std file (for fd-level calls such as registering it
    /// with a ring).
    pub fn std_file(&self) -> &fs::File {
        &self.fd
    }

    /// Checks a request against alignment and offset overflow, before any I/O.
    pub fn check(&self, offset: u64, len: usize, addr: usize) -> Result<()> {
        let end = offset.checked_add(len as u64).filter(|&e| e <= i64::MAX as u64);
        if end.is_none() {
            return Err(Error::Overflow { path: self.path.clone(), offset, len: len as u64 });
        }
        self.align.check(&self.path, offset, len, addr)
    }

    /// Reads into all of `buf`'s writable space (for an [`AlignedBuffer`],
    /// its `len()`) at `offset`. Any compio buffer works, so a sub-slice of an
    /// aligned buffer can be read into; its address is checked too. The
    /// buffer always comes back; on success and on [`Error::ShortRead`] its
    /// length is the count of bytes read.
    pub async fn read_at<T: IoBufMut>(&self, mut buf: T, offset: u64) -> (Result<usize>, T) {
        let (addr, want) = {
            let space = buf.as_uninit();
            (space.as_ptr() as usize, space.len())
        };
        if let Err(e) = self.check(offset, want, addr) {
            return (Err(e), buf);
        }
        let BufResult(result, op) = compio::runtime::submit(ReadAt::new(self.fd.clone(), offset, buf)).await;
        let mut buf = op.into_inner();
        match result {
            Ok(got) => {
                // SAFETY: the kernel initialised the first `got` bytes.
                unsafe { buf.set_len(got) };
                if got < want {
                    let err = Error::ShortRead { path: self.path.clone(), offset, expected: want, actual: got };
                    return (Err(err), buf);
                }
                (Ok(got), buf)
            }
            Err(e) => (Err(Error::io(&self.path, "read", Some(offset), e)), buf),
        }
    }

    /// Writes all of `buf`'s initialised bytes at `offset`. The buffer
    /// always comes back.
    pub async fn write_at<T: IoBuf>(&self, buf: T, offset: u64) -> (Result<usize>, T) {
        let (addr, want) = (buf.buf_ptr() as usize, buf.buf_len());
        if let Err(e) = self.check(offset, want, addr) {
            return (Err(e), buf);
        }
        let BufResult(result, op) = compio::runtime::submit(WriteAt::new(self.fd.clone(), offset, buf)).await;
        (self.write_outcome(result, want, offset, "write"), op.into_inner())
    }

    /// Turns a write's completion into the module's result.
    fn write_outcome(&self, result: std::io::Result<usize>, want: usize, offset: u64, action: &str) -> Result<usize> {
        match result {
            Ok(done) if done < want => {
                Err(Error::ShortWrite { path: self.path.clone(), offset, expected: want, actual: done })
            }
            Ok(done) => Ok(done),
            Err(e) => Err(Error::io(&self.path, action, Some(offset), e)),
        }
    }

    /// Writes `buf` at `offset` with the per-write RWF_DSYNC flag: the data
    /// is durable when it returns, without opening the file O_DSYNC.
    #[cfg(target_os = "linux")]
    pub async fn write_at_dsync<T: IoBuf>(&self, buf: T, offset: u64) -> (Result<usize>, T) {
        let (addr, want) = (buf.buf_ptr() as usize, buf.buf_len());
        if let Err(e) = self.check(offset, want, addr) {
            return (Err(e), buf);
        }
        let op = os::FlaggedWrite::dsync(self.fd.as_raw_fd(), buf, offset);
        let BufResult(result, op) = compio::runtime::submit(op).await;
        (self.write_outcome(result, want, offset, "write (RWF_DSYNC)"), op.into_inner())
    }

    /// Byte size: the file length, or a block device's real size.
    pub fn size(&self) -> Result<u64> {
        let got = if self.is_block { os::block_device_size(&self.fd) } else { self.fd.metadata().map(|m| m.len()) };
        got.map_err(|e| Error::io(&self.path, "query size", None, e))
    }

    /// fsync: data and all metadata durable.
    pub async fn sync_all(&self) -> Result<()> {
        self.sync(false).await
    }

    /// fdatasync: data and the metadata needed to read it back durable.
    pub async fn sync_data(&self) -> Result<()> {
        self.sync(true).await
    }

    async fn sync(&self, datasync: bool) -> Result<()> {
        let action = if datasync { "fdatasync" } else { "fsync" };
        let result = compio::runtime::submit(Sync::new(self.fd.clone(), datasync)).await;
        result.0.map(drop).map_err(|e| Error::io(&self.path, action, None, e))
    }

    /// Allocates space for `[0, len)`, extending the file if `len` is larger
    /// than its size. Never shrinks.
    pub fn preallocate(&self, len: u64) -> Result<()> {
        os::preallocate(&self.fd, len).map_err(|e| Error::io(&self.path, format!("preallocate {len} bytes"), None, e))
    }

    /// Allocates space for `[0, len)` without changing the file size
    /// (Linux FALLOC_FL_KEEP_SIZE; an `Unsupported` I/O error elsewhere).
    pub fn preallocate_keep_size(&self, len: u64) -> Result<()> {
        os::preallocate_keep_size(&self.fd, len)
            .map_err(|e| Error::io(&self.path, format!("preallocate {len} bytes (keep size)"), None, e))
    }
}

#[cfg(target_os = "linux")]
use std::os::fd::AsRawFd as _;

#[cfg(unix)]
impl std::os::fd::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.fd.as_raw_fd()
    }
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("path", &self.path)
            .field("align", &self.align)
            .field("is_block", &self.is_block)
            .finish()
    }
}
