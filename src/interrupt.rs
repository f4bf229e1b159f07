//! Signals: the first SIGINT, SIGTERM or SIGHUP asks the running command to
//! stop issuing, wait for in-flight I/O, write its partial report (with
//! `"interrupted": true` and the signal's name) and remove its scratch
//! files; the process then exits 128 + the signal's number (130, 143, 129).
//! A second signal exits at once with its own code.
//!
//! A command that must finish what it started even on a second signal
//! (align putting back the bytes its write matrix overwrote) holds a
//! [`Hold`]: the second signal's exit waits until the hold is dropped.
//!
//! Commands poll [`requested`] in their loops, and give an engine the
//! flag the signal sets (`flag`) with their own; [`crate::AppError::Interrupted`]
//! takes its exit code from [`exit_code`], and the report's `signal` field
//! from [`signal_name`].

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};

/// The first signal received, 0 while none has arrived.
static RECEIVED: AtomicI32 = AtomicI32::new(0);
/// Set with [`RECEIVED`]: the flag an engine is given to stop on a signal
/// ([`flag`]).
static STOP: AtomicBool = AtomicBool::new(false);
/// Live [`Hold`]s.
static HOLDS: AtomicUsize = AtomicUsize::new(0);
/// A second signal that arrived during a hold: the exit it asked for.
static EXIT_PENDING: AtomicI32 = AtomicI32::new(0);

/// The signals handled, with their names.
#[cfg(unix)]
use crate::dio::os::unix::STOP_SIGNALS as SIGNALS;

/// True once one of the handled signals has arrived.
#[inline]
pub fn requested() -> bool {
    RECEIVED.load(Ordering::Relaxed) != 0
}

/// The flag the first signal sets, for an engine's [`crate::engine::Stop`]
/// (the engine reads only the flags it is given).
#[cfg(target_os = "linux")]
pub fn flag() -> &'static AtomicBool {
    &STOP
}

/// The name of the signal that stopped the run ("SIGTERM"), if one did.
pub fn signal_name() -> Option<&'static str> {
    let received = RECEIVED.load(Ordering::Relaxed);
    #[cfg(unix)]
    {
        SIGNALS.iter().find(|(n, _)| *n == received).map(|(_, name)| *name)
    }
    #[cfg(not(unix))]
    {
        (received != 0).then_some("SIGINT")
    }
}

/// The exit code of an interrupted run: 128 + the signal's number (130 for
/// SIGINT, 143 for SIGTERM, 129 for SIGHUP); 130 when none was recorded.
pub fn exit_code() -> u8 {
    match RECEIVED.load(Ordering::Relaxed) {
        0 => 130,
        n => (128 + n) as u8,
    }
}

/// While alive, a second signal does not end the process; it ends when
/// the last hold is dropped instead.
#[derive(Debug)]
pub struct Hold(());

impl Hold {
    /// Defers the second signal's exit until this is dropped.
    pub fn new() -> Self {
        HOLDS.fetch_add(1, Ordering::SeqCst);
        Hold(())
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        if HOLDS.fetch_sub(1, Ordering::SeqCst) == 1 {
            let pending = EXIT_PENDING.load(Ordering::SeqCst);
            if pending != 0 {
                exit_now(pending);
            }
        }
    }
}

/// Removes the scratch files and exits with 128 + `signal`.
/// Async-signal-safe.
fn exit_now(signal: i32) -> ! {
    #[cfg(unix)]
    crate::scratch::remove_all_now();
    #[cfg(unix)]
    crate::dio::os::unix::exit_now(128 + signal);
    #[cfg(not(unix))]
    std::process::exit(128 + signal)
}

#[cfg(unix)]
extern "C" fn on_signal(signal: i32) {
    let first = RECEIVED.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst).is_ok();
    STOP.store(true, Ordering::SeqCst);
    if !first {
        if HOLDS.load(Ordering::SeqCst) > 0 {
            EXIT_PENDING.store(signal, Ordering::SeqCst);
        } else {
            exit_now(signal);
        }
    }
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (idempotent).
#[cfg(unix)]
pub fn install() {
    // The handler only touches atomics, unlinks pre-built paths and calls
    // _exit, all async-signal-safe. A signal that cannot be caught ends the
    // process as it would have without jdbio.
    let _ = crate::dio::os::unix::on_stop_signals(on_signal);
}

/// Not handled on this OS: Ctrl-C ends the process.
#[cfg(not(unix))]
pub fn install() {}
