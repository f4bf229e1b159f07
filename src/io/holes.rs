//! Which bytes of a file hold no data, so a layout writes only those: holes,
//! unwritten (fallocated) extents and whatever lies past the end of the
//! file. Found with lseek's SEEK_DATA and SEEK_HOLE, which on ext4 and xfs
//! report an unwritten extent as a hole (ext4 checked: `fallocate -l 8M`
//! then a 1 MiB O_DIRECT write at 2 MiB gives one data range, [2M, 3M)).
//! That is what makes an interrupted layout resumable: the part it had
//! preallocated but not yet written is a hole to the next run, never data
//! that reads zeros without touching the device.
//!
//! One catch: an unwritten extent with pages in the page cache (zeros read
//! through it by another program, or by the target probe's signature read
//! where the filesystem refuses O_DIRECT) counts as data to
//! SEEK_DATA. So the file is synced and its clean cached pages dropped
//! first ([`Cached::Evict`]); a page that stays (mapped by another process)
//! keeps its bytes counted as data, the safe side. A run that must find the
//! page cache as it was (`bench --io buffered --warm`) asks for
//! [`Cached::Keep`], and cached pages of unwritten extents count as data.

use std::{fs::File, io, ops::Range, path::Path};

/// What the hole scan does with the file's pages in the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cached {
    /// Write back and evict them first, so cached zeros are not taken for data.
    Evict,
    /// Leave them (and count a cached unwritten extent as data).
    Keep,
}

/// The ranges of `[start, end)` of the file at `path` that hold no data, in
/// order and merged. A missing file is one empty range.
pub fn empty_ranges(path: &Path, start: u64, end: u64, cached: Cached) -> io::Result<Vec<Range<u64>>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut ranges = Vec::new();
            push(&mut ranges, start..end);
            return Ok(ranges);
        }
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    if cached == Cached::Evict {
        drop_cached_pages(&file);
    }
    let mut ranges = Vec::new();
    let data_end = end.min(len);
    let mut at = start;
    while at < data_end {
        let Some(data) = next_data(&file, at)? else {
            push(&mut ranges, at..data_end);
            break;
        };
        push(&mut ranges, at..data.min(data_end));
        at = next_hole(&file, data)?.min(data_end).max(data);
    }
    push(&mut ranges, len.max(start)..end);
    Ok(ranges)
}

/// Appends `r` to `ranges`, joining it to the last one when they touch.
fn push(ranges: &mut Vec<Range<u64>>, r: Range<u64>) {
    if r.is_empty() {
        return;
    }
    match ranges.last_mut() {
        Some(last) if last.end == r.start => last.end = r.end,
        _ => ranges.push(r),
    }
}

/// The first byte at or after `at` that holds data; None when only holes
/// follow. A filesystem that cannot tell answers `at` (all data), so bytes
/// are never taken for a hole without the filesystem saying so.
#[cfg(target_os = "linux")]
fn next_data(file: &File, at: u64) -> io::Result<Option<u64>> {
    crate::dio::os::extents::next_data(file, at)
}

/// The first hole at or after `at` (the end of the file if none).
#[cfg(target_os = "linux")]
fn next_hole(file: &File, at: u64) -> io::Result<u64> {
    crate::dio::os::extents::next_hole(file, at)
}

/// Makes dirty pages written extents (fdatasync), then drops the clean
/// cached pages, so cached zeros of an unwritten extent do not look like
/// data. Best effort: where either step fails, cached pages count as data.
#[cfg(target_os = "linux")]
fn drop_cached_pages(file: &File) {
    let _ = crate::dio::os::page_cache::drop_cached(file, 0, 0);
}

#[cfg(not(target_os = "linux"))]
fn drop_cached_pages(_: &File) {}

/// Without SEEK_DATA every byte inside the file counts as data.
#[cfg(not(target_os = "linux"))]
fn next_data(_: &File, at: u64) -> io::Result<Option<u64>> {
    Ok(Some(at))
}

#[cfg(not(target_os = "linux"))]
fn next_hole(_: &File, _: u64) -> io::Result<u64> {
    Ok(u64::MAX)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::FileExt;

    use super::*;

    #[test]
    fn data_hole_data_and_the_tail_past_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.dat");
        let file = File::create(&path).unwrap();
        let mib = 1u64 << 20;
        file.write_all_at(&vec![7u8; mib as usize], 0).unwrap();
        file.write_all_at(&vec![7u8; mib as usize], 3 * mib).unwrap();
        file.sync_all().unwrap();
        assert_eq!(empty_ranges(&path, 0, 6 * mib, Cached::Evict).unwrap(), vec![mib..3 * mib, 4 * mib..6 * mib]);
        assert_eq!(empty_ranges(&path, 2 * mib, 3 * mib, Cached::Evict).unwrap(), vec![2 * mib..3 * mib]);
        assert_eq!(empty_ranges(&path, 0, mib, Cached::Evict).unwrap(), vec![]);
        assert_eq!(empty_ranges(&dir.path().join("none"), 4096, 8192, Cached::Evict).unwrap(), vec![4096..8192]);
    }
}
