//! `jdbio align`: the alignment a target demands, proven by trying, and a
//! check that the Direct I/O library refuses every request the kernel would
//! reject.
//!
//! Flow: [`args::AlignArgs`] -> [`plan::AlignPlan`] (validation before I/O)
//! -> the target's reported requirement ([`crate::target::probe`]) -> the
//! [`cases`] matrix run twice: by the [`kernel`] (one raw pread/pwrite per
//! case on an O_DIRECT descriptor) and by the [`library`]
//! ([`crate::dio::File`]) -> [`summary`]: each case is a match, a superset
//! (the library refuses what the kernel accepts: allowed) or a violation
//! (the library lets through what the kernel rejects: exit 1).
//!
//! The report's `align` section is [`summary::Section`]: `reported`,
//! `library_alignment`, `kernel_min` / `library_min` (smallest accepted
//! offset, length and buffer address), `cases` (each with `kernel`,
//! `library` and `verdict`) and the counts `matches`, `violations`,
//! `superset`.

mod args;
mod dry_run;
mod cases;
mod kernel;
mod library;
pub(crate) mod plan;
mod job;
mod summary;

use std::{fs, io::Write as _, path::PathBuf};

pub use args::AlignArgs;
pub use plan::DEFAULT_TARGET;

use crate::{
    command::{Command, Delivery, Outcome, OutputPlan, Run},
    dio::{AlignedBuf, File},
    error::AppError,
    hosts::rank::Substitute,
    report::{Body, Clock, Report},
    scratch::Scratch,
    target::{self, TargetInfo, TargetKind},
    units::human_bytes,
};

/// The case matrix for `info` (reads, and writes with `write`): its base
/// length, the cases, and the bytes `[0, span)` they touch.
fn matrix(info: &TargetInfo, write: bool) -> (usize, Vec<cases::Case>, u64) {
    let base_len = [4096, info.dio_offset_align, info.logical_block_bytes].into_iter().max().unwrap_or(4096) as usize;
    let ops: &[cases::Op] = if write { &[cases::Op::Read, cases::Op::Write] } else { &[cases::Op::Read] };
    let cases = cases::matrix(base_len, ops);
    let span = cases::span(&cases).next_multiple_of(base_len as u64);
    (base_len, cases, span)
}

/// The bytes `[0, span)` of the target the matrix touches (`--dry-run`).
pub(crate) fn span(info: &TargetInfo, write: bool) -> u64 {
    matrix(info, write).2
}

impl Command for AlignArgs {
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        sub.opt_path("TARGET", &mut self.target)?;
        sub.string("--json", &mut self.json)
    }

    fn outputs(&self) -> OutputPlan {
        let target = self.target.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_TARGET));
        OutputPlan::reading(vec![target], &self.json)
    }

    fn dry_run(&self, _run: &Run<'_>, out: &mut String) -> Result<(), AppError> {
        dry_run::text(out, self)
    }

    fn execute(&self, _run: &Run<'_>) -> Result<Outcome, AppError> {
        run(self)
    }
}

/// Runs `jdbio align`.
fn run(args: &AlignArgs) -> Result<Outcome, AppError> {
    let plan = plan::AlignPlan::from_args(args)?;
    let _scratch = plan.scratch.then(|| Scratch::new(plan::DEFAULT_TARGET, false));
    if plan.scratch {
        make_scratch(&plan)?;
    }
    let info = target::probe(&plan.path).map_err(|e| AppError::Usage(e.to_string()))?;
    let (base_len, cases, span) = matrix(&info, plan.write);
    plan.check_target(&info, span)?;

    let clock = Clock::start();
    let section = probe_both(&plan, &info, base_len, &cases, span)?;
    let summary = summary::render(&header(&plan, &info, section.restored_bytes), &section);
    let violations = section.violations;
    let mut report = Report::new(Body::Align(crate::model::align::AlignBody { job: crate::model::align::AlignJob::of(&plan), align: section }));
    report.target = Some(info);
    clock.stop(&mut report);
    let verdict = match violations {
        _ if report.interrupted => Err(AppError::Interrupted),
        0 => Ok(()),
        n => Err(AppError::CheckFailed(format!(
            "{}: the Direct I/O library let through {n} requests the kernel rejects",
            plan.path.display()
        ))),
    };
    let to = Delivery { json: plan.json.clone(), ..Delivery::default() };
    Ok(Outcome::new(report, summary, verdict, to))
}

