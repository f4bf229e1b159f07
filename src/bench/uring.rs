//! The io_uring fast path of the bench engine (Linux).
//!
//! Each worker's compio ring is set up the way a fast engine wants it
//! (COOP_TASKRUN, SINGLE_ISSUER), the target is registered as fixed file 0
//! and every slot's buffer as a fixed buffer, so a read or write is one
//! READ_FIXED / WRITE_FIXED SQE with no per-op page pinning or fd lookup.
//! Registration that the kernel refuses falls back to plain READ/WRITE, and
//! the report says which path ran.

use std::{future::Future, io, os::fd::AsRawFd, task::Poll};

use compio::{
    driver::{OpCode, OpEntry, ProactorBuilder},
    runtime::Runtime,
};
use io_uring::{opcode, types};
use serde::Serialize;

use crate::dio::{AlignedBuf, File};

const IORING_REGISTER_BUFFERS: libc::c_uint = 0;

/// The proactor set-up every bench worker uses; `entries` is the SQ size.
/// `defer_taskrun` (DEFER_TASKRUN: completions are processed only when the
/// worker waits for them) is taken at QD 1, where the worker always waits
/// right after it submits.
pub fn proactor(entries: u32, defer_taskrun: bool) -> ProactorBuilder {
    let mut builder = ProactorBuilder::new();
    builder
        .capacity(entries.next_power_of_two().max(8))
        .coop_taskrun(true)
        .single_issuer(true)
        .defer_taskrun(defer_taskrun);
    builder
}

/// What the ring could register.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Registered {
    /// The target is fixed file 0.
    pub fixed_file: bool,
    /// Slot buffers are fixed buffers (READ_FIXED / WRITE_FIXED).
    pub fixed_buffers: bool,
    #[serde(skip)]
    raw_fd: i32,
}

impl Registered {
    /// Registers `file` and `bufs` with the current runtime's ring.
    pub fn register(file: &File, bufs: &mut [AlignedBuf]) -> Self {
        let raw_fd = file.as_raw_fd();
        let fixed_file = Runtime::with_current(|rt| rt.register_files(&[raw_fd])).is_ok();
        let ring_fd = Runtime::with_current(|rt| rt.as_raw_fd());
        let fixed_buffers = register_buffers(ring_fd, bufs).is_ok();
        Self { fixed_file, fixed_buffers, raw_fd }
    }
}

fn register_buffers(ring_fd: i32, bufs: &mut [AlignedBuf]) -> io::Result<()> {
    let iovecs: Vec<libc::iovec> =
        bufs.iter_mut().map(|b| libc::iovec { iov_base: b.as_mut_ptr().cast(), iov_len: b.len() }).collect();
    // SAFETY: the iovecs describe live allocations that outlive the ring
    // (the worker drops the runtime before the buffers).
    let ret = unsafe {
        libc::syscall(
            libc::SYS_io_uring_register,
            ring_fd,
            IORING_REGISTER_BUFFERS,
            iovecs.as_ptr(),
            iovecs.len() as libc::c_uint,
        )
    };
    if ret < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// One positional read or write from slot `index`'s buffer.
pub struct RwOp {
    ptr: *mut u8,
    len: u32,
    offset: u64,
    index: u16,
    write: bool,
    reg: Registered,
}

impl RwOp {
    /// An op on the buffer at `ptr` (slot `index`, `len` bytes).
    ///
    /// # Safety
    ///
    /// `ptr..ptr + len` must lie inside registered buffer `index`, be valid
    /// for the kernel to read (write) or write (read) until the op
    /// completes, and be touched by nothing else meanwhile.
    pub unsafe fn new(reg: Registered, index: u16, ptr: *mut u8, len: u32, offset: u64, write: bool) -> Self {
        Self { ptr, len, offset, index, write, reg }
    }
}

// SAFETY: the entry points into a slot buffer that the worker keeps alive
// until its runtime (and so the ring) is gone.
unsafe impl OpCode for RwOp {
    type Control = ();

    fn create_entry(&mut self, _: &mut ()) -> OpEntry {
        let (ptr, len, off) = (self.ptr, self.len, self.offset);
        macro_rules! build {
            ($fd:expr) => {
                match (self.write, self.reg.fixed_buffers) {
                    (false, true) => opcode::ReadFixed::new($fd, ptr, len, self.index).offset(off).build(),
                    (true, true) => opcode::WriteFixed::new($fd, ptr, len, self.index).offset(off).build(),
                    (false, false) => opcode::Read::new($fd, ptr, len).offset(off).build(),
                    (true, false) => opcode::Write::new($fd, ptr, len).offset(off).build(),
                }
            };
        }
        if self.reg.fixed_file { build!(types::Fixed(0)) } else { build!(types::Fd(self.reg.raw_fd)) }.into()
    }
}

/// Submits `op` on the current runtime and waits for its completion. With
/// `eager`, the SQE is handed to the kernel at once (one io_uring_enter per
/// op) instead of with the others pushed before the runtime next waits.
#[inline]
pub async fn submit(op: RwOp, eager: bool) -> io::Result<usize> {
    let mut pending = std::pin::pin!(compio::runtime::submit(op));
    if eager {
        // The first poll pushes the SQE; then flush it to the kernel.
        let first = std::future::poll_fn(|cx| Poll::Ready(pending.as_mut().poll(cx))).await;
        if let Poll::Ready(done) = first {
            return done.0;
        }
        Runtime::with_current(|rt| rt.flush());
    }
    pending.await.0
}
