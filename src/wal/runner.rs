//! Runs one (method, file mode) entry of a wal run: prepares a fresh log,
//! then runs `writers` concurrent appenders on the plan's engine until the
//! time is up or the log is full. What a writer does is
//! [`super::writers::Writers`]; how its ops reach the kernel is the engine:
//! psync or pvsync2 (one thread per writer, each op a system call), or
//! uring, libaio or dio (every writer a slot of one engine).

use std::{fs, os::fd::AsFd, sync::atomic::AtomicBool, time::Instant};

use hdrhistogram::Histogram;
use rand::{RngCore, SeedableRng, rngs::SmallRng};

use super::{
    cpu_wait::{self, RingThreads},
    engine::{self, Engine},
    method::Method,
    plan::{FileMode, WalPlan},
    writers::{Log, Writers},
};
use crate::{
    dio::{AlignedBuf, Error, File},
    engine::psync::Calls,
    io::glue::Async,
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
    pub error: Option<Error>,
    /// Nanoseconds the threads that wait for commits spent runnable but
    /// not running ([`super::cpu_wait`]); `None` where it cannot be read.
    pub runqueue_wait_ns: Option<u64>,
}

impl EntryStats {
    /// Nothing measured yet.
    pub fn new() -> Self {
        Self {
            commits: 0,
            bytes: 0,
            duration_s: 0.0,
            log_full: false,
            write: new_histogram(),
            sync: new_histogram(),
            commit: new_histogram(),
            error: None,
            runqueue_wait_ns: None,
        }
    }
}

impl std::ops::AddAssign<EntryStats> for EntryStats {
    /// Adds another writer's counts and histograms (the histograms share
    /// their bounds, so the sum is exact); the first error is kept.
    fn add_assign(&mut self, other: EntryStats) {
        self.commits += other.commits;
        self.bytes += other.bytes;
        self.log_full |= other.log_full;
        let _ = self.write.add(&other.write);
        let _ = self.sync.add(&other.sync);
        let _ = self.commit.add(&other.commit);
        if self.error.is_none() {
            self.error = other.error;
        }
        self.runqueue_wait_ns = match (self.runqueue_wait_ns, other.runqueue_wait_ns) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
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
                crate::io::layout::lay_out(&plan.path, plan.size, 0x5EED, None, plan.quiet)?;
            }
        }
        FileMode::Append => {
            crate::io::rt::block_on(File::create(&plan.path))??;
        }
        FileMode::Prealloc => {
            crate::io::rt::block_on(async { File::create(&plan.path).await?.preallocate(plan.size).await })??;
        }
    }
    Ok(())
}

/// Runs `method` on the prepared log for `plan.time` on the plan's engine.
/// An error during the writes ends the entry with `error` set; only set-up
/// errors are `Err`.
pub fn run(plan: &WalPlan, method: Method, mode: FileMode) -> Result<EntryStats, Error> {
    // The log is opened (and a block device claimed) through the library on
    // either engine; the psync writers issue their calls on its descriptor.
    let runtime = crate::io::rt::runtime().map_err(|e| Error::io(&plan.path, "set up an io_uring runtime", None, e))?;
    let file = runtime.block_on(File::open_mode(&plan.path, method.open_mode()))?;
    let commit_len = (plan.bs * u64::from(plan.batch)) as usize;
    let start = Instant::now();
    let log = Log::new(
        plan.path.clone(),
        file.alignment(),
        commit_len as u32,
        plan.size,
        mode == FileMode::Overwrite,
        start + plan.time,
    );
    let writers = plan.writers as usize;
    let (mut stats, last_done) = if engine::thread_per_writer(plan.engine) {
        on_threads(plan.engine, &file, &log, method, writers, commit_len, start)?
    } else {
        on_slots(plan.engine, &file, &log, method, writers, commit_len, start)?
    };
    stats.duration_s = last_done.duration_since(start).as_secs_f64();
    Ok(stats)
}

/// Every writer a slot of one engine (a ring, an AIO context, the
/// library's tasks) on this thread.
fn on_slots(
    engine: Engine,
    file: &File,
    log: &Log,
    method: Method,
    writers: usize,
    commit_len: usize,
    start: Instant,
) -> Result<(EntryStats, Instant), Error> {
    let mut wal = Writers::new(log, method, writers, start);
    // No IOSQE_ASYNC: a commit's ops take the ring's inline path first, as
    // they did before the engine (and a buffered log has no Direct I/O to
    // probe). Each writer's buffer holds its own incompressible data.
    let mut ring = crate::io::glue::engine(engine, file, writers, commit_len, Async::Off)?;
    for w in 0..writers {
        SmallRng::seed_from_u64(w as u64).fill_bytes(ring.buffer(w));
    }
    let threads = RingThreads::now();
    ring.run(&mut wal).map_err(|e| crate::io::glue::setup(file, e))?;
    wal.stats.runqueue_wait_ns = RingThreads::now().since(&threads);
    Ok((wal.stats, wal.last_done))
}

/// Every writer its own thread, each op a blocking system call on a
/// duplicate of the log's descriptor (the same open file description, as
/// threads of one database process share it); merged after join.
fn on_threads(
    engine: Engine,
    file: &File,
    log: &Log,
    method: Method,
    writers: usize,
    commit_len: usize,
    start: Instant,
) -> Result<(EntryStats, Instant), Error> {
    let fds = (0..writers)
        .map(|_| file.std_file().try_clone())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::io(file.path(), "duplicate the descriptor for a writer thread", None, e))?;
    let bufs = (0..writers)
        .map(|w| {
            let mut buf = AlignedBuf::zeroed(commit_len)?;
            SmallRng::seed_from_u64(w as u64).fill_bytes(&mut buf);
            Ok(buf)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    // Signals stop the writers (the engine reads them before every op);
    // nothing else does, so a writer never abandons a written commit's sync.
    let never = AtomicBool::new(false);
    let calls = if engine == Engine::Pvsync2 { Calls::V2 { rw_flags: 0 } } else { Calls::Plain };
    let spawn_error = |e: std::io::Error| Error::io(file.path(), "start a writer thread", None, e);
    std::thread::scope(|scope| {
        let mut handles = Vec::with_capacity(writers);
        for (w, (fd, mut buf)) in fds.into_iter().zip(bufs).enumerate() {
            let never = &never;
            let thread = std::thread::Builder::new().name(format!("jdbio-wal-{w}")).spawn_scoped(scope, move || {
                let mut wal = Writers::new(log, method, 1, start);
                let waited = cpu_wait::this_thread_ns();
                let stop = crate::engine::Stop::new(never, crate::interrupt::flag());
                crate::engine::psync::run(fd.as_fd(), calls, &mut buf, stop, &mut wal);
                wal.stats.runqueue_wait_ns = cpu_wait::this_thread_ns().zip(waited).map(|(end, start)| end - start);
                (wal.stats, wal.last_done)
            });
            match thread {
                Ok(handle) => handles.push(handle),
                Err(e) => {
                    log.stop_all();
                    return Err(spawn_error(e));
                }
            }
        }
        let mut total = EntryStats::new();
        let mut last_done = start;
        for handle in handles {
            let (stats, done) = handle.join().map_err(|_| {
                Error::io(file.path(), "run a writer thread", None, std::io::Error::other("the writer thread panicked"))
            })?;
            total += stats;
            last_done = last_done.max(done);
        }
        Ok((total, last_done))
    })
}
