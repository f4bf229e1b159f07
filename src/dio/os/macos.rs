//! macOS: F_NOCACHE after open (macOS has no O_DIRECT), F_PREALLOCATE for
//! space. compio has no ring on macOS, so every call that can block (open,
//! fcntl, ioctl, fstat, ftruncate) runs on compio's blocking pool. Not built
//! or tested in this project's CI; written to the documented fcntl
//! interfaces.

use std::{
    fs::{File, OpenOptions},
    io,
    os::{
        fd::AsRawFd,
        unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt},
    },
    path::Path,
};

use compio::driver::SharedFd;

use super::{OpenMode, Probe, cvt, unblock};
use crate::dio::Alignment;

/// DKIOCGETBLOCKSIZE / DKIOCGETBLOCKCOUNT from <sys/disk.h>.
const DKIOCGETBLOCKSIZE: libc::c_ulong = 0x4004_6418;
const DKIOCGETBLOCKCOUNT: libc::c_ulong = 0x4008_6419;

/// Opens `path` uncached (F_NOCACHE) in `mode`, on the blocking pool.
pub async fn open(path: &Path, mode: OpenMode) -> io::Result<File> {
    let path = path.to_path_buf();
    unblock(move || open_now(&path, mode)).await
}

fn open_now(path: &Path, mode: OpenMode) -> io::Result<File> {
    let mut options = OpenOptions::new();
    let mut flags = libc::O_CLOEXEC;
    match mode {
        OpenMode::Read | OpenMode::BufferedRead => {
            options.read(true);
        }
        OpenMode::Create => {
            options.read(true).write(true).create(true).truncate(true);
        }
        OpenMode::ReadWrite | OpenMode::Buffered => {
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
    }
    let file = options.custom_flags(flags).mode(0o644).open(path)?;
    if !mode.is_buffered() {
        // SAFETY: valid fd; F_NOCACHE takes an int.
        cvt(unsafe { libc::fcntl(file.as_raw_fd(), libc::F_NOCACHE, 1) })?;
    }
    Ok(file)
}

/// The message for an open refused because the filesystem lacks uncached I/O.
pub const NO_DIRECT_IO: &str = "the filesystem refuses F_NOCACHE (uncached I/O is not supported here)";

/// True when an open error means "no uncached I/O on this filesystem".
pub fn is_direct_io_refusal(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::EINVAL)
}

/// What the file is; a device's block size as its alignment, else 4096
/// (F_NOCACHE has no hard alignment rule, but unaligned requests are slow).
pub async fn probe(fd: &SharedFd<File>) -> io::Result<Probe> {
    let dup = fd.try_clone()?;
    unblock(move || {
        let meta = dup.metadata()?;
        let t = meta.file_type();
        let is_block = t.is_block_device() || t.is_char_device();
        let align = if is_block {
            let bs = ioctl_u32(&dup, DKIOCGETBLOCKSIZE)?;
            Alignment { mem: bs, offset: bs }
        } else {
            Alignment::FALLBACK
        };
        Ok(Probe { is_block, align, device: is_block.then(|| meta.rdev()) })
    })
    .await
}

fn ioctl_u32(file: &File, request: libc::c_ulong) -> io::Result<u32> {
    let mut value: u32 = 0;
    // SAFETY: the request writes one u32.
    cvt(unsafe { libc::ioctl(file.as_raw_fd(), request, &mut value) })?;
    Ok(value)
}

/// Not asked on macOS yet: a read-only device shows as refused writes.
pub async fn read_only(_fd: &SharedFd<File>) -> io::Result<bool> {
    Ok(false)
}

/// A device's block size, for both logical and physical (this ioctl does
/// not report them apart), on the blocking pool.
pub async fn block_sizes(fd: &SharedFd<File>) -> io::Result<(u32, u32)> {
    let dup = fd.try_clone()?;
    unblock(move || ioctl_u32(&dup, DKIOCGETBLOCKSIZE).map(|bs| (bs, bs))).await
}

/// Byte size: the file length, or a device's block count times block size.
pub async fn size(fd: &SharedFd<File>, is_block: bool) -> io::Result<u64> {
    let dup = fd.try_clone()?;
    unblock(move || {
        if !is_block {
            return Ok(dup.metadata()?.len());
        }
        let mut count: u64 = 0;
        // SAFETY: DKIOCGETBLOCKCOUNT writes one u64.
        cvt(unsafe { libc::ioctl(dup.as_raw_fd(), DKIOCGETBLOCKCOUNT, &mut count) })?;
        Ok(count * u64::from(ioctl_u32(&dup, DKIOCGETBLOCKSIZE)?))
    })
    .await
}

/// Sets the file size (ftruncate), on the blocking pool.
pub async fn set_len(fd: &SharedFd<File>, len: u64) -> io::Result<()> {
    let dup = fd.try_clone()?;
    unblock(move || dup.set_len(len)).await
}

/// F_PREALLOCATE (contiguous first, then any), then extend the size if it
/// grew. Never shrinks. On the blocking pool.
pub async fn preallocate(fd: &SharedFd<File>, len: u64) -> io::Result<()> {
    let dup = fd.try_clone()?;
    unblock(move || {
        let current = dup.metadata()?.len();
        if len <= current {
            return Ok(());
        }
        let mut store = libc::fstore_t {
            fst_flags: libc::F_ALLOCATECONTIG | libc::F_ALLOCATEALL,
            fst_posmode: libc::F_PEOFPOSMODE,
            fst_offset: 0,
            fst_length: (len - current) as libc::off_t,
            fst_bytesalloc: 0,
        };
        // SAFETY: valid fd and fstore_t pointer.
        if unsafe { libc::fcntl(dup.as_raw_fd(), libc::F_PREALLOCATE, &mut store) } < 0 {
            store.fst_flags = libc::F_ALLOCATEALL;
            // SAFETY: as above.
            cvt(unsafe { libc::fcntl(dup.as_raw_fd(), libc::F_PREALLOCATE, &mut store) })?;
        }
        dup.set_len(len)
    })
    .await
}

/// Preallocation that keeps the file size: not offered on this OS.
pub async fn preallocate_keep_size(_fd: &SharedFd<File>, _len: u64) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "preallocation that keeps the file size is only implemented on Linux",
    ))
}
