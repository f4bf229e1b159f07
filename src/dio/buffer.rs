//! `AlignedBuffer`: a page-aligned I/O buffer from jdb_alloc that compio 0.19
//! accepts.
//!
//! jdb_alloc 0.1.4 implements compio-buf 0.7's traits; compio 0.19 speaks
//! compio-buf 0.8. This newtype bridges the two. Its `len` is the number of
//! bytes an operation reads or writes (for compio it is also the writable
//! space, `as_uninit`): [`crate::dio::File::read_at`] reads `len()` bytes and
//! leaves `len()` at the count actually read; [`AlignedBuffer::set_io_len`]
//! sets it again.

use std::{
    mem::MaybeUninit,
    ops::{Deref, DerefMut},
};

use compio::buf::{IoBuf, IoBufMut, SetLen};
use jdb_alloc::AlignedBuf;

use super::{Error, Result};

/// Page-aligned (4096) heap buffer for Direct I/O.
pub struct AlignedBuffer(AlignedBuf);

impl AlignedBuffer {
    /// A zero-filled buffer of `len` bytes (capacity rounded up to a page).
    pub fn zeroed(len: usize) -> Result<Self> {
        AlignedBuf::zeroed(len).map(Self).map_err(|e| Error::Alloc { len, reason: e.to_string() })
    }

    /// A buffer of `len` bytes filled from `data` (repeated if shorter).
    pub fn filled_from(len: usize, data: &[u8]) -> Result<Self> {
        let mut buf = Self::zeroed(len)?;
        if !data.is_empty() {
            for (dst, src) in buf.iter_mut().zip(data.iter().cycle()) {
                *dst = *src;
            }
        }
        Ok(buf)
    }

    /// Allocated bytes (at least `len()`).
    pub fn capacity(&self) -> usize {
        self.0.cap()
    }

    /// Sets the I/O length. Panics if `len` exceeds the capacity: that is a
    /// programming error, not user input.
    pub fn set_io_len(&mut self, len: usize) {
        assert!(len <= self.capacity(), "length {len} exceeds capacity {}", self.capacity());
        // SAFETY: the allocation is zero-initialised to its capacity, and only
        // ever written with initialised bytes after that.
        unsafe { self.0.set_len(len) }
    }

    /// Address of the first byte (what the alignment check looks at).
    pub fn addr(&self) -> usize {
        self.0.as_ptr() as usize
    }
}

impl Deref for AlignedBuffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl DerefMut for AlignedBuffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl std::fmt::Debug for AlignedBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlignedBuffer {{ len: {}, cap: {}, addr: {:#x} }}", self.len(), self.capacity(), self.addr())
    }
}

impl IoBuf for AlignedBuffer {
    fn as_init(&self) -> &[u8] {
        &self.0
    }
}

impl SetLen for AlignedBuffer {
    unsafe fn set_len(&mut self, len: usize) {
        // SAFETY: forwarded contract (len <= capacity, bytes initialised).
        unsafe { self.0.set_len(len) }
    }
}

impl IoBufMut for AlignedBuffer {
    /// The first `len()` bytes: an operation never touches more.
    fn as_uninit(&mut self) -> &mut [MaybeUninit<u8>] {
        let len = self.0.len();
        // SAFETY: the allocation holds at least `len` bytes; MaybeUninit<u8> has u8's layout.
        unsafe { std::slice::from_raw_parts_mut(self.0.as_mut_ptr().cast(), len) }
    }
}