/// Runs the matrix through the kernel, then through the library; with
/// writes on a target that is not the scratch file, saves `[0, span)` first
/// and restores it afterwards.
fn probe_both(
    plan: &plan::AlignPlan,
    info: &TargetInfo,
    base_len: usize,
    cases: &[cases::Case],
    span: u64,
) -> Result<summary::Section, AppError> {
    let path = &plan.path;
    let io_err = |action: &str, e: std::io::Error| AppError::Io(format!("{}: {action}: {e}", path.display()));
    let runtime =
        crate::io::rt::runtime().map_err(|e| AppError::Io(format!("cannot set up the io_uring runtime: {e}")))?;
    if plan.write && info.read_only {
        return Err(AppError::Usage(format!(
            "--write: {} is a read-only device, so no write can be tried (nothing was written); run align without --write",
            path.display()
        )));
    }
    // One descriptor, opened by the library as an engine opens it: the
    // kernel side issues raw syscalls on it, the library side goes through
    // `File`'s checks.
    let file = runtime.block_on(async { if plan.write { File::open_rw(path).await } else { File::open(path).await } })?;
    let raw = file.std_file();
    let mut buf = AlignedBuf::filled_from(cases::buffer_len(cases), b"jdbio align ")?;
    buf.set_io_len(buf.capacity());
    // Nothing below can fail between saving and restoring: every outcome,
    // error or not, is recorded; and a second signal waits for the restore.
    let _hold = crate::interrupt::Hold::new();
    let saved = if plan.write && !plan.scratch {
        Some(kernel::save(raw, span as usize).map_err(|e| io_err("save the region the write matrix overwrites", e))?)
    } else {
        None
    };
    let kernel_out = kernel::probe(raw, cases, &mut buf);
    let (library_out, _) = runtime.block_on(library::probe(&file, cases, buf));
    let wrote = cases.iter().zip(&kernel_out).any(|(c, k)| c.op == cases::Op::Write && k.accepted())
        || cases.iter().zip(&library_out).any(|(c, l)| c.op == cases::Op::Write && *l == library::Outcome::Done);
    let restored = match &saved {
        // Every write was refused: nothing to put back.
        Some(_) if !wrote => None,
        Some(saved) => {
            kernel::restore(raw, saved).map_err(|e| io_err("restore the region the write matrix overwrote", e))?;
            Some(span)
        }
        None => None,
    };

    let results = cases
        .iter()
        .zip(kernel_out)
        .zip(&library_out)
        .map(|((&case, k), l)| summary::CaseResult::new(case, k, l))
        .collect();
    let reported = summary::Reported {
        dio_mem_align: info.dio_mem_align,
        dio_offset_align: info.dio_offset_align,
        logical_block_bytes: info.logical_block_bytes,
        physical_block_bytes: info.physical_block_bytes,
    };
    let mut section = summary::Section::new(reported, file.alignment(), base_len, plan.write, results);
    section.restored_bytes = restored;
    Ok(section)
}

/// Creates the 1 MiB scratch file, written and synced so reads hit real blocks.
fn make_scratch(plan: &plan::AlignPlan) -> Result<(), AppError> {
    let io_err = |e: std::io::Error| AppError::Io(format!("{}: create the scratch file: {e}", plan.path.display()));
    let mut f = fs::File::create(&plan.path).map_err(io_err)?;
    let data: Vec<u8> = (0..plan::SCRATCH_BYTES).map(|i| (i % 251) as u8).collect();
    f.write_all(&data).map_err(io_err)?;
    f.sync_all().map_err(io_err)
}

/// The first line: what was probed and how.
fn header(plan: &plan::AlignPlan, info: &TargetInfo, restored: Option<u64>) -> String {
    let what = match info.kind {
        TargetKind::Block => {
            format!("block device{}", info.device.as_ref().map(|d| format!(" {d}")).unwrap_or_default())
        }
        TargetKind::File => {
            format!("file{}", info.filesystem.as_ref().map(|fs| format!(" on {fs}")).unwrap_or_default())
        }
    };
    let ops = match (plan.write, restored) {
        (false, _) => "reads (add --write for writes)".to_string(),
        (true, Some(n)) => format!("reads and writes; its first {} were saved and restored", human_bytes(n as f64)),
        (true, None) if plan.scratch => "reads and writes".to_string(),
        (true, None) => "reads and writes; every write was refused, so nothing was overwritten".to_string(),
    };
    format!("jdbio align: {} ({what}, {}): {ops}", plan.path.display(), human_bytes(info.size_bytes as f64))
}
