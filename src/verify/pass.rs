//! The two passes of a verify run, each a [`Workload`] on the I/O engine:
//! the write pass encodes a block into a slot's buffer when the slot is
//! free and writes it; the read pass reads a block into a slot and
//! classifies it when the read completes. Both walk a [`Blocks`] cursor at
//! a queue depth (one engine slot per place in the queue), and both stop
//! issuing at the first signal or error (what is in flight completes and is
//! counted).

use std::time::Instant;

use hdrhistogram::Histogram;
use indicatif::ProgressBar;

use super::{
    ack_log::AckLog,
    blocks::{Blocks, Item},
};
use crate::{
    io::block::{
        classify::{Checker, Class, Verdict},
        findings::Findings,
        format,
    },
    dio::File,
    engine::{Next, Op, OpKind, Workload},
    io::glue::{self, Steps},
    error::AppError,
    io_engine::Engine,
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

/// Writes generation `generation` of every block in `blocks`, then syncs
/// the target. An I/O error stops the pass and is returned in
/// [`PassStats::error`], with what was done before it.
#[allow(clippy::too_many_arguments)]
pub fn write(
    file: File,
    seed: u64,
    bs: usize,
    blocks: Blocks,
    generation: u32,
    qd: u32,
    engine: Engine,
    ack: Option<AckLog>,
    bar: &ProgressBar,
) -> Result<PassStats, AppError> {
    let start = Instant::now();
    let mut pass = WritePass {
        file: &file,
        seed,
        bs: bs as u32,
        blocks,
        generation,
        ack,
        hist: new_histogram(),
        error: None,
        steps: Steps::new(bar),
    };
    glue::run(engine, &file, qd as usize, bs, &mut pass).map_err(glue::setup_error)?;
    pass.steps.flush();
    let mut error = pass.error;
    if error.is_none() {
        error = crate::io::rt::block_on(file.sync_all())?.err().map(AppError::from);
    }
    let ops = pass.hist.len();
    let interrupted = crate::interrupt::requested();
    Ok(PassStats { ops, bytes: ops * bs as u64, seconds: start.elapsed().as_secs_f64(), hist: pass.hist, interrupted, error })
}

/// The write pass: a free slot gets the next block, encoded into its buffer.
struct WritePass<'a> {
    file: &'a File,
    seed: u64,
    bs: u32,
    blocks: Blocks,
    generation: u32,
    ack: Option<AckLog>,
    hist: Histogram<u64>,
    error: Option<AppError>,
    steps: Steps,
}

impl Workload for WritePass<'_> {
    fn next(&mut self, _slot: usize, buf: &mut [u8], _now: Instant) -> Next {
        if self.error.is_some() {
            return Next::Done;
        }
        let Some(item) = self.blocks.next() else { return Next::Done };
        let block = &mut buf[..self.bs as usize];
        if let Err(e) = self.file.check(item.offset, block.len(), block.as_ptr() as usize) {
            self.error = Some(e.into());
            return Next::Done;
        }
        format::encode(block, self.seed, item.offset, self.generation);
        Next::Issue(Op { kind: OpKind::Write, offset: item.offset, len: self.bs, rw_flags: 0 })
    }

    fn complete(&mut self, _slot: usize, op: Op, _buf: &mut [u8], result: i32, submitted: Instant, done: Instant) {
        if let Err(e) = glue::write_outcome(self.file, &op, result, "write") {
            self.error.get_or_insert(e.into());
            return;
        }
        self.hist.saturating_record(glue::nanos(submitted, done));
        if let Some(log) = self.ack.as_mut()
            && let Err(e) = log.ack(op.offset, self.generation)
        {
            self.error.get_or_insert(e);
            return;
        }
        self.steps.add(u64::from(self.bs));
    }
}

/// Reads and classifies every block in `blocks` into `findings`.
pub fn read(
    file: File,
    checker: Checker,
    blocks: Blocks,
    findings: Findings,
    qd: u32,
    engine: Engine,
    bar: &ProgressBar,
) -> Result<(PassStats, Findings), AppError> {
    let bs = checker.block_size();
    let start = Instant::now();
    let slots = qd as usize;
    let mut pass = ReadPass {
        file: &file,
        bs: bs as u32,
        blocks,
        items: vec![Item { offset: 0, acked: None }; slots],
        checker,
        findings,
        hist: new_histogram(),
        steps: Steps::new(bar),
    };
    glue::run(engine, &file, slots, bs, &mut pass).map_err(glue::setup_error)?;
    pass.steps.flush();
    let seconds = start.elapsed().as_secs_f64();
    let (ops, interrupted, bytes) = (pass.hist.len(), crate::interrupt::requested(), pass.findings.bytes_read());
    let stats = PassStats { ops, bytes, seconds, hist: pass.hist, interrupted, error: None };
    Ok((stats, pass.findings))
}

/// The read pass: a free slot reads the next block; a completed read is
/// classified at once, in the slot's buffer.
struct ReadPass<'a> {
    file: &'a File,
    bs: u32,
    blocks: Blocks,
    /// The block each slot is reading.
    items: Vec<Item>,
    checker: Checker,
    findings: Findings,
    hist: Histogram<u64>,
    steps: Steps,
}

impl Workload for ReadPass<'_> {
    fn next(&mut self, slot: usize, buf: &mut [u8], _now: Instant) -> Next {
        for item in self.blocks.by_ref() {
            // A block the target's alignment refuses is never read.
            if let Err(e) = self.file.check(item.offset, self.bs as usize, buf.as_ptr() as usize) {
                let detail = format!("read failed: {e}");
                self.findings.record(item.offset, item.acked, Verdict::Bad(Class::Unreadable, detail));
                self.steps.add(u64::from(self.bs));
                continue;
            }
            self.items[slot] = item;
            return Next::Issue(Op { kind: OpKind::Read, offset: item.offset, len: self.bs, rw_flags: 0 });
        }
        Next::Done
    }

    fn complete(&mut self, slot: usize, _op: Op, buf: &mut [u8], result: i32, submitted: Instant, done: Instant) {
        let item = self.items[slot];
        let verdict = if result >= 0 {
            // A read past the end of the target comes back short: the
            // checker judges the bytes that are there.
            let got = (result as usize).min(buf.len());
            self.hist.saturating_record(glue::nanos(submitted, done));
            self.findings.read(got);
            self.checker.check(&buf[..got], item.offset)
        } else {
            Verdict::Bad(Class::Unreadable, unreadable(-result))
        };
        self.findings.record(item.offset, item.acked, verdict);
        self.steps.add(u64::from(self.bs));
    }
}

/// The detail of a failed read: the errno and what it means.
fn unreadable(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    let text = text.trim_end_matches(&format!(" (os error {errno})")).to_string();
    format!("read failed: errno {errno} ({text})")
}
