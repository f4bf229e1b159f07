//! Linux: what the page cache holds of a file, and dropping it, for runs
//! through the page cache that must say whether they measured the device
//! or memory.
//!
//! [`drop_cached`] writes back and evicts a range (fdatasync(2), then
//! posix_fadvise(2) POSIX_FADV_DONTNEED, which evicts only clean pages: the
//! sync first makes them clean). [`resident_bytes`] maps the range
//! read-only in windows of [`WINDOW`] bytes and asks mincore(2) which of
//! its pages are in memory; the mapping is never touched, so nothing is
//! read or faulted in. Both act on the descriptor given and nothing else.

use std::{io, os::fd::AsFd};

use rustix::{
    fs::Advice,
    mm::{MapFlags, ProtFlags},
};

/// The most one mapping (and one mincore vector, a byte per page) covers.
pub const WINDOW: u64 = 1 << 30;

/// The page size mincore(2) counts in.
fn page_size() -> u64 {
    rustix::param::page_size() as u64
}

/// Writes back `len` bytes at `offset` (the whole file's dirty data, as
/// fdatasync does) and asks the kernel to evict them from the page cache
/// (`len` 0: to the end of the file).
pub fn drop_cached(fd: impl AsFd, offset: u64, len: u64) -> io::Result<()> {
    let fd = fd.as_fd();
    rustix::fs::fdatasync(fd)?;
    let len = std::num::NonZeroU64::new(len);
    Ok(rustix::fs::fadvise(fd, offset, len, Advice::DontNeed)?)
}

/// The bytes of `[offset, offset + len)` whose pages are in the page
/// cache, counted in whole pages (a partly covered page at either end
/// counts whole if resident).
pub fn resident_bytes(fd: impl AsFd, offset: u64, len: u64) -> io::Result<u64> {
    let page = page_size();
    let (start, end) = (offset / page * page, offset.saturating_add(len).div_ceil(page) * page);
    let mut resident_pages = 0u64;
    let mut at = start;
    let mut pages = Vec::new();
    while at < end {
        let span = (end - at).min(WINDOW);
        pages.resize(span.div_ceil(page) as usize, 0u8);
        resident_pages += window(fd.as_fd(), at, span, &mut pages)?;
        at += span;
    }
    Ok(resident_pages * page)
}

/// mincore(2) of one mapped window: how many of its pages are resident.
fn window(fd: impl AsFd, offset: u64, span: u64, pages: &mut [u8]) -> io::Result<u64> {
    let len = span as usize;
    // SAFETY: a fresh read-only shared mapping of our own, never
    // dereferenced (mincore only reads the page tables), unmapped below.
    let addr =
        unsafe { rustix::mm::mmap(std::ptr::null_mut(), len, ProtFlags::READ, MapFlags::SHARED, fd.as_fd(), offset) }?;
    // SAFETY: `addr` maps `len` bytes; `pages` holds one byte per page of it.
    let asked = unsafe { libc::mincore(addr, len, pages.as_mut_ptr()) };
    let result = if asked == 0 { Ok(()) } else { Err(io::Error::last_os_error()) };
    // SAFETY: the mapping made above, unmapped once.
    unsafe { rustix::mm::munmap(addr, len) }?;
    result?;
    Ok(pages.iter().filter(|&&p| p & 1 == 1).count() as u64)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_file_just_written_is_resident_and_dropping_it_evicts_it() {
        // Beside the sources, not in /tmp: a tmpfs page is the file itself
        // and is never evicted.
        let mut file = tempfile::NamedTempFile::new_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        file.write_all(&vec![7u8; 1 << 20]).unwrap();
        let fd = file.as_file();
        assert_eq!(resident_bytes(fd, 0, 1 << 20).unwrap(), 1 << 20);
        drop_cached(fd, 0, 1 << 20).unwrap();
        assert_eq!(resident_bytes(fd, 0, 1 << 20).unwrap(), 0);
    }
}
