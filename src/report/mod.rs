//! The report every subcommand produces, and its exporters.
//!
//! One schema (`jdbio.report/2`, snake_case keys, units in key names:
//! `_bytes`, `_ns`, `_s`, `_per_s`, `_pct`, bare only for counts) for every
//! subcommand. Every part is a type: the shared ones here, each
//! subcommand's `job` and sections in the module that owns it, gathered by
//! [`Body`]. [`load`] reads any report back into these types, a
//! `jdbio.report/1` file included (`report/upgrade.rs` maps its keys); nothing
//! outside this module looks a report key up by its name.
//! Workers never see this type: they fill plain counters and histograms,
//! and the report is built after they join.

mod args;
mod fit;
pub use fit::fit;
/// The widest line a human summary prints.
pub use fit::WIDTH as SUMMARY_WIDTH;
mod hdr_blob;
mod hdr_files;
mod host;
mod body;
mod ended;
mod epilogue;
mod latency;
mod load;
mod outline;
mod upgrade;
pub mod output_path;
mod read;
mod stream;
mod rows;
mod keyed;
pub use keyed::named_and_rest;
mod schema;
mod time;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use args::OutputArgs;
pub use body::{Body, RankRecord};
pub use ended::Ended;
pub use epilogue::Clock;
pub use hdr_blob::decode_hdr;
pub use hdr_files::{LogInterval, interval_line, interval_log_header, percentile_distribution};
pub use host::{CpuUsage, Host};
pub use latency::{LatencySummary, PERCENTILES, encode_hdr, new_histogram, value_at_percentile};
pub use load::{LoadedReport, load, load_bytes, load_with};
pub use rows::{RowFn, Rows};
pub use read::MAX_REPORT_BYTES;
pub use outline::outline;
pub use schema::json_schema;
pub use time::{now_rfc3339, rfc3339};

use crate::target::TargetInfo;

/// Schema identifier carried by every report this jdbio writes.
pub const SCHEMA: &str = "jdbio.report/2";
/// The previous schema, still read (see [`load`]): its files are mapped to
/// the /2 types on loading.
pub const SCHEMA_V1: &str = "jdbio.report/1";

/// A whole report: the parts every subcommand shares, and its [`Body`]
/// (the `command`, its `job` and its own sections, flattened into the top
/// level).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    /// [`SCHEMA`] (a loaded /1 report is stamped with it once mapped).
    pub schema: String,
    /// The jdbio version that wrote it.
    #[serde(default)]
    pub jdbio_version: String,
    /// The full command line (each word as UTF-8; bytes that are not are
    /// shown as U+FFFD, so a path of any bytes is never a failure).
    #[serde(default)]
    pub argv: Vec<String>,
    /// When the run started, RFC 3339 UTC.
    #[serde(default)]
    pub started_at: String,
    /// The machine.
    #[serde(default)]
    pub host: Host,
    /// The probed target, where the command has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetInfo>,
    /// `command`, `job` and the subcommand's own sections.
    #[serde(flatten)]
    pub body: Body,
    /// Per op kind ("read", "write"): what was measured.
    #[serde(default)]
    pub results: BTreeMap<String, OpResult>,
    /// Process CPU use during the measured run.
    #[serde(default)]
    pub cpu: CpuUsage,
    /// Measured wall time, seconds.
    #[serde(default)]
    pub duration_s: f64,
    /// True when the run was cut short by SIGINT, SIGTERM or SIGHUP.
    #[serde(default)]
    pub interrupted: bool,
    /// The signal that stopped the run ("SIGTERM"), absent when none arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// How the run ended: completed, interrupted (by which signal) or
    /// failed (with which error). Absent only in reports written before
    /// jdbio stated it ([`Report::end`] infers it for those).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<Ended>,
    /// Which of how many processes ran this (`--rank`, or a launcher's
    /// variables), absent when not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<RankRecord>,
}

impl Report {
    /// A report of `body`, stamped with the host, argv and the time (the
    /// application records the rank when it delivers it); results, CPU and duration are filled by
    /// [`Clock::stop`].
    pub fn new(body: Body) -> Self {
        Self {
            schema: SCHEMA.to_string(),
            jdbio_version: env!("CARGO_PKG_VERSION").to_string(),
            argv: std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect(),
            started_at: now_rfc3339(),
            host: Host::current(),
            target: None,
            body,
            results: BTreeMap::new(),
            cpu: CpuUsage::default(),
            duration_s: 0.0,
            interrupted: false,
            signal: None,
            ended: Some(Ended::Completed),
            rank: None,
        }
    }

    /// The subcommand that wrote it: "bench", "wal", ...
    pub fn command(&self) -> &'static str {
        self.body.command()
    }
}

/// The result for one op kind.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct OpResult {
    /// Completed operations in the measured window.
    pub ops: u64,
    /// Bytes transferred in the measured window.
    pub bytes: u64,
    /// Operations that failed.
    pub errors: u64,
    /// ops / duration_s: operations per second.
    pub iops: f64,
    /// bytes / duration_s.
    pub bw_bytes_per_s: f64,
    /// Completion latency distribution (submit to completion: service time).
    pub latency_ns: LatencySummary,
    /// Open loop (`bench --rate`) only: intended start to completion
    /// (response time, free of coordinated omission).
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
