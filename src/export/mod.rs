//! CSV and markdown exports of a report (`--csv FILE`, `--markdown FILE`,
//! `-` for stdout), beside `--json`.
//!
//! The exporters see only the typed report ([`crate::model::Report`]),
//! never the run: [`table`] turns it into a [`Table`] (one row per op kind for bench, per method and
//! file mode for wal, per job and op for a suite (`jdbio run`), per metric for gate), and
//! [`csv`] and [`markdown`] draw that table. CSV keeps raw numbers with the
//! unit in each column name (`p99_ns`); markdown scales them for people
//! with the unit in the heading (`p99 [µs]`).

mod bench;
pub mod csv;
mod gate;
pub mod markdown;
mod suite;
pub mod text;
mod wal;

use clap::Args;

use crate::{
    error::AppError,
};
use crate::model::{Body, LatencySummary, Percentile, Report};

/// `--csv FILE` and `--markdown FILE`, for the commands whose report is a table.
#[derive(Debug, Clone, Default, Args)]
pub struct ExportArgs {
    /// Write the results as CSV (one row per op kind, method or job; units
    /// in the column names) to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<String>,
    /// Write the results as a GitHub-flavoured markdown table to FILE, or to
    /// stdout with `-`.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<String>,
}

impl ExportArgs {
    /// Substitutes `{rank}` and `{host}` in `--csv` and `--markdown`.
    pub fn substitute(&mut self, sub: &crate::hosts::rank::Substitute) -> Result<(), AppError> {
        sub.string("--csv", &mut self.csv)?;
        sub.string("--markdown", &mut self.markdown)
    }

    /// `(flag, value)` of each export asked for, for the preflight.
    pub fn outputs(&self) -> Vec<(&'static str, String)> {
        let csv = self.csv.iter().map(|v| ("--csv", v.clone()));
        csv.chain(self.markdown.iter().map(|v| ("--markdown", v.clone()))).collect()
    }

    /// `(flag, dest, text)` of each export asked for of `report`, in the
    /// order they are written (CSV, then markdown).
    pub fn render<'a>(&'a self, report: &Report) -> Result<Vec<(&'static str, &'a str, String)>, AppError> {
        if self.csv.is_none() && self.markdown.is_none() {
            return Ok(Vec::new());
        }
        let table = table(report)?;
        let csv = self.csv.as_deref().map(|dest| ("--csv", dest, csv::render(&table)));
        let markdown = self.markdown.as_deref().map(|dest| ("--markdown", dest, markdown::render(&table)));
        Ok(csv.into_iter().chain(markdown).collect())
    }
}

/// One column: its CSV name (raw unit in the name), its markdown heading,
/// and how a number is shown in markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// CSV header, e.g. `p99_ns`.
    pub key: &'static str,
    /// Markdown heading, e.g. `p99 [µs]`.
    pub title: &'static str,
    /// Markdown shows a number divided by this.
    pub scale: f64,
    /// Markdown decimals.
    pub decimals: usize,
}

impl Column {
    /// A text column, or a number shown as is in markdown.
    pub const fn plain(key: &'static str, title: &'static str) -> Self {
        Self { key, title, scale: 1.0, decimals: 0 }
    }

    /// A number shown in markdown as `value / scale` with `decimals`.
    pub const fn scaled(key: &'static str, title: &'static str, scale: f64, decimals: usize) -> Self {
        Self { key, title, scale, decimals }
    }

    /// Nanoseconds, shown in microseconds.
    pub const fn ns(key: &'static str, title: &'static str) -> Self {
        Self::scaled(key, title, 1e3, 1)
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Num(f64),
    /// Not measured (an unsupported wal method, a gate row without spread).
    Empty,
}

impl Cell {
    /// A number, or [`Cell::Empty`] for none.
    pub fn of(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Num)
    }

    /// A count.
    pub fn count(n: u64) -> Self {
        Cell::Num(n as f64)
    }

    /// Text, or [`Cell::Empty`] for none.
    pub fn text(v: Option<&str>) -> Self {
        v.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }
}

/// A report as rows under columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// The table of `report`: chosen by its `command`.
pub fn table(report: &Report) -> Result<Table, AppError> {
    match &report.body {
        Body::Gate(g) => Ok(gate::table(&g.gate)),
        Body::Bench(b) => Ok(bench::table(report, b)),
        Body::Wal(w) => Ok(wal::table(&w.wal)),
        Body::Run(s) => Ok(suite::table(&s.suite)),
        other => Err(AppError::Usage(format!("--csv/--markdown: no table for a {} report", other.command()))),
    }
}

/// The latency columns every per-op table has, in nanoseconds.
const LATENCY: [Column; 6] = [
    Column::ns("lat_mean_ns", "mean [µs]"),
    Column::ns("lat_p50_ns", "p50 [µs]"),
    Column::ns("lat_p90_ns", "p90 [µs]"),
    Column::ns("lat_p99_ns", "p99 [µs]"),
    Column::ns("lat_p99.9_ns", "p99.9 [µs]"),
    Column::ns("lat_max_ns", "max [µs]"),
];

/// The percentile `key` of `lat` as a cell (empty when absent).
fn percentile(lat: Option<&LatencySummary>, key: Percentile) -> Cell {
    Cell::of(lat.and_then(|l| l.at(key)).map(|v| v as f64))
}

/// The cells of [`LATENCY`] from a latency summary (empty when none).
fn latency_cells(lat: Option<&LatencySummary>) -> Vec<Cell> {
    let p = |k: Percentile| percentile(lat, k);
    vec![
        Cell::of(lat.map(|l| l.mean)),
        p(Percentile::P50),
        p(Percentile::P90),
        p(Percentile::P99),
        p(Percentile::P999),
        Cell::of(lat.map(|l| l.max as f64)),
    ]
}
