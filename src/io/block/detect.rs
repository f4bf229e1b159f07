//! Finding a run of verify blocks already on a target: the block size and
//! seed of the first intact block in its first MiB, and the newest
//! generation of that run there. `verify` continues a run with it and
//! `bench` refuses to overwrite one. A few one-off reads through the
//! Direct I/O library, on this thread's runtime.

use super::format;
use crate::{
    dio::{AlignedBuf, Error as DioError, File},
    error::AppError,
};

/// A run found in the target's first MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Its block size.
    pub bs: u64,
    /// Its seed.
    pub seed: u64,
    /// The newest generation among its intact blocks there (a write pass
    /// starts at offset 0, so the newest write shows in the first MiB).
    pub generation: u32,
}

/// Finds the block size and seed of a run from the first intact block in
/// the first MiB of the target, and the newest generation of that run's
/// intact blocks there. It is read in 128 KiB pieces, and a piece that
/// cannot be read is passed over: one bad sector does not hide the run.
pub fn detect(file: &File, size: u64) -> Result<Option<Found>, AppError> {
    const PIECE: usize = 128 << 10;
    let len = size.min(1 << 20) as usize / 4096 * 4096;
    if len == 0 {
        return Ok(None);
    }
    let mut head = vec![0u8; len];
    let mut piece = AlignedBuf::zeroed(PIECE)?;
    crate::io::rt::block_on(async {
        for at in (0..len).step_by(PIECE) {
            piece.set_io_len(PIECE.min(len - at));
            let (res, back) = file.read_at(piece, at as u64).await;
            piece = back;
            match res {
                Ok(_) | Err(DioError::ShortRead { .. }) => head[at..at + piece.len()].copy_from_slice(&piece),
                Err(e) if e.raw_os_error().is_some() => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })??;
    // An intact block of the run at `at`: its generation.
    let intact = |at: usize, run: Option<(u32, u64)>| -> Option<(u32, u64, u32)> {
        let h = format::header(&head[at..])?;
        let end = at + h.block_size as usize;
        let ok = h.block_size >= 512 && end <= head.len() && format::block_crc(&head[at..end]) == h.crc;
        let same = run.is_none_or(|(bs, seed)| (bs, seed) == (h.block_size, h.seed));
        (ok && same).then_some((h.block_size, h.seed, format::stamp(&head[at..])?.generation))
    };
    let Some((first, (bs, seed, generation))) =
        (0..head.len()).step_by(format::SECTOR).find_map(|at| Some((at, intact(at, None)?)))
    else {
        return Ok(None);
    };
    let newest = (first..head.len())
        .step_by(bs as usize)
        .filter_map(|at| intact(at, Some((bs, seed))))
        .map(|(_, _, g)| g)
        .fold(generation, u32::max);
    Ok(Some(Found { bs: bs.into(), seed, generation: newest }))
}
