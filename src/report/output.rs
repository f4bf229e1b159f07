//! Where output goes: reports and files to the [`OutputPath`]s prepared
//! before the run ([`prepare`]), or to stdout (`-`); the human summary to
//! stdout, or to stderr when stdout carries JSON. A broken pipe on stdout is
//! not an error.
//!
//! [`prepare`] runs before any command touches its target, so a bad output
//! path costs nothing; each file is replaced whole when the command writes
//! it (an old report keeps its bytes until then), and [`finish`] removes
//! those it created but never wrote.

use std::{
    io::{self, Write},
    path::{Path, PathBuf},
    sync::{
        Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
    },
};

use serde::Serialize;

use super::output_path::{self, OutputPath};
use crate::error::AppError;

/// The outputs checked and created before the run, and the paths the
/// command reads or writes (which no output may be).
#[derive(Debug, Default)]
struct Prepared {
    outputs: Vec<OutputPath>,
    inputs: Vec<PathBuf>,
    /// The outputs written so far, or tried and failed, by value ("-" for
    /// stdout).
    tried: Vec<String>,
}

/// True when an output prepared for this run goes to stdout, so every
/// human-readable text goes to stderr (a suite's jobs print their summaries
/// while the suite's `--json -` holds stdout).
static STDOUT_TAKEN: AtomicBool = AtomicBool::new(false);

static PREPARED: Mutex<Prepared> =
    Mutex::new(Prepared { outputs: Vec::new(), inputs: Vec::new(), tried: Vec::new() });

fn prepared() -> MutexGuard<'static, Prepared> {
    PREPARED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a command will write besides its target, named before the run.
#[derive(Debug, Default)]
pub struct OutputPlan {
    /// `(flag, value)` of each output jdbio writes at the end ("-" is stdout).
    pub outputs: Vec<(&'static str, String)>,
    /// `(flag, path)` of each file the command creates itself during the
    /// run (the ack log): checked, not created here.
    pub checked: Vec<(&'static str, PathBuf)>,
    /// Every path the command reads or writes: the target, its scratch
    /// files, input reports.
    pub inputs: Vec<PathBuf>,
}

/// Checks every output of `plan` and creates the missing files; exit 2
/// naming the flag and path of the first that is refused or cannot be
/// created (the ones created before it are removed again).
pub fn prepare(plan: OutputPlan) -> Result<(), AppError> {
    let mut outputs = Vec::new();
    walk(&plan, |flag, value, taken| {
        outputs.push(OutputPath::open(flag, value, taken)?);
        Ok(())
    })?;
    STDOUT_TAKEN.store(plan.outputs.iter().any(|(_, v)| v == "-"), Ordering::Relaxed);
    let mut p = prepared();
    p.outputs = outputs;
    p.inputs = plan.inputs;
    Ok(())
}

/// The checks of [`prepare`] without creating or opening anything
/// (`--dry-run`): the same refusals, and a missing output's directory
/// must exist.
pub fn check(plan: &OutputPlan) -> Result<(), AppError> {
    walk(plan, OutputPath::check_only)
}

/// Checks the stdout outputs and the `checked` paths of `plan`, then gives
/// each output to `each` with the paths it must not be: the inputs and the
/// outputs before it, so no two outputs share a file either.
fn walk(
    plan: &OutputPlan,
    mut each: impl FnMut(&str, &str, &[PathBuf]) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let stdout: Vec<String> = plan.outputs.iter().filter(|(_, v)| v == "-").map(|(f, _)| format!("{f} -")).collect();
    if stdout.len() > 1 {
        return Err(AppError::Usage(format!("{}: only one output can go to stdout", stdout.join(", "))));
    }
    for (flag, path) in &plan.checked {
        output_path::check(flag, path, &plan.inputs)?;
    }
    let mut taken: Vec<PathBuf> = plan.inputs.iter().chain(plan.checked.iter().map(|(_, p)| p)).cloned().collect();
    for (flag, value) in &plan.outputs {
        each(flag, value, &taken)?;
        if value != "-" {
            taken.push(PathBuf::from(value));
        }
    }
    Ok(())
}

/// Calls [`finish`] when dropped: however the run ends.
#[derive(Debug)]
pub struct Finished;

impl Drop for Finished {
    fn drop(&mut self) {
        finish();
    }
}

/// Removes the outputs created by [`prepare`] that the run never wrote.
pub fn finish() {
    let mut p = prepared();
    p.outputs.clear();
    p.inputs.clear();
    p.tried.clear();
}

/// Whether the output `dest` ("-" for stdout) has been written in this run,
/// or a write of it failed (and was reported).
pub fn tried(dest: &str) -> bool {
    prepared().tried.iter().any(|w| w == dest)
}

/// Writes `bytes` to the output `dest` given with `flag` ("-" is stdout):
/// through the file [`prepare`] opened, or, for one it did not see, after
/// the same checks.
pub fn write_output(flag: &str, dest: &str, bytes: &[u8]) -> Result<(), AppError> {
    write_output_with(flag, dest, &mut |w| w.write_all(bytes))
}

/// [`write_output`] of what `put` writes, streamed (buffered) to `dest`.
fn write_output_with(
    flag: &str,
    dest: &str,
    put: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<(), AppError> {
    let mut p = prepared();
    let result = match p.outputs.iter_mut().find(|o| o.value() == dest) {
        Some(out) => out.write_with(put),
        None => OutputPath::open(flag, dest, &p.inputs).and_then(|mut out| out.write_with(put)),
    };
    p.tried.push(dest.to_string());
    result
}

/// Writes `bytes` to a file output named by its path (`--hlog`, `--hgrm`
/// and the per-kind files derived from it, `out.read.hgrm`).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let flag = {
        let p = prepared();
        let base = |o: &&OutputPath| {
            let v = PathBuf::from(o.value());
            v.parent() == path.parent()
                && v.file_stem()
                    .zip(path.file_name())
                    .is_some_and(|(stem, name)| name.to_string_lossy().starts_with(&*stem.to_string_lossy()))
        };
        p.outputs.iter().filter(base).find_map(|o| match o {
            OutputPath::File { flag, .. } => Some(flag.clone()),
            OutputPath::Stdout => None,
        })
    };
    write_output(flag.as_deref().unwrap_or("output"), &path.display().to_string(), bytes)
}

/// Where the human-readable text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    Stdout,
    Stderr,
}

