//! What machine a report was made on, and how much CPU the process used
//! (how they are read lives with the delivery, in `report/host.rs`).

use serde::{Deserialize, Serialize};

/// The `host` object of a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Host {
    /// The host name (what `{host}` becomes in paths); empty in a /1
    /// report that did not state it.
    #[serde(default)]
    pub name: String,
    /// Operating system family, e.g. "linux".
    pub os: String,
    /// Kernel release, e.g. "6.18.44".
    pub kernel: String,
    /// Logical CPUs available to the process.
    pub cpus: usize,
    /// CPU model name where the OS reports one.
    pub cpu_model: Option<String>,
}

/// The `cpu` object of a report: process CPU time over the run.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(default)]
pub struct CpuUsage {
    /// User-mode CPU seconds.
    pub user_s: f64,
    /// Kernel-mode CPU seconds.
    pub sys_s: f64,
    /// Voluntary plus involuntary context switches.
    pub ctx_switches: u64,
    /// jdbio's own peak resident set size so far (Linux: VmHWM; elsewhere
    /// getrusage ru_maxrss).
    pub max_rss_bytes: u64,
}
