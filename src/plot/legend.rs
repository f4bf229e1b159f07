//! The legend, in its own column right of the charts so it never hides a
//! line: each report's heading, then a sample of each of its lines' colour
//! and dash followed by the line's text.

use plotters::{
    element::DashedPathElement,
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use super::{
    draw::{Area, DrawResult, PALETTE},
    figure::Entry,
};

/// Font size (as plotters takes it) and row height, when there is room.
const FONT: f64 = 18.0;
const ROW: i32 = 24;
/// Left of a line's text: the line sample sits in front of it.
const TEXT_X: i32 = 46;
/// Left of a heading.
const HEADING_X: i32 = 6;
/// Width of one character, in SVG font sizes, for a sans-serif face.
const CHAR_EM: f64 = 0.58;

/// The column width for `entries` in a picture `total` pixels wide: room
/// for the longest text, at most 40% of the picture.
pub fn width(entries: &[Entry], total: u32) -> i32 {
    let wanted = entries
        .iter()
        .map(|e| {
            let (x, text) = place(e);
            x + (text.chars().count() as f64 * FONT / 1.24 * CHAR_EM) as i32 + 16
        })
        .max()
        .unwrap_or(0);
    wanted.clamp(160, (total as i32 * 2 / 5).max(160))
}

/// Draws `entries` in `area`, the first row `top` pixels down; rows shrink
/// to fit the height, texts are cut with "…" to fit the width.
pub fn draw(area: &Area, entries: &[Entry], top: i32) -> DrawResult<()> {
    let headings = entries.iter().filter(|e| matches!(e, Entry::Heading(_))).count().saturating_sub(1);
    // A third of a row between one report's lines and the next heading.
    let rows = entries.len() as f64 + headings as f64 / 3.0;
    if rows == 0.0 {
        return Ok(());
    }
    let (w, h) = area.dim_in_pixel();
    let room = (h as i32 - top - 8).max(0);
    let row = ((f64::from(room) / rows) as i32).clamp(6, ROW);
    let font = (FONT * f64::from(row) / f64::from(ROW)).max(8.0);
    let text = TextStyle::from(("sans-serif", font).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    let bold = TextStyle::from(("sans-serif", font).into_font().style(FontStyle::Bold))
        .color(&RGBColor(0x33, 0x33, 0x33))
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = top + row / 2;
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 && matches!(entry, Entry::Heading(_)) {
            y += row / 3;
        }
        let (x, label) = place(entry);
        let fits = ((w as i32 - x - 4) as f64 / (font / 1.24 * CHAR_EM)) as usize;
        match entry {
            Entry::Heading(_) => area.draw_text(&cut(label, fits), &bold, (x, y))?,
            Entry::Line(_, style) => {
                let shape = PALETTE[style.color].stroke_width(2);
                let sample = vec![(HEADING_X + 4, y), (TEXT_X - 8, y)];
                match style.dash {
                    0 => area.draw(&PathElement::new(sample, shape))?,
                    1 => area.draw(&DashedPathElement::new(sample, 10, 6, shape))?,
                    _ => area.draw(&DashedPathElement::new(sample, 2, 5, shape))?,
                }
                area.draw_text(&cut(label, fits), &text, (x, y))?;
            }
        }
        y += row;
    }
    Ok(())
}

/// Where an entry's text starts, and the text.
fn place(entry: &Entry) -> (i32, &str) {
    match entry {
        Entry::Heading(text) => (HEADING_X, text),
        Entry::Line(text, _) => (TEXT_X, text),
    }
}

/// `text` cut to `max` characters, the last one "…".
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::figure::Style;

    #[test]
    fn long_texts_are_cut() {
        assert_eq!(cut("randread 4k qd32", 100), "randread 4k qd32");
        assert_eq!(cut("randread 4k qd32", 9), "randread…");
    }

    #[test]
    fn the_column_fits_the_text_within_bounds() {
        let line = |t: &str| Entry::Line(t.into(), Style { color: 0, dash: 0 });
        assert_eq!(width(&[line("x")], 1000), 160);
        assert_eq!(width(&[line(&"x".repeat(500))], 1000), 400);
        assert!(width(&[Entry::Heading("x".repeat(30))], 1000) < width(&[line(&"x".repeat(30))], 1000));
    }
}
