//! The human summary of a bench report: fio's one-glance lines, tidier.
//! Reads only the finished report.

use std::fmt::Write;

use crate::{
    report::{OpResult, Report},
    units::{human_bytes, human_ns},
};

/// Formats the summary of a bench `report`.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let job = &report.job;
    let target = report.target.as_ref();
    let _ = writeln!(
        out,
        "jdbio bench: {} bs={} qd={} jobs={} on {} ({})\n  {:.2}s measured, seed {}",
        job["mode"].as_str().unwrap_or("?"),
        human_bytes(job["bs"].as_f64().unwrap_or(0.0)),
        job["qd"],
        job["jobs"],
        job["path"].as_str().unwrap_or("?"),
        target.map_or("new file".to_string(), |t| format!(
            "{}, {}",
            serde_json::to_value(t.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            human_bytes(t.size_bytes as f64)
        )),
        report.duration_s,
        job["seed"],
    );
    if let Some(reps) = report.sections.get("repetitions").and_then(|r| r.as_array()) {
        let _ =
            writeln!(out, "  {} repetitions; the lines below merge them all (medians: repetition_medians)", reps.len());
        for (i, rep) in reps.iter().enumerate() {
            let mut line = format!("    rep {}:", i + 1);
            for (kind, r) in rep["results"].as_object().into_iter().flatten() {
                let p99 = r["latency_ns"]["percentiles"]["99"].as_f64().unwrap_or(0.0);
                let _ = write!(line, " {kind} {:.0} IOPS p99 {}", r["iops"].as_f64().unwrap_or(0.0), human_ns(p99));
            }
            let _ = writeln!(out, "{line}");
        }
    }
    for (kind, r) in &report.results {
        render_op(&mut out, kind, r);
    }
    let total_ops: u64 = report.results.values().map(|r| r.ops).sum();
    let bench = &report.sections["bench"];
    let all_ops = bench["total_ops_including_ramp"].as_u64().unwrap_or(total_ops).max(1);
    let cpu_s = report.cpu.user_s + report.cpu.sys_s;
    let _ = writeln!(
        out,
        "  cpu  : user {:.2}s sys {:.2}s, {} CPU per I/O, {} context switches",
        report.cpu.user_s,
        report.cpu.sys_s,
        human_ns(cpu_s * 1e9 / all_ops as f64),
        report.cpu.ctx_switches
    );
    render_engine(&mut out, bench);
    if let Some(rate) = report.sections.get("rate") {
        render_rate(&mut out, rate, report);
    }
    if let Some(late) = report.sections.get("start_at").and_then(|s| s["late_ns"].as_f64()).filter(|&n| n > 0.0) {
        let _ = writeln!(out, "  note : ready {} after --start-at, so started at once, that late", human_ns(late));
    }
    if report.interrupted {
        let by = crate::interrupt::signal_name().unwrap_or("a signal");
        let _ = writeln!(out, "  note : interrupted by {by}; these are the numbers up to then");
    }
    if let Some(v) = report.sections.get("verify") {
        let classes = v["bad"]
            .as_object()
            .map_or(String::new(), |m| m.iter().map(|(class, n)| format!(", {n} {class}")).collect::<String>());
        let _ = writeln!(out, "  verify: {} blocks read and checked{classes}", v["checked"]);
        for b in v["bad_blocks"].as_array().into_iter().flatten().take(5) {
            let _ = writeln!(
                out,
                "    offset {} {}: {}",
                b["offset"],
                b["class"].as_str().unwrap_or("?"),
                b["detail"].as_str().unwrap_or("")
            );
        }
    }
    if let Some(note) = super::layout::summary_note(bench, report.sections.contains_key("verify")) {
        let _ = writeln!(out, "  note : {note}");
    }
    out
}

/// The open-loop line: target vs achieved, late starts, and the two latencies.
fn render_rate(out: &mut String, rate: &serde_json::Value, report: &Report) {
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let _ = writeln!(
        out,
        "  rate : open loop at {:.0} IOPS ({}): achieved {:.0} IOPS\n         {} I/Os started late (max {} behind), {} never started",
        f(&rate["target_iops"]),
        rate["arrival"].as_str().unwrap_or("?"),
        f(&rate["achieved_iops"]),
        rate["late_ios"],
        human_ns(f(&rate["start_delay_ns"]["max"])),
        rate["unstarted_ios"],
    );
    for (kind, r) in &report.results {
        if let Some(resp) = &r.response_latency_ns {
            let p = |l: &crate::report::LatencySummary| human_ns(l.percentiles.get("99").copied().unwrap_or(0) as f64);
            let _ = writeln!(
                out,
                "         {kind} p99: response {} (from intended start), service {}",
                p(resp),
                p(&r.latency_ns)
            );
        }
    }
    if rate["sustained"].as_bool() == Some(false) {
        let _ = writeln!(
            out,
            "  WARNING: the target could not sustain {:.0} IOPS: I/Os queued behind their schedule, so response times include that wait (I/Os never started count with the wait up to the end)",
            f(&rate["target_iops"])
        );
    }
}

fn render_op(out: &mut String, kind: &str, r: &OpResult) {
    let l = &r.latency_ns;
    let p = |k: &str| human_ns(l.percentiles.get(k).copied().unwrap_or(0) as f64);
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
        p("50"),
        p("90"),
        p("99"),
        p("99.9"),
        p("99.99"),
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

/// The "what ran" line: the engine, the ring's set-up and the async policy.
fn render_engine(out: &mut String, bench: &serde_json::Value) {
    let ran = &bench["ran"];
    if ran.is_null() {
        return;
    }
    let flags = ran["ring_flags"].as_array().map_or(String::new(), |f| {
        let names: Vec<&str> = f.iter().filter_map(|v| v.as_str()).collect();
        if names.is_empty() { "no setup flags".into() } else { names.join("+") }
    });
    let yes = |k: &str| ran[k].as_bool().unwrap_or(false);
    let fixed = match (yes("fixed_file"), yes("fixed_buffers")) {
        (true, true) => "fixed file+buffers",
        (true, false) => "fixed file, plain buffers",
        (false, true) => "plain fd, fixed buffers",
        (false, false) => "plain fd and buffers",
    };
    let what = match bench["engine"].as_str() {
        Some("nop") => "nop (IORING_OP_NOP, no data moved)",
        _ => "io_uring",
    };
    let per_enter = ran["ops"].as_f64().unwrap_or(0.0) / ran["enters"].as_f64().unwrap_or(0.0).max(1.0);
    let _ = writeln!(
        out,
        "  engine: {what}, {flags}, {fixed}, async {} ({}), submit {}, {per_enter:.2} I/Os per enter",
        if bench["async"]["on"].as_bool().unwrap_or(false) { "on" } else { "off" },
        bench["async"]["asked"].as_str().unwrap_or("?"),
        if ran["submit"].as_str() == Some("each_op") { "per I/O" } else { "per turn" },
    );
}
