//! The suite table (`jdbio run`): one row per job and op kind for a bench
//! job, per job and (sync method, file mode) for a wal job, with the same
//! headline numbers for both (a wal row's IOPS are commits per second and
//! its latency the commit latency); a job that left no report keeps a row
//! with its error. A suite run in rounds has a row per round, each job's
//! rounds together.

use super::{Cell, Column, Table, percentile};
use crate::model::Percentile;
use crate::model::{Body, LatencySummary, suite::SuiteSection};

const COLUMNS: [Column; 12] = [
    Column::plain("job", "job"),
    Column::plain("round", "round"),
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

/// The table of a suite report's `suite` section.
pub fn table(suite: &SuiteSection) -> Table {
    let mut rows = Vec::new();
    // Each job's rounds together, the jobs in the order they first ran.
    let mut order: Vec<&str> = Vec::new();
    for job in &suite.jobs {
        if !order.contains(&job.name.as_str()) {
            order.push(&job.name);
        }
    }
    let grouped = order.iter().flat_map(|name| suite.jobs.iter().filter(move |j| j.name == *name));
    for job in grouped {
        let report = job.report.as_deref();
        let status = match &job.error {
            Some(e) => Cell::Text(format!("failed: {e}")),
            None if report.is_some_and(|r| r.interrupted) => Cell::Text("interrupted".into()),
            None => Cell::Text("ok".into()),
        };
        let lead = |op: String| {
            vec![
                Cell::Text(job.name.clone()),
                Cell::Text(job.round.to_string()),
                Cell::Text(job.command.clone()),
                Cell::Text(op),
            ]
        };
        let before = rows.len();
        for (op, res) in report.map(|r| &r.results).into_iter().flatten() {
            let mut row = lead(op.clone());
            row.extend([Cell::count(res.ops), Cell::Num(res.iops), Cell::Num(res.bw_bytes_per_s)]);
            row.extend(percentiles(Some(&res.latency_ns)));
            row.push(status.clone());
            rows.push(row);
        }
        let entries = report.and_then(|r| match &r.body {
            Body::Wal(w) => Some(&w.wal.entries),
            _ => None,
        });
        for e in entries.into_iter().flatten().filter(|e| e.supported) {
            let op = format!("{} {}", e.method.name(), e.file_mode.name());
            let bw = if e.duration_s > 0.0 { Cell::Num(e.bytes as f64 / e.duration_s) } else { Cell::Empty };
            let mut row = lead(op);
            row.extend([Cell::count(e.commits), Cell::Num(e.commits_per_s), bw]);
            row.extend(percentiles(e.commit_latency_ns.as_ref()));
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

/// p50, p99, p99.9 and max of `lat`.
fn percentiles(lat: Option<&LatencySummary>) -> [Cell; 4] {
    let p = |k: Percentile| percentile(lat, k);
    [p(Percentile::P50), p(Percentile::P99), p(Percentile::P999), Cell::of(lat.map(|l| l.max as f64))]
}
