//! Linux: O_DIRECT (plus O_DSYNC for a WAL), statx STATX_DIOALIGN, block
//! device ioctls and fallocate.

use std::{
    fs::{File, OpenOptions},
    io,
    os::{
        fd::{AsRawFd, OwnedFd},
        unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt},
    },
    path::Path,
    sync::{Arc, Mutex, Weak},
};

use super::{OpenMode, cvt};
use crate::dio::Alignment;

const BLKSSZGET: libc::c_ulong = 0x1268;
const BLKPBSZGET: libc::c_ulong = 0x127b;
const BLKGETSIZE64: libc::c_ulong = 0x8008_1272;

/// Opens `path` for Direct I/O in `mode`.
pub fn open(path: &Path, mode: OpenMode) -> io::Result<File> {
    let mut options = OpenOptions::new();
    let mut flags = libc::O_DIRECT | libc::O_CLOEXEC;
    match mode {
        OpenMode::Read => {
            options.read(true);
        }
        OpenMode::Create => {
            options.read(true).write(true).create(true).truncate(true);
        }
        OpenMode::ReadWrite => {
            options.read(true).write(true).create(true);
        }
        OpenMode::Wal => {
            options.read(true).write(true).create(true);
            flags |= libc::O_DSYNC;
        }
        OpenMode::WalFullSync => {
            options.read(true).write(true).create(true);
            flags |= libc::O_SYNC;
        }
        OpenMode::Buffered => {
            options.read(true).write(true).create(true);
            flags &= !libc::O_DIRECT;
        }
    }
    options.custom_flags(flags).mode(0o644).open(path)
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

/// Claims the block device `file` (opened at `path`) for writing; `None`
/// for anything that is not a block device. EBUSY means it is mounted or
/// claimed by someone else.
pub fn claim_exclusive(path: &Path, file: &File) -> io::Result<Option<Claim>> {
    let meta = file.metadata()?;
    if !meta.file_type().is_block_device() {
        return Ok(None);
    }
    let mut claims = CLAIMS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    claims.retain(|(_, weak)| weak.strong_count() > 0);
    if let Some(claim) = claims.iter().find(|(dev, _)| *dev == meta.rdev()).and_then(|(_, weak)| weak.upgrade()) {
        return Ok(Some(claim));
    }
    let fd: OwnedFd = OpenOptions::new().read(true).custom_flags(libc::O_EXCL | libc::O_CLOEXEC).open(path)?.into();
    let claim = Arc::new(fd);
    claims.push((meta.rdev(), Arc::downgrade(&claim)));
    Ok(Some(claim))
}

/// A positional write carrying per-write flags (RWF_DSYNC), through the ring.
pub struct FlaggedWrite<T> {
    fd: i32,
    buf: T,
    offset: u64,
    rw_flags: i32,
}

impl<T: compio::buf::IoBuf> FlaggedWrite<T> {
    /// A write of `buf` at `offset` that is durable (data) on completion.
    pub fn dsync(fd: i32, buf: T, offset: u64) -> Self {
        Self { fd, buf, offset, rw_flags: libc::RWF_DSYNC }
    }
}

impl<T> compio::buf::IntoInner for FlaggedWrite<T> {
    type Inner = T;
    fn into_inner(self) -> T {
        self.buf
    }
}

// SAFETY: the entry points into `buf`, which the op owns until completion.
unsafe impl<T: compio::buf::IoBuf> compio::driver::OpCode for FlaggedWrite<T> {
    type Control = ();

    fn create_entry(&mut self, _: &mut ()) -> compio::driver::OpEntry {
        let data = self.buf.as_init();
        io_uring::opcode::Write::new(io_uring::types::Fd(self.fd), data.as_ptr(), data.len() as u32)
            .offset(self.offset)
            .rw_flags(self.rw_flags)
            .build()
            .into()
    }
}

/// The message for an open refused because the filesystem lacks O_DIRECT.
pub const NO_DIRECT_IO: &str = "the filesystem refuses O_DIRECT (Direct I/O is not supported here; use a file on a disk-backed filesystem or a block device)";

/// True when an open error means "no O_DIRECT on this filesystem".
pub fn is_direct_io_refusal(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::EINVAL)
}

