//! The bench table: one row per op kind ("read", "write"), and for an open
//! loop run (`--rate`) a second row per op kind with the response latency
//! (intended start to completion) beside the service latency.

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

/// The table of a bench report.
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
    Table { columns: HEAD.into_iter().chain(LATENCY).collect(), rows }
}
