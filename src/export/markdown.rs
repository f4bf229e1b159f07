//! A [`Table`] as a GitHub-flavoured markdown table: text left-aligned,
//! numbers right-aligned and scaled to the unit in their heading, `-` for
//! what was not measured.

use super::{Cell, Table};

/// The markdown table, one line per row.
pub fn render(table: &Table) -> String {
    let numeric: Vec<bool> =
        (0..table.columns.len()).map(|i| table.rows.iter().any(|r| matches!(r.get(i), Some(Cell::Num(_))))).collect();
    let mut out = String::from("|");
    for c in &table.columns {
        out.push_str(&format!(" {} |", escape(c.title)));
    }
    out.push_str("\n|");
    for &num in &numeric {
        out.push_str(if num { "---:|" } else { ":---|" });
    }
    out.push('\n');
    for row in &table.rows {
        out.push('|');
        for (c, cell) in table.columns.iter().zip(row) {
            let text = match cell {
                Cell::Text(s) => escape(s),
                Cell::Num(n) => format!("{:.*}", c.decimals, n / c.scale),
                Cell::Empty => "-".into(),
            };
            out.push_str(&format!(" {text} |"));
        }
        out.push('\n');
    }
    out
}

/// A pipe would end the cell; a line break would end the row.
fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Column;

    #[test]
    fn scales_numbers_and_aligns_them_right() {
        let table = Table {
            columns: vec![Column::plain("op", "op"), Column::ns("p99_ns", "p99 [µs]")],
            rows: vec![vec![Cell::Text("a|b".into()), Cell::Num(81_919.0)], vec![Cell::Text("c".into()), Cell::Empty]],
        };
        assert_eq!(render(&table), "| op | p99 [µs] |\n|:---|---:|\n| a\\|b | 81.9 |\n| c | - |\n");
    }
}
