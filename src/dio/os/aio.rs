//! Linux native AIO, the kernel's own interface (what libaio wraps and
//! InnoDB and Seastar use): `io_setup`, `io_submit`, `io_getevents`,
//! `io_destroy`. rustix has none of them, so each is one raw
//! `libc::syscall`, and [`check`] turns the -1/errno convention into an
//! `io::Result` in one place. Asynchronous only on O_DIRECT files: on a
//! buffered one `io_submit` does the I/O before it returns.
//!
//! The structures are `linux/aio_abi.h`'s, field for field.

use std::{io, time::Duration};

/// IOCB_CMD_PREAD: a positional read.
pub const CMD_PREAD: u16 = 0;
/// IOCB_CMD_PWRITE: a positional write.
pub const CMD_PWRITE: u16 = 1;
/// IOCB_CMD_FSYNC: fsync(2) as an AIO (Linux 4.18).
pub const CMD_FSYNC: u16 = 2;
/// IOCB_CMD_FDSYNC: fdatasync(2) as an AIO (Linux 4.18).
pub const CMD_FDSYNC: u16 = 3;

/// `struct iocb`: one request. `aio_key` and `aio_rw_flags` swap places
/// on a big-endian machine, as the header's PADDED macro lays them out.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Iocb {
    /// Handed back in the completion's `data` (the engine's slot).
    pub data: u64,
    /// Set by the kernel (0).
    #[cfg(target_endian = "little")]
    pub key: u32,
    /// RWF_* flags of a read or write (RWF_DSYNC, RWF_HIPRI).
    pub rw_flags: i32,
    /// Set by the kernel (0).
    #[cfg(target_endian = "big")]
    pub key: u32,
    /// One of the `CMD_*` codes.
    pub opcode: u16,
    /// I/O priority (0: the process's).
    pub reqprio: i16,
    /// The file.
    pub fd: u32,
    /// The buffer's address.
    pub buf: u64,
    /// Bytes to read or write.
    pub nbytes: u64,
    /// Byte offset in the file.
    pub offset: i64,
    /// Reserved (0).
    pub reserved2: u64,
    /// IOCB_FLAG_* (0: no eventfd, no priority).
    pub flags: u32,
    /// An eventfd to signal (unused: 0).
    pub resfd: u32,
}

/// `struct io_event`: one completion.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct IoEvent {
    /// The request's `data`.
    pub data: u64,
    /// The request's address.
    pub obj: u64,
    /// Bytes done, or -errno.
    pub res: i64,
    /// A second result (0).
    pub res2: i64,
}

/// An AIO context (`aio_context_t`), destroyed on drop.
#[derive(Debug)]
pub struct Context(libc::c_ulong);

/// A raw syscall's result: the value, or errno's error when it is -1.
fn check(ret: libc::c_long) -> io::Result<usize> {
    if ret < 0 { Err(io::Error::last_os_error()) } else { Ok(ret as usize) }
}

impl Context {
    /// io_setup(2): a context taking `events` requests in flight.
    pub fn new(events: u32) -> io::Result<Self> {
        let mut ctx: libc::c_ulong = 0;
        // SAFETY: io_setup writes one aio_context_t to the pointer given.
        check(unsafe { libc::syscall(libc::SYS_io_setup, events as libc::c_long, &mut ctx as *mut libc::c_ulong) })?;
        Ok(Self(ctx))
    }

    /// io_submit(2) of `iocbs`: the count the kernel took (it stops at the
    /// first it refuses; an error means it took none).
    ///
    /// # Safety
    ///
    /// Every pointer is a live [`Iocb`] whose buffer stays allocated and
    /// untouched until its completion is reaped.
    pub unsafe fn submit(&self, iocbs: &[*mut Iocb]) -> io::Result<usize> {
        // SAFETY: the caller's contract; the kernel reads `len` pointers.
        check(unsafe { libc::syscall(libc::SYS_io_submit, self.0, iocbs.len() as libc::c_long, iocbs.as_ptr()) })
    }

    /// io_getevents(2): waits for at least `min` completions (at most
    /// `timeout`, for ever without one) and fills `events`; the count
    /// filled. A wait a signal cut short is 0 completions, not an error.
    pub fn get_events(&self, min: usize, events: &mut [IoEvent], timeout: Option<Duration>) -> io::Result<usize> {
        let ts =
            timeout.map(|d| libc::timespec { tv_sec: d.as_secs() as libc::time_t, tv_nsec: d.subsec_nanos() as _ });
        let ts_ptr = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: `events` has room for the count passed; `ts_ptr` is null or live.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_io_getevents,
                self.0,
                min as libc::c_long,
                events.len() as libc::c_long,
                events.as_mut_ptr(),
                ts_ptr,
            )
        };
        match check(ret) {
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => Ok(0),
            other => other,
        }
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: the context is ours; io_destroy waits for what is in flight.
        unsafe { libc::syscall(libc::SYS_io_destroy, self.0) };
    }
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsRawFd;

    use super::*;

    #[test]
    fn a_write_a_sync_and_a_read_complete_with_their_results() {
        let file = tempfile::tempfile().unwrap();
        let ctx = Context::new(4).unwrap();
        let mut data = *b"native-aio";
        let mut back = [0u8; 10];
        let fd = file.as_raw_fd() as u32;
        let mut write = Iocb {
            data: 1,
            opcode: CMD_PWRITE,
            fd,
            buf: data.as_mut_ptr() as u64,
            nbytes: 10,
            offset: 4096,
            ..Iocb::default()
        };
        let mut sync = Iocb { data: 2, opcode: CMD_FDSYNC, fd, ..Iocb::default() };
        // SAFETY: the iocbs and `data` outlive the completions reaped below.
        assert_eq!(unsafe { ctx.submit(&[&raw mut write, &raw mut sync]) }.unwrap(), 2);
        let mut events = [IoEvent::default(); 4];
        let mut got = Vec::new();
        while got.len() < 2 {
            let n = ctx.get_events(1, &mut events, None).unwrap();
            got.extend(events[..n].iter().map(|e| (e.data, e.res)));
        }
        got.sort();
        assert_eq!(got, [(1, 10), (2, 0)]);
        let mut read = Iocb {
            data: 3,
            opcode: CMD_PREAD,
            fd,
            buf: back.as_mut_ptr() as u64,
            nbytes: 10,
            offset: 4096,
            ..Iocb::default()
        };
        // SAFETY: as above.
        assert_eq!(unsafe { ctx.submit(&[&raw mut read]) }.unwrap(), 1);
        assert_eq!(ctx.get_events(1, &mut events, None).unwrap(), 1);
        assert_eq!((events[0].data, events[0].res), (3, 10));
        assert_eq!(&back, b"native-aio");
    }

    #[test]
    fn a_bad_descriptor_is_its_errno() {
        let ctx = Context::new(1).unwrap();
        let mut bad = Iocb { opcode: CMD_FSYNC, fd: u32::MAX, ..Iocb::default() };
        // SAFETY: a sync has no buffer.
        let e = unsafe { ctx.submit(&[&raw mut bad]) }.unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF), "{e}");
    }
}
