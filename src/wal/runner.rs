//! Runs one (method, file mode) entry of a wal run: prepares a fresh log,
//! starts `writers` concurrent appenders on one compio runtime, and records
//! write, sync and commit latency until the time is up or the log is full.

use std::{cell::RefCell, fs, rc::Rc, time::Instant};

use hdrhistogram::Histogram;
use rand::{RngCore, SeedableRng, rngs::SmallRng};

use super::{
    method::Method,
    plan::{FileMode, WalPlan},
};
use crate::{
    dio::{AlignedBuf, File},
    error::AppError,
    report::new_histogram,
};

/// What one entry measured.
#[derive(Debug)]
pub struct EntryStats {
    pub commits: u64,
    pub bytes: u64,
    pub duration_s: f64,
    /// The log filled up before --time ran out.
    pub log_full: bool,
    pub write: Histogram<u64>,
    pub sync: Histogram<u64>,
    pub commit: Histogram<u64>,
    /// The error that stopped the writers (ENOSPC, EIO); what they did
    /// before it is measured above.
    pub error: Option<crate::dio::Error>,
}

impl EntryStats {
    fn new() -> Self {
        Self {
            commits: 0,
            bytes: 0,
            duration_s: 0.0,
            log_full: false,
            write: new_histogram(),
            sync: new_histogram(),
            commit: new_histogram(),
            error: None,
        }
    }
}

struct Shared {
    next_offset: u64,
    stats: EntryStats,
    last_done: Instant,
}

/// Makes the log file start in `mode` (nothing to do for a block device).
pub fn prepare(plan: &WalPlan, mode: FileMode) -> Result<(), AppError> {
    if plan.is_block() {
        return Ok(());
    }
    match mode {
        FileMode::Overwrite => {
            let written = fs::metadata(&plan.path).is_ok_and(|m| m.len() >= plan.size);
            if !written {
                crate::bench::layout::lay_out(&plan.path, plan.size, 0x5EED, None, plan.quiet)?;
            }
        }
        FileMode::Append => {
            crate::rt::block_on(File::create(&plan.path))??;
        }
        FileMode::Prealloc => {
            crate::rt::block_on(async { File::create(&plan.path).await?.preallocate(plan.size).await })??;
        }
    }
    Ok(())
}

/// Runs `method` on the prepared log for `plan.time`. An error during the
/// writes ends the entry with `error` set; only set-up errors are `Err`.
pub fn run(plan: &WalPlan, method: Method, mode: FileMode) -> Result<EntryStats, crate::dio::Error> {
    let runtime = compio::runtime::Runtime::new()
        .map_err(|e| crate::dio::Error::io(&plan.path, "set up an io_uring runtime", None, e))?;
    let file = runtime.block_on(File::open_mode(&plan.path, method.open_mode()))?;
    let commit_len = (plan.bs * u64::from(plan.batch)) as usize;
    let start = Instant::now();
    let deadline = start + plan.time;
    let shared = Rc::new(RefCell::new(Shared { next_offset: 0, stats: EntryStats::new(), last_done: start }));
    let size = plan.size;
    let wraps = mode == FileMode::Overwrite;
    runtime.block_on(async {
        let writers: Vec<_> = (0..plan.writers)
            .map(|w| {
                let (file, shared) = (file.clone(), shared.clone());
                compio::runtime::spawn(async move {
                    let Ok(mut buf) = AlignedBuf::zeroed(commit_len) else { return };
                    SmallRng::seed_from_u64(u64::from(w)).fill_bytes(&mut buf);
                    loop {
                        let offset = {
                            let mut s = shared.borrow_mut();
                            if Instant::now() >= deadline
                                || s.stats.error.is_some()
                                || s.stats.log_full
                                || crate::interrupt::requested()
                            {
                                break;
                            }
                            if s.next_offset + commit_len as u64 > size {
                                if !wraps {
                                    s.stats.log_full = true;
                                    break;
                                }
                                s.next_offset = 0;
                            }
                            let offset = s.next_offset;
                            s.next_offset += commit_len as u64;
                            offset
                        };
                        let t0 = Instant::now();
                        let (res, back) = method.write(&file, buf, offset).await;
                        buf = back;
                        let t1 = Instant::now();
                        let res = match res {
                            Ok(_) if method.separate_sync() => method.sync(&file).await,
                            other => other.map(drop),
                        };
                        let t2 = Instant::now();
                        let mut s = shared.borrow_mut();
                        if let Err(e) = res {
                            s.stats.error.get_or_insert(e);
                            break;
                        }
                        let ns = |d: std::time::Duration| d.as_nanos().max(1) as u64;
                        s.stats.write.saturating_record(ns(t1 - t0));
                        if method.separate_sync() {
                            s.stats.sync.saturating_record(ns(t2 - t1));
                        }
                        s.stats.commit.saturating_record(ns(t2 - t0));
                        s.stats.commits += 1;
                        s.stats.bytes += commit_len as u64;
                        s.last_done = t2;
                    }
                })
            })
            .collect();
        for w in writers {
            let _ = w.await;
        }
    });
    let mut shared = shared.borrow_mut();
    let mut stats = std::mem::replace(&mut shared.stats, EntryStats::new());
    stats.duration_s = shared.last_done.duration_since(start).as_secs_f64();
    Ok(stats)
}
