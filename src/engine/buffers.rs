//! The slot buffers: one page-aligned, zeroed allocation cut into one buffer
//! per slot, allocated once at set-up and freed with the ring.

use std::alloc::{Layout, alloc_zeroed, dealloc};

use super::EngineError;

const PAGE: usize = 4096;

/// `slots` buffers of `len` bytes each (every one page aligned).
pub struct SlotBuffers {
    base: *mut u8,
    layout: Layout,
    /// Bytes per slot (`len` rounded up to a page).
    stride: usize,
    len: usize,
}

impl SlotBuffers {
    /// Allocates the buffers.
    pub fn new(slots: usize, len: usize) -> Result<Self, EngineError> {
        let stride = len.max(1).div_ceil(PAGE) * PAGE;
        let total = stride.checked_mul(slots.max(1)).ok_or(EngineError::Buffers(usize::MAX))?;
        let layout = Layout::from_size_align(total, PAGE).map_err(|_| EngineError::Buffers(total))?;
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc_zeroed(layout) };
        if base.is_null() {
            return Err(EngineError::Buffers(total));
        }
        Ok(Self { base, layout, stride, len })
    }

    /// Slot `i`'s buffer start.
    #[inline]
    pub fn ptr(&self, i: usize) -> *mut u8 {
        // SAFETY: callers pass a slot index below the count allocated.
        unsafe { self.base.add(i * self.stride) }
    }

    /// Slot `i`'s buffer.
    ///
    /// # Safety
    ///
    /// No op of slot `i` is in flight, and no other reference to it lives.
    #[inline]
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn slot(&self, i: usize) -> &mut [u8] {
        unsafe { std::slice::from_raw_parts_mut(self.ptr(i), self.len) }
    }

    /// One iovec per slot, for buffer registration (set-up only).
    pub fn iovecs(&self, slots: usize) -> Vec<libc::iovec> {
        (0..slots).map(|i| libc::iovec { iov_base: self.ptr(i).cast(), iov_len: self.len }).collect()
    }
}

impl Drop for SlotBuffers {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base, self.layout) }
    }
}
