//! `File`: one Direct I/O file or block device, positional owned-buffer I/O
//! through the compio runtime (io_uring on Linux).
//!
//! Every method is async and must run inside a compio runtime; none blocks
//! the runtime's thread (opens, statx, fallocate, reads, writes and syncs go
//! through the ring; the block device ioctls and the exclusive claim run on
//! compio's blocking pool). Every read and write is checked against the
//! target's real alignment before it is submitted; every error names the
//! path and, for I/O, the offset.

use std::{
    fs,
    path::{Path, PathBuf},
    rc::Rc,
};

use compio::{
    BufResult,
    buf::{IntoInner, IoBuf, IoBufMut},
    driver::{
        SharedFd,
        op::{ReadAt, Sync, WriteAt},
    },
};

use super::{
    Alignment, Error, Result,
    os::{self, OpenMode},
};

/// A file or block device opened for Direct I/O. Cloning is cheap and
/// shares the descriptor (it closes when the last clone is dropped), so
/// tasks can each hold one.
#[derive(Clone)]
pub struct File(Rc<Inner>);

struct Inner {
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

/// No alignment at all: what a buffered (page cache) file needs.
const UNALIGNED: Alignment = Alignment { mem: 1, offset: 1 };

impl File {
    /// Opens read-only.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_mode(path, OpenMode::Read).await
    }

    /// Opens read-write, creating or truncating.
    pub async fn create(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_mode(path, OpenMode::Create).await
    }

    /// Opens read-write, creating the file if it is missing.
    pub async fn open_rw(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_mode(path, OpenMode::ReadWrite).await
    }

    /// Opens a write-ahead log: read-write, create, Direct I/O plus O_DSYNC,
    /// so a write is durable when it returns.
    pub async fn open_wal(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_mode(path, OpenMode::Wal).await
    }

    /// Opens in any [`OpenMode`] (O_SYNC logs, or buffered files to compare
    /// against).
    pub async fn open_mode(path: impl AsRef<Path>, mode: OpenMode) -> Result<Self> {
        let path = path.as_ref();
        let file = os::open(path, mode).await.map_err(|e| {
            let action =
                if os::is_direct_io_refusal(&e) { format!("open: {}", os::NO_DIRECT_IO) } else { "open".into() };
            Error::io(path, action, None, e)
        })?;
        let fd = SharedFd::new(file);
        let probe =
            os::probe(&fd).await.map_err(|e| Error::io(path, "query type and Direct I/O alignment", None, e))?;
        let claim = match mode.is_read_only() {
            true => None,
            false => os::claim_exclusive(path, probe.device)
                .await
                .map_err(|e| Error::io(path, exclusive_refusal(&e), None, e))?,
        };
        let align = if mode.is_buffered() { UNALIGNED } else { probe.align };
        Ok(Self(Rc::new(Inner { fd, path: path.to_path_buf(), align, is_block: probe.is_block, _claim: claim })))
    }

    /// The path this file was opened with.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// The alignment every request must meet (1 byte for a buffered file).
    pub fn alignment(&self) -> Alignment {
        self.0.align
    }

    /// True for a block device.
    pub fn is_block_device(&self) -> bool {
        self.0.is_block
    }

    /// The underlying std file (for fd-level calls such as registering it
    /// with a ring). Blocking calls on it block the caller's thread.
    pub fn std_file(&self) -> &fs::File {
        &self.0.fd
    }

    /// Checks a request against alignment and offset overflow, before any I/O.
    pub fn check(&self, offset: u64, len: usize, addr: usize) -> Result<()> {
        let end = offset.checked_add(len as u64).filter(|&e| e <= i64::MAX as u64);
        if end.is_none() {
            return Err(Error::Overflow { path: self.0.path.clone(), offset, len: len as u64 });
        }
        self.0.align.check(&self.0.path, offset, len, addr)
    }

    /// Reads into all of `buf`'s capacity (for an [`super::AlignedBuf`],
    /// `capacity()`) at `offset`. Any compio buffer works, so a sub-slice of
    /// an aligned buffer can be read into; its address is checked too. The
    /// buffer always comes back; on success and on [`Error::ShortRead`] its
    /// length is the count of bytes read.
    pub async fn read_at<T: IoBufMut>(&self, mut buf: T, offset: u64) -> super::BufResult<usize, T> {
        let (addr, want) = {
            let space = buf.as_uninit();
            (space.as_ptr() as usize, space.len())
        };
        if let Err(e) = self.check(offset, want, addr) {
            return (Err(e), buf);
        }
        let BufResult(result, op) = compio::runtime::submit(ReadAt::new(self.0.fd.clone(), offset, buf)).await;
        let mut buf = op.into_inner();
        match result {
            Ok(got) => {
                // SAFETY: the kernel initialised the first `got` bytes.
                unsafe { buf.set_len(got) };
                if got < want {
                    let err = Error::ShortRead { path: self.0.path.clone(), offset, expected: want, actual: got };
                    return (Err(err), buf);
                }
                (Ok(got), buf)
            }
            Err(e) => (Err(Error::io(&self.0.path, "read", Some(offset), e)), buf),
        }
    }

