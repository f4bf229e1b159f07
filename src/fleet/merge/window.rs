//! The fleet's aggregate IOPS and bandwidth, over the time all hosts were
//! measuring at once: the overlap of their measured windows (Unix ns).
//!
//! Rules, best first (the report names the one used):
//! - `series`: every report has its window and a `series` (--interval):
//!   each host's ops and bytes inside the overlap are its intervals', each
//!   prorated by the share of the interval inside the overlap; the sum over
//!   hosts divided by the overlap's length.
//! - `window_means`: windows but no series: each host's mean rate over its
//!   own window, summed (no record of how the rate moved inside it).
//! - `no_overlap` / `no_windows`: the windows do not overlap, or a report
//!   states none (made before `window_start_unix_ns` existed): the hosts'
//!   own rates, summed.

use std::collections::BTreeMap;

use super::input::HostRun;

pub use crate::model::fleet::Rule;

impl Rule {
    /// The rule in a sentence.
    pub fn text(self) -> &'static str {
        match self {
            Rule::Series => {
                "ops in the overlap of the measured windows (from each host's series, by wall clock), over the overlap"
            }
            Rule::WindowMeans => {
                "each host's mean rate over its own window, summed (no series to see inside the windows)"
            }
            Rule::NoOverlap => "the measured windows do not overlap: the hosts' own rates, summed",
            Rule::NoWindows => {
                "a report states no measured window (made without window timestamps): the hosts' own rates, summed"
            }
        }
    }
}

/// The aggregate rates of one op kind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    pub iops: f64,
    pub bw_bytes_per_s: f64,
}

/// The fleet's aggregate.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub rule: Rule,
    /// Unix ns, when the windows overlap.
    pub overlap: Option<(u64, u64)>,
    pub rates: BTreeMap<String, Rates>,
}

/// The overlap of all hosts' windows, if every host states one and they
/// share some time.
pub fn overlap(hosts: &[HostRun]) -> Result<(u64, u64), Rule> {
    let windows: Option<Vec<(u64, u64)>> = hosts.iter().map(|h| h.window).collect();
    let windows = windows.ok_or(Rule::NoWindows)?;
    let start = windows.iter().map(|w| w.0).max().unwrap_or(0);
    let end = windows.iter().map(|w| w.1).min().unwrap_or(0);
    if end > start { Ok((start, end)) } else { Err(Rule::NoOverlap) }
}

/// The aggregate rates of `hosts` by the best rule their reports allow;
/// `in_overlap`: per op kind, the ops and bytes of the hosts' series rows
/// inside the overlap ([`super::series::fold`]), when they have series.
pub fn aggregate(hosts: &[HostRun], in_overlap: Option<&BTreeMap<String, (f64, f64)>>) -> Aggregate {
    let kinds: Vec<String> = hosts.iter().flat_map(|h| h.ops.keys().cloned()).collect();
    let summed = |rule: Rule, overlap: Option<(u64, u64)>| {
        let mut rates = BTreeMap::<String, Rates>::new();
        for h in hosts {
            for (kind, op) in &h.ops {
                let r = rates.entry(kind.clone()).or_default();
                r.iops += op.iops;
                r.bw_bytes_per_s += op.bw;
            }
        }
        Aggregate { rule, overlap, rates }
    };
    let (start, end) = match overlap(hosts) {
        Ok(o) => o,
        Err(rule) => return summed(rule, None),
    };
    let every = hosts.first().and_then(|h| h.series);
    let same_series = every.is_some() && hosts.iter().all(|h| h.series == every);
    let Some(in_overlap) = in_overlap.filter(|_| same_series) else {
        return summed(Rule::WindowMeans, Some((start, end)));
    };
    let secs = (end - start) as f64 / 1e9;
    let mut rates = BTreeMap::new();
    for kind in kinds {
        let (ops, bytes) = in_overlap.get(&kind).copied().unwrap_or((0.0, 0.0));
        rates.insert(kind, Rates { iops: ops / secs, bw_bytes_per_s: bytes / secs });
    }
    Aggregate { rule: Rule::Series, overlap: Some((start, end)), rates }
}
