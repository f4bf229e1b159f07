//! Linux: O_DIRECT (plus O_DSYNC for a WAL) opened through the ring
//! (IORING_OP_OPENAT, run on the kernel's workers), statx STATX_DIOALIGN
//! through the ring (IORING_OP_STATX), fallocate through the ring
//! (IORING_OP_FALLOCATE), and the block device ioctls and the exclusive
//! claim on compio's blocking pool (no ring op exists for them). Each ring
//! op falls back to the plain syscall on compio's blocking pool when the
//! kernel lacks its opcode.

use std::{
    ffi::CString,
    fs::{File, OpenOptions},
    io,
    os::{
        fd::{AsRawFd, FromRawFd, OwnedFd},
        unix::{ffi::OsStrExt, fs::OpenOptionsExt},
    },
    path::{Path, PathBuf},
    sync::{Arc, Mutex, Weak},
};

use compio::{
    BufResult,
    buf::{IntoInner, IoBuf},
    driver::{Extra, OpCode, OpEntry, SharedFd, op::TruncateFile},
};
use io_uring::{opcode, squeue, types::Fd};

use super::{
    OpenMode, Probe, cvt,
    ioctls::{block_device_size, logical_block_size, physical_block_size},
    unblock,
};
use crate::dio::Alignment;

/// The open(2) flags for `mode`.
fn flags(mode: OpenMode) -> libc::c_int {
    let rw_create = libc::O_RDWR | libc::O_CREAT;
    match mode {
        OpenMode::Read => libc::O_RDONLY | libc::O_DIRECT,
        OpenMode::Create => rw_create | libc::O_TRUNC | libc::O_DIRECT,
        OpenMode::ReadWrite => rw_create | libc::O_DIRECT,
        OpenMode::Wal => rw_create | libc::O_DIRECT | libc::O_DSYNC,
        OpenMode::WalFullSync => rw_create | libc::O_DIRECT | libc::O_SYNC,
        OpenMode::Buffered => rw_create,
        OpenMode::BufferedRead => libc::O_RDONLY,
    }
}

/// Opens `path` in `mode` through the ring (IORING_OP_OPENAT) with
/// IOSQE_ASYNC: the kernel runs the open on its own workers, never inline
/// in this thread's submission, so an open that waits (a FIFO without a
/// writer, a slow FUSE or network filesystem) never stalls the runtime.
pub async fn open(path: &Path, mode: OpenMode) -> io::Result<File> {
    let path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "the path holds a NUL byte"))?;
    let op = OpenAt { path, flags: flags(mode) | libc::O_CLOEXEC, fd: None };
    let BufResult(res, op) = compio::runtime::submit(op).await;
    res?;
    op.fd.map(File::from).ok_or_else(|| io::Error::other("the ring reported an open without a descriptor"))
}

/// openat(AT_FDCWD, path, flags, 0644). Owns the descriptor from
/// completion on, so an open whose future was dropped still closes it.
struct OpenAt {
    path: CString,
    flags: libc::c_int,
    fd: Option<OwnedFd>,
}

// SAFETY: the entry points into `path`, which the op owns until completion.
unsafe impl OpCode for OpenAt {
    type Control = ();

    fn create_entry(&mut self, _: &mut ()) -> OpEntry {
        opcode::OpenAt::new(Fd(libc::AT_FDCWD), self.path.as_ptr())
            .flags(self.flags)
            .mode(0o644)
            .build()
            .flags(squeue::Flags::ASYNC)
            .into()
    }

    fn call_blocking(&mut self, _: &mut ()) -> io::Result<usize> {
        // SAFETY: a NUL-terminated path; open takes plain integers besides.
        cvt(unsafe { libc::open(self.path.as_ptr(), self.flags, 0o644 as libc::c_uint) }).map(|fd| fd as usize)
    }

    unsafe fn set_result(&mut self, _: &mut (), res: &io::Result<usize>, _: &Extra) {
        if let Ok(fd) = res {
            // SAFETY: a successful open's result is a new descriptor that
            // nothing else owns.
            self.fd = Some(unsafe { OwnedFd::from_raw_fd(*fd as libc::c_int) });
        }
    }
}

/// statx for the type, device number, size and Direct I/O alignment of an
/// open file, through the ring (IORING_OP_STATX).
struct Statx {
    fd: SharedFd<File>,
    out: Box<libc::statx>,
}

const STATX_WANT: u32 = libc::STATX_TYPE | libc::STATX_SIZE | libc::STATX_DIOALIGN;

// SAFETY: the entry points into `out` (boxed, so it does not move) and an
// empty static path; the op owns both until completion.
unsafe impl OpCode for Statx {
    type Control = ();

    fn create_entry(&mut self, _: &mut ()) -> OpEntry {
        opcode::Statx::new(Fd(self.fd.as_raw_fd()), c"".as_ptr(), (&raw mut *self.out).cast())
            .flags(libc::AT_EMPTY_PATH)
            .mask(STATX_WANT)
            .build()
            .into()
    }

