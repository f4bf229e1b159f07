//! The `fleet` section of a merged report: the rule its rates follow, the
//! overlap of the hosts' windows, a row per host and the skew.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::LatencySummary;

/// How the aggregate rates were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// From each host's series, over the windows' overlap.
    Series,
    /// Each host's mean rate over its own window, summed.
    WindowMeans,
    /// The windows do not overlap: the hosts' own rates, summed.
    NoOverlap,
    /// A report states no window: the hosts' own rates, summed.
    NoWindows,
}

/// The `fleet` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FleetSection {
    /// Reports merged.
    pub reports: usize,
    /// How the fleet's rates were aggregated.
    pub rule: Rule,
    /// The rule in words.
    pub rule_text: String,
    /// Start of the windows' overlap, Unix ns (null: none used).
    pub overlap_start_unix_ns: Option<u64>,
    /// End of the windows' overlap, Unix ns.
    pub overlap_end_unix_ns: Option<u64>,
    /// The overlap's length, seconds.
    pub overlap_s: Option<f64>,
    /// Whether every host's window overlaps every other's.
    pub windows_overlap: bool,
    /// One row per host, in the order the reports were given.
    pub hosts: Vec<FleetHost>,
    /// How far apart the hosts were.
    pub skew: Skew,
}

/// One host of a fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FleetHost {
    /// The report file, as given.
    pub file: String,
    /// The host's name (its file when the report states none).
    pub host: String,
    /// The host's rank, when stated.
    pub rank: Option<u64>,
    /// Its measured window's start, Unix ns.
    pub window_start_unix_ns: Option<u64>,
    /// Its measured window's end, Unix ns.
    pub window_end_unix_ns: Option<u64>,
    /// How late it was for `--start-at`, ns (null: no `--start-at`).
    pub start_late_ns: Option<u64>,
    /// Its measured time, seconds.
    pub duration_s: f64,
    /// Its IOPS over all op kinds.
    pub iops: f64,
    /// Per op kind, its own numbers.
    pub results: BTreeMap<String, FleetHostOp>,
}

/// One op kind of one host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FleetHostOp {
    /// Operations.
    pub ops: u64,
    /// Operations per second, as the host stated.
    pub iops: f64,
    /// Bytes per second, as the host stated.
    pub bw_bytes_per_s: f64,
    /// The host's own latency (the fleet's `results` add the hosts'
    /// histograms).
    pub latency_ns: LatencySummary,
}

/// The fleet's skew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Skew {
    /// Latest minus earliest window start, ns (null: a host states none).
    pub start_spread_ns: Option<u64>,
    /// The host with the lowest IOPS.
    pub min_iops: Option<HostIops>,
    /// The host with the highest IOPS.
    pub max_iops: Option<HostIops>,
    /// Highest over lowest IOPS (null when the lowest is 0).
    pub max_over_min_iops: Option<f64>,
}

/// A host and its IOPS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HostIops {
    /// The host's name.
    pub host: String,
    /// Its report file.
    pub file: String,
    /// Its IOPS.
    pub iops: f64,
}
