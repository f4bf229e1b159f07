//! A [`Table`] as aligned plain text for a terminal (the `jdbio run`
//! summary): the markdown headings and units, columns padded, numbers
//! right-aligned, `-` for what was not measured.

use super::{Cell, Table};

/// The table, two spaces before each line.
pub fn render(table: &Table) -> String {
    let cells: Vec<Vec<(String, bool)>> = table
        .rows
        .iter()
        .map(|row| {
            table
                .columns
                .iter()
                .zip(row)
                .map(|(c, cell)| match cell {
                    Cell::Text(s) => (s.clone(), false),
                    Cell::Num(n) => (format!("{:.*}", c.decimals, n / c.scale), true),
                    Cell::Empty => ("-".into(), true),
                })
                .collect()
        })
        .collect();
    let mut width: Vec<usize> = table.columns.iter().map(|c| c.title.chars().count()).collect();
    for row in &cells {
        for (w, (s, _)) in width.iter_mut().zip(row) {
            *w = (*w).max(s.chars().count());
        }
    }
    let line = |row: Vec<(&str, bool)>| {
        let mut s = String::from(" ");
        for ((text, right), w) in row.into_iter().zip(&width) {
            let pad = " ".repeat(w - text.chars().count());
            s.push(' ');
            if right { s.push_str(&format!("{pad}{text}")) } else { s.push_str(&format!("{text}{pad}")) }
        }
        format!("{}\n", s.trim_end())
    };
    let numeric: Vec<bool> =
        (0..table.columns.len()).map(|i| table.rows.iter().any(|r| matches!(r.get(i), Some(Cell::Num(_))))).collect();
    let mut out = line(table.columns.iter().zip(&numeric).map(|(c, &n)| (c.title, n)).collect());
    for row in &cells {
        out.push_str(&line(row.iter().map(|(s, r)| (s.as_str(), *r)).collect()));
    }
    out
}

/// The table within `max` columns: while a line is wider, the rightmost
/// numeric column is left out. Returns the text and the titles left out.
pub fn render_within(table: &Table, max: usize) -> (String, Vec<&'static str>) {
    let mut table = table.clone();
    let mut dropped = Vec::new();
    loop {
        let text = render(&table);
        let wide = text.lines().any(|l| l.chars().count() > max);
        let numeric = (0..table.columns.len())
            .rev()
            .find(|&i| table.rows.iter().any(|r| matches!(r.get(i), Some(Cell::Num(_)))));
        match (wide, numeric) {
            (true, Some(i)) => {
                dropped.insert(0, table.columns.remove(i).title);
                for row in &mut table.rows {
                    if i < row.len() {
                        row.remove(i);
                    }
                }
            }
            _ => return (text, dropped),
        }
    }
}
