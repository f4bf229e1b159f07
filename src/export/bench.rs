//! The bench table: one row per op kind ("read", "write"), and for an open
//! loop run (`--rate`) a second row per op kind with the response latency
//! (intended start to completion) beside the service latency. A merged
//! fleet report (`jdbio merge`) gets `host`, `rank` and `report` columns:
//! its fleet rows say `fleet`, then a row per host and op kind with what the
//! merge keeps of each host (ops, IOPS, bandwidth, p99; the other cells
//! empty).

use serde_json::Value;

use super::{Cell, Column, LATENCY, Table, latency_cells};

/// Columns before the latency ones.
const HEAD: [Column; 6] = [
    Column::plain("op", "op"),
    Column::plain("latency", "latency"),
    Column::plain("ops", "ops"),
    Column::plain("errors", "errors"),
    Column::plain("iops", "IOPS"),
    Column::scaled("bw_bytes_per_s", "bw [MiB/s]", 1048576.0, 1),
];

/// The table of a bench report (with a row per host when it is merged).
pub fn table(report: &Value) -> Table {
    let mut rows = Vec::new();
    for (op, r) in report["results"].as_object().into_iter().flatten() {
        let lead = |kind: &str| {
            let mut cells = vec![Cell::Text(op.clone()), Cell::Text(kind.into())];
            cells.extend(["ops", "errors", "iops", "bw_bytes_per_s"].map(|k| Cell::of(&r[k])));
            cells
        };
        let mut row = lead("service");
        row.extend(latency_cells(&r["latency_ns"]));
        rows.push(row);
        if !r["response_latency_ns"].is_null() {
            let mut row = lead("response");
            row.extend(latency_cells(&r["response_latency_ns"]));
            rows.push(row);
        }
    }
    let columns = HEAD.into_iter().chain(LATENCY).collect();
    match report["fleet"]["hosts"].as_array() {
        Some(hosts) => fleet_table(columns, rows, hosts),
        None => Table { columns, rows },
    }
}

/// `columns` and the fleet `rows` under leading `host`, `rank` and `report`
/// columns, followed by a row per host and op kind.
fn fleet_table(columns: Vec<Column>, rows: Vec<Vec<Cell>>, hosts: &[Value]) -> Table {
    let mut out: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|row| [Cell::Text("fleet".into()), Cell::Empty, Cell::Empty].into_iter().chain(row).collect())
        .collect();
    for host in hosts {
        for (op, r) in host["results"].as_object().into_iter().flatten() {
            let mut row = vec![Cell::text(&host["host"]), Cell::text(&host["rank"]), Cell::text(&host["file"])];
            row.extend([Cell::Text(op.clone()), Cell::Text("service".into())]);
            row.extend([Cell::of(&r["ops"]), Cell::Empty, Cell::of(&r["iops"]), Cell::of(&r["bw_bytes_per_s"])]);
            // Latency: mean, p50, p90, p99, p99.9, max; a host row keeps p99.
            row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::of(&r["p99_ns"]), Cell::Empty, Cell::Empty]);
            out.push(row);
        }
    }
    let lead = [Column::plain("host", "host"), Column::plain("rank", "rank"), Column::plain("report", "report")];
    Table { columns: lead.into_iter().chain(columns).collect(), rows: out }
}
