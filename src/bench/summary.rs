//! The human summary of a bench report: fio's one-glance lines, tidier.
//! Reads only the finished report.

use std::fmt::Write;

use crate::model::Percentile;
use crate::model::bench::{BenchSection, RateSection};
use crate::{
    report::{Body, OpResult, Report},
    target::TargetKind,
    units::{human_bytes, human_ns},
};

/// Formats the summary of a bench `report`.
pub fn render(report: &Report) -> String {
    let Body::Bench(body) = &report.body else { return String::new() };
    let mut out = String::new();
    let job = &body.job;
    let target = report.target.as_ref();
    let kind = |k: TargetKind| if k == TargetKind::Block { "block" } else { "file" };
    let _ = writeln!(
        out,
        "jdbio bench: {} bs={} qd={} jobs={} on {} ({})\n  {:.2}s measured, seed {}",
        mode_name(job.mode),
        human_bytes(job.bs_bytes as f64),
        job.qd,
        job.jobs,
        job.path.as_deref().unwrap_or("?"),
        target.map_or("new file".to_string(), |t| format!("{}, {}", kind(t.kind), human_bytes(t.size_bytes as f64))),
        report.duration_s,
        job.seed.map_or("?".to_string(), |s| s.to_string()),
    );
    if let Some(reps) = &body.repetitions {
        let _ =
            writeln!(out, "  {} repetitions; the lines below merge them all (medians: repetition_medians)", reps.len());
        for (i, rep) in reps.iter().enumerate() {
            let mut line = format!("    rep {}:", i + 1);
            for (kind, r) in &rep.results {
                let p99 = r.latency_ns.at(Percentile::P99).unwrap_or(0) as f64;
                let _ = write!(line, " {kind} {:.0} IOPS p99 {}", r.iops, human_ns(p99));
            }
            let _ = writeln!(out, "{line}");
        }
    }
    for (kind, r) in &report.results {
        render_op(&mut out, kind, r);
    }
    // The JSON's figure (bench.cpu_per_io_ns), so the two never differ.
    let median = if body.repetitions.is_some() { " (repetitions' median)" } else { "" };
    let _ = writeln!(
        out,
        "  cpu  : user {:.2}s sys {:.2}s, {} CPU per I/O{median}, {} context switches",
        report.cpu.user_s,
        report.cpu.sys_s,
        human_ns(body.bench.cpu_per_io_ns),
        report.cpu.ctx_switches
    );
    render_engine(&mut out, body);
    if let Some(cache) = &body.bench.page_cache {
        render_page_cache(&mut out, cache, body.job.read_pct > 0);
    }
    if let Some(rate) = &body.rate {
        render_rate(&mut out, rate, report);
    }
    if let Some(late) = body.start_at.map(|s| s.late_ns).filter(|&n| n > 0) {
        let _ = writeln!(out, "  note : ready {} after --start-at, so started at once, that late", human_ns(late as f64));
    }
    if report.interrupted {
        let by = report.signal.as_deref().unwrap_or("a signal");
        let _ = writeln!(out, "  note : interrupted by {by}; these are the numbers up to then");
    }
    if let Some(v) = &body.verify {
        let classes: String = v.bad.iter().map(|(class, n)| format!(", {n} {class}")).collect();
        let _ = writeln!(out, "  verify: {} blocks read and checked{classes}", v.checked);
        for b in v.bad_blocks.iter().take(5) {
            let _ = writeln!(out, "    offset {} {}: {}", b.offset, b.class.name(), b.detail);
        }
    }
    if let Some(note) = layout_note(&body.bench, body.verify.is_some()) {
        let _ = writeln!(out, "  note : {note}");
    }
    out
}

/// The summary's line about the layout, from the report's `bench` section:
/// whether the file was created and how many bytes were laid out; None when
/// nothing was.
fn layout_note(bench: &BenchSection, verify: bool) -> Option<String> {
    let bytes = Some(bench.laid_out_bytes).filter(|&b| b > 0)?;
    let content = if verify { "verify blocks" } else { "random data" };
    let size = human_bytes(bytes as f64);
    Some(if bench.created {
        format!("the file was created and laid out with {size} of {content} before the run")
    } else {
        format!(
            "{size} of the region held no data (holes, unwritten extents or past the end) and was laid out with {content} before the run; data already there was not touched"
        )
    })
}

/// The mode as on the command line.
fn mode_name(mode: crate::model::bench::Mode) -> String {
    mode.name().to_string()
}

