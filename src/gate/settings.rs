//! Whether two reports measured the same thing. Every job setting that
//! changes the numbers, and the target kind, must match (a mismatch is exit 2
//! naming each difference, unless `--allow-mismatch`); a different machine,
//! device, filesystem or run length is only a warning, since comparing
//! across them is sometimes the point but never innocent.

use serde::Serialize;
use serde_json::Value;

use super::load::Loaded;

/// How a setting that must match is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Equal, and stated by both (stated on one side only is a difference).
    Equal,
    /// Equal, an absent value counting as null (reports from before the
    /// setting existed: `rate` absent is a closed-loop run).
    AbsentIsNull,
    /// Compared only when either run was open loop (a non-null `job.rate`):
    /// a closed-loop run has no arrival process.
    OpenLoop,
    /// Compared only when both reports state it (a setting newer jdbio
    /// versions add); stated on one side only is a warning.
    IfBothStated,
}

/// Bench settings that must be equal for a comparison to mean anything:
/// each changes the numbers.
const BENCH_MUST_MATCH: [(&str, &str, Rule); 15] = [
    ("job", "mode", Rule::Equal),
    ("job", "read_pct", Rule::Equal),
    ("job", "bs", Rule::Equal),
    ("job", "qd", Rule::Equal),
    ("job", "jobs", Rule::Equal),
    ("job", "dist", Rule::Equal),
    ("job", "size", Rule::Equal),
    ("job", "offset", Rule::Equal),
    ("job", "rate", Rule::AbsentIsNull),
    ("job", "arrival", Rule::OpenLoop),
    ("job", "submit", Rule::Equal),
    ("job", "data", Rule::Equal),
    ("job", "verify", Rule::Equal),
    ("job", "engine", Rule::IfBothStated),
    ("target", "kind", Rule::Equal),
];

/// Wal settings that must be equal: the methods and file modes (which rows
/// exist), the commit shape and the concurrency. A wal run on a log it
/// creates states no target, so its kind is compared when both state it.
const WAL_MUST_MATCH: [(&str, &str, Rule); 6] = [
    ("job", "methods", Rule::Equal),
    ("job", "file_modes", Rule::Equal),
    ("job", "writers", Rule::Equal),
    ("job", "batch", Rule::Equal),
    ("job", "bs", Rule::Equal),
    ("target", "kind", Rule::IfBothStated),
];

/// Settings whose difference is worth a warning (compared only when both
/// reports state them), for every kind of report.
const WARN_IF_DIFFERENT: [(&str, &str); 4] =
    [("host", "cpu_model"), ("host", "kernel"), ("target", "model"), ("target", "filesystem")];

/// Run length: a warning per kind of report.
const BENCH_WARN: [(&str, &str); 2] = [("job", "stop"), ("job", "ramp")];
const WAL_WARN: [(&str, &str); 2] = [("job", "time"), ("job", "size")];

/// Settings that must match, each with its rule.
type MustMatch = &'static [(&'static str, &'static str, Rule)];
/// Settings worth a warning when they differ.
type WarnIf = &'static [(&'static str, &'static str)];

/// The command of `r` ("bench" or "wal").
fn command(r: &Loaded) -> &str {
    r.value.get("command").and_then(Value::as_str).unwrap_or_default()
}

/// The settings that must match and those worth a warning, for reports of
/// `r`'s command.
fn rules(r: &Loaded) -> (MustMatch, WarnIf) {
    match command(r) {
        "wal" => (&WAL_MUST_MATCH, &WAL_WARN),
        _ => (&BENCH_MUST_MATCH, &BENCH_WARN),
    }
}

/// One setting that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// e.g. "job.qd".
    pub key: String,
    /// The baseline's value (null when absent).
    pub baseline: Option<Value>,
    /// The current report's value (null when absent).
    pub current: Option<Value>,
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
    if command(base) != command(cur) {
        let show = |r: &Loaded| Some(Value::from(command(r)));
        return vec![Difference { key: "command".into(), baseline: show(base), current: show(cur) }];
    }
    let open_loop = [base, cur].iter().any(|r| !get(r, "job", "rate").unwrap_or(&Value::Null).is_null());
    rules(base)
        .0
        .iter()
        .filter(|&&(_, _, rule)| rule != Rule::OpenLoop || open_loop)
        .filter_map(|&(section, key, rule)| match rule {
            Rule::Equal | Rule::OpenLoop => differ(base, cur, section, key, false),
            Rule::IfBothStated => differ(base, cur, section, key, true),
            Rule::AbsentIsNull => {
                let value = |r: &Loaded| get(r, section, key).cloned().unwrap_or(Value::Null);
                let (b, c) = (value(base), value(cur));
                (b != c).then(|| Difference { key: format!("{section}.{key}"), baseline: Some(b), current: Some(c) })
            }
        })
        .collect()
}

