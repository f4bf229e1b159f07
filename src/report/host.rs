//! What machine a report was made on, and how much CPU the process used.

use crate::model::{CpuUsage, Host};

impl Host {
    /// Reads the current host.
    pub fn current() -> Self {
        Self {
            name: crate::hosts::rank::host_name(),
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
        let usage = crate::dio::os::unix::process_usage().unwrap_or_default();
        Self {
            user_s: usage.user.as_secs_f64(),
            sys_s: usage.system.as_secs_f64(),
            ctx_switches: usage.context_switches,
            max_rss_bytes: usage.max_rss_bytes,
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
