//! Any engine set up for one worker, behind one face: [`prepare`] makes the
//! chosen [`Engine`]'s state (a ring, an AIO context, a compio runtime's
//! buffers, or the one slot of a system-call engine), [`Prepared::buffer`]
//! lets the caller fill the slot buffers, and [`Prepared::run`] runs a
//! [`Workload`] to the end. Bench workers, verify's passes, the bench
//! layout and wal's writers all come through here, so every command takes
//! the same path for the same `--engine`.

use super::{
    Config, EngineError, Ran, Ring, Workload,
    libaio::Aio,
    library::Library,
    psync::{Calls, Sync},
};
use crate::{dio::File, io_engine::Engine};

/// One worker's engine, ready to run.
pub enum Prepared<'a> {
    /// uring and nop (boxed: a ring's state is several times the others').
    Ring(Box<Ring<'a>>),
    /// psync and pvsync2.
    Sync(Sync<'a>),
    /// libaio.
    Aio(Aio<'a>),
    /// dio.
    Library(Library<'a>),
}

/// Sets up `engine` for `config` on `file` (whose descriptor is `config.fd`).
/// `hipri` means IORING_SETUP_IOPOLL on the ring and RWF_HIPRI on pvsync2's
/// reads and writes; the plan refuses it with the other engines.
pub fn prepare<'a>(engine: Engine, file: &File, config: &Config<'a>) -> Result<Prepared<'a>, EngineError> {
    Ok(match engine {
        Engine::Uring | Engine::Nop => Prepared::Ring(Box::new(Ring::setup(config)?)),
        Engine::Psync => Prepared::Sync(Sync::setup(file, config, Calls::Plain)?),
        Engine::Pvsync2 => {
            let rw_flags = if config.hipri { libc::RWF_HIPRI } else { 0 };
            Prepared::Sync(Sync::setup(file, config, Calls::V2 { rw_flags })?)
        }
        Engine::Libaio => Prepared::Aio(Aio::setup(file, config)?),
        Engine::Dio => Prepared::Library(Library::setup(file, config)?),
    })
}

impl Prepared<'_> {
    /// Slot `slot`'s buffer, to fill before the run.
    pub fn buffer(&mut self, slot: usize) -> &mut [u8] {
        match self {
            Prepared::Ring(ring) => ring.buffer(slot),
            Prepared::Sync(sync) => sync.buffer(slot),
            Prepared::Aio(aio) => aio.buffer(slot),
            Prepared::Library(library) => library.buffer(slot),
        }
    }

    /// Runs `workload` to the end: until every slot is done, or the stop
    /// flag (or a signal) was seen and the ops in flight have completed.
    pub fn run(self, workload: &mut impl Workload) -> Result<Ran, EngineError> {
        match self {
            Prepared::Ring(ring) => ring.run(workload),
            Prepared::Sync(sync) => Ok(sync.run(workload)),
            Prepared::Aio(aio) => aio.run(workload),
            Prepared::Library(library) => library.run(workload),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{
        os::fd::AsRawFd,
        sync::atomic::AtomicBool,
        time::Instant,
    };

    use super::*;
    use crate::{
        dio::OpenMode,
        engine::{Next, Op, OpKind, Policy},
    };

    const BS: usize = 4096;

    /// Slot 0 writes blocks 0..4, then reads them back. Any other slot is
    /// idle until something has completed, then syncs once and is done.
    #[derive(Default)]
    struct Script {
        writes: u64,
        reads: u64,
        read_back: Vec<u8>,
        idled: bool,
        synced: bool,
        results: Vec<(OpKind, i32)>,
    }

    fn op(kind: OpKind, block: u64) -> Next {
        let len = if matches!(kind, OpKind::Read | OpKind::Write) { BS as u32 } else { 0 };
        Next::Issue(Op { kind, offset: block * BS as u64, len, rw_flags: 0 })
    }

    impl Workload for Script {
        fn next(&mut self, slot: usize, buf: &mut [u8], _: Instant) -> Next {
            if slot != 0 {
                if self.synced {
                    return Next::Done;
                }
                if self.results.is_empty() {
                    self.idled = true;
                    return Next::Idle;
                }
                self.synced = true;
                return op(OpKind::Fdatasync, 0);
            }
            if self.writes < 4 {
                buf[..BS].fill(b'a' + self.writes as u8);
                self.writes += 1;
                return op(OpKind::Write, self.writes - 1);
            }
            if self.reads < 4 {
                self.reads += 1;
                return op(OpKind::Read, self.reads - 1);
            }
            Next::Done
        }

        fn complete(&mut self, _: usize, op: Op, buf: &mut [u8], result: i32, submitted: Instant, done: Instant) {
            assert!(submitted <= done);
            if op.kind == OpKind::Read {
                self.read_back.push(buf[0]);
            }
            self.results.push((op.kind, result));
        }
    }

    #[test]
    fn every_engine_runs_the_same_workload_to_the_same_results() {
        for engine in [Engine::Uring, Engine::Psync, Engine::Pvsync2, Engine::Libaio, Engine::Dio] {
            let named = tempfile::NamedTempFile::new().unwrap();
            let file = compio::runtime::Runtime::new().unwrap().block_on(File::open_mode(named.path(), OpenMode::Buffered)).unwrap();
            let slots = if engine.one_in_flight() { 1 } else { 2 };
            let stop = AtomicBool::new(false);
            let config = Config {
                fd: file.as_raw_fd(),
                slots,
                buf_len: BS,
                stop: crate::engine::Stop::new(&stop, &stop),
                policy: Policy::default(),
                hipri: false,
                sqpoll: false,
            };
            let mut script = Script::default();
            let ran = prepare(engine, &file, &config).unwrap().run(&mut script).unwrap();
            assert_eq!(script.read_back, b"abcd", "{engine}: the reads return what the writes wrote");
            let ops = if slots == 2 { 9 } else { 8 };
            assert_eq!((script.results.len(), ran.ops), (ops, ops as u64), "{engine}: {:?}", script.results);
            for (kind, result) in &script.results {
                let want = if *kind == OpKind::Fdatasync { 0 } else { BS as i32 };
                assert_eq!(*result, want, "{engine}: {kind:?}");
            }
            if slots == 2 {
                assert!(script.idled && script.synced, "{engine}: an idle slot is asked again after a completion");
            }
        }
    }

    #[test]
    fn a_one_in_flight_engine_refuses_more_slots() {
        let named = tempfile::NamedTempFile::new().unwrap();
        let file = compio::runtime::Runtime::new().unwrap().block_on(File::open_mode(named.path(), OpenMode::Buffered)).unwrap();
        let stop = AtomicBool::new(false);
        let config = Config {
            fd: file.as_raw_fd(),
            slots: 4,
            buf_len: BS,
            stop: crate::engine::Stop::new(&stop, &stop),
            policy: Policy::default(),
            hipri: false,
            sqpoll: false,
        };
        let e = prepare(Engine::Psync, &file, &config).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("one I/O in flight"), "{e}");
    }
}