    fn call_blocking(&mut self, _: &mut ()) -> io::Result<usize> {
        // SAFETY: valid fd, NUL-terminated empty path with AT_EMPTY_PATH, valid out-pointer.
        let ret =
            unsafe { libc::statx(self.fd.as_raw_fd(), c"".as_ptr(), libc::AT_EMPTY_PATH, STATX_WANT, &mut *self.out) };
        cvt(ret).map(|_| 0)
    }
}

async fn statx(fd: &SharedFd<File>) -> io::Result<libc::statx> {
    // SAFETY: statx is plain old data; zeroed is a valid value.
    let out = Box::new(unsafe { std::mem::zeroed::<libc::statx>() });
    let BufResult(res, op) = compio::runtime::submit(Statx { fd: fd.clone(), out }).await;
    res?;
    Ok(*op.out)
}

fn is_block(stx: &libc::statx) -> bool {
    u32::from(stx.stx_mode) & libc::S_IFMT == libc::S_IFBLK
}

/// What an open file is and the alignment it needs: STATX_DIOALIGN where the
/// kernel reports it, else the logical block size of a block device, else
/// 4096.
pub async fn probe(fd: &SharedFd<File>) -> io::Result<Probe> {
    let stx = statx(fd).await?;
    let is_block = is_block(&stx);
    let reported = stx.stx_mask & libc::STATX_DIOALIGN != 0;
    let align = if reported && stx.stx_dio_offset_align != 0 && stx.stx_dio_mem_align != 0 {
        Alignment { mem: stx.stx_dio_mem_align, offset: stx.stx_dio_offset_align }
    } else if is_block {
        let dup = fd.try_clone()?;
        let lbs = unblock(move || logical_block_size(&dup)).await?;
        Alignment { mem: lbs, offset: lbs }
    } else {
        Alignment::FALLBACK
    };
    let device = is_block.then(|| rustix::fs::makedev(stx.stx_rdev_major, stx.stx_rdev_minor));
    Ok(Probe { is_block, align, device })
}

/// Byte size: the file length (statx through the ring), or a block
/// device's real size (BLKGETSIZE64 on the blocking pool).
pub async fn size(fd: &SharedFd<File>, is_block: bool) -> io::Result<u64> {
    if is_block {
        let dup = fd.try_clone()?;
        unblock(move || block_device_size(&dup)).await
    } else {
        Ok(statx(fd).await?.stx_size)
    }
}

/// An exclusive claim on a block device: an O_EXCL descriptor, so the
/// kernel refuses to mount the device (in any mount namespace) or hand it
/// to another exclusive opener while jdbio writes, and jdbio's write open
/// fails if the device is already mounted or claimed. Shared by every
/// [`crate::dio::File`] this process opens on the device for writing (a
/// second O_EXCL open would be refused); released when the last closes.
pub type Claim = Arc<OwnedFd>;

/// Live claims by device number.
static CLAIMS: Mutex<Vec<(u64, Weak<OwnedFd>)>> = Mutex::new(Vec::new());

/// Claims the block device `device` (opened at `path`) for writing, on the
/// blocking pool; `None` when `device` is `None` (not a block device).
/// EBUSY means it is mounted or claimed by someone else.
pub async fn claim_exclusive(path: &Path, device: Option<u64>) -> io::Result<Option<Claim>> {
    let Some(device) = device else { return Ok(None) };
    let path = path.to_path_buf();
    unblock(move || claim(path, device)).await.map(Some)
}

fn claim(path: PathBuf, device: u64) -> io::Result<Claim> {
    let mut claims = CLAIMS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    claims.retain(|(_, weak)| weak.strong_count() > 0);
    if let Some(claim) = claims.iter().find(|(dev, _)| *dev == device).and_then(|(_, weak)| weak.upgrade()) {
        return Ok(claim);
    }
    let fd: OwnedFd = OpenOptions::new().read(true).custom_flags(libc::O_EXCL | libc::O_CLOEXEC).open(path)?.into();
    let claim = Arc::new(fd);
    claims.push((device, Arc::downgrade(&claim)));
    Ok(claim)
}

/// A positional write carrying per-write flags (RWF_DSYNC), through the ring.
pub struct FlaggedWrite<T> {
    fd: SharedFd<File>,
    buf: T,
    offset: u64,
    rw_flags: i32,
}

impl<T: IoBuf> FlaggedWrite<T> {
    /// A write of `buf` at `offset` that is durable (data) on completion.
    pub fn dsync(fd: SharedFd<File>, buf: T, offset: u64) -> Self {
        Self { fd, buf, offset, rw_flags: libc::RWF_DSYNC }
    }
}

impl<T> IntoInner for FlaggedWrite<T> {
    type Inner = T;
    fn into_inner(self) -> T {
        self.buf
    }
}

