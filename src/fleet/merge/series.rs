//! The fleet's `series`: every host's intervals placed on one wall-clock
//! grid (from the earliest window start, the hosts' interval length) and
//! added: ops and bytes summed, histograms added. A host interval goes to
//! the grid cell holding its midpoint, so hosts that started a few
//! milliseconds apart land in the same cells.
//!
//! The rows are read again from each host's report, one at a time
//! ([`crate::model::Rows::Each`]), and added into the cells as they come:
//! a cell keeps its summary (with its `hdr`), never a decoded histogram,
//! so memory follows the grid, not the hosts' rows. The same pass sums
//! each op kind's ops and bytes inside the windows' overlap for
//! [`super::window::aggregate`].

use std::collections::BTreeMap;

use hdrhistogram::Histogram;

use super::input::{HostRun, decode};
use crate::error::AppError;
use crate::model::{
    LatencySummary, Rows,
    bench::{Interval, Series},
    decode_hdr, load_with, new_histogram,
};

/// The most grid cells a merged series holds: 131,072, over 20 minutes of
/// 10 ms intervals. Each is a row of the fleet report (up to about 1 KiB
/// in memory); a host row landing past it is refused (its `t_s` is far
/// past its window).
pub const MAX_CELLS: u64 = 1 << 17;

/// One grid cell: ops, bytes and the summary of the added histograms.
type Cell = (u64, u64, LatencySummary);

/// What one reading of every host's rows gives.
pub struct Folded {
    /// The merged `series` section.
    pub series: Series,
    /// Per op kind, the ops and bytes inside the windows' overlap (each
    /// interval prorated by its share inside it); empty without an overlap.
    pub in_overlap: BTreeMap<String, (f64, f64)>,
}

/// Where rows land, and what they have added up to so far.
struct Fold {
    /// The earliest window start, Unix ns.
    origin: u64,
    /// The interval, seconds.
    every: f64,
    /// The overlap of the windows, Unix ns.
    overlap: Option<(u64, u64)>,
    /// Per op kind, the cells with a row in them.
    cells: BTreeMap<String, BTreeMap<u64, Cell>>,
    /// Per op kind, ops and bytes inside the overlap.
    in_overlap: BTreeMap<String, (f64, f64)>,
    /// A histogram to add into, reset for each row.
    scratch: Histogram<u64>,
}

/// Reads every host's rows once more and adds them into the merged series,
/// when every host has a window and a series of the same interval; None
/// otherwise. Errors name the file and the row.
pub fn fold(hosts: &[HostRun], overlap: Option<(u64, u64)>) -> Result<Option<Folded>, AppError> {
    let Some(every) = hosts.first().and_then(|h| h.series) else { return Ok(None) };
    if hosts.iter().any(|h| h.window.is_none() || h.series != Some(every)) {
        return Ok(None);
    }
    let Some(origin) = hosts.iter().filter_map(|h| h.window).map(|w| w.0).min() else { return Ok(None) };
    let (cells, in_overlap, scratch) = (BTreeMap::new(), BTreeMap::new(), new_histogram());
    let mut fold = Fold { origin, every, overlap, cells, in_overlap, scratch };
    for h in hosts {
        fold.host(h)?;
    }
    Ok(Some(Folded { series: rows(fold.cells, every), in_overlap: fold.in_overlap }))
}

impl Fold {
    /// Adds the rows of host `h`, read from its file.
    fn host(&mut self, h: &HostRun) -> Result<(), AppError> {
        let ws = h.window.map_or(self.origin, |w| w.0);
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut failure = None;
        let mut each = |kind: &str, row: Interval| {
            let i = *seen.entry(kind.to_string()).and_modify(|n| *n += 1).or_insert(0);
            self.row(h, ws, (kind, i, &row)).map_err(|e| {
                failure = Some(e);
                "stopped".to_string()
            })
        };
        let read = load_with(&h.path, Rows::Each(&mut each)).map(drop);
        match failure {
            Some(e) => Err(e),
            None => Ok(read?),
        }
    }

    /// Adds `row`, the `i`th of op kind `kind` of host `h` (window start
    /// `ws`), into its cell and, prorated, into the overlap's sums.
    fn row(&mut self, h: &HostRun, ws: u64, (kind, i, row): (&str, usize, &Interval)) -> Result<(), AppError> {
        let at = format!("series.{kind}[{i}]");
        let hist = decode(&row.latency_ns.hdr, &h.path, &format!("{at}.latency_ns.hdr"))?;
        let mid_s = ws.saturating_sub(self.origin) as f64 / 1e9 + row.t_s - row.length_s / 2.0;
        let cell = (mid_s / self.every).floor().max(0.0);
        if cell >= MAX_CELLS as f64 {
            return Err(AppError::Usage(format!(
                "{}: {at} (t_s {}) lands {cell} intervals of {} s after the earliest window start; \
                 jdbio merge's series holds at most {MAX_CELLS}",
                h.file, row.t_s, self.every
            )));
        }
        if let Some((start, end)) = self.overlap {
            let i_end = ws as f64 + row.t_s * 1e9;
            let i_start = i_end - row.length_s * 1e9;
            let inside = (i_end.min(end as f64) - i_start.max(start as f64)).max(0.0);
            let share = inside / (row.length_s * 1e9).max(1.0);
            let sums = self.in_overlap.entry(kind.to_string()).or_insert((0.0, 0.0));
            (sums.0, sums.1) = (sums.0 + row.ops as f64 * share, sums.1 + row.bytes as f64 * share);
        }
        let cells = self.cells.entry(kind.to_string()).or_default();
        self.scratch.reset();
        let (ops, bytes) = match cells.remove(&(cell as u64)) {
            Some((ops, bytes, summary)) => {
                // The cell's own encoding of a histogram this merge added.
                let _ = decode_hdr(&summary.hdr).map(|h| self.scratch.add(&h));
                (ops, bytes)
            }
            None => (0, 0),
        };
        let _ = self.scratch.add(&hist);
        cells.insert(cell as u64, (ops + row.ops, bytes + row.bytes, LatencySummary::from_histogram(&self.scratch)));
        Ok(())
    }
}

/// The merged `series` of `cells`: every cell from the first to the last,
/// an empty one where no host had an interval.
fn rows(cells: BTreeMap<String, BTreeMap<u64, Cell>>, every: f64) -> Series {
    let mut out = Series { interval_s: every, kinds: BTreeMap::new() };
    let empty = LatencySummary::from_histogram(&new_histogram());
    for (kind, mut cells) in cells {
        let last = cells.keys().max().copied().unwrap_or(0);
        let rows: Vec<Interval> = (0..=last)
            .map(|cell| {
                let (ops, bytes, latency_ns) = cells.remove(&cell).unwrap_or((0, 0, empty.clone()));
                Interval {
                    t_s: (cell + 1) as f64 * every,
                    length_s: every,
                    ops,
                    iops: ops as f64 / every,
                    bytes,
                    latency_ns,
                    response_latency_ns: None,
                }
            })
            .collect();
        out.kinds.insert(kind, rows);
    }
    out
}
