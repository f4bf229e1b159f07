//! The wal table: one row per (sync method, file mode), the commit latency
//! (write plus sync: what a transaction waits for) in full, the write and
//! sync calls' p99 beside it; an unsupported method keeps its row, empty,
//! with the reason in `note`.

use serde_json::Value;

use super::{Cell, Column, LATENCY, Table, latency_cells};

const HEAD: [Column; 6] = [
    Column::plain("method", "method"),
    Column::plain("file_mode", "file mode"),
    Column::plain("supported", "supported"),
    Column::plain("commits", "commits"),
    Column::scaled("commits_per_s", "commits/s", 1.0, 0),
    Column::scaled("bw_bytes_per_s", "bw [MiB/s]", 1048576.0, 1),
];

const TAIL: [Column; 3] = [
    Column::ns("write_p99_ns", "write p99 [µs]"),
    Column::ns("sync_p99_ns", "sync p99 [µs]"),
    Column::plain("note", "note"),
];

/// The table of a wal report.
pub fn table(report: &Value) -> Table {
    let mut rows = Vec::new();
    for e in report["wal"]["entries"].as_array().into_iter().flatten() {
        let secs = e["duration_s"].as_f64().unwrap_or(0.0);
        let bw = match e["bytes"].as_f64() {
            Some(bytes) if secs > 0.0 => Cell::Num(bytes / secs),
            _ => Cell::Empty,
        };
        let measured = e["supported"].as_bool() == Some(true);
        let num = |v: &Value| if measured { Cell::of(v) } else { Cell::Empty };
        let mut row = vec![
            Cell::text(&e["method"]),
            Cell::text(&e["file_mode"]),
            Cell::Text(if measured { "yes" } else { "no" }.into()),
            num(&e["commits"]),
            num(&e["commits_per_s"]),
            if measured { bw } else { Cell::Empty },
        ];
        row.extend(latency_cells(&e["commit_latency_ns"]));
        row.push(Cell::of(&e["write_latency_ns"]["percentiles"]["99"]));
        row.push(Cell::of(&e["sync_latency_ns"]["percentiles"]["99"]));
        row.push(Cell::text(&e["note"]));
        rows.push(row);
    }
    let latency = LATENCY.map(|mut c| {
        c.title = match c.key {
            "lat_mean_ns" => "commit mean [µs]",
            "lat_p50_ns" => "commit p50 [µs]",
            "lat_p90_ns" => "commit p90 [µs]",
            "lat_p99_ns" => "commit p99 [µs]",
            "lat_p99.9_ns" => "commit p99.9 [µs]",
            _ => "commit max [µs]",
        };
        c
    });
    Table { columns: HEAD.into_iter().chain(latency).chain(TAIL).collect(), rows }
}
