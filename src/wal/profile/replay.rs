//! A profile's commits on the psync engine: [`Replay`] is the engine
//! [`Workload`] that issues each commit's I/O steps (write, read,
//! fdatasync, fsync) on the file the engine runs on, and [`run`] the loop
//! around the engine that carries out the file steps between them (open,
//! close, rename, unlink, fallocate) and moves the engine to the file the
//! next I/O step is on. One writer, one op in flight: a database's single
//! committing session.
//!
//! A commit's latency runs from the moment its script is made to the end
//! of its last step, file steps included; its write and sync times are the
//! sums of its write and sync calls. The set-up script (a segment
//! zero-filled, a database file laid out) runs before the clock starts.

use std::{
    sync::atomic::AtomicBool,
    time::{Duration, Instant},
};

use rand::{RngCore, SeedableRng, rngs::SmallRng};

use super::{Calls, files::Files, step::Step};
use crate::{
    dio::Error,
    engine::{Next, Op, OpKind, Workload},
    io::glue::nanos,
    wal::runner::EntryStats,
};

/// Why the replay stopped early.
#[derive(Debug, Clone, Copy)]
struct Failed {
    step: Step,
    errno: i32,
    /// Bytes done, for a short write.
    done: i32,
}

/// The commits of one profile setting (see the module doc).
pub struct Replay<'a> {
    calls: &'a mut dyn Calls,
    script: Vec<Step>,
    pos: usize,
    /// The file the engine is running on.
    phase: usize,
    /// False while the set-up script runs.
    measuring: bool,
    time: Duration,
    deadline: Option<Instant>,
    commit_start: Instant,
    write_ns: u64,
    sync_ns: u64,
    commit_bytes: u64,
    /// When the measured commits began.
    pub first_start: Option<Instant>,
    /// When the last step ended.
    pub last_done: Instant,
    /// What the commits measured.
    pub stats: EntryStats,
    failed: Option<Failed>,
    finished: bool,
    /// The engine's buffer holds record bytes (not zeros).
    buf_has_data: bool,
    rng: SmallRng,
}

impl<'a> Replay<'a> {
    /// `calls`' set-up, then its commits for `time`.
    pub fn new(calls: &'a mut dyn Calls, time: Duration) -> Self {
        let mut script = Vec::with_capacity(256);
        calls.setup(&mut script);
        let now = Instant::now();
        Self {
            calls,
            script,
            pos: 0,
            phase: 0,
            measuring: false,
            time,
            deadline: None,
            commit_start: now,
            write_ns: 0,
            sync_ns: 0,
            commit_bytes: 0,
            first_start: None,
            last_done: now,
            stats: EntryStats::new(),
            failed: None,
            finished: false,
            buf_has_data: false,
            rng: SmallRng::seed_from_u64(0x5EED),
        }
    }

    /// The step due now, making the next commit's script when the last one
    /// is done; None when the time is up or a step failed.
    fn head(&mut self, now: Instant) -> Option<Step> {
        if self.finished {
            return None;
        }
        if self.pos == self.script.len() {
            if self.measuring {
                self.record_commit();
            } else {
                self.measuring = true;
                self.deadline = Some(now + self.time);
                self.first_start = Some(now);
            }
            if self.deadline.is_some_and(|d| now >= d) || crate::interrupt::requested() {
                self.finished = true;
                return None;
            }
            self.script.clear();
            self.calls.commit(&mut self.script);
            self.pos = 0;
            self.commit_start = Instant::now();
            (self.write_ns, self.sync_ns, self.commit_bytes) = (0, 0, 0);
        }
        self.script.get(self.pos).copied()
    }

    fn record_commit(&mut self) {
        let s = &mut self.stats;
        s.commit.saturating_record(nanos(self.commit_start, self.last_done));
        s.write.saturating_record(self.write_ns.max(1));
        if self.sync_ns > 0 {
            s.sync.saturating_record(self.sync_ns);
        }
        s.commits += 1;
        s.bytes += self.commit_bytes;
    }

    /// A file step carried out from `start` to `done` (or failed).
    fn file_step_done(&mut self, done: Instant, result: Result<(), Error>) {
        self.last_done = done;
        match result {
            Ok(()) => self.pos += 1,
            Err(e) => {
                self.stats.error = Some(e);
                self.finished = true;
            }
        }
    }