impl Sink {
    /// Stderr when JSON (or any prepared output) is going to stdout, else stdout.
    pub fn for_json_dest(json: Option<&str>) -> Self {
        Self::avoiding(&[json])
    }

    /// Stderr when any of `outputs`, or any output prepared for this run,
    /// goes to stdout (`-`), else stdout.
    pub fn avoiding(outputs: &[Option<&str>]) -> Self {
        if outputs.contains(&Some("-")) || STDOUT_TAKEN.load(Ordering::Relaxed) { Sink::Stderr } else { Sink::Stdout }
    }

    /// Prints a human summary, its lines fitted to 100 columns.
    pub fn summary(self, text: &str) {
        self.print(&super::fit::fit(text));
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

/// The end of a command that reports rows (wal, prealloc) after its JSON
/// and summary are out: a note when a signal cut the rows short, then the
/// run's failure, the interruption, or success.
pub fn conclude_rows(sink: Sink, interrupted: bool, failure: Option<AppError>) -> Result<(), AppError> {
    if interrupted {
        let by = crate::interrupt::signal_name().unwrap_or("a signal");
        sink.summary(&format!("  note: interrupted by {by}; the rows above are what was measured up to then\n"));
    }
    match failure {
        Some(e) => Err(e),
        None if interrupted => Err(AppError::Interrupted),
        None => Ok(()),
    }
}

/// Writes `value` as pretty JSON to `dest` ("-" is stdout), the `--json`
/// output prepared before the run, streamed: a report of many series rows
/// is never held as text.
pub fn write_json<T: Serialize>(value: &T, dest: &str) -> Result<(), AppError> {
    write_output_with("--json", dest, &mut |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::from)?;
        w.write_all(b"\n")
    })
}
