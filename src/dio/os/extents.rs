//! Linux: where a file holds data and reserving its blocks, through rustix:
//! lseek(2) SEEK_DATA and SEEK_HOLE, which find the data and the holes of
//! a file (on ext4 and xfs an unwritten extent is a hole), and fallocate(2)
//! mode 0 of a range.

use std::{io, os::fd::AsFd};

use rustix::{
    fs::{FallocateFlags, SeekFrom},
    io::Errno,
};

/// The first byte at or after `at` that holds data; `None` when there is
/// none before the end (ENXIO). A filesystem without SEEK_DATA (EINVAL)
/// reports all of the file as data: `Some(at)`.
pub fn next_data(fd: impl AsFd, at: u64) -> io::Result<Option<u64>> {
    match rustix::fs::seek(fd, SeekFrom::Data(at)) {
        Ok(found) => Ok(Some(found)),
        Err(Errno::NXIO) => Ok(None),
        Err(Errno::INVAL) => Ok(Some(at)),
        Err(e) => Err(e.into()),
    }
}

/// The first hole at or after `at` (the end of the file counts as one). A
/// filesystem without SEEK_HOLE (EINVAL) has none: `u64::MAX`.
pub fn next_hole(fd: impl AsFd, at: u64) -> io::Result<u64> {
    match rustix::fs::seek(fd, SeekFrom::Hole(at)) {
        Ok(found) => Ok(found),
        Err(Errno::INVAL) => Ok(u64::MAX),
        Err(e) => Err(e.into()),
    }
}

/// fallocate(2) mode 0 of `[offset, offset + len)`: the blocks reserved,
/// the file extended when the range ends past it.
pub fn allocate(fd: impl AsFd, offset: u64, len: u64) -> io::Result<()> {
    Ok(rustix::fs::fallocate(fd, FallocateFlags::empty(), offset, len)?)
}