    /// The error of a failed I/O step, naming the file's path.
    fn error_of(failed: Failed, files: &Files) -> Error {
        let file = failed.step.io_file().unwrap_or(0);
        let path = files.path(file);
        let (action, offset) = match failed.step {
            Step::Write { offset, .. } => ("write", Some(offset)),
            Step::Read { offset, .. } => ("read", Some(offset)),
            Step::Fsync(_) => ("fsync", None),
            _ => ("fdatasync", None),
        };
        if failed.errno == 0 {
            let (expected, offset) = match failed.step {
                Step::Write { len, offset, .. } => (len as usize, offset),
                _ => (0, 0),
            };
            return Error::ShortWrite { path: path.to_path_buf(), offset, expected, actual: failed.done as usize };
        }
        Error::io(path, action, offset, std::io::Error::from_raw_os_error(failed.errno))
    }
}

impl Workload for Replay<'_> {
    fn next(&mut self, _slot: usize, buf: &mut [u8], now: Instant) -> Next {
        let Some(step) = self.head(now) else { return Next::Done };
        if step.io_file() != Some(self.phase) {
            return Next::Done;
        }
        let op = |kind, offset, len| Next::Issue(Op { kind, offset, len, rw_flags: 0 });
        match step {
            Step::Write { offset, len, zeros, .. } => {
                let len = len.min(buf.len() as u32);
                if zeros {
                    buf[..len as usize].fill(0);
                    self.buf_has_data = false;
                } else if !self.buf_has_data {
                    self.rng.fill_bytes(buf);
                    self.buf_has_data = true;
                }
                op(OpKind::Write, offset, len)
            }
            Step::Read { offset, len, .. } => {
                self.buf_has_data = false;
                op(OpKind::Read, offset, len.min(buf.len() as u32))
            }
            Step::Fdatasync(_) => op(OpKind::Fdatasync, 0, 0),
            _ => op(OpKind::Fsync, 0, 0),
        }
    }

    fn complete(&mut self, _slot: usize, op: Op, _buf: &mut [u8], result: i32, submitted: Instant, done: Instant) {
        let step = self.script[self.pos];
        let short = op.kind == OpKind::Write && result >= 0 && (result as u32) < op.len;
        if result < 0 || short {
            self.failed = Some(Failed { step, errno: if short { 0 } else { -result }, done: result });
            self.finished = true;
            return;
        }
        let took = nanos(submitted, done);
        match op.kind {
            OpKind::Write => {
                self.write_ns += took;
                self.commit_bytes += u64::from(op.len);
            }
            OpKind::Fdatasync | OpKind::Fsync => self.sync_ns += took,
            _ => {}
        }
        self.pos += 1;
        self.last_done = done;
    }
}

/// Runs `replay` to the end: each I/O step on the psync engine, on the
/// descriptor of its file, and each file step through `files`, reading
/// from and writing `buf` (at least as long as the longest write).
pub fn run(replay: &mut Replay<'_>, files: &mut Files, buf: &mut [u8]) {
    // Signals stop the engine (it reads them before every op); nothing
    // else does.
    let never = AtomicBool::new(false);
    while let Some(step) = replay.head(Instant::now()) {
        if crate::interrupt::requested() {
            break;
        }
        match step.io_file() {
            Some(file) => {
                let Some(fd) = files.fd(file) else {
                    replay.file_step_done(Instant::now(), Err(super::files::not_open(files.path(file))));
                    break;
                };
                replay.phase = file;
                let stop = crate::engine::Stop::new(&never, crate::interrupt::flag());
                crate::engine::psync::run(fd, crate::engine::psync::Calls::Plain, buf, stop, replay);
            }
            None => {
                let result = files.apply(step);
                replay.file_step_done(Instant::now(), result);
            }
        }
    }
    if let Some(failed) = replay.failed.take() {
        replay.stats.error = Some(Replay::error_of(failed, files));
    }
    let start = replay.first_start.unwrap_or(replay.last_done);
    replay.stats.duration_s = replay.last_done.saturating_duration_since(start).as_secs_f64();
}
