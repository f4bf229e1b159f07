//! `jdbio verify`: data that comes back wrong is found, located and named.
//!
//! `--write` fills the target with self-describing blocks
//! ([`crate::io::block`], the format `bench --verify` writes too) at a
//! queue depth, then everything is read back and each block classified:
//! good, or corrupt, unreadable, misdirected, torn, stale, unwritten, and in
//! crash verification ([`ack_log`]) lost. A later `--write` continues the
//! run found in the target ([`identity`]), so its generations stay
//! comparable. Memory does not grow with the target: the passes walk a
//! cursor ([`blocks`]) and keep exact counts plus the first `--max-report`
//! bad blocks. Exit 1 when any block is bad; exit 2 when nothing could be
//! checked (no verdict is never a pass).

mod ack_log;
mod ack_read;
mod args;
mod dry_run;
mod blocks;
mod identity;
pub(crate) mod pass;
pub(crate) mod plan;
mod job;
mod summary;

pub use args::VerifyArgs;

use self::{
    ack_log::{AckLog, LogHeader},
    blocks::Blocks,
    plan::VerifyPlan,
};
use crate::{
    io::block::{
        classify::{Checker, Class},
        findings::{Findings, Verdicts},
    },
    command::{Command, Delivery, Outcome, OutputPlan, Run},
    dio::File,
    error::AppError,
    hosts::rank::Substitute,
    progress::new_bar,
    report::{Body, Clock, OpResult, Report},
    units::human_bytes,
};

const BAR: &str = "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})";

impl Command for VerifyArgs {
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        sub.path("TARGET", &mut self.target)?;
        sub.opt_path("--ack-log", &mut self.ack_log)?;
        sub.string("--json", &mut self.output.json)
    }

    fn outputs(&self) -> OutputPlan {
        let mut plan = OutputPlan::reading(vec![self.target.clone()], &self.output.json);
        match (&self.ack_log, self.write) {
            (Some(log), true) => plan.checked.push(("--ack-log", log.clone())),
            (Some(log), false) => plan.inputs.push(log.clone()),
            (None, _) => {}
        }
        plan
    }

    fn dry_run(&self, _run: &Run<'_>, out: &mut String) -> Result<(), AppError> {
        dry_run::text(out, self)
    }

    /// Once planned, every run ends in a report: one that an error stops
    /// before its passes are done (ENOSPC while the target is allocated,
    /// say) writes the job and how it ended.
    fn execute(&self, run: &Run<'_>) -> Result<Outcome, AppError> {
        let mut plan = VerifyPlan::from_args(self)?;
        plan.forced.iter().for_each(|line| run.warn(line));
        let section = crate::model::verify::VerifySection::new(&plan, &Findings::new(None, 0).finish(), 0.0, None);
        let job = crate::model::verify::VerifyJob::of(&plan);
        let mut planned = Report::new(Body::Verify(crate::model::verify::VerifyBody { job, verify: section }));
        planned.target = crate::target::probe(&plan.path).ok();
        let json = plan.json.clone();
        passes(&mut plan).or_else(|e| Outcome::stopped(planned, json, e))
    }
}

/// The write pass (with `--write`), the read pass, and the report.
fn passes(plan: &mut VerifyPlan) -> Result<Outcome, AppError> {
    if crate::interrupt::requested() {
        return Err(AppError::Interrupted);
    }
    let clock = Clock::start();
    let mut results = std::collections::BTreeMap::new();
    let mut lines = vec![
        format!("run     : {}", plan.run.describe(plan.write)),
        format!("engine  : {}, qd {}", plan.engine.path(), plan.qd),
    ];
    if let Some(newest) = plan.generation_found {
        lines.push(format!(
            "writes  : generation {}, one past the {newest} found in the target (a write that does not land reads back stale)",
            plan.generation
        ));
    }
    lines.extend(plan.warnings.iter().map(|w| format!("warning : {w}")));
    let mut ack_section = None;
    let (mut interrupted, mut error) = (false, None);
    if plan.write {
        let w = write_pass(plan)?;
        lines.push(summary::pass_line("wrote", w.ops, w.bytes, w.seconds));
        results.insert("write".to_string(), OpResult::new(w.ops, w.bytes, 0, w.seconds, &w.hist));
        ack_section = plan.ack_log.as_ref().map(|log| crate::model::verify::AckLogSection {
            path: log.display().to_string(),
            acknowledged: w.ops,
            generation: plan.generation,
            written_for: None,
            run_bytes: None,
            torn_last_record: None,
        });
        (interrupted, error) = (w.interrupted, w.error);
    }
    let mut verdicts = Findings::new(None, 0).finish();
    let mut read_rate = 0.0;
    if !interrupted && error.is_none() {
        let (r, v) = read_pass(plan, &mut lines, &mut ack_section)?;
        let unreadable = v.counts[Class::Unreadable.name()];
        results.insert("read".to_string(), OpResult::new(r.ops, r.bytes, unreadable, r.seconds, &r.hist));
        read_rate = if r.seconds > 0.0 { r.bytes as f64 / r.seconds } else { 0.0 };
        (interrupted, verdicts) = (r.interrupted, v);
    }
    if interrupted {
        lines.push("note    : interrupted by a signal; these are the blocks done up to then".into());
    }
    if let Some(e) = &error {
        lines.push(format!("error   : {e}; nothing was checked"));
    }
    let mut section = crate::model::verify::VerifySection::new(plan, &verdicts, read_rate, ack_section);
    section.error = error.as_ref().map(ToString::to_string);
    let mut report = Report::new(Body::Verify(crate::model::verify::VerifyBody { job: crate::model::verify::VerifyJob::of(plan), verify: section }));
    report.results = results;
    report.target = crate::target::probe(&plan.path).ok();
    clock.stop(&mut report);
    report.interrupted = interrupted;
    let header = format!(
        "jdbio verify: {}, blocks of {} (seed {}, expected generation {})",
        plan.path.display(),
        human_bytes(plan.run.bs as f64),
        plan.run.seed,
        verdicts.expected.map_or("-".to_string(), |g| g.to_string())
    );
    let result = match (error, verdicts.bad_total, verdicts.blocks_read) {
        _ if interrupted => Err(AppError::Interrupted),
        (Some(e), _, _) => Err(e),
        (None, 0, 0) => Err(AppError::Usage(format!(
            "{}: checked nothing (0 blocks read), and a check of nothing is not a pass",
            plan.path.display()
        ))),
        (None, 0, _) => Ok(()),
        (None, n, _) => Err(AppError::CheckFailed(format!("{n} bad blocks in {}", plan.path.display()))),
    };
    report.end_with(&result);
    let to = Delivery { json: plan.json.clone(), ..Delivery::default() };
    Ok(Outcome::new(report, summary::render(&header, &lines, &verdicts), result, to))
}

