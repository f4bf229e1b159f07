//! The bench table: one row per op kind ("read", "write"), and for an open
//! loop run (`--rate`) a second row per op kind with the response latency
//! (intended start to completion) beside the service latency. A merged
//! fleet report (`jdbio merge`) gets `host`, `rank` and `report` columns:
//! its fleet rows say `fleet`, then a row per host and op kind with what the
//! merge keeps of each host (ops, IOPS, bandwidth, p99; the other cells
//! empty).

use super::{Cell, Column, LATENCY, Table, latency_cells, percentile};
use crate::model::Percentile;
use crate::model::{OpResult, Report, bench::BenchBody, fleet::FleetSection};

/// op, latency, ops, errors, IOPS, bandwidth.
const HEAD: [Column; 6] = [
    Column::plain("op", "op"),
    Column::plain("latency", "latency"),
    Column::plain("ops", "ops"),
    Column::plain("errors", "errors"),
    Column::plain("iops", "IOPS"),
    Column::scaled("bw_bytes_per_s", "bw [MiB/s]", 1048576.0, 1),
];

/// The table of a bench `report`.
pub fn table(report: &Report, body: &BenchBody) -> Table {
    let mut rows = Vec::new();
    for (op, r) in &report.results {
        let lead = |kind: &str, r: &OpResult| {
            let mut cells = vec![Cell::Text(op.clone()), Cell::Text(kind.into())];
            cells.extend([Cell::count(r.ops), Cell::count(r.errors), Cell::Num(r.iops), Cell::Num(r.bw_bytes_per_s)]);
            cells
        };
        let mut row = lead("service", r);
        row.extend(latency_cells(Some(&r.latency_ns)));
        rows.push(row);
        if let Some(response) = &r.response_latency_ns {
            let mut row = lead("response", r);
            row.extend(latency_cells(Some(response)));
            rows.push(row);
        }
    }
    let columns = HEAD.into_iter().chain(LATENCY).collect();
    match &body.fleet {
        Some(fleet) => fleet_table(columns, rows, fleet),
        None => Table { columns, rows },
    }
}

/// The fleet's rows under `host`, `rank`, `report` columns, then a row per
/// host and op kind: ops, IOPS, bandwidth and p99.
fn fleet_table(columns: Vec<Column>, rows: Vec<Vec<Cell>>, fleet: &FleetSection) -> Table {
    let mut out: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|row| [Cell::Text("fleet".into()), Cell::Empty, Cell::Empty].into_iter().chain(row).collect())
        .collect();
    for host in &fleet.hosts {
        for (op, r) in &host.results {
            let rank = host.rank.map_or(Cell::Empty, |n| Cell::Text(n.to_string()));
            let mut row = vec![Cell::Text(host.host.clone()), rank, Cell::Text(host.file.clone())];
            row.extend([Cell::Text(op.clone()), Cell::Text("service".into())]);
            row.extend([Cell::count(r.ops), Cell::Empty, Cell::Num(r.iops), Cell::Num(r.bw_bytes_per_s)]);
            let p99 = percentile(Some(&r.latency_ns), Percentile::P99);
            row.extend([Cell::Empty, Cell::Empty, Cell::Empty, p99, Cell::Empty, Cell::Empty]);
            out.push(row);
        }
    }
    let lead = [Column::plain("host", "host"), Column::plain("rank", "rank"), Column::plain("report", "report")];
    Table { columns: lead.into_iter().chain(columns).collect(), rows: out }
}
