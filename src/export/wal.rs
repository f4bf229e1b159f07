//! The wal table: one row per (sync method, file mode), the commit latency
//! (write plus sync: what a transaction waits for) in full, the write and
//! sync calls' p99 beside it; an unsupported method keeps its row, empty,
//! with the reason in `note`.

use super::{Cell, Column, LATENCY, Table, latency_cells, percentile};
use crate::model::Percentile;
use crate::model::wal::WalSection;

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
/// The table of a wal report's `wal` section.
pub fn table(wal: &WalSection) -> Table {
    let mut rows = Vec::new();
    for e in &wal.entries {
        let measured = e.supported;
        let num = |v: f64| if measured { Cell::Num(v) } else { Cell::Empty };
        let bw = if measured && e.duration_s > 0.0 { Cell::Num(e.bytes as f64 / e.duration_s) } else { Cell::Empty };
        let mut row = vec![
            Cell::Text(e.method.name().into()),
            Cell::Text(e.file_mode.name().into()),
            Cell::Text(if measured { "yes" } else { "no" }.into()),
            num(e.commits as f64),
            num(e.commits_per_s),
            bw,
        ];
        row.extend(latency_cells(e.commit_latency_ns.as_ref()));
        row.push(percentile(e.write_latency_ns.as_ref(), Percentile::P99));
        row.push(percentile(e.sync_latency_ns.as_ref(), Percentile::P99));
        row.push(Cell::text(e.note.as_deref()));
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
