//! Scratch files that a subcommand creates when the user names no target:
//! created in the current directory, removed on drop unless kept.

use std::path::PathBuf;

/// A scratch file path, removed when dropped unless `keep`.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
    keep: bool,
}

impl Scratch {
    /// `name` in the current directory. Nothing is created yet.
    pub fn new(name: &str, keep: bool) -> Self {
        Self { path: PathBuf::from(name), keep }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
