//! `jdbio verify`: data that comes back wrong is found, located and named.
//!
//! `--write` fills the target with self-describing blocks ([`format`]) at a
//! queue depth, then everything is read back and each block classified
//! ([`classify`]): good, or corrupt, misdirected, torn, stale, unwritten, and
//! in crash verification ([`ack_log`]) lost. Exit 1 when any block is bad.

mod ack_log;
mod args;
pub(crate) mod classify;
pub(crate) mod findings;
pub(crate) mod format;
pub(crate) mod pass;
mod plan;
mod summary;

pub use args::VerifyArgs;
use serde_json::json;

use crate::{
    dio::File,
    error::AppError,
    progress::new_bar,
    report::{CpuUsage, OpResult, Report, Sink, write_json},
    units::human_bytes,
};

const BAR: &str = "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})";

/// Runs `jdbio verify`.
pub fn run(args: &VerifyArgs) -> Result<(), AppError> {
    let plan = plan::VerifyPlan::from_args(args)?;
    let mut report = Report::new("verify");
    report.job = serde_json::to_value(&plan).map_err(|e| AppError::Io(e.to_string()))?;
    let cpu_before = CpuUsage::now();
    let started = std::time::Instant::now();
    let mut passes = Vec::new();
    let (bs, seed) = if plan.write {
        let seed = plan.seed.unwrap_or_else(crate::bench::plan::random_seed);
        let file = if plan.ack_log.is_some() { File::open_wal(&plan.path)? } else { File::open_rw(&plan.path)? };
        if !file.is_block_device() {
            // Allocated up front, writes need not grow the file one block at a time.
            file.preallocate(plan.size)?;
        }
        let ack = plan.ack_log.as_deref().map(ack_log::AckLog::create).transpose()?;
        let bar = new_bar(plan.size, plan.quiet, BAR);
        bar.set_message("writing");
        let w = pass::write(file, seed, plan.bs as usize, plan.size, plan.generation, plan.qd, ack, &bar)?;
        bar.finish_and_clear();
        passes.push(summary::pass_line("wrote", w.ops, w.bytes, w.seconds));
        report.results.insert("write".into(), OpResult::new(w.ops, w.bytes, 0, w.seconds, &w.hist));
        (plan.bs as usize, seed)
    } else {
        let file = File::open(&plan.path)?;
        match (plan.seed, pass::detect(&file, plan.size)?) {
            (Some(seed), _) => (plan.bs as usize, seed),
            (None, Some(found)) => found,
            (None, None) => {
                return Err(AppError::Usage(format!(
                    "{}: no intact jdbio verify block in its first MiB, so there is nothing to check against (write one with jdbio verify --write, or give --bs and --seed)",
                    plan.path.display()
                )));
            }
        }
    };
    let items: Vec<pass::Item> = match (&plan.ack_log, plan.write) {
        (Some(log), false) => ack_log::read(log)?
            .into_iter()
            .map(|(offset, generation)| pass::Item { offset, acked: Some(generation) })
            .collect(),
        _ => (0..plan.size.div_ceil(bs as u64)).map(|i| pass::Item { offset: i * bs as u64, acked: None }).collect(),
    };
    let bar = new_bar(items.len() as u64 * bs as u64, plan.quiet, BAR);
    bar.set_message("checking");
    let (r, mut findings) = pass::read(File::open(&plan.path)?, seed, bs, items, plan.qd, &bar)?;
    bar.finish_and_clear();
    let expected = findings.settle(if plan.write { Some(plan.generation) } else { plan.expected });
    passes.push(summary::pass_line("checked", r.ops, r.bytes, r.seconds));
    report.results.insert("read".into(), OpResult::new(r.ops, r.bytes, 0, r.seconds, &r.hist));
    report.cpu = CpuUsage::now().since(&cpu_before);
    report.duration_s = started.elapsed().as_secs_f64();
    report.target = crate::target::probe(&plan.path).ok();
    report.sections.insert(
        "verify".into(),
        json!({
            "bs": bs,
            "seed": seed,
            "blocks_checked": r.ops,
            "bytes_checked": r.bytes,
            "expected_generation": expected,
            "read_bytes_per_s": if r.seconds > 0.0 { r.bytes as f64 / r.seconds } else { 0.0 },
            "counts": findings.counts(),
            "bad_blocks": findings.bad,
        }),
    );
    if let Some(dest) = &plan.json {
        write_json(&report, dest)?;
    }
    let header = format!(
        "jdbio verify: {}, blocks of {} (seed {seed}, expected generation {})",
        plan.path.display(),
        human_bytes(bs as f64),
        expected.map_or("-".to_string(), |g| g.to_string())
    );
    Sink::for_json_dest(plan.json.as_deref()).print(&summary::render(&header, &passes, &findings, plan.max_report));
    match findings.bad.len() {
        0 => Ok(()),
        n => Err(AppError::CheckFailed(format!("{n} bad blocks in {}", plan.path.display()))),
    }
}
