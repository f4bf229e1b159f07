//! Unix: the process-wide system calls the command line makes besides its
//! I/O: the host's name (uname), the process's CPU time and peak memory
//! (getrusage), the machine's memory (sysconf), device numbers, and the
//! signal handling a run ends with (sigaction, unlink and _exit, all
//! async-signal-safe). Through rustix where it has the call; getrusage,
//! sysconf, sigaction and _exit it has not (outside its unstable runtime
//! API), so they are raw libc here, each checked once ([`super::cvt`]).

use std::{ffi::CStr, io, time::Duration};

/// The signals a run stops on, with their names: SIGINT, SIGTERM, SIGHUP.
pub const STOP_SIGNALS: [(i32, &str); 3] =
    [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")];

/// This machine's host name (uname's nodename).
pub fn host_name() -> String {
    rustix::system::uname().nodename().to_string_lossy().into_owned()
}

/// What getrusage(RUSAGE_SELF) says of the whole process so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// User-mode CPU time.
    pub user: Duration,
    /// Kernel-mode CPU time.
    pub system: Duration,
    /// Voluntary plus involuntary context switches.
    pub context_switches: u64,
    /// Peak resident set size, in bytes.
    pub max_rss_bytes: u64,
}

/// getrusage(2) of the whole process (all threads).
pub fn process_usage() -> io::Result<Usage> {
    // SAFETY: rusage is plain old data; zeroed is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid out-pointer to one rusage.
    super::cvt(unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) })?;
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    // Linux and the BSDs state ru_maxrss in KiB, macOS in bytes.
    let rss_unit = if cfg!(target_os = "macos") { 1 } else { 1024 };
    Ok(Usage {
        user: time(ru.ru_utime),
        system: time(ru.ru_stime),
        context_switches: (ru.ru_nvcsw + ru.ru_nivcsw) as u64,
        max_rss_bytes: own_peak_rss().unwrap_or(ru.ru_maxrss as u64 * rss_unit),
    })
}

/// This program's own peak RSS: `VmHWM` of /proc/self/status, in bytes.
/// (Linux's ru_maxrss carries the peak of the process that forked this one
/// across exec, so a jdbio started by a large parent reported the parent's.)
fn own_peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

/// Bytes of physical memory (sysconf `_SC_PHYS_PAGES` x `_SC_PAGESIZE`),
/// or None where the system does not say.
pub fn physical_memory() -> Option<u64> {
    // SAFETY: sysconf reads a system constant.
    let (pages, page) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    (pages > 0 && page > 0).then(|| pages as u64 * page as u64)
}

/// A device number's major and minor parts.
pub fn device_parts(dev: u64) -> (u32, u32) {
    (rustix::fs::major(dev as _), rustix::fs::minor(dev as _))
}

/// Sets `handler` for each of [`STOP_SIGNALS`] (sigaction with SA_RESTART,
/// so a signal does not fail a blocking call with EINTR). The handler must
/// be async-signal-safe.
pub fn on_stop_signals(handler: extern "C" fn(i32)) -> io::Result<()> {
    for (signal, _) in STOP_SIGNALS {
        // SAFETY: sigaction is plain old data; zeroed is a valid value
        // (an empty mask is set below).
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = handler as usize;
        action.sa_flags = libc::SA_RESTART;
        // SAFETY: a valid mask to clear and a valid action to install;
        // the old action is not asked for.
        super::cvt(unsafe { libc::sigemptyset(&mut action.sa_mask) })?;
        // SAFETY: as above.
        super::cvt(unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) })?;
    }
    Ok(())
}

/// unlink(2) of a path already in C form: no allocation, so a signal
/// handler may call it. Errors are ignored (the file may be gone).
pub fn unlink_now(path: &CStr) {
    let _ = rustix::fs::unlink(path);
}

/// Ends the process at once with `code` (_exit(2): no destructors, no
/// flush), as a signal handler may.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit is async-signal-safe and never returns.
    unsafe { libc::_exit(code) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_and_machine_are_described() {
        assert!(!host_name().is_empty());
        let usage = process_usage().unwrap();
        assert!(usage.max_rss_bytes > 0, "{usage:?}");
        assert!(physical_memory().unwrap() > 0);
    }

    #[test]
    fn a_device_number_splits_into_its_parts() {
        assert_eq!(device_parts(rustix::fs::makedev(259, 3) as u64), (259, 3));
        assert_eq!(device_parts(rustix::fs::makedev(8, 300) as u64), (8, 300));
    }
}
