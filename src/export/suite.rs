//! The suite table (`jdbio run`): one row per job and op kind for a bench
//! job, per job and (sync method, file mode) for a wal job, with the same
//! headline numbers for both (a wal row's IOPS are commits per second and
//! its latency the commit latency); a job that left no report keeps a row
//! with its error.

use serde_json::Value;

use super::{Cell, Column, Table};

const COLUMNS: [Column; 11] = [
    Column::plain("job", "job"),
    Column::plain("command", "command"),
    Column::plain("op", "op"),
    Column::plain("ops", "ops"),
    Column::scaled("iops", "IOPS", 1.0, 0),
    Column::scaled("bw_bytes_per_s", "bw [MiB/s]", 1048576.0, 1),
    Column::ns("lat_p50_ns", "p50 [µs]"),
    Column::ns("lat_p99_ns", "p99 [µs]"),
    Column::ns("lat_p99.9_ns", "p99.9 [µs]"),
    Column::ns("lat_max_ns", "max [µs]"),
    Column::plain("status", "status"),
];

/// The table of a suite report.
pub fn table(report: &Value) -> Table {
    let mut rows = Vec::new();
    for job in report["suite"]["jobs"].as_array().into_iter().flatten() {
        let status = match &job["error"] {
            Value::String(e) => Cell::Text(format!("failed: {e}")),
            _ if job["report"]["interrupted"] == true => Cell::Text("interrupted".into()),
            _ => Cell::Text("ok".into()),
        };
        let lead = |op: String| vec![Cell::text(&job["name"]), Cell::text(&job["command"]), Cell::Text(op)];
        let before = rows.len();
        let r = &job["report"];
        for (op, res) in r["results"].as_object().into_iter().flatten() {
            let mut row = lead(op.clone());
            row.extend(["ops", "iops", "bw_bytes_per_s"].map(|k| Cell::of(&res[k])));
            row.extend(percentiles(&res["latency_ns"]));
            row.push(status.clone());
            rows.push(row);
        }
        for e in r["wal"]["entries"].as_array().into_iter().flatten().filter(|e| e["supported"] == true) {
            let op = format!("{} {}", e["method"].as_str().unwrap_or("?"), e["file_mode"].as_str().unwrap_or("?"));
            let secs = e["duration_s"].as_f64().unwrap_or(0.0);
            let bw = e["bytes"].as_f64().filter(|_| secs > 0.0).map_or(Cell::Empty, |b| Cell::Num(b / secs));
            let mut row = lead(op);
            row.extend([Cell::of(&e["commits"]), Cell::of(&e["commits_per_s"]), bw]);
            row.extend(percentiles(&e["commit_latency_ns"]));
            row.push(status.clone());
            rows.push(row);
        }
        if rows.len() == before {
            let mut row = lead(String::new());
            row.extend(std::iter::repeat_n(Cell::Empty, 7));
            row.push(status);
            rows.push(row);
        }
    }
    Table { columns: COLUMNS.to_vec(), rows }
}

fn percentiles(lat: &Value) -> [Cell; 4] {
    let p = |k: &str| Cell::of(&lat["percentiles"][k]);
    [p("50"), p("99"), p("99.9"), Cell::of(&lat["max"])]
}
