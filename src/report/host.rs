//! What machine a report was made on, and how much CPU the process used.

use crate::model::{CpuUsage, Host};

impl Host {
    /// Reads the current host.
    pub fn current() -> Self {
        Self {
            name: crate::fleet::rank::host_name(),
            os: std::env::consts::OS.to_string(),
            kernel: kernel_release(),
            cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            cpu_model: cpu_model(),
        }
    }
}

fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
}

impl CpuUsage {
    /// Usage of the whole process so far (all threads).
    #[cfg(unix)]
    pub fn now() -> Self {
        // SAFETY: rusage is plain old data and getrusage fills it.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: valid out-pointer.
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        // Linux and the BSDs state ru_maxrss in KiB, macOS in bytes.
        let rss_unit = if cfg!(target_os = "macos") { 1 } else { 1024 };
        Self {
            user_s: secs(ru.ru_utime),
            sys_s: secs(ru.ru_stime),
            ctx_switches: (ru.ru_nvcsw + ru.ru_nivcsw) as u64,
            max_rss_bytes: ru.ru_maxrss as u64 * rss_unit,
        }
    }

    /// Not measured on this OS.
    #[cfg(not(unix))]
    pub fn now() -> Self {
        Self::default()
    }

    /// Usage between `earlier` and `self` (the peak RSS is `self`'s: a
    /// peak has no difference).
    pub fn since(&self, earlier: &CpuUsage) -> CpuUsage {
        CpuUsage {
            user_s: self.user_s - earlier.user_s,
            sys_s: self.sys_s - earlier.sys_s,
            ctx_switches: self.ctx_switches.saturating_sub(earlier.ctx_switches),
            max_rss_bytes: self.max_rss_bytes,
        }
    }
}
