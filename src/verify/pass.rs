//! The two passes of a verify run on the compio runtime: the write pass
//! fills blocks with stamped data at a queue depth; the read pass reads
//! blocks back at a queue depth and classifies each. Both walk a
//! [`Blocks`] cursor, and both stop issuing at the first Ctrl-C (what is in
//! flight completes and is counted).

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Instant,
};

use hdrhistogram::Histogram;
use indicatif::ProgressBar;

use super::{ack_log::AckLog, blocks::Blocks};
use crate::{
    blockcheck::{
        classify::{Checker, Class, Verdict},
        findings::Findings,
        format,
    },
    dio::{AlignedBuf, Error as DioError, File},
    error::AppError,
    report::new_histogram,
};

/// Counters and latency of one pass.
pub struct PassStats {
    /// Operations that completed (reads: successful ones only).
    pub ops: u64,
    /// Bytes they moved.
    pub bytes: u64,
    pub seconds: f64,
    pub hist: Histogram<u64>,
    /// The pass stopped early at a signal.
    pub interrupted: bool,
    /// The error that stopped the pass early (the blocks done before it are
    /// counted above).
    pub error: Option<AppError>,
}

fn runtime() -> Result<compio::runtime::Runtime, AppError> {
    compio::runtime::Runtime::new().map_err(|e| AppError::Io(format!("cannot set up an io_uring runtime: {e}")))
}

/// True once the pass must issue nothing more.
fn stopping(stop: &Cell<bool>) -> bool {
    stop.get() || crate::interrupt::requested()
}

/// Writes generation `generation` of every block in `blocks`. An I/O error
/// stops the pass and is returned in [`PassStats::error`], with what was
/// done before it.
#[allow(clippy::too_many_arguments)]
pub fn write(
    file: File,
    seed: u64,
    bs: usize,
    blocks: Blocks,
    generation: u32,
    qd: u32,
    ack: Option<AckLog>,
    bar: &ProgressBar,
) -> Result<PassStats, AppError> {
    let file = Rc::new(file);
    let blocks = Rc::new(RefCell::new(blocks));
    let ack = Rc::new(RefCell::new(ack));
    let hist = Rc::new(RefCell::new(new_histogram()));
    let stop = Rc::new(Cell::new(false));
    let start = Instant::now();
    let result: Result<(), AppError> = runtime()?.block_on(async {
        let tasks: Vec<_> = (0..qd)
            .map(|_| {
                let (file, blocks, ack, hist, stop, bar) =
                    (file.clone(), blocks.clone(), ack.clone(), hist.clone(), stop.clone(), bar.clone());
                compio::runtime::spawn(async move {
                    let run = async {
                        let mut buf = AlignedBuf::zeroed(bs)?;
                        while !stopping(&stop) {
                            let next = blocks.borrow_mut().next();
                            let Some(item) = next else { break };
                            format::encode(&mut buf, seed, item.offset, generation);
                            let t0 = Instant::now();
                            let (res, back) = file.write_at(buf, item.offset).await;
                            buf = back;
                            res?;
                            hist.borrow_mut().saturating_record(t0.elapsed().as_nanos().max(1) as u64);
                            if let Some(log) = ack.borrow_mut().as_mut() {
                                log.ack(item.offset, generation)?;
                            }
                            bar.inc(bs as u64);
                        }
                        Ok::<_, AppError>(())
                    };
                    let result = run.await;
                    if result.is_err() {
                        stop.set(true);
                    }
                    result
                })
            })
            .collect();
        let mut first_error = Ok(());
        for t in tasks {
            let result = t.await.unwrap_or_else(|_| Err(AppError::Io("a writer task panicked".into())));
            first_error = first_error.and(result);
        }
        first_error?;
        file.sync_all().await?;
        Ok(())
    });
    let hist = hist.borrow().clone();
    let ops = hist.len();
    let (interrupted, error) = (crate::interrupt::requested(), result.err());
    Ok(PassStats { ops, bytes: ops * bs as u64, seconds: start.elapsed().as_secs_f64(), hist, interrupted, error })
}

