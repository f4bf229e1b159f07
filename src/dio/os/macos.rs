//! macOS: F_NOCACHE after open (macOS has no O_DIRECT), F_FULLFSYNC is left
//! to callers, F_PREALLOCATE for space. Not built or tested in this project's
//! CI; written to the documented fcntl interfaces.

use std::{
    fs::{File, OpenOptions},
    io,
    os::{
        fd::AsRawFd,
        unix::fs::{FileTypeExt, OpenOptionsExt},
    },
    path::Path,
};

use super::{OpenMode, cvt};
use crate::dio::Alignment;

/// DKIOCGETBLOCKSIZE / DKIOCGETBLOCKCOUNT from <sys/disk.h>.
const DKIOCGETBLOCKSIZE: libc::c_ulong = 0x4004_6418;
const DKIOCGETBLOCKCOUNT: libc::c_ulong = 0x4008_6419;

/// Opens `path` uncached (F_NOCACHE) in `mode`.
pub fn open(path: &Path, mode: OpenMode) -> io::Result<File> {
    let mut options = OpenOptions::new();
    let mut flags = libc::O_CLOEXEC;
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
        }
    }
    let file = options.custom_flags(flags).mode(0o644).open(path)?;
    if mode != OpenMode::Buffered {
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

/// True for a block device.
pub fn is_block_device(file: &File) -> io::Result<bool> {
    let t = file.metadata()?.file_type();
    Ok(t.is_block_device() || t.is_char_device())
}

/// The device block size for a device, else 4096 (F_NOCACHE has no hard
/// alignment rule, but unaligned requests are slow).
pub fn alignment(file: &File) -> io::Result<Alignment> {
    if is_block_device(file)? {
        let bs = ioctl_u32(file, DKIOCGETBLOCKSIZE)?;
        return Ok(Alignment { mem: bs, offset: bs });
    }
    Ok(Alignment::FALLBACK)
}

fn ioctl_u32(file: &File, request: libc::c_ulong) -> io::Result<u32> {
    let mut value: u32 = 0;
    // SAFETY: the request writes one u32.
    cvt(unsafe { libc::ioctl(file.as_raw_fd(), request, &mut value) })?;
    Ok(value)
}

/// Logical block size of a device.
pub fn logical_block_size(file: &File) -> io::Result<u32> {
    ioctl_u32(file, DKIOCGETBLOCKSIZE)
}

/// macOS does not report a separate physical size through this ioctl.
pub fn physical_block_size(file: &File) -> io::Result<u32> {
    ioctl_u32(file, DKIOCGETBLOCKSIZE)
}

/// Byte size of a device: block count times block size.
pub fn block_device_size(file: &File) -> io::Result<u64> {
    let mut count: u64 = 0;
    // SAFETY: DKIOCGETBLOCKCOUNT writes one u64.
    cvt(unsafe { libc::ioctl(file.as_raw_fd(), DKIOCGETBLOCKCOUNT, &mut count) })?;
    Ok(count * u64::from(logical_block_size(file)?))
}

/// F_PREALLOCATE (contiguous first, then any), then extend the size if it
/// grew. Never shrinks.
pub fn preallocate(file: &File, len: u64) -> io::Result<()> {
    let current = file.metadata()?.len();
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
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_PREALLOCATE, &mut store) } < 0 {
        store.fst_flags = libc::F_ALLOCATEALL;
        // SAFETY: as above.
        cvt(unsafe { libc::fcntl(file.as_raw_fd(), libc::F_PREALLOCATE, &mut store) })?;
    }
    file.set_len(len)
}

/// Preallocation that keeps the file size: not offered on this OS.
pub fn preallocate_keep_size(_file: &File, _len: u64) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "preallocation that keeps the file size is only implemented on Linux",
    ))
}
