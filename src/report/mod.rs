//! A report's delivery: stamping a new [`Report`] (host, argv, time,
//! rank), the run's clock and how it ended, where it is written and the
//! human summaries beside it. The report's types and their loading are the
//! leaf [`crate::model`] (re-exported here for the commands and the
//! library's users); nothing here is a part of the schema.

mod args;
mod fit;
pub use fit::fit;
/// The widest line a human summary prints.
pub use fit::WIDTH as SUMMARY_WIDTH;
mod hdr_files;
mod host;
mod ended;
mod epilogue;
pub mod output_path;
mod time;

use std::collections::BTreeMap;

pub use crate::model::{
    Body, CpuUsage, Ended, Host, LatencySummary, LoadedReport, MAX_REPORT_BYTES, OpResult, PERCENTILES, Percentile,
    RankRecord, Report, RowFn, Rows, SCHEMA, SCHEMA_V1, decode_hdr, encode_hdr, json_schema, load, load_bytes,
    load_with, new_histogram, outline, value_at_percentile,
};
pub use args::OutputArgs;
pub use epilogue::Clock;
pub use hdr_files::{LogInterval, interval_line, interval_log_header, percentile_distribution};
pub use time::{now_rfc3339, rfc3339};

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
}
