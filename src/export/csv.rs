//! A [`Table`] as CSV (RFC 4180: a header line, comma separated, a field
//! with a comma, quote or line break quoted): numbers raw, in the unit the
//! column name states.

use super::{Cell, Table};

/// The CSV text, header first, one line per row.
pub fn render(table: &Table) -> String {
    let mut out = String::new();
    let header: Vec<String> = table.columns.iter().map(|c| field(c.key)).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(cell).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(s) => field(s),
        Cell::Num(n) => number(*n),
        Cell::Empty => String::new(),
    }
}

/// An integer without a fraction, anything else with at most 3 decimals
/// (trailing zeros dropped).
pub(super) fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{n:.0}");
    }
    let s = format!("{n:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Column;

    #[test]
    fn quotes_what_needs_quoting_and_keeps_numbers_raw() {
        let table = Table {
            columns: vec![Column::plain("op", "op"), Column::ns("p99_ns", "p99 [µs]")],
            rows: vec![
                vec![Cell::Text("fdatasync, \"append\"".into()), Cell::Num(81_919.0)],
                vec![Cell::Text("read".into()), Cell::Num(0.12345)],
                vec![Cell::Text("x".into()), Cell::Empty],
            ],
        };
        assert_eq!(render(&table), "op,p99_ns\n\"fdatasync, \"\"append\"\"\",81919\nread,0.123\nx,\n");
    }
}
