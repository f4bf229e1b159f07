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
/// The widest line a human summary prints.
pub use fit::WIDTH as SUMMARY_WIDTH;
mod hdr_blob;
mod hdr_files;
mod host;
mod ended;
mod epilogue;
mod load;
mod outline;
mod output;
mod upgrade;
pub mod output_path;
mod read;
mod stream;
mod rows;
mod schema;
mod time;

use std::collections::BTreeMap;

pub use crate::model::{
    Body, CpuUsage, Ended, Host, LatencySummary, OpResult, PERCENTILES, RankRecord, Report, SCHEMA, SCHEMA_V1,
    encode_hdr, new_histogram, value_at_percentile,
};
pub use args::OutputArgs;
pub use epilogue::{Clock, Delivery, deliver, deliver_failure};
pub use hdr_blob::decode_hdr;
pub use hdr_files::{LogInterval, interval_line, interval_log_header, percentile_distribution};
pub use load::{LoadedReport, load, load_bytes, load_with};
pub use rows::{RowFn, Rows};
pub use output::{Finished, OutputPlan, Sink, check, conclude_rows, finish, prepare, write_file, write_json, write_output};
pub use read::MAX_REPORT_BYTES;
pub use outline::outline;
pub use schema::json_schema;
pub use time::{now_rfc3339, rfc3339};

impl Report {
    /// A report of `body`, stamped with the host, argv, the time and the
    /// rank when one is known; results, CPU and duration are filled by
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
            rank: crate::fleet::rank::current().map(RankRecord::from),
        }
    }
}