/// The open-loop line: target vs achieved, late starts, and the two latencies.
fn render_rate(out: &mut String, rate: &RateSection, report: &Report) {
    let arrival = rate.arrival.name();
    let _ = writeln!(
        out,
        "  rate : open loop at {:.0} IOPS ({}): achieved {:.0} IOPS\n         {} I/Os started late (max {} behind), {} never started",
        rate.target_iops,
        arrival,
        rate.achieved_iops,
        rate.late_ios,
        human_ns(rate.start_delay_ns.max as f64),
        rate.unstarted_ios,
    );
    for (kind, r) in &report.results {
        if let Some(resp) = &r.response_latency_ns {
            let p = |l: &crate::report::LatencySummary| human_ns(l.at(Percentile::P99).unwrap_or(0) as f64);
            let _ = writeln!(
                out,
                "         {kind} p99: response {} (from intended start), service {}",
                p(resp),
                p(&r.latency_ns)
            );
        }
    }
    if !rate.sustained {
        let _ = writeln!(
            out,
            "  WARNING: the target could not sustain {:.0} IOPS: I/Os queued behind their schedule, so response times include that wait (I/Os never started count with the wait up to the end)",
            rate.target_iops
        );
    }
}

fn render_op(out: &mut String, kind: &str, r: &OpResult) {
    let l = &r.latency_ns;
    let p = |k: Percentile| human_ns(l.at(k).unwrap_or(0) as f64);
    let _ = writeln!(
        out,
        "  {kind:<5}: {:.0} IOPS, {}/s, {} ops, {} errors",
        r.iops,
        human_bytes(r.bw_bytes_per_s),
        r.ops,
        r.errors
    );
    let _ = writeln!(
        out,
        "         lat p50 {}  p90 {}  p99 {}  p99.9 {}  p99.99 {}",
        p(Percentile::P50),
        p(Percentile::P90),
        p(Percentile::P99),
        p(Percentile::P999),
        p(Percentile::P9999),
    );
    let _ = writeln!(
        out,
        "             min {}  max {}  mean {}  stdev {}",
        human_ns(l.min as f64),
        human_ns(l.max as f64),
        human_ns(l.mean),
        human_ns(l.stdev)
    );
}

/// `--io buffered`: how much of the region the page cache held, and a note
/// when reads could have been served from memory rather than the device.
fn render_page_cache(out: &mut String, cache: &crate::model::bench::PageCache, reads: bool) {
    let pct = |bytes: u64| 100.0 * bytes as f64 / (cache.region_bytes as f64).max(1.0);
    let (start, end) = (pct(cache.resident_at_start_bytes), pct(cache.resident_at_end_bytes));
    let how = if cache.dropped { "evicted first" } else { "--warm: not evicted" };
    let _ = writeln!(
        out,
        "  cache: buffered I/O; {start:.1}% of the region in the page cache at the start ({how}), {end:.1}% at the end"
    );
    if reads && start.max(end) >= 10.0 {
        let _ = writeln!(
            out,
            "  note : up to {:.1}% of the region was in memory: part of these reads were page-cache hits, not the device",
            start.max(end)
        );
    }
}

/// The "what ran" line: the engine, the ring's set-up and the async policy.
fn render_engine(out: &mut String, body: &crate::model::bench::BenchBody) {
    let Some(ran) = &body.bench.ran else { return };
    let flags = if ran.ring_flags.is_empty() { "no setup flags".into() } else { ran.ring_flags.join("+") };
    let fixed = match (ran.fixed_file, ran.fixed_buffers) {
        (true, true) => "fixed file+buffers",
        (true, false) => "fixed file, plain buffers",
        (false, true) => "plain fd, fixed buffers",
        (false, false) => "plain fd and buffers",
    };
    let what = body.job.engine.path();
    let per_enter = ran.ops as f64 / (ran.enters as f64).max(1.0);
    if !body.job.engine.is_ring() {
        let calls = match body.job.engine {
            crate::io_engine::Engine::Dio => String::new(),
            crate::io_engine::Engine::Libaio => format!(", {per_enter:.2} I/Os per io_submit"),
            _ => ", one system call per I/O".into(),
        };
        let _ = writeln!(out, "  engine: {what}{calls}");
        return;
    }
    let (on, asked) = body.bench.async_policy.as_ref().map_or((false, "?"), |a| {
        let asked = match a.asked {
            crate::model::bench::AsyncMode::Auto => "auto",
            crate::model::bench::AsyncMode::On => "on",
            crate::model::bench::AsyncMode::Off => "off",
        };
        (a.on, asked)
    });
    let _ = writeln!(
        out,
        "  engine: {what}, {flags}, {fixed}, async {} ({asked}), submit {}, {per_enter:.2} I/Os per enter",
        if on { "on" } else { "off" },
        if ran.submit == crate::engine::Submit::EachOp { "per I/O" } else { "per turn" },
    );
}
