//! The report every subcommand produces, and its exporters.
//!
//! One schema (`jdbio.report/1`, snake_case keys, units in key names) for
//! every subcommand; a subcommand adds its own section under `sections`
//! (flattened into the top level) rather than bending the shared ones.
//! Workers never see this type: they fill plain counters and histograms,
//! and the report is built after they join.

mod args;
mod fit;
/// The widest line a human summary prints.
pub use fit::WIDTH as SUMMARY_WIDTH;
mod hdr_blob;
mod hdr_files;
mod host;
mod latency;
mod output;
pub mod output_path;
mod read;
mod time;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use args::OutputArgs;
pub use hdr_blob::decode_hdr;
pub use hdr_files::{LogInterval, interval_line, interval_log_header, percentile_distribution};
pub use host::{CpuUsage, Host};
pub use latency::{LatencySummary, PERCENTILES, encode_hdr, new_histogram, value_at_percentile};
pub use output::{OutputPlan, Sink, check, conclude_rows, finish, prepare, write_file, write_json, write_output};
pub use read::{MAX_REPORT_BYTES, read_report};
pub use time::{now_rfc3339, rfc3339};

use crate::target::TargetInfo;

/// Schema identifier carried by every report.
pub const SCHEMA: &str = "jdbio.report/1";

/// A whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The jdbio version that wrote it.
    pub jdbio_version: &'static str,
    /// The subcommand, e.g. "bench".
    pub command: String,
    /// The full command line.
    pub argv: Vec<String>,
    /// When the run started, RFC 3339 UTC.
    pub started_at: String,
    /// The machine.
    pub host: Host,
    /// The probed target, where the command has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetInfo>,
    /// Every effective setting, defaults included.
    pub job: Value,
    /// Per op kind ("read", "write", "sync").
    pub results: BTreeMap<String, OpResult>,
    /// Process CPU use during the measured run.
    pub cpu: CpuUsage,
    /// Measured wall time in seconds.
    pub duration_s: f64,
    /// True when the run was cut short by SIGINT, SIGTERM or SIGHUP.
    pub interrupted: bool,
    /// `"signal": "SIGTERM"`: the signal that stopped the run, read when
    /// the report is serialised (absent when none arrived).
    #[serde(flatten)]
    signal: ReceivedSignal,
    /// Subcommand-specific sections, e.g. "bench", "wal", "verify".
    #[serde(flatten)]
    pub sections: BTreeMap<String, Value>,
}

impl Report {
    /// An empty report for `command`, stamped with the host, argv and time,
    /// and the rank (`rank`: rank, world size, where it came from) when one
    /// is known.
    pub fn new(command: &str) -> Self {
        let mut sections = BTreeMap::new();
        if let Some(rank) = crate::fleet::rank::current() {
            sections.insert("rank".to_string(), serde_json::to_value(rank).unwrap_or_default());
        }
        Self {
            schema: SCHEMA,
            jdbio_version: env!("CARGO_PKG_VERSION"),
            command: command.to_string(),
            argv: std::env::args().collect(),
            started_at: now_rfc3339(),
            host: Host::current(),
            target: None,
            job: Value::Object(Default::default()),
            results: BTreeMap::new(),
            cpu: CpuUsage::default(),
            duration_s: 0.0,
            interrupted: false,
            signal: ReceivedSignal,
            sections,
        }
    }
}

/// The result for one op kind.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OpResult {
    /// Completed operations in the measured window.
    pub ops: u64,
    /// Bytes transferred in the measured window.
    pub bytes: u64,
    /// Operations that failed.
    pub errors: u64,
    /// ops / duration_s.
    pub iops: f64,
    /// bytes / duration_s.
    pub bw_bytes_per_s: f64,
    /// Completion latency distribution (submit to completion: service time).
    pub latency_ns: LatencySummary,
    /// Open loop (`bench --rate`) only: intended start to completion
    /// (response time, free of coordinated omission).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_latency_ns: Option<LatencySummary>,
}

impl OpResult {
    /// Builds the result from counters and a latency histogram over `secs`.
    pub fn new(ops: u64, bytes: u64, errors: u64, secs: f64, hist: &hdrhistogram::Histogram<u64>) -> Self {
        let per_s = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
        Self {
            ops,
            bytes,
            errors,
            iops: per_s(ops),
            bw_bytes_per_s: per_s(bytes),
            latency_ns: LatencySummary::from_histogram(hist),
            response_latency_ns: None,
        }
    }
}

/// Serialises as `{"signal": NAME}` once a signal has stopped the run, else
/// as nothing, so every report carries the signal's name without its
/// command having to copy it.
#[derive(Debug, Clone, Copy)]
struct ReceivedSignal;

impl Serialize for ReceivedSignal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let name = crate::interrupt::signal_name();
        let mut map = serializer.serialize_map(Some(usize::from(name.is_some())))?;
        if let Some(name) = name {
            map.serialize_entry("signal", name)?;
        }
        map.end()
    }
}