/// Warnings: the settings in [`WARN_IF_DIFFERENT`] and the run length that
/// differ, and a setting compared only when both state it
/// ([`Rule::IfBothStated`]) that one report does not state.
pub fn warnings(base: &Loaded, cur: &Loaded) -> Vec<String> {
    let (must, warn) = rules(base);
    let mut out: Vec<String> = WARN_IF_DIFFERENT
        .iter()
        .chain(warn)
        .filter_map(|&(section, key)| differ(base, cur, section, key, true))
        .map(|d| format!("different {d}"))
        .collect();
    for &(section, key, _) in must.iter().filter(|(_, _, rule)| *rule == Rule::IfBothStated) {
        if let Some(d) = differ(base, cur, section, key, false).filter(|d| d.baseline.is_none() || d.current.is_none())
        {
            out.push(format!("{d}: stated by one report only, so not compared"));
        }
    }
    out
}

/// The job of `r` in a few words: "randread, bs 4.00 KiB, qd 32, jobs 1,
/// uniform, file", with "rwmix 70" for a mixed job and "rate 20000 IOPS
/// poisson" for an open-loop one; "wal fdatasync,odsync overwrite, bs 8.00
/// KiB, batch 1, writers 1" for a wal job (what is not stated is left out).
pub fn describe(r: &Loaded) -> String {
    let get = |section: &str, key: &str| get(r, section, key).filter(|v| !v.is_null());
    let mut parts = Vec::new();
    if command(r) == "wal" {
        let list = |key: &str| {
            let items = get("job", key).and_then(Value::as_array).cloned().unwrap_or_default();
            items.iter().map(|v| show(Some(v))).collect::<Vec<_>>().join(",")
        };
        parts.push(format!("wal {} {}", list("methods"), list("file_modes")));
    }
    if let Some(mode) = get("job", "mode") {
        parts.push(show(Some(mode)));
        if mode == "randrw"
            && let Some(pct) = get("job", "read_pct")
        {
            parts.push(format!("rwmix {pct}"));
        }
    }
    if let Some(bs) = get("job", "bs").and_then(Value::as_f64) {
        parts.push(format!("bs {}", crate::units::human_bytes(bs)));
    }
    for key in ["batch", "writers", "qd", "jobs"] {
        if let Some(v) = get("job", key) {
            parts.push(format!("{key} {}", show(Some(v))));
        }
    }
    if let Some(dist) = get("job", "dist") {
        parts.push(show(Some(dist)));
    }
    if let Some(rate) = get("job", "rate") {
        let arrival = get("job", "arrival").map(|a| format!(" {}", show(Some(a)))).unwrap_or_default();
        parts.push(format!("rate {rate} IOPS{arrival}"));
    }
    if let Some(kind) = get("target", "kind") {
        parts.push(show(Some(kind)));
    }
    parts.join(", ")
}

/// The difference at `section.key`, if any; with `both`, only when both
/// reports state the setting.
fn differ(base: &Loaded, cur: &Loaded, section: &str, key: &str, both: bool) -> Option<Difference> {
    let (b, c) = (get(base, section, key).cloned(), get(cur, section, key).cloned());
    if b == c || (both && (b.is_none() || c.is_none())) {
        return None;
    }
    Some(Difference { key: format!("{section}.{key}"), baseline: b, current: c })
}

/// The value at `section.key` of `r`, if stated.
fn get<'a>(r: &'a Loaded, section: &str, key: &str) -> Option<&'a Value> {
    r.value.get(section).and_then(|s| s.get(key))
}