    /// Writes all of `buf`'s initialised bytes at `offset`. The buffer
    /// always comes back.
    pub async fn write_at<T: IoBuf>(&self, buf: T, offset: u64) -> super::BufResult<usize, T> {
        let (addr, want) = (buf.buf_ptr() as usize, buf.buf_len());
        if let Err(e) = self.check(offset, want, addr) {
            return (Err(e), buf);
        }
        let BufResult(result, op) = compio::runtime::submit(WriteAt::new(self.0.fd.clone(), offset, buf)).await;
        (self.write_outcome(result, want, offset, "write"), op.into_inner())
    }

    /// Turns a write's completion into the module's result.
    fn write_outcome(&self, result: std::io::Result<usize>, want: usize, offset: u64, action: &str) -> Result<usize> {
        match result {
            Ok(done) if done < want => {
                Err(Error::ShortWrite { path: self.0.path.clone(), offset, expected: want, actual: done })
            }
            Ok(done) => Ok(done),
            Err(e) => Err(Error::io(&self.0.path, action, Some(offset), e)),
        }
    }

    /// **Linux only.** Writes `buf` at `offset` with the per-write RWF_DSYNC
    /// flag: the data is durable when it returns, without opening the file
    /// O_DSYNC. On other systems this method does not exist; open the file
    /// with [`File::open_wal`] for the same durability.
    #[cfg(target_os = "linux")]
    pub async fn write_at_dsync<T: IoBuf>(&self, buf: T, offset: u64) -> super::BufResult<usize, T> {
        let (addr, want) = (buf.buf_ptr() as usize, buf.buf_len());
        if let Err(e) = self.check(offset, want, addr) {
            return (Err(e), buf);
        }
        let op = os::FlaggedWrite::dsync(self.0.fd.clone(), buf, offset);
        let BufResult(result, op) = compio::runtime::submit(op).await;
        (self.write_outcome(result, want, offset, "write (RWF_DSYNC)"), op.into_inner())
    }

    /// Byte size: the file length, or a block device's real size.
    pub async fn size(&self) -> Result<u64> {
        os::size(&self.0.fd, self.0.is_block).await.map_err(|e| Error::io(&self.0.path, "query size", None, e))
    }

    /// The logical and physical block sizes of a block device (BLKSSZGET
    /// and BLKPBSZGET on Linux, DKIOCGETBLOCKSIZE for both on macOS), or
    /// `None` for a regular file. **Linux and macOS**; `None` on Windows.
    pub async fn block_sizes(&self) -> Result<Option<(u32, u32)>> {
        if !self.0.is_block {
            return Ok(None);
        }
        os::block_sizes(&self.0.fd).await.map(Some).map_err(|e| Error::io(&self.0.path, "query block sizes", None, e))
    }

    /// Whether the kernel refuses writes to this block device (BLKROGET on
    /// Linux: `losetup -r`, `blockdev --setro`, a write-protected disk);
    /// false for a regular file. **Linux**; false elsewhere.
    pub async fn read_only(&self) -> Result<bool> {
        if !self.0.is_block {
            return Ok(false);
        }
        os::read_only(&self.0.fd).await.map_err(|e| Error::io(&self.0.path, "query read-only (BLKROGET)", None, e))
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
        let result = compio::runtime::submit(Sync::new(self.0.fd.clone(), datasync)).await;
        result.0.map(drop).map_err(|e| Error::io(&self.0.path, action, None, e))
    }

    /// Sets the size to `len` bytes (ftruncate): extends with a hole or
    /// shrinks.
    pub async fn set_len(&self, len: u64) -> Result<()> {
        os::set_len(&self.0.fd, len)
            .await
            .map_err(|e| Error::io(&self.0.path, format!("truncate to {len} bytes"), None, e))
    }

    /// Allocates space for `[0, len)`, extending the file if `len` is larger
    /// than its size. Never shrinks. On a block device, whose space is all
    /// there, `len` up to its size is already done and beyond it an error.
    pub async fn preallocate(&self, len: u64) -> Result<()> {
        let action = format!("preallocate {len} bytes");
        if self.0.is_block {
            return self.within_device(len, action).await;
        }
        os::preallocate(&self.0.fd, len).await.map_err(|e| Error::io(&self.0.path, action, None, e))
    }

    /// Allocates space for `[0, len)` without changing the file size (for a
    /// block device, as [`File::preallocate`]). **Linux only**
    /// (FALLOC_FL_KEEP_SIZE); elsewhere an [`std::io::ErrorKind::Unsupported`]
    /// I/O error.
    pub async fn preallocate_keep_size(&self, len: u64) -> Result<()> {
        let action = format!("preallocate {len} bytes (keep size)");
        if self.0.is_block {
            return self.within_device(len, action).await;
        }
        os::preallocate_keep_size(&self.0.fd, len).await.map_err(|e| Error::io(&self.0.path, action, None, e))
    }

    /// Preallocation on a block device: nothing to do within its size, a
    /// "no space" error beyond it.
    async fn within_device(&self, len: u64, action: String) -> Result<()> {
        let size = self.size().await?;
        if len <= size {
            return Ok(());
        }
        let why = format!("the device holds {size} bytes");
        Err(Error::io(&self.0.path, action, None, std::io::Error::new(std::io::ErrorKind::StorageFull, why)))
    }
}

/// **Unix only**: the shared descriptor (for fd-level calls; it stays
/// owned by the `File`).
#[cfg(unix)]
impl std::os::fd::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.0.fd.as_raw_fd()
    }
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("path", &self.0.path)
            .field("align", &self.0.align)
            .field("is_block", &self.0.is_block)
            .finish()
    }
}
