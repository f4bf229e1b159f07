//! Which engine carries a command's I/O: one choice, `--engine`, shared by
//! every command that does I/O (`bench`, `verify`, `wal`, and the suites
//! that run them), so a figure always says which path made it.
//!
//! The paths each engine takes (the engines themselves live in
//! [`crate::engine`]):
//! - `uring`: io_uring driven directly, fixed file and buffers, one
//!   `io_uring_enter` per turn (bench's and verify's default);
//! - `psync`: `pread`/`pwrite` and `fsync`/`fdatasync` system calls on the
//!   worker's own thread, one I/O in flight per worker (wal's default: the
//!   path PostgreSQL, MySQL, RocksDB and SQLite take);
//! - `pvsync2`: `preadv2`/`pwritev2` with RWF_HIPRI (`--hipri`) and
//!   RWF_DSYNC (wal's rwf-dsync), one I/O in flight per worker;
//! - `libaio`: Linux native AIO (`io_submit`/`io_getevents`) on O_DIRECT,
//!   `--qd` in flight per worker, as InnoDB and Seastar use it;
//! - `dio`: this crate's own library (`dio::File::read_at`/`write_at` on
//!   compio) with `--qd` tasks per worker: what an embedding application gets;
//! - `nop`: the ring's IORING_OP_NOP, no data moved: the cost of the tool.

pub use crate::model::Engine;

/// `--engine`: the I/O engine of a run, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
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

impl From<EngineArg> for Engine {
    fn from(v: EngineArg) -> Self {
        match v {
            EngineArg::Uring => Engine::Uring,
            EngineArg::Psync => Engine::Psync,
            EngineArg::Pvsync2 => Engine::Pvsync2,
            EngineArg::Libaio => Engine::Libaio,
            EngineArg::Dio => Engine::Dio,
            EngineArg::Nop => Engine::Nop,
        }
    }
}

impl Engine {
    /// The I/Os in flight per worker: `asked` (`--qd`), else `default`;
    /// on psync and pvsync2 always 1, and an asked --qd above 1 is refused
    /// in one line naming --qd, the engine and `instead` (how to get more
    /// in flight: "--jobs").
    pub fn queue_depth(self, asked: Option<u32>, default: u32, instead: &str) -> Result<u32, String> {
        match asked {
            Some(qd) if qd > 1 && self.one_in_flight() => Err(format!(
                "--qd {qd} with --engine {self}: {self} keeps one I/O in flight per worker; {instead}"
            )),
            _ if self.one_in_flight() => Ok(1),
            Some(qd) => Ok(qd),
            None => Ok(default),
        }
    }

    /// Whether this build can run the engine. Every engine (the engine
    /// module, dio's included) is built on Linux only for now, though the
    /// library the dio engine calls runs on every OS.
    pub fn available(self) -> Result<(), String> {
        if cfg!(target_os = "linux") {
            Ok(())
        } else {
            Err(format!("--engine {self}: the I/O engines run on Linux builds only"))
        }
    }
}