/// A setting as a person writes it: strings bare, a distribution as on the
/// command line (`zipf:0.9`), anything else as compact JSON.
fn show(v: Option<&Value>) -> String {
    match v {
        None => "(not stated)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) if o.get("kind").is_some_and(Value::is_string) => {
            let kind = o["kind"].as_str().unwrap_or_default();
            let params: Vec<String> = o.iter().filter(|(k, _)| *k != "kind").map(|(_, v)| v.to_string()).collect();
            if params.is_empty() { kind.to_string() } else { format!("{kind}:{}", params.join(":")) }
        }
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn report(job: Value, target: Value, host: Value) -> Loaded {
        Loaded {
            path: "r.json".into(),
            value: json!({ "command": "bench", "job": job, "target": target, "host": host }),
        }
    }

    fn wal(job: Value) -> Loaded {
        Loaded { path: "w.json".into(), value: json!({ "command": "wal", "job": job }) }
    }

    #[test]
    fn wal_settings_must_match() {
        let base = wal(json!({"methods": ["fdatasync", "odsync"], "file_modes": ["overwrite"], "writers": 1,
            "batch": 1, "bs": 8192, "time": 2.0, "size": 1 << 28}));
        let cur = wal(json!({"methods": ["fdatasync"], "file_modes": ["append"], "writers": 4,
            "batch": 8, "bs": 4096, "time": 5.0, "size": 1 << 28}));
        let found: Vec<String> = mismatches(&base, &cur).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            found,
            [
                "job.methods: baseline [\"fdatasync\",\"odsync\"], current [\"fdatasync\"]",
                "job.file_modes: baseline [\"overwrite\"], current [\"append\"]",
                "job.writers: baseline 1, current 4",
                "job.batch: baseline 1, current 8",
                "job.bs: baseline 8192, current 4096",
            ]
        );
        assert_eq!(warnings(&base, &cur), ["different job.time: baseline 2.0, current 5.0"]);
        assert_eq!(describe(&base), "wal fdatasync,odsync overwrite, bs 8.00 KiB, batch 1, writers 1");
        let bench = report(json!({}), json!({}), json!({}));
        assert_eq!(mismatches(&bench, &base)[0].to_string(), "command: baseline bench, current wal");
    }

    #[test]
    fn names_each_difference() {
        let base = report(
            json!({"mode": "randread", "bs": 4096, "qd": 32, "jobs": 1, "dist": {"kind": "uniform"}, "read_pct": 100}),
            json!({"kind": "file"}),
            json!({}),
        );
        let cur = report(
            json!({"mode": "randread", "bs": 8192, "qd": 64, "jobs": 1, "dist": {"kind": "zipf", "theta": 0.9}, "read_pct": 100}),
            json!({"kind": "block"}),
            json!({}),
        );
        let found: Vec<String> = mismatches(&base, &cur).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            found,
            [
                "job.bs: baseline 4096, current 8192",
                "job.qd: baseline 32, current 64",
                "job.dist: baseline uniform, current zipf:0.9",
                "target.kind: baseline file, current block",
            ]
        );
        assert!(mismatches(&base, &base).is_empty());
        assert_eq!(describe(&base), "randread, bs 4.00 KiB, qd 32, jobs 1, uniform, file");
    }

    #[test]
    fn a_setting_stated_on_one_side_only_is_a_mismatch() {
        let base = report(json!({"qd": 32, "read_pct": 70}), json!({}), json!({}));
        let cur = report(json!({"qd": 32}), json!({}), json!({}));
        assert_eq!(mismatches(&base, &cur)[0].to_string(), "job.read_pct: baseline 70, current (not stated)");
    }

    #[test]
    fn other_machines_are_warnings() {
        let base = report(json!({}), json!({"model": null}), json!({"kernel": "6.1", "cpu_model": "AMD EPYC"}));
        let cur = report(json!({}), json!({"model": "Samsung 990"}), json!({"kernel": "6.18"}));
        assert_eq!(
            warnings(&base, &cur),
            [
                "different host.kernel: baseline 6.1, current 6.18",
                "different target.model: baseline null, current Samsung 990"
            ]
        );
    }

    #[test]
    fn open_loop_against_closed_loop_is_a_mismatch() {
        let closed = report(json!({"rate": null, "arrival": "fixed"}), json!({}), json!({}));
        let before_rate = report(json!({}), json!({}), json!({}));
        let open = report(json!({"rate": 20000.0, "arrival": "poisson"}), json!({}), json!({}));
        assert!(mismatches(&closed, &before_rate).is_empty(), "no rate key is a closed-loop run");
        let found: Vec<String> = mismatches(&open, &closed).iter().map(|d| d.to_string()).collect();
        assert_eq!(found, ["job.rate: baseline 20000.0, current null", "job.arrival: baseline poisson, current fixed"]);
        assert_eq!(describe(&open), "rate 20000.0 IOPS poisson");
    }

    #[test]
    fn every_setting_that_changes_the_numbers_must_match() {
        let job = json!({"mode": "randrw", "read_pct": 70, "bs": 4096, "qd": 8, "jobs": 2, "dist": {"kind": "uniform"},
            "size": 1 << 30, "offset": 0, "rate": null, "arrival": "fixed", "submit": "auto", "data": "random",
            "verify": false, "engine": "uring", "stop": {"time": 5.0}, "ramp": 1.0, "seed": 1});
        let base = report(job.clone(), json!({"kind": "file"}), json!({}));
        let mut other = job.as_object().unwrap().clone();
        for (k, v) in [
            ("read_pct", json!(50)),
            ("size", json!(1 << 20)),
            ("offset", json!(4096)),
            ("submit", json!("eager")),
            ("data", json!("zero")),
            ("verify", json!(true)),
            ("engine", json!("psync")),
            ("stop", json!({"time": 9.0})),
            ("seed", json!(2)),
        ] {
            other.insert(k.into(), v);
        }
        let cur = report(Value::Object(other), json!({"kind": "file"}), json!({}));
        let keys: Vec<String> = mismatches(&base, &cur).into_iter().map(|d| d.key).collect();
        let want = ["read_pct", "size", "offset", "submit", "data", "verify", "engine"].map(|k| format!("job.{k}"));
        assert_eq!(keys, want);
        assert_eq!(warnings(&base, &cur), ["different job.stop: baseline {\"time\":5.0}, current {\"time\":9.0}"]);
        assert_eq!(describe(&base), "randrw, rwmix 70, bs 4.00 KiB, qd 8, jobs 2, uniform, file");
    }

    #[test]
    fn an_engine_stated_by_one_report_only_is_a_warning() {
        let base = report(json!({"engine": "uring"}), json!({}), json!({}));
        let cur = report(json!({}), json!({}), json!({}));
        assert!(mismatches(&base, &cur).is_empty());
        assert_eq!(
            warnings(&base, &cur),
            ["job.engine: baseline uring, current (not stated): stated by one report only, so not compared"]
        );
    }
}
