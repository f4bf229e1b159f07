//! The gate table: one row per compared metric, the unit of its values in
//! a column of its own (metrics of one table differ in unit).

use serde_json::Value;

use super::{Cell, Column, Table};

const COLUMNS: [Column; 9] = [
    Column::plain("op", "op"),
    Column::plain("metric", "metric"),
    Column::plain("unit", "unit"),
    Column::scaled("baseline", "baseline", 1.0, 1),
    Column::scaled("current", "current", 1.0, 1),
    Column::scaled("change_pct", "change [%]", 1.0, 1),
    Column::scaled("limit_pct", "limit [%]", 1.0, 0),
    Column::plain("beyond_spread", "beyond spread"),
    Column::plain("verdict", "verdict"),
];

/// The table of a gate report (its `gate` section's rows).
pub fn table(report: &Value) -> Table {
    let rows = report["gate"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            vec![
                // cpu_per_io is measured over the whole report, not per op.
                if r["op"].is_null() { Cell::Text("all".into()) } else { Cell::text(&r["op"]) },
                Cell::text(&r["metric"]),
                Cell::text(&r["unit"]),
                Cell::of(&r["baseline"]),
                Cell::of(&r["current"]),
                Cell::of(&r["change_pct"]),
                Cell::of(&r["limit_pct"]),
                Cell::text(&r["beyond_spread"]),
                Cell::text(&r["verdict"]),
            ]
        })
        .collect();
    Table { columns: COLUMNS.to_vec(), rows }
}
