//! The two passes of a verify run on the compio runtime: the write pass
//! fills the target with stamped blocks at a queue depth; the read pass
//! reads blocks back at a queue depth and classifies each.

use std::{cell::RefCell, rc::Rc, time::Instant};

use hdrhistogram::Histogram;
use indicatif::ProgressBar;

use super::{
    ack_log::AckLog,
    classify::{Checker, Verdict},
    findings::Findings,
    format,
};
use crate::{
    dio::{AlignedBuffer, Error as DioError, File},
    error::AppError,
    report::new_histogram,
};

/// Counters and latency of one pass.
pub struct PassStats {
    pub ops: u64,
    pub bytes: u64,
    pub seconds: f64,
    pub hist: Histogram<u64>,
}

/// One block to check: its offset and, in crash verification, the
/// generation acknowledged for it.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub offset: u64,
    pub acked: Option<u32>,
}

struct Queue<T> {
    items: Vec<T>,
    next: usize,
}

impl<T: Copy> Queue<T> {
    fn take(&mut self) -> Option<T> {
        let item = self.items.get(self.next).copied();
        self.next += 1;
        item
    }
}

fn runtime() -> Result<compio::runtime::Runtime, AppError> {
    compio::runtime::Runtime::new().map_err(|e| AppError::Io(format!("cannot set up an io_uring runtime: {e}")))
}

/// Writes generation `generation` of every block in `[0, size)`.
pub fn write(
    file: File,
    seed: u64,
    bs: usize,
    size: u64,
    generation: u32,
    qd: u32,
    ack: Option<AckLog>,
    bar: &ProgressBar,
) -> Result<PassStats, AppError> {
    let file = Rc::new(file);
    let offsets: Vec<u64> = (0..size / bs as u64).map(|i| i * bs as u64).collect();
    let queue = Rc::new(RefCell::new(Queue { items: offsets, next: 0 }));
    let ack = Rc::new(RefCell::new(ack));
    let hist = Rc::new(RefCell::new(new_histogram()));
    let start = Instant::now();
    let result: Result<(), AppError> = runtime()?.block_on(async {
        let tasks: Vec<_> = (0..qd)
            .map(|_| {
                let (file, queue, ack, hist, bar) =
                    (file.clone(), queue.clone(), ack.clone(), hist.clone(), bar.clone());
                compio::runtime::spawn(async move {
                    let mut buf = AlignedBuffer::zeroed(bs)?;
                    loop {
                        let next = queue.borrow_mut().take();
                        let Some(offset) = next else { break };
                        format::encode(&mut buf, seed, offset, generation);
                        let t0 = Instant::now();
                        let (res, back) = file.write_at(buf, offset).await;
                        buf = back;
                        res?;
                        hist.borrow_mut().saturating_record(t0.elapsed().as_nanos().max(1) as u64);
                        if let Some(log) = ack.borrow_mut().as_mut() {
                            log.ack(offset, generation)?;
                        }
                        bar.inc(bs as u64);
                    }
                    Ok::<_, AppError>(())
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap_or_else(|_| Err(AppError::Io("a writer task panicked".into())))?;
        }
        file.sync_all().await?;
        Ok(())
    });
    result?;
    let hist = hist.borrow().clone();
    let ops = hist.len();
    Ok(PassStats { ops, bytes: ops * bs as u64, seconds: start.elapsed().as_secs_f64(), hist })
}

/// Reads and classifies every item; `expected` turns older good blocks stale.
pub fn read(
    file: File,
    seed: u64,
    bs: usize,
    items: Vec<Item>,
    qd: u32,
    bar: &ProgressBar,
) -> Result<(PassStats, Findings), AppError> {
    let file = Rc::new(file);
    let queue = Rc::new(RefCell::new(Queue { items, next: 0 }));
    let findings = Rc::new(RefCell::new(Findings::default()));
    let hist = Rc::new(RefCell::new(new_histogram()));
    let start = Instant::now();
    let result: Result<(), AppError> = runtime()?.block_on(async {
        let tasks: Vec<_> = (0..qd)
            .map(|_| {
                let (file, queue, findings, hist, bar) =
                    (file.clone(), queue.clone(), findings.clone(), hist.clone(), bar.clone());
                compio::runtime::spawn(async move {
                    let mut checker = Checker::new(seed, bs);
                    let mut buf = AlignedBuffer::zeroed(bs)?;
                    loop {
                        let next = queue.borrow_mut().take();
                        let Some(item) = next else { break };
                        buf.set_io_len(bs);
                        let t0 = Instant::now();
                        let (res, back) = file.read_at(buf, item.offset).await;
                        buf = back;
                        let verdict = match res {
                            Ok(_) | Err(DioError::ShortRead { .. }) => {
                                hist.borrow_mut().saturating_record(t0.elapsed().as_nanos().max(1) as u64);
                                checker.check(&buf, item.offset)
                            }
                            Err(e) => Verdict::Bad(super::classify::Class::Corrupt, format!("read failed: {e}")),
                        };
                        findings.borrow_mut().record(item.offset, item.acked, verdict, buf.len() as u64);
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
    let findings = findings.take();
    let stats = PassStats { ops: hist.len(), bytes: findings.bytes, seconds: start.elapsed().as_secs_f64(), hist };
    Ok((stats, findings))
}

/// Finds the block size and seed of a run from the first intact block in
/// the first MiB of the target.
pub fn detect(file: &File, size: u64) -> Result<Option<(usize, u64)>, AppError> {
    let len = size.min(1 << 20) as usize / 4096 * 4096;
    if len == 0 {
        return Ok(None);
    }
    let buf = AlignedBuffer::zeroed(len)?;
    let (res, buf) = runtime()?.block_on(file.read_at(buf, 0));
    match res {
        Ok(_) | Err(DioError::ShortRead { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    for at in (0..buf.len()).step_by(format::SECTOR) {
        if let Some(h) = format::header(&buf[at..]) {
            let end = at + h.block_size as usize;
            if h.block_size >= 512 && end <= buf.len() && format::block_crc(&buf[at..end]) == h.crc {
                return Ok(Some((h.block_size as usize, h.seed)));
            }
        }
    }
    Ok(None)
}
