//! Signals: the first SIGINT, SIGTERM or SIGHUP asks the running command to
//! stop issuing, wait for in-flight I/O, write its partial report (with
//! `"interrupted": true` and the signal's name) and remove its scratch
//! files; the process then exits 128 + the signal's number (130, 143, 129).
//! A second signal exits at once with its own code.
//!
//! Commands poll [`requested`] in their loops; [`crate::AppError::Interrupted`]
//! takes its exit code from [`exit_code`], and the report's `signal` field
//! from [`signal_name`].

use std::sync::atomic::{AtomicI32, Ordering};

/// The first signal received, 0 while none has arrived.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// The signals handled, with their names.
#[cfg(unix)]
const SIGNALS: [(libc::c_int, &str); 3] =
    [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")];

/// True once one of the handled signals has arrived.
#[inline]
pub fn requested() -> bool {
    RECEIVED.load(Ordering::Relaxed) != 0
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

#[cfg(unix)]
extern "C" fn on_signal(signal: libc::c_int) {
    if RECEIVED.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst).is_err() {
        crate::scratch::remove_all_now();
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(128 + signal) };
    }
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (idempotent).
#[cfg(unix)]
pub fn install() {
    for (signal, _) in SIGNALS {
        // SAFETY: sigaction with a handler that only touches atomics, calls
        // unlink on pre-built paths and _exit, all async-signal-safe.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Not handled on this OS: Ctrl-C ends the process.
#[cfg(not(unix))]
pub fn install() {}