/// Reads back the blocks the run wrote, or the ack log acknowledged, or
/// the whole range; adds its lines to the summary.
fn read_pass(
    plan: &mut VerifyPlan,
    lines: &mut Vec<String>,
    ack_section: &mut Option<crate::model::verify::AckLogSection>,
) -> Result<(pass::PassStats, Verdicts), AppError> {
    let bs = plan.run.bs;
    let mut expected = if plan.write { Some(plan.generation) } else { plan.expected };
    let blocks = match plan.acked.take() {
        Some(acked) => {
            let (line, json) = ack_line(plan.ack_log.as_deref().unwrap_or(&plan.path), &acked);
            lines.push(line);
            *ack_section = Some(json);
            expected = Some(acked.header.generation);
            Blocks::acked(acked.offsets, acked.header.generation)
        }
        None => Blocks::range(plan.size, bs),
    };
    let bar = new_bar(blocks.len() * bs, plan.quiet, BAR);
    bar.set_message("checking");
    let (file, checker) = (crate::io::rt::block_on(File::open(&plan.path))??, Checker::new(plan.run.seed, bs as usize));
    let (r, findings) = pass::read(file, checker, blocks, Findings::new(expected, plan.max_report), plan.qd, plan.engine, &bar)?;
    bar.finish_and_clear();
    lines.push(summary::pass_line("checked", r.ops, r.bytes, r.seconds));
    Ok((r, findings.finish()))
}

/// Starts the ack log (if any), then opens (creates) the target and fills it.
fn write_pass(plan: &mut VerifyPlan) -> Result<pass::PassStats, AppError> {
    let ack = match (plan.ack_file.take(), &plan.ack_log) {
        (Some(file), Some(path)) => {
            let header = LogHeader {
                block_size: plan.run.bs as u32,
                seed: plan.run.seed,
                generation: plan.generation,
                size: plan.size,
                target_bytes: plan.target_bytes,
                target: plan::absolute(&plan.path).unwrap_or_else(|| plan.path.clone()),
            };
            Some(AckLog::start(file, path, &header)?)
        }
        _ => None,
    };
    let file = crate::io::rt::block_on(async {
        let file = if ack.is_some() { File::open_wal(&plan.path).await? } else { File::open_rw(&plan.path).await? };
        if !file.is_block_device() {
            // Allocated up front, writes need not grow the file one block at a
            // time. Only an optimisation: a filesystem without fallocate (many
            // FUSE ones) is written all the same.
            match file.preallocate(plan.size).await {
                Err(e) if matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP | libc::ENOSYS)) => {}
                other => other?,
            }
        }
        Ok::<_, crate::dio::Error>(file)
    })??;
    let bar = new_bar(plan.size, plan.quiet, BAR);
    bar.set_message("writing");
    let bs = plan.run.bs;
    let blocks = Blocks::range(plan.size, bs);
    let w = pass::write(file, plan.run.seed, bs as usize, blocks, plan.generation, plan.qd, plan.engine, ack, &bar)?;
    bar.finish_and_clear();
    Ok(w)
}

/// The summary line and the section of an ack log being checked.
fn ack_line(path: &std::path::Path, acked: &ack_read::Acked) -> (String, crate::model::verify::AckLogSection) {
    let h = &acked.header;
    let torn = acked.torn_tail.map_or(String::new(), |(at, n)| {
        format!("; a torn last record ({n} bytes at byte offset {at}) was ignored: its write was never acknowledged")
    });
    let line = format!(
        "ack log : {}: {} acknowledged writes of generation {}, for {} ({} from offset 0){torn}",
        path.display(),
        acked.offsets.len(),
        h.generation,
        h.target.display(),
        human_bytes(h.size as f64)
    );
    let section = crate::model::verify::AckLogSection {
        path: path.display().to_string(),
        acknowledged: acked.offsets.len() as u64,
        generation: h.generation,
        written_for: Some(h.target.display().to_string()),
        run_bytes: Some(h.size),
        torn_last_record: acked
            .torn_tail
            .map(|(at, bytes)| crate::model::verify::TornRecord { offset_bytes: at, bytes: bytes as u64 }),
    };
    (line, section)
}
