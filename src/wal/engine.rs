//! Which path a wal run's writes and syncs take to the kernel: the shared
//! [`Engine`] (`--engine`), and the choices wal refuses.
//!
//! - psync, pvsync2: each writer is its own thread issuing system calls,
//!   one I/O in flight per writer (pwrite or pwritev2, then fdatasync or
//!   fsync; rwf-dsync is pwritev2 with RWF_DSYNC): the path PostgreSQL,
//!   MySQL, RocksDB and SQLite commit through;
//! - uring, libaio, dio: the writers are slots of one engine on one thread
//!   (ring ops; io_submit of IOCB_CMD_PWRITE then IOCB_CMD_FDSYNC/FSYNC; the
//!   library's write_at, write_at_dsync and sync_data/sync_all tasks);
//! - nop is refused: a commit that moves no data measures nothing durable.
//!
//! libaio is asynchronous only on O_DIRECT: the buffered methods are left
//! out of `--method all` with it, and refused when named.

use super::method::Method;
use crate::dio::OpenMode;
pub use crate::io_engine::Engine;

/// True when the engine runs each writer on its own thread.
pub fn thread_per_writer(engine: Engine) -> bool {
    engine.one_in_flight()
}

/// Refuses an engine wal cannot run, and a method the engine cannot do
/// (one line naming --engine and the reason); with `--method all`, drops
/// the methods the engine cannot do instead.
pub fn check(engine: Engine, methods: &mut Vec<Method>, method_arg: &str) -> Result<(), String> {
    engine.available()?;
    if engine.is_nop() {
        return Err("--engine nop: a wal commit must reach the log, and a NOP moves no data".into());
    }
    if engine != Engine::Libaio {
        return Ok(());
    }
    let buffered = |m: &Method| m.open_mode() == OpenMode::Buffered;
    if method_arg == "all" {
        methods.retain(|m| !buffered(m));
    } else if let Some(m) = methods.iter().find(|m| buffered(m)) {
        return Err(format!(
            "--engine libaio with --method {}: libaio is asynchronous on O_DIRECT only (on a page-cache file io_submit does the write before it returns)",
            m.name()
        ));
    }
    Ok(())
}
