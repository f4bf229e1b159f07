//! The machine to oneself, for the tests that need it. Every test of the
//! crate is a thread of one process, and tests of different modules run at
//! the same time. Most are light enough for any neighbour. Two kinds are
//! not: a test that measures time (a schedule kept, a latency bound, a
//! start spread) and a test that loads the machine on purpose (a busy loop
//! pinned to a CPU, a cargo build). Both hold [`quiet_machine`] while they
//! run, so a measurement never runs beside a deliberate load or beside
//! another measurement; its neighbour is an ordinary test, as it was when
//! each file was a binary of its own.

use std::sync::{Mutex, MutexGuard};

/// Holds the machine for a measurement or a deliberate load until dropped.
/// The lock guards no data, so one a failed test left poisoned still works.
pub fn quiet_machine() -> MutexGuard<'static, ()> {
    static HELD: Mutex<()> = Mutex::new(());
    HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
