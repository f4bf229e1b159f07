//! The gate table: one row per compared metric, the unit of its values in
//! a column of its own (metrics of one table differ in unit).

use super::{Cell, Column, Table};
use crate::model::gate::Outcome;

const COLUMNS: [Column; 13] = [
    Column::plain("job", "job"),
    Column::plain("op", "op"),
    Column::plain("metric", "metric"),
    Column::plain("unit", "unit"),
    Column::scaled("baseline", "baseline", 1.0, 1),
    Column::scaled("current", "current", 1.0, 1),
    Column::scaled("change_pct", "change [%]", 1.0, 1),
    Column::scaled("interval_low_pct", "interval low [%]", 1.0, 1),
    Column::scaled("interval_high_pct", "interval high [%]", 1.0, 1),
    Column::scaled("limit_pct", "limit [%]", 1.0, 0),
    Column::scaled("detectable_pct", "detectable [%]", 1.0, 1),
    Column::plain("needed_repetitions", "needed repetitions"),
    Column::plain("verdict", "verdict"),
];

/// The table of a gate report's `gate` section.
pub fn table(outcome: &Outcome) -> Table {
    let rows = outcome
        .rows
        .iter()
        .map(|r| {
            vec![
                r.job.clone().map_or(Cell::Empty, Cell::Text),
                // cpu_per_io is measured over the whole report, not per op.
                Cell::Text(r.op.clone().unwrap_or_else(|| "all".into())),
                Cell::Text(r.metric.key().into()),
                Cell::Text(r.unit.key().into()),
                Cell::Num(r.baseline),
                Cell::Num(r.current),
                Cell::of(r.change_pct),
                Cell::of(r.interval_pct.map(|[lo, _]| lo)),
                Cell::of(r.interval_pct.map(|[_, hi]| hi)),
                Cell::Num(r.limit_pct),
                Cell::of(r.detectable_pct),
                Cell::Text(r.needed_repetitions.to_string()),
                Cell::Text(r.verdict.key().into()),
            ]
        })
        .collect();
    Table { columns: COLUMNS.to_vec(), rows }
}