// SAFETY: the entry points into `buf` and uses `fd`, both owned by the op
// until completion.
unsafe impl<T: IoBuf> OpCode for FlaggedWrite<T> {
    type Control = ();

    fn create_entry(&mut self, _: &mut ()) -> OpEntry {
        let data = self.buf.as_init();
        opcode::Write::new(Fd(self.fd.as_raw_fd()), data.as_ptr(), data.len() as u32)
            .offset(self.offset)
            .rw_flags(self.rw_flags)
            .build()
            .into()
    }

    fn call_blocking(&mut self, _: &mut ()) -> io::Result<usize> {
        let data = self.buf.as_init();
        let iov = libc::iovec { iov_base: data.as_ptr() as *mut _, iov_len: data.len() };
        // SAFETY: valid fd and one iovec over the op's own buffer.
        let ret = unsafe { libc::pwritev2(self.fd.as_raw_fd(), &iov, 1, self.offset as libc::off_t, self.rw_flags) };
        if ret < 0 { Err(io::Error::last_os_error()) } else { Ok(ret as usize) }
    }
}

/// fallocate through the ring (IORING_OP_FALLOCATE).
struct Fallocate {
    fd: SharedFd<File>,
    mode: libc::c_int,
    len: libc::off_t,
}

// SAFETY: the entry holds only integers and the op's own fd.
unsafe impl OpCode for Fallocate {
    type Control = ();

    fn create_entry(&mut self, _: &mut ()) -> OpEntry {
        opcode::Fallocate::new(Fd(self.fd.as_raw_fd()), self.len as u64).offset(0).mode(self.mode).build().into()
    }

    fn call_blocking(&mut self, _: &mut ()) -> io::Result<usize> {
        // SAFETY: valid fd; fallocate takes plain integers.
        cvt(unsafe { libc::fallocate(self.fd.as_raw_fd(), self.mode, 0, self.len) }).map(|_| 0)
    }
}

async fn fallocate(fd: &SharedFd<File>, mode: libc::c_int, len: u64) -> io::Result<()> {
    let len = libc::off_t::try_from(len).map_err(|_| io::Error::from_raw_os_error(libc::EFBIG))?;
    compio::runtime::submit(Fallocate { fd: fd.clone(), mode, len }).await.0.map(drop)
}

/// Allocates `[0, len)` with fallocate mode 0: extends the size when `len` is
/// larger, never shrinks.
pub async fn preallocate(fd: &SharedFd<File>, len: u64) -> io::Result<()> {
    fallocate(fd, 0, len).await
}

/// Allocates `[0, len)` with FALLOC_FL_KEEP_SIZE: the blocks are reserved
/// but the file size does not change (space past EOF, as a log that grows
/// into it wants).
pub async fn preallocate_keep_size(fd: &SharedFd<File>, len: u64) -> io::Result<()> {
    fallocate(fd, libc::FALLOC_FL_KEEP_SIZE, len).await
}

/// Sets the file size to `len` (ftruncate), through the ring where the
/// kernel has IORING_OP_FTRUNCATE (6.9), else on the blocking pool.
pub async fn set_len(fd: &SharedFd<File>, len: u64) -> io::Result<()> {
    compio::runtime::submit(TruncateFile::new(fd.clone(), len)).await.0.map(drop)
}

/// The message for an open refused because the filesystem lacks O_DIRECT.
pub const NO_DIRECT_IO: &str = "the filesystem refuses O_DIRECT (Direct I/O is not supported here; use a file on a disk-backed filesystem or a block device)";

/// True when an open error means "no O_DIRECT on this filesystem".
pub fn is_direct_io_refusal(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::EINVAL)
}

/// A block device's logical and physical block sizes (BLKSSZGET,
/// BLKPBSZGET), on the blocking pool.
pub async fn block_sizes(fd: &SharedFd<File>) -> io::Result<(u32, u32)> {
    let dup = fd.try_clone()?;
    unblock(move || Ok((logical_block_size(&dup)?, physical_block_size(&dup)?))).await
}

/// Whether the kernel refuses writes to a block device (BLKROGET: `losetup
/// -r`, `blockdev --setro`, a write-protected disk), on the blocking pool.
pub async fn read_only(fd: &SharedFd<File>) -> io::Result<bool> {
    let dup = fd.try_clone()?;
    unblock(move || super::ioctls::read_only(&dup)).await
}

/// Opens `path` in `mode` on the caller's thread (open(2) through rustix),
/// for callers off the runtime: a probe's read of a device's first bytes,
/// a check before the I/O starts.
#[cfg(feature = "cli")]
pub fn open_blocking(path: &Path, mode: OpenMode) -> io::Result<File> {
    let flags = rustix::fs::OFlags::from_bits_retain((flags(mode) | libc::O_CLOEXEC) as u32);
    Ok(File::from(rustix::fs::open(path, flags, rustix::fs::Mode::from_raw_mode(0o644))?))
}
