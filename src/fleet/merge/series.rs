//! The fleet's `series`: every host's intervals placed on one wall-clock
//! grid (from the earliest window start, the hosts' interval length) and
//! added: ops and bytes summed, histograms added. A host interval goes to
//! the grid cell holding its midpoint, so hosts that started a few
//! milliseconds apart land in the same cells.

use std::collections::BTreeMap;

use super::input::HostRun;
use crate::{
    bench::report::{Interval, Series},
    report::{LatencySummary, new_histogram},
};

/// One grid cell: ops, bytes and the added histogram.
type Cell = (u64, u64, hdrhistogram::Histogram<u64>);

/// The merged `series` section, when every host has a window and a series
/// of the same interval; None otherwise.
pub fn merged(hosts: &[HostRun]) -> Option<Series> {
    let every = hosts.first()?.series.as_ref()?.0;
    if hosts.iter().any(|h| h.window.is_none() || h.series.as_ref().map(|s| s.0) != Some(every)) {
        return None;
    }
    let origin = hosts.iter().filter_map(|h| h.window).map(|w| w.0).min()?;
    let mut out = Series { interval_s: every, kinds: BTreeMap::new() };
    let mut cells: BTreeMap<&str, BTreeMap<u64, Cell>> = BTreeMap::new();
    for h in hosts {
        let (Some((ws, _)), Some((_, series))) = (h.window, &h.series) else { continue };
        for (kind, intervals) in series {
            for i in intervals {
                let mid_s = (ws - origin) as f64 / 1e9 + i.t_s - i.length_s / 2.0;
                let cell = (mid_s / every).floor().max(0.0) as u64;
                let entry = cells.entry(kind).or_default().entry(cell).or_insert_with(|| (0, 0, new_histogram()));
                entry.0 += i.ops;
                entry.1 += i.bytes;
                let _ = entry.2.add(&i.hist);
            }
        }
    }
    for (kind, cells) in cells {
        let last = cells.keys().max().copied().unwrap_or(0);
        let empty = (0, 0, new_histogram());
        let rows: Vec<Interval> = (0..=last)
            .map(|cell| {
                let (ops, bytes, h) = cells.get(&cell).unwrap_or(&empty);
                Interval {
                    t_s: (cell + 1) as f64 * every,
                    length_s: every,
                    ops: *ops,
                    iops: *ops as f64 / every,
                    bytes: *bytes,
                    latency_ns: LatencySummary::from_histogram(h),
                    response_latency_ns: None,
                }
            })
            .collect();
        out.kinds.insert(kind.to_string(), rows);
    }
    Some(out)
}
