//! Where the human-readable text of a run goes: stdout, or stderr when an
//! output of the run (`--json -`, `--csv -`) took stdout. A broken pipe is
//! not an error.

use std::io::{self, Write};

/// Where the human-readable text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    Stdout,
    Stderr,
}

impl Sink {
    /// Stderr when an output takes stdout, else stdout.
    pub fn avoiding(stdout_taken: bool) -> Self {
        if stdout_taken { Sink::Stderr } else { Sink::Stdout }
    }

    /// Prints a human summary, its lines fitted to 100 columns.
    pub fn summary(self, text: &str) {
        self.print(&crate::report::fit(text));
    }

    /// Writes `text`; a closed pipe is ignored.
    pub fn print(self, text: &str) {
        let result = match self {
            Sink::Stdout => io::stdout().lock().write_all(text.as_bytes()),
            Sink::Stderr => io::stderr().lock().write_all(text.as_bytes()),
        };
        drop(result);
    }
}
