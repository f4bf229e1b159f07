//! Whether two reports measured the same thing. Every job setting that
//! changes the numbers, and the target kind, must match (a mismatch is exit 2
//! naming each difference, unless `--allow-mismatch`); so must the machine
//! and the device ([`other_host`]: exit 2 unless `--allow-other-host`, since
//! a baseline from another machine says nothing about this one's code); a
//! different run length is a warning. Each setting is
//! read from the typed report ([`crate::model::Report`]); its name is
//! only what messages call it.

pub use crate::model::gate::Difference;
use serde::Serialize;
use serde_json::Value;

use super::load::Loaded;
use crate::model::{Body, Report, bench::BenchJob, wal::WalJob};

/// How a setting that must match is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Equal, and stated by both (stated on one side only is a difference).
    Equal,
    /// Compared only when either run was open loop (a non-null
    /// `job.rate_iops`): a closed-loop run has no arrival process.
    OpenLoop,
    /// Compared only when both reports state it; stated on one side only
    /// is a warning.
    IfBothStated,
}

/// One setting: its name in messages, and how to read it from a report
/// (None: the report does not state it).
type Setting = (&'static str, fn(&Report) -> Option<Value>);

/// The bench job of `r`, if it is a bench report.
fn bench(r: &Report) -> Option<&BenchJob> {
    match &r.body {
        Body::Bench(b) => Some(&b.job),
        _ => None,
    }
}

/// Whether a bench report's I/Os carried IOSQE_ASYNC, where it says.
fn bench_async_on(r: &Report) -> Option<Value> {
    match &r.body {
        Body::Bench(b) => b.bench.async_policy.as_ref().map(|a| Value::from(a.on)),
        _ => None,
    }
}

/// The wal job of `r`, if it is a wal report.
fn wal(r: &Report) -> Option<&WalJob> {
    match &r.body {
        Body::Wal(w) => Some(&w.job),
        _ => None,
    }
}

/// `v` as JSON, to state and compare a setting of any type.
fn json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Bench settings that must be equal for a comparison to mean anything:
/// each changes the numbers.
const BENCH_MUST_MATCH: [(Setting, Rule); 20] = [
    (("job.mode", |r| bench(r).map(|j| json(&j.mode))), Rule::Equal),
    (("job.read_pct", |r| bench(r).map(|j| json(&j.read_pct))), Rule::Equal),
    (("job.bs_bytes", |r| bench(r).map(|j| json(&j.bs_bytes))), Rule::Equal),
    (("job.qd", |r| bench(r).map(|j| json(&j.qd))), Rule::Equal),
    (("job.jobs", |r| bench(r).map(|j| json(&j.jobs))), Rule::Equal),
    // As on the command line: "zipf:0.9".
    (("job.dist", |r| bench(r).map(|j| Value::from(j.dist.to_string()))), Rule::Equal),
    (("job.size_bytes", |r| bench(r).map(|j| json(&j.size_bytes))), Rule::Equal),
    (("job.offset_bytes", |r| bench(r).map(|j| json(&j.offset_bytes))), Rule::Equal),
    (("job.rate_iops", |r| bench(r).map(|j| json(&j.rate_iops))), Rule::Equal),
    (("job.arrival", |r| bench(r).map(|j| json(&j.arrival))), Rule::OpenLoop),
    (("job.submit", |r| bench(r).map(|j| json(&j.submit))), Rule::Equal),
    (("job.data", |r| bench(r).map(|j| json(&j.data))), Rule::Equal),
    (("job.verify", |r| bench(r).map(|j| json(&j.verify))), Rule::Equal),
    (("job.engine", |r| bench(r).map(|j| json(&j.engine))), Rule::Equal),
    // The page cache or the device; and whether it started cold.
    (("job.io", |r| bench(r).map(|j| json(&j.io))), Rule::Equal),
    (("job.warm", |r| bench(r).map(|j| json(&j.warm))), Rule::Equal),
    (("job.hipri", |r| bench(r).map(|j| json(&j.hipri))), Rule::Equal),
    (("job.sqpoll", |r| bench(r).map(|j| json(&j.sqpoll))), Rule::Equal),
    // What --async resolved to: IOSQE_ASYNC doubles IOPS on some devices.
    // Reports from before the engine do not state it.
    (("bench.async.on", bench_async_on), Rule::IfBothStated),
    (("target.kind", |r| r.target.as_ref().map(|t| json(&t.kind))), Rule::Equal),
];

/// Wal settings that must be equal: the engine (psync and uring commit at
/// rates 10x apart on some machines; a report from before the choice reads
/// as uring), the methods and file modes (which rows exist), the commit
/// shape and the concurrency. A wal run on a log it creates states no
/// target, so its kind is compared when both state it.
const WAL_MUST_MATCH: [(Setting, Rule); 7] = [
    (("job.engine", |r| wal(r).map(|j| json(&j.engine))), Rule::Equal),
    (("job.methods", |r| wal(r).map(|j| json(&j.methods))), Rule::Equal),
    (("job.file_modes", |r| wal(r).map(|j| json(&j.file_modes))), Rule::Equal),
    (("job.writers", |r| wal(r).map(|j| json(&j.writers))), Rule::Equal),
    (("job.batch", |r| wal(r).map(|j| json(&j.batch))), Rule::Equal),
    (("job.bs_bytes", |r| wal(r).map(|j| json(&j.bs_bytes))), Rule::Equal),
    (("target.kind", |r| r.target.as_ref().map(|t| json(&t.kind))), Rule::IfBothStated),
];

/// What the baseline ran on, for every kind of report: host, CPU, kernel,
/// target path, device model and filesystem (compared only when both
/// reports state them).
const MACHINE: [Setting; 6] = [
    ("host.name", |r| Some(&r.host.name).filter(|n| !n.is_empty()).map(json)),
    ("host.cpu_model", |r| r.host.cpu_model.as_ref().map(json)),
    ("host.kernel", |r| Some(&r.host.kernel).filter(|k| !k.is_empty()).map(json)),
    ("target.path", |r| r.target.as_ref().map(|t| json(&t.path))),
    ("target.model", |r| r.target.as_ref().and_then(|t| t.model.as_ref()).map(json)),
    ("target.filesystem", |r| r.target.as_ref().and_then(|t| t.filesystem.as_ref()).map(json)),
];

/// Run length: a warning per kind of report.
const BENCH_WARN: [Setting; 2] =
    [("job.stop", |r| bench(r).map(|j| json(&j.stop))), ("job.ramp_s", |r| bench(r).map(|j| json(&j.ramp_s)))];
const WAL_WARN: [Setting; 2] =
    [("job.time_s", |r| wal(r).map(|j| json(&j.time_s))), ("job.size_bytes", |r| wal(r).map(|j| json(&j.size_bytes)))];

/// Settings that must match, each with its rule.
type MustMatch = &'static [(Setting, Rule)];
/// Settings worth a warning when they differ.
type WarnIf = &'static [Setting];

/// The settings that must match and those worth a warning, for reports of
/// `r`'s command.
fn rules(r: &Report) -> (MustMatch, WarnIf) {
    match &r.body {
        Body::Wal(_) => (&WAL_MUST_MATCH, &WAL_WARN),
        _ => (&BENCH_MUST_MATCH, &BENCH_WARN),
    }
}

impl Difference {
    /// The difference with each side named by `baseline` and `current`
    /// instead of "baseline" and "current" (`jdbio merge` names files).
    pub fn between(&self, baseline: &str, current: &str) -> String {
        let (b, c) = (show(self.baseline.as_ref()), show(self.current.as_ref()));
        format!("{}: {baseline} {b}, {current} {c}", self.key)
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: baseline {}, current {}", self.key, show(self.baseline.as_ref()), show(self.current.as_ref()))
    }
}

/// The settings that must match ([`BENCH_MUST_MATCH`], [`WAL_MUST_MATCH`])
/// and differ, in that order; reports of two commands differ in that alone.
pub fn mismatches(base: &Loaded, cur: &Loaded) -> Vec<Difference> {
    let (b, c) = (&base.report, &cur.report);
    if b.command() != c.command() {
        let show = |r: &Report| Some(Value::from(r.command()));
        return vec![Difference { key: "command".into(), baseline: show(b), current: show(c) }];
    }
    let open_loop = [b, c].iter().any(|r| bench(r).is_some_and(|j| j.rate_iops.is_some()));
    rules(b)
        .0
        .iter()
        .filter(|&&(_, rule)| rule != Rule::OpenLoop || open_loop)
        .filter_map(|&(setting, rule)| differ(b, c, setting, rule == Rule::IfBothStated))
        .collect()
}

/// The machine and device settings ([`MACHINE`]) that differ.
pub fn other_host(base: &Loaded, cur: &Loaded) -> Vec<Difference> {
    MACHINE.iter().filter_map(|&setting| differ(&base.report, &cur.report, setting, true)).collect()
}

/// Warnings: the run length settings that differ, and a setting compared only when both state it
/// ([`Rule::IfBothStated`]) that one report does not state.
pub fn warnings(base: &Loaded, cur: &Loaded) -> Vec<String> {
    let (b, c) = (&base.report, &cur.report);
    let (must, warn) = rules(b);
    let mut out: Vec<String> = warn
        .iter()
        .filter_map(|&setting| differ(b, c, setting, true))
        .map(|d| format!("different {d}"))
        .collect();
    for &(setting, _) in must.iter().filter(|(_, rule)| *rule == Rule::IfBothStated) {
        if let Some(d) = differ(b, c, setting, false).filter(|d| d.baseline.is_none() || d.current.is_none()) {
            out.push(format!("{d}: stated by one report only, so not compared"));
        }
    }
    out
}

/// The job of `r` in a few words: "randread, bs 4.00 KiB, qd 32, jobs 1,
/// uniform, file", with "rwmix 70" for a mixed job and "rate 20000 IOPS
/// poisson" for an open-loop one; "wal fdatasync,odsync overwrite, bs 8.00
/// KiB, batch 1, writers 1" for a wal job.
pub fn describe(r: &Report) -> String {
    let mut parts = Vec::new();
    if let Some(j) = wal(r) {
        let methods: Vec<&str> = j.methods.iter().map(|m| m.name()).collect();
        let modes: Vec<&str> = j.file_modes.iter().map(|m| m.name()).collect();
        parts.push(format!("wal {} {}", methods.join(","), modes.join(",")));
        parts.push(format!("bs {}", crate::units::human_bytes(j.bs_bytes as f64)));
        parts.push(format!("batch {}", j.batch));
        parts.push(format!("writers {}", j.writers));
    }
    if let Some(j) = bench(r) {
        let mode = show(Some(&json(&j.mode)));
        if mode == "randrw" {
            parts.push(format!("{mode}, rwmix {}", j.read_pct));
        } else {
            parts.push(mode);
        }
        parts.push(format!("bs {}", crate::units::human_bytes(j.bs_bytes as f64)));
        parts.push(format!("qd {}", j.qd));
        parts.push(format!("jobs {}", j.jobs));
        parts.push(j.dist.to_string());
        if let Some(rate) = j.rate_iops {
            parts.push(format!("rate {} IOPS {}", json(&rate), show(Some(&json(&j.arrival)))));
        }
    }
    if let Some(t) = &r.target {
        parts.push(show(Some(&json(&t.kind))));
    }
    parts.join(", ")
}

/// The difference in `setting`, if any; with `both`, only when both
/// reports state it.
fn differ(base: &Report, cur: &Report, (key, get): Setting, both: bool) -> Option<Difference> {
    let (b, c) = (get(base), get(cur));
    if b == c || (both && (b.is_none() || c.is_none())) {
        return None;
    }
    Some(Difference { key: key.to_string(), baseline: b, current: c })
}

/// A setting as a person writes it: strings bare, anything else as compact
/// JSON.
fn show(v: Option<&Value>) -> String {
    match v {
        None => "(not stated)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_bytes;

    /// The gate fixture `name` (a /1 report), loaded.
    fn fixture(name: &str) -> Loaded {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gate").join(name);
        let report = load_bytes(&std::fs::read(&path).unwrap()).unwrap();
        Loaded { path: name.into(), report, from_v1: true }
    }

    fn job(r: &mut Loaded) -> &mut BenchJob {
        match &mut r.report.body {
            Body::Bench(b) => &mut b.job,
            _ => unreachable!("a bench fixture"),
        }
    }

    fn wal_job(r: &mut Loaded) -> &mut WalJob {
        match &mut r.report.body {
            Body::Wal(w) => &mut w.job,
            _ => unreachable!("a wal fixture"),
        }
    }

    #[test]
    fn wal_settings_must_match() {
        let base = fixture("wal-base.json");
        let mut cur = fixture("wal-base.json");
        let j = wal_job(&mut cur);
        (j.writers, j.batch, j.bs_bytes, j.time_s) = (j.writers + 3, j.batch + 7, j.bs_bytes / 2, j.time_s + 3.0);
        // The fixture predates job.engine: it reads as uring, today's default is psync.
        assert_eq!(j.engine, crate::model::Engine::Uring);
        j.engine = crate::model::Engine::Psync;
        let found: Vec<String> = mismatches(&base, &cur).iter().map(|d| d.key.clone()).collect();
        assert_eq!(found, ["job.engine", "job.writers", "job.batch", "job.bs_bytes"]);
        assert_eq!(warnings(&base, &cur).len(), 1);
        assert!(warnings(&base, &cur)[0].starts_with("different job.time_s: baseline "));
        let bench = fixture("base.json");
        assert_eq!(mismatches(&bench, &base)[0].to_string(), "command: baseline bench, current wal");
    }

    #[test]
    fn names_each_difference() {
        let base = fixture("base.json");
        let mut cur = fixture("base.json");
        let j = job(&mut cur);
        j.bs_bytes *= 2;
        j.qd *= 2;
        j.dist = crate::model::bench::Dist::Zipf { theta: 0.9 };
        cur.report.target.as_mut().unwrap().kind = crate::model::TargetKind::Block;
        let found: Vec<String> = mismatches(&base, &cur).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            found,
            [
                "job.bs_bytes: baseline 4096, current 8192",
                "job.qd: baseline 32, current 64",
                "job.dist: baseline uniform, current zipf:0.9",
                "target.kind: baseline file, current block",
            ]
        );
        assert!(mismatches(&base, &base).is_empty());
        assert_eq!(describe(&base.report), "randread, bs 4.00 KiB, qd 32, jobs 1, uniform, file");
    }

    #[test]
    fn another_machine_or_device_is_named() {
        let base = fixture("base.json");
        let mut cur = fixture("base.json");
        assert!(other_host(&base, &cur).is_empty());
        cur.report.host.kernel = "6.99".into();
        cur.report.target.as_mut().unwrap().model = Some("Samsung 990".into());
        let got: Vec<String> = other_host(&base, &cur).iter().map(|d| d.to_string()).collect();
        let model = base.report.target.as_ref().unwrap().model.clone();
        let mut want = vec![format!("host.kernel: baseline {}, current 6.99", base.report.host.kernel)];
        if let Some(model) = model {
            want.push(format!("target.model: baseline {model}, current Samsung 990"));
        }
        assert_eq!(got, want);
        // Not stated on one side: not compared.
        cur.report.host.kernel = String::new();
        assert_eq!(other_host(&base, &cur).len(), want.len() - 1);
    }

    #[test]
    fn open_loop_against_closed_loop_is_a_mismatch() {
        let closed = fixture("base.json");
        let mut open = fixture("base.json");
        job(&mut open).rate_iops = Some(20000.0);
        job(&mut open).arrival = crate::model::bench::Arrival::Poisson;
        let found: Vec<String> = mismatches(&open, &closed).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            found,
            ["job.rate_iops: baseline 20000.0, current null", "job.arrival: baseline poisson, current fixed"]
        );
        assert!(describe(&open.report).contains("rate 20000.0 IOPS poisson"));
    }

    #[test]
    fn every_setting_that_changes_the_numbers_must_match() {
        let base = fixture("base.json");
        let mut cur = fixture("base.json");
        let j = job(&mut cur);
        j.read_pct = 50;
        j.size_bytes /= 2;
        j.offset_bytes += 4096;
        j.submit = crate::model::bench::Submit::Eager;
        j.data = crate::model::bench::DataKind::Zero;
        j.verify = !j.verify;
        j.stop = crate::model::bench::StopJob::TimeS(99.0);
        j.seed = Some(12345);
        let keys: Vec<String> = mismatches(&base, &cur).into_iter().map(|d| d.key).collect();
        let want = ["read_pct", "size_bytes", "offset_bytes", "submit", "data", "verify"].map(|k| format!("job.{k}"));
        assert_eq!(keys, want);
        let w = warnings(&base, &cur);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("different job.stop: baseline {\"time_s\":")
                && w[0].ends_with("current {\"time_s\":99.0}")
        );
    }
}
