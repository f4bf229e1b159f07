//! `AlignedBuf`: a page-aligned I/O buffer from jdb_alloc that compio 0.19
//! accepts, with jdb_fs's names (`zeroed`, `with_cap`).
//!
//! jdb_alloc 0.1.4 implements compio-buf 0.7's traits; compio 0.19 speaks
//! compio-buf 0.8. This newtype bridges the two. It has a length (the bytes
//! it holds: what `Deref` shows and a write writes) and a capacity (what a
//! read may fill: [`crate::dio::File::read_at`] reads `capacity()` bytes and
//! leaves the length at the count read). The memory behind the capacity is
//! always initialised (zeroed at allocation), so no uninitialised byte is
//! ever shown.

use std::{
    mem::MaybeUninit,
    ops::{Deref, DerefMut},
};

use compio::buf::{IoBuf, IoBufMut, SetLen};

use super::{Error, Result};

/// Page-aligned (4096) heap buffer for Direct I/O.
pub struct AlignedBuf {
    mem: jdb_alloc::AlignedBuf,
    cap: usize,
}

impl AlignedBuf {
    fn alloc(cap: usize) -> Result<jdb_alloc::AlignedBuf> {
        jdb_alloc::AlignedBuf::zeroed(cap).map_err(|e| Error::Alloc { len: cap, reason: e.to_string() })
    }

    /// A buffer holding `len` zero bytes, with capacity `len`: a write
    /// writes `len` bytes, a read fills them.
    pub fn zeroed(len: usize) -> Result<Self> {
        Ok(Self { mem: Self::alloc(len)?, cap: len })
    }

    /// An empty buffer (length 0) with capacity `cap`: a read fills up to
    /// `cap` bytes and sets the length to the count read.
    pub fn with_cap(cap: usize) -> Result<Self> {
        let mut mem = Self::alloc(cap)?;
        mem.clear();
        Ok(Self { mem, cap })
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

    /// The bytes a read may fill.
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Sets both the length and the capacity to `len`: the next write
    /// writes `len` bytes, the next read reads `len` bytes. Bytes past the
    /// old length show what the memory last held (zeros if never written).
    /// Panics if `len` exceeds what was allocated: that is a programming
    /// error, not user input.
    pub fn set_io_len(&mut self, len: usize) {
        assert!(len <= self.mem.cap(), "length {len} exceeds the allocation of {} bytes", self.mem.cap());
        // SAFETY: the allocation is zero-initialised to its end, and only
        // ever written with initialised bytes after that.
        unsafe { self.mem.set_len(len) }
        self.cap = len;
    }

    /// Address of the first byte (what the alignment check looks at).
    pub fn addr(&self) -> usize {
        self.mem.as_ptr() as usize
    }
}

impl Deref for AlignedBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.mem
    }
}

impl DerefMut for AlignedBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.mem
    }
}

impl std::fmt::Debug for AlignedBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlignedBuf {{ len: {}, cap: {}, addr: {:#x} }}", self.len(), self.cap, self.addr())
    }
}

impl IoBuf for AlignedBuf {
    fn as_init(&self) -> &[u8] {
        &self.mem
    }
}

impl SetLen for AlignedBuf {
    /// # Safety
    ///
    /// `len` must not exceed [`AlignedBuf::capacity`]. (Every byte below the
    /// capacity is initialised, so any such length is sound.)
    unsafe fn set_len(&mut self, len: usize) {
        debug_assert!(len <= self.cap);
        // SAFETY: forwarded contract (len <= capacity <= allocation; bytes initialised).
        unsafe { self.mem.set_len(len) }
    }
}

impl IoBufMut for AlignedBuf {
    /// The first `capacity()` bytes: an operation never touches more.
    fn as_uninit(&mut self) -> &mut [MaybeUninit<u8>] {
        // SAFETY: the allocation holds at least `cap` bytes; MaybeUninit<u8> has u8's layout.
        unsafe { std::slice::from_raw_parts_mut(self.mem.as_mut_ptr().cast(), self.cap) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_holds_len_and_with_cap_holds_nothing() {
        let z = AlignedBuf::zeroed(8192).unwrap();
        assert_eq!((z.len(), z.capacity()), (8192, 8192));
        assert!(z.iter().all(|&b| b == 0));
        assert_eq!(z.addr() % 4096, 0);
        let mut c = AlignedBuf::with_cap(4096).unwrap();
        assert_eq!((c.len(), c.capacity()), (0, 4096));
        assert_eq!(c.as_uninit().len(), 4096, "a read fills the capacity");
    }
}
