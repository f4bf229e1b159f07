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
