//! Laying out a file before it is benchmarked: a region never written reads
//! holes and does no device I/O, and a file that grows during a write run
//! measures metadata updates. So a new, short or sparse file is preallocated
//! and filled with incompressible data first, as fio does.

use std::{path::Path, rc::Rc};

use rand::{RngCore, SeedableRng, rngs::SmallRng};

use crate::progress::new_bar;
use crate::{
    dio::{AlignedBuffer, File},
    error::AppError,
    verify::format,
};

const CHUNK: u64 = 1 << 20;
const WRITERS: u64 = 4;

/// Writes `[0, end)` of `path` with random bytes (seeded by `seed`), or with
/// `jdbio verify` blocks of `verify_bs` bytes.
pub fn lay_out(path: &Path, end: u64, seed: u64, verify_bs: Option<usize>, quiet: bool) -> Result<(), AppError> {
    let file = Rc::new(File::open_rw(path)?);
    file.preallocate(end)?;
    let bar = new_bar(end, quiet, "laying out {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})");
    bar.set_message(path.display().to_string());
    let runtime =
        compio::runtime::Runtime::new().map_err(|e| AppError::Io(format!("cannot set up an io_uring runtime: {e}")))?;
    let result = runtime.block_on(async {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (file, bar) = (file.clone(), bar.clone());
                compio::runtime::spawn(async move {
                    let mut rng = SmallRng::seed_from_u64(seed ^ w);
                    let mut buf = AlignedBuffer::zeroed(CHUNK as usize)?;
                    let mut offset = w * CHUNK;
                    while offset < end {
                        let len = CHUNK.min(end - offset) as usize;
                        buf.set_io_len(len);
                        match verify_bs {
                            Some(bs) => {
                                for (i, block) in buf.chunks_mut(bs).enumerate() {
                                    format::encode(block, seed, offset + (i * bs) as u64, 1);
                                }
                            }
                            None => rng.fill_bytes(&mut buf),
                        }
                        let (res, back) = file.write_at(buf, offset).await;
                        res?;
                        buf = back;
                        bar.inc(len as u64);
                        offset += WRITERS * CHUNK;
                    }
                    Ok::<_, crate::dio::Error>(())
                })
            })
            .collect();
        let mut first_error = None;
        for w in writers {
            if let Ok(Err(e)) = w.await {
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => file.sync_data().await,
        }
    });
    bar.finish_and_clear();
    result.map_err(|e| AppError::Io(format!("laying out {}: {e}", path.display())))
}