/// True for a block device.
pub fn is_block_device(file: &File) -> io::Result<bool> {
    Ok(file.metadata()?.file_type().is_block_device())
}

/// The target's Direct I/O alignment: STATX_DIOALIGN where the kernel reports
/// it, else the logical block size of a block device, else 4096.
pub fn alignment(file: &File) -> io::Result<Alignment> {
    if let Some(found) = statx_dio_align(file)? {
        return Ok(found);
    }
    if is_block_device(file)? {
        let lbs = logical_block_size(file)?;
        return Ok(Alignment { mem: lbs, offset: lbs });
    }
    Ok(Alignment::FALLBACK)
}

fn statx_dio_align(file: &File) -> io::Result<Option<Alignment>> {
    // SAFETY: statx is plain old data; zeroed is a valid value.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: valid fd, NUL-terminated empty path with AT_EMPTY_PATH, valid out-pointer.
    let ret =
        unsafe { libc::statx(file.as_raw_fd(), c"".as_ptr(), libc::AT_EMPTY_PATH, libc::STATX_DIOALIGN, &mut stx) };
    match cvt(ret) {
        Ok(_) => {}
        Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => return Ok(None),
        Err(e) => return Err(e),
    }
    let reported = stx.stx_mask & libc::STATX_DIOALIGN != 0;
    if reported && stx.stx_dio_offset_align != 0 && stx.stx_dio_mem_align != 0 {
        Ok(Some(Alignment { mem: stx.stx_dio_mem_align, offset: stx.stx_dio_offset_align }))
    } else {
        Ok(None)
    }
}

fn ioctl_u32(file: &File, request: libc::c_ulong) -> io::Result<u32> {
    let mut value: libc::c_int = 0;
    // SAFETY: both requests write one int to the pointer.
    cvt(unsafe { libc::ioctl(file.as_raw_fd(), request as _, &mut value) })?;
    Ok(value as u32)
}

/// Logical block size of a block device (BLKSSZGET).
pub fn logical_block_size(file: &File) -> io::Result<u32> {
    ioctl_u32(file, BLKSSZGET)
}

/// Physical block size of a block device (BLKPBSZGET).
pub fn physical_block_size(file: &File) -> io::Result<u32> {
    ioctl_u32(file, BLKPBSZGET)
}

/// Byte size of a block device (BLKGETSIZE64).
pub fn block_device_size(file: &File) -> io::Result<u64> {
    let mut size: u64 = 0;
    // SAFETY: BLKGETSIZE64 writes one u64 to the pointer.
    cvt(unsafe { libc::ioctl(file.as_raw_fd(), BLKGETSIZE64 as _, &mut size) })?;
    Ok(size)
}

/// Allocates `[0, len)` with fallocate mode 0: extends the size when `len` is
/// larger, never shrinks. (compio 0.19 has no fallocate op, so this blocks.)
pub fn preallocate(file: &File, len: u64) -> io::Result<()> {
    let len = libc::off_t::try_from(len).map_err(|_| io::Error::from_raw_os_error(libc::EFBIG))?;
    // SAFETY: valid fd; fallocate takes plain integers.
    cvt(unsafe { libc::fallocate(file.as_raw_fd(), 0, 0, len) })?;
    Ok(())
}

/// Allocates `[0, len)` with FALLOC_FL_KEEP_SIZE: the blocks are reserved
/// but the file size does not change (space past EOF, as a log that grows
/// into it wants).
pub fn preallocate_keep_size(file: &File, len: u64) -> io::Result<()> {
    let len = libc::off_t::try_from(len).map_err(|_| io::Error::from_raw_os_error(libc::EFBIG))?;
    // SAFETY: valid fd; fallocate takes plain integers.
    cvt(unsafe { libc::fallocate(file.as_raw_fd(), libc::FALLOC_FL_KEEP_SIZE, 0, len) })?;
    Ok(())
}
