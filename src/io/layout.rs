//! Laying out a file before it is benchmarked: a region never written reads
//! holes and does no device I/O, and a file that grows during a write run
//! measures metadata updates. So the parts of the region that hold no data
//! (holes, unwritten extents, the part past the end: see [`super::holes`])
//! are preallocated and filled with incompressible data first, as fio does.
//! Bytes that hold data are never written: a read mode leaves whatever was
//! there as it was.
//!
//! Four writers (the slots of one engine ring) keep 1 MiB Direct I/O writes
//! in flight; each checks for Ctrl-C before every chunk, so a layout stops
//! within a few milliseconds.
//! What was preallocated but not written stays unwritten, which the next
//! run sees as a hole and finishes.

use std::{ops::Range, path::Path, time::Instant};

use rand::{RngCore, SeedableRng, rngs::SmallRng};

pub use super::holes::Cached;
use super::holes;
use crate::progress::new_bar;
use crate::{
    io::block::format,
    dio::File,
    engine::{Next, Op, OpKind, Workload},
    io::glue::{self, Steps},
    error::AppError,
};

const CHUNK: u64 = 1 << 20;
const WRITERS: u64 = 4;

/// What a layout writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Incompressible bytes from this seed.
    Random { seed: u64 },
    /// `jdbio verify` blocks (generation 1) of `bs` bytes, on the grid
    /// `origin + k × bs`.
    Verify { seed: u64, bs: u64, origin: u64 },
}

/// Lays out the empty parts of `[0, end)` of `path` (created if missing)
/// with random bytes from `seed`, or with `jdbio verify` blocks of
/// `verify_bs` bytes. Returns the bytes written.
pub fn lay_out(path: &Path, end: u64, seed: u64, verify_bs: Option<usize>, quiet: bool) -> Result<u64, AppError> {
    let ranges = empty_ranges(path, 0, end, Cached::Evict)?;
    let fill = verify_bs.map_or(Fill::Random { seed }, |bs| Fill::Verify { seed, bs: bs as u64, origin: 0 });
    lay_out_ranges(path, &ranges, fill, quiet)
}

/// The parts of `[start, end)` of `path` that hold no data (see
/// [`holes::empty_ranges`]), as an error naming the path.
pub fn empty_ranges(path: &Path, start: u64, end: u64, cached: Cached) -> Result<Vec<Range<u64>>, AppError> {
    holes::empty_ranges(path, start, end, cached)
        .map_err(|e| AppError::Io(format!("{}: finding the holes in [{start}, {end}): {e}", path.display())))
}

/// Writes `ranges` of `path` (created if missing) with `fill`, and returns
/// the bytes written. With [`Fill::Verify`], no range starts before the
/// grid's origin. Ctrl-C stops it with [`AppError::Interrupted`] after saying how
/// far it got.
pub fn lay_out_ranges(path: &Path, ranges: &[Range<u64>], fill: Fill, quiet: bool) -> Result<u64, AppError> {
    let total: u64 = ranges.iter().map(|r| r.end - r.start).sum();
    if total == 0 {
        return Ok(0);
    }
    let file = crate::io::rt::block_on(File::open_rw(path))??;
    let align = u64::from(file.alignment().offset);
    let (direct, edges) = split_aligned(ranges, align);
    let unfinished = |done: u64| format!("{done} of {total} bytes laid out; the next run finishes the layout");
    let fail =
        |e: String, done: u64| AppError::Io(format!("laying out {}: {e} ({})", path.display(), unfinished(done)));
    preallocate(&file, &direct).map_err(|e| fail(format!("preallocating: {e}"), 0))?;
    let edge_bytes =
        write_edges(path, &edges, fill).map_err(|e| fail(format!("writing the unaligned ends: {e}"), 0))?;
    let bar = new_bar(total, quiet, "laying out {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})");
    bar.set_message(path.display().to_string());
    bar.inc(edge_bytes);
    let (written, result) = write_direct(file, direct, fill, &bar)?;
    bar.finish_and_clear();
    let done = edge_bytes + written;
    result.map_err(|e| fail(e.to_string(), done))?;
    if done < total {
        eprintln!("jdbio: interrupted while laying out {}: {}", path.display(), unfinished(done));
        return Err(AppError::Interrupted);
    }
    Ok(done)
}

