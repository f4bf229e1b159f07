//! Stderr as a bar's terminal, two columns short of its real width.
//!
//! indicatif pads each bar line to the terminal's full width, leaving the
//! cursor in the last column, so the next character starts a new line. A
//! typed Ctrl-C echoes `^C` there: the cursor moves down a line and the
//! bar's clear then wipes that line instead of the bar, leaving the bar
//! stale above the partial summary. Two columns of margin keep `^C` on the
//! bar's own line, where the clear finds it.

use std::io;

use console::Term;
use indicatif::TermLike;

/// Stderr, reporting its width two columns short.
#[derive(Debug)]
pub struct Margined(Term);

impl Margined {
    /// Stderr.
    pub fn stderr() -> Self {
        Self(Term::stderr())
    }
}

impl TermLike for Margined {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(2).max(1)
    }

    fn height(&self) -> u16 {
        self.0.size().0
    }

    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_up(n)
    }

    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_down(n)
    }

    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_right(n)
    }

    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        self.0.move_cursor_left(n)
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        self.0.write_line(s)
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        self.0.write_str(s)
    }

    fn clear_line(&self) -> io::Result<()> {
        self.0.clear_line()
    }

    fn flush(&self) -> io::Result<()> {
        self.0.flush()
    }
}
