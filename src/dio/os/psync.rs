//! Linux: the blocking system calls of the psync and pvsync2 engines,
//! issued on the caller's own thread as a database issues them (pwrite,
//! pread, preadv2/pwritev2 with RWF_* flags, fdatasync, fsync), each
//! through rustix, which
//! converts errno in one place. No ring, no blocking pool: the thread waits
//! in the kernel for the call to return.

use std::{
    io::{self, IoSlice, IoSliceMut},
    os::fd::AsFd,
};

use rustix::io::ReadWriteFlags;

/// pwrite(2) of all of `buf` at `offset`, or pwritev2(2) with `rw_flags`
/// (RWF_DSYNC) when they are not 0. Returns the bytes written.
pub fn pwrite(fd: impl AsFd, buf: &[u8], offset: u64, rw_flags: i32) -> io::Result<usize> {
    if rw_flags == 0 {
        return Ok(rustix::io::pwrite(fd, buf, offset)?);
    }
    // Unknown bits go to the kernel, which refuses them (EOPNOTSUPP).
    let flags = ReadWriteFlags::from_bits_retain(rw_flags as u32);
    Ok(rustix::io::pwritev2(fd, &[IoSlice::new(buf)], offset, flags)?)
}

/// pwritev2(2) of all of `buf` at `offset` with `rw_flags` (RWF_DSYNC,
/// RWF_HIPRI; 0 is a plain pwritev2). Returns the bytes written.
pub fn pwritev2(fd: impl AsFd, buf: &[u8], offset: u64, rw_flags: i32) -> io::Result<usize> {
    let flags = ReadWriteFlags::from_bits_retain(rw_flags as u32);
    Ok(rustix::io::pwritev2(fd, &[IoSlice::new(buf)], offset, flags)?)
}

/// preadv2(2) into all of `buf` at `offset` with `rw_flags` (RWF_HIPRI,
/// RWF_NOWAIT; 0 is a plain preadv2). Returns the bytes read.
pub fn preadv2(fd: impl AsFd, buf: &mut [u8], offset: u64, rw_flags: i32) -> io::Result<usize> {
    let flags = ReadWriteFlags::from_bits_retain(rw_flags as u32);
    Ok(rustix::io::preadv2(fd, &mut [IoSliceMut::new(buf)], offset, flags)?)
}

/// pread(2) into all of `buf` at `offset`. Returns the bytes read.
pub fn pread(fd: impl AsFd, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    Ok(rustix::io::pread(fd, buf, offset)?)
}

/// fdatasync(2): the data, and the metadata needed to read it back, durable.
pub fn fdatasync(fd: impl AsFd) -> io::Result<()> {
    Ok(rustix::fs::fdatasync(fd)?)
}

/// fsync(2): the data and all metadata durable.
pub fn fsync(fd: impl AsFd) -> io::Result<()> {
    Ok(rustix::fs::fsync(fd)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_reads_back_and_syncs() {
        let file = tempfile::tempfile().unwrap();
        assert_eq!(pwrite(&file, b"commit", 4096, 0).unwrap(), 6);
        assert_eq!(pwrite(&file, b"durable", 8192, libc::RWF_DSYNC).unwrap(), 7);
        fdatasync(&file).unwrap();
        fsync(&file).unwrap();
        let mut buf = [0u8; 6];
        assert_eq!(pread(&file, &mut buf, 4096).unwrap(), 6);
        assert_eq!(&buf, b"commit");
    }

    #[test]
    fn the_v2_calls_read_back_what_they_wrote() {
        let file = tempfile::tempfile().unwrap();
        assert_eq!(pwritev2(&file, b"frame", 512, 0).unwrap(), 5);
        assert_eq!(pwritev2(&file, b"dsync", 1024, libc::RWF_DSYNC).unwrap(), 5);
        let mut buf = [0u8; 5];
        assert_eq!(preadv2(&file, &mut buf, 512, 0).unwrap(), 5);
        assert_eq!(&buf, b"frame");
        assert_eq!(preadv2(&file, &mut buf, 1024, 0).unwrap(), 5);
        assert_eq!(&buf, b"dsync");
    }

    #[test]
    fn errors_keep_their_errno() {
        let file = tempfile::tempfile().unwrap();
        let e = pwrite(&file, b"x", 0, 1 << 30).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EOPNOTSUPP), "{e}");
        let named = tempfile::NamedTempFile::new().unwrap();
        let read_only = std::fs::File::open(named.path()).unwrap();
        assert_eq!(pwrite(&read_only, b"x", 0, 0).unwrap_err().raw_os_error(), Some(libc::EBADF));
    }
}