/// Splits each range into its Direct I/O part (`align`-aligned) and the
/// unaligned bytes at its ends (only where a file ends off alignment).
fn split_aligned(ranges: &[Range<u64>], align: u64) -> (Vec<Range<u64>>, Vec<Range<u64>>) {
    let (mut direct, mut edges) = (Vec::new(), Vec::new());
    for r in ranges {
        let head_end = r.start.next_multiple_of(align).min(r.end);
        let tail_start = (r.end / align * align).max(head_end);
        for (part, is_direct) in [(r.start..head_end, false), (head_end..tail_start, true), (tail_start..r.end, false)]
        {
            if !part.is_empty() {
                if is_direct { &mut direct } else { &mut edges }.push(part);
            }
        }
    }
    (direct, edges)
}

/// Allocates the ranges (fallocate), so four writers fill a file that no
/// longer grows. A filesystem without fallocate is written without it.
#[cfg(target_os = "linux")]
fn preallocate(file: &File, ranges: &[Range<u64>]) -> std::io::Result<()> {
    for r in ranges {
        match crate::dio::os::extents::allocate(file.std_file(), r.start, r.end - r.start) {
            Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => return Ok(()),
            other => other?,
        }
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn preallocate(_: &File, _: &[Range<u64>]) -> std::io::Result<()> {
    Ok(())
}

/// Writes the unaligned edges through the page cache (Direct I/O cannot
/// write part of a block without rewriting the data beside it), then syncs.
fn write_edges(path: &Path, edges: &[Range<u64>], fill: Fill) -> std::io::Result<u64> {
    if edges.is_empty() {
        return Ok(0);
    }
    #[cfg(unix)]
    use std::os::unix::fs::FileExt;
    let file = std::fs::OpenOptions::new().write(true).open(path)?;
    let mut written = 0;
    for r in edges {
        let mut buf = vec![0u8; (r.end - r.start) as usize];
        Filler::new(fill, r.start).fill(&mut buf, r.start);
        file.write_all_at(&buf, r.start)?;
        written += buf.len() as u64;
    }
    file.sync_data()?;
    Ok(written)
}

/// The chunks of the ranges, each at most `unit` bytes, in order.
struct Chunks {
    ranges: std::vec::IntoIter<Range<u64>>,
    current: Range<u64>,
    unit: u64,
}

impl Chunks {
    fn next(&mut self) -> Option<Range<u64>> {
        while self.current.is_empty() {
            self.current = self.ranges.next()?;
        }
        let end = self.current.end.min(self.current.start + self.unit);
        let chunk = self.current.start..end;
        self.current.start = end;
        Some(chunk)
    }
}

/// Writes `ranges` (aligned) with four writers until done, an error or
/// Ctrl-C, then syncs; returns the bytes written and the first error.
fn write_direct(
    file: File,
    ranges: Vec<Range<u64>>,
    fill: Fill,
    bar: &indicatif::ProgressBar,
) -> Result<(u64, Result<(), crate::dio::Error>), AppError> {
    let unit = match fill {
        Fill::Random { .. } => CHUNK,
        Fill::Verify { bs, .. } => (CHUNK / bs).max(1) * bs,
    };
    let mut writers = Writers {
        file: &file,
        chunks: Chunks { ranges: ranges.into_iter(), current: 0..0, unit },
        fillers: (0..WRITERS).map(|w| Filler::new(fill, w)).collect(),
        written: 0,
        error: None,
        steps: Steps::new(bar),
    };
    crate::io::glue::run(crate::io_engine::Engine::Uring, &file, WRITERS as usize, unit as usize, &mut writers).map_err(glue::setup_error)?;
    writers.steps.flush();
    let synced = crate::io::rt::block_on(file.sync_data())?;
    Ok((writers.written, writers.error.map_or(synced, Err)))
}

/// The layout's writers: each engine slot fills the next chunk with its
/// own [`Filler`] and writes it.
struct Writers<'a> {
    file: &'a File,
    chunks: Chunks,
    fillers: Vec<Filler>,
    written: u64,
    error: Option<crate::dio::Error>,
    steps: Steps,
}

impl Workload for Writers<'_> {
    fn next(&mut self, slot: usize, buf: &mut [u8], _now: Instant) -> Next {
        if self.error.is_some() {
            return Next::Done;
        }
        let Some(chunk) = self.chunks.next() else { return Next::Done };
        let len = (chunk.end - chunk.start) as usize;
        if let Err(e) = self.file.check(chunk.start, len, buf.as_ptr() as usize) {
            self.error = Some(e);
            return Next::Done;
        }
        self.fillers[slot].fill(&mut buf[..len], chunk.start);
        Next::Issue(Op { kind: OpKind::Write, offset: chunk.start, len: len as u32, rw_flags: 0 })
    }

    fn complete(&mut self, _slot: usize, op: Op, _buf: &mut [u8], result: i32, _: Instant, _: Instant) {
        match glue::write_outcome(self.file, &op, result, "write") {
            Ok(len) => {
                self.written += len as u64;
                self.steps.add(len as u64);
            }
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
    }
}

/// Makes the bytes of a [`Fill`] for any place in the file.
enum Filler {
    Random(SmallRng),
    Verify { seed: u64, bs: u64, origin: u64, scratch: Vec<u8> },
}

impl Filler {
    /// A filler; `salt` tells apart the random streams of writers.
    fn new(fill: Fill, salt: u64) -> Self {
        match fill {
            Fill::Random { seed } => Filler::Random(SmallRng::seed_from_u64(seed ^ salt)),
            Fill::Verify { seed, bs, origin } => Filler::Verify { seed, bs, origin, scratch: Vec::new() },
        }
    }

    /// Fills `buf`, which goes to byte `at` of the file. Verify blocks cut
    /// by the ends of `buf` are encoded whole and copied in part.
    fn fill(&mut self, buf: &mut [u8], at: u64) {
        let (seed, bs, origin, scratch) = match self {
            Filler::Random(rng) => return rng.fill_bytes(buf),
            Filler::Verify { seed, bs, origin, scratch } => (*seed, *bs, *origin, scratch),
        };
        let end = at + buf.len() as u64;
        let mut pos = at;
        while pos < end {
            let block = origin + (pos - origin) / bs * bs;
            let stop = end.min(block + bs);
            let dst = &mut buf[(pos - at) as usize..(stop - at) as usize];
            if pos == block && stop == block + bs {
                format::encode(dst, seed, block, 1);
            } else {
                scratch.resize(bs as usize, 0);
                format::encode(scratch, seed, block, 1);
                dst.copy_from_slice(&scratch[(pos - block) as usize..(stop - block) as usize]);
            }
            pos = stop;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unaligned_ends_go_through_the_page_cache() {
        let (direct, edges) = split_aligned(&[5000..20000, 24576..28672, 30000..30100], 4096);
        assert_eq!(direct, vec![8192..16384, 24576..28672]);
        assert_eq!(edges, vec![5000..8192, 16384..20000, 30000..30100]);
    }

    #[test]
    fn verify_blocks_cut_by_a_chunk_match_whole_ones() {
        let fill = Fill::Verify { seed: 9, bs: 12288, origin: 4096 };
        let mut whole = vec![0u8; 3 * 12288];
        Filler::new(fill, 0).fill(&mut whole, 4096);
        let mut parts = vec![0u8; 3 * 12288];
        let (a, b) = parts.split_at_mut(5000);
        Filler::new(fill, 1).fill(a, 4096);
        Filler::new(fill, 2).fill(b, 4096 + 5000);
        assert_eq!(whole, parts);
        assert_eq!(format::header(&whole[12288..]).map(|h| h.block_size), Some(12288));
    }
}
