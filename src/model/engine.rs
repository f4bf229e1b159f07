//! The I/O engine a report names (`--engine` converts into it; the paths
//! each engine takes are described in `crate::io_engine`).

use serde::{Deserialize, Serialize};

/// The I/O engine of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// io_uring driven directly: fixed file and buffers, one io_uring_enter
    /// per turn of the loop.
    Uring,
    /// pread(2)/pwrite(2) and fsync(2)/fdatasync(2) system calls on the
    /// worker's own thread, one I/O in flight per worker.
    Psync,
    /// preadv2(2)/pwritev2(2) system calls with RWF_* flags (RWF_HIPRI for
    /// --hipri, RWF_DSYNC for wal's rwf-dsync), one I/O in flight per worker.
    Pvsync2,
    /// Linux native AIO (io_submit/io_getevents) on O_DIRECT, --qd I/Os in
    /// flight per worker, as InnoDB and Seastar use it.
    Libaio,
    /// This crate's own library (dio::File::read_at/write_at on compio),
    /// --qd tasks per worker: what an application embedding it gets.
    Dio,
    /// IORING_OP_NOP through the ring and the same accounting: no data
    /// moves; what one core of jdbio can drive.
    Nop,
}

impl Engine {
    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Uring => "uring",
            Engine::Psync => "psync",
            Engine::Pvsync2 => "pvsync2",
            Engine::Libaio => "libaio",
            Engine::Dio => "dio",
            Engine::Nop => "nop",
        }
    }

    /// True for --engine nop.
    pub fn is_nop(self) -> bool {
        self == Engine::Nop
    }

    /// True for the engines that run one I/O at a time on the worker's
    /// own thread (concurrency is more workers, never --qd).
    pub fn one_in_flight(self) -> bool {
        matches!(self, Engine::Psync | Engine::Pvsync2)
    }

    /// True for the engines built on io_uring (the ring's own options,
    /// --sqpoll, --submit, --async, mean something only there).
    pub fn is_ring(self) -> bool {
        matches!(self, Engine::Uring | Engine::Nop)
    }

    /// What the summary calls the path.
    pub fn path(self) -> &'static str {
        match self {
            Engine::Uring => "io_uring",
            Engine::Psync => "psync (pread/pwrite system calls, one in flight per worker)",
            Engine::Pvsync2 => "pvsync2 (preadv2/pwritev2 system calls, one in flight per worker)",
            Engine::Libaio => "libaio (io_submit/io_getevents, Linux native AIO)",
            Engine::Dio => "dio (the crate's library, dio::File on compio)",
            Engine::Nop => "nop (IORING_OP_NOP, no data moved)",
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