/// Reads and classifies every block in `blocks` into `findings`.
pub fn read(
    file: File,
    checker: Checker,
    blocks: Blocks,
    findings: Findings,
    qd: u32,
    bar: &ProgressBar,
) -> Result<(PassStats, Findings), AppError> {
    let bs = checker.block_size();
    let file = Rc::new(file);
    let blocks = Rc::new(RefCell::new(blocks));
    // One checker and one findings for all tasks: they run on one thread,
    // and each check happens between two awaits.
    let checker = Rc::new(RefCell::new(checker));
    let findings = Rc::new(RefCell::new(findings));
    let hist = Rc::new(RefCell::new(new_histogram()));
    let start = Instant::now();
    let result: Result<(), AppError> = runtime()?.block_on(async {
        let tasks: Vec<_> = (0..qd)
            .map(|_| {
                let (file, blocks, checker, findings, hist, bar) =
                    (file.clone(), blocks.clone(), checker.clone(), findings.clone(), hist.clone(), bar.clone());
                compio::runtime::spawn(async move {
                    let mut buf = AlignedBuf::zeroed(bs)?;
                    while !crate::interrupt::requested() {
                        let next = blocks.borrow_mut().next();
                        let Some(item) = next else { break };
                        buf.set_io_len(bs);
                        let t0 = Instant::now();
                        let (res, back) = file.read_at(buf, item.offset).await;
                        buf = back;
                        let verdict = match res {
                            Ok(_) | Err(DioError::ShortRead { .. }) => {
                                hist.borrow_mut().saturating_record(t0.elapsed().as_nanos().max(1) as u64);
                                findings.borrow_mut().read(buf.len());
                                checker.borrow_mut().check(&buf, item.offset)
                            }
                            Err(e) => Verdict::Bad(Class::Unreadable, unreadable(&e)),
                        };
                        findings.borrow_mut().record(item.offset, item.acked, verdict);
                        bar.inc(bs as u64);
                    }
                    Ok::<_, AppError>(())
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap_or_else(|_| Err(AppError::Io("a reader task panicked".into())))?;
        }
        Ok(())
    });
    result?;
    let hist = hist.borrow().clone();
    let (ops, interrupted) = (hist.len(), crate::interrupt::requested());
    let findings = std::mem::replace(&mut *findings.borrow_mut(), Findings::new(None, 0));
    let bytes = findings.bytes_read();
    let stats = PassStats { ops, bytes, seconds: start.elapsed().as_secs_f64(), hist, interrupted, error: None };
    Ok((stats, findings))
}

/// The detail of a failed read: the errno and what it means.
fn unreadable(e: &DioError) -> String {
    match e.raw_os_error() {
        Some(errno) => {
            let text = std::io::Error::from_raw_os_error(errno).to_string();
            let text = text.trim_end_matches(&format!(" (os error {errno})")).to_string();
            format!("read failed: errno {errno} ({text})")
        }
        None => format!("read failed: {e}"),
    }
}

/// Finds the block size and seed of a run from the first intact block in
/// the first MiB of the target. It is read in 128 KiB pieces, and a piece
/// that cannot be read is passed over: one bad sector does not hide the run.
pub fn detect(file: &File, size: u64) -> Result<Option<(usize, u64)>, AppError> {
    const PIECE: usize = 128 << 10;
    let len = size.min(1 << 20) as usize / 4096 * 4096;
    if len == 0 {
        return Ok(None);
    }
    let mut head = vec![0u8; len];
    let mut piece = AlignedBuf::zeroed(PIECE)?;
    let rt = runtime()?;
    for at in (0..len).step_by(PIECE) {
        piece.set_io_len(PIECE.min(len - at));
        let (res, back) = rt.block_on(file.read_at(piece, at as u64));
        piece = back;
        match res {
            Ok(_) | Err(DioError::ShortRead { .. }) => head[at..at + piece.len()].copy_from_slice(&piece),
            Err(e) if e.raw_os_error().is_some() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    for at in (0..head.len()).step_by(format::SECTOR) {
        if let Some(h) = format::header(&head[at..]) {
            let end = at + h.block_size as usize;
            if h.block_size >= 512 && end <= head.len() && format::block_crc(&head[at..end]) == h.crc {
                return Ok(Some((h.block_size as usize, h.seed)));
            }
        }
    }
    Ok(None)
}
