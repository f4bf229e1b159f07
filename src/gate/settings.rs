//! Whether two reports measured the same thing. The job settings that shape
//! the numbers and the target kind must match (a mismatch is exit 2 unless
//! `--allow-mismatch`); a different machine, device, filesystem or data
//! pattern is only a warning, since comparing across them is sometimes the
//! point but never innocent.

use serde::Serialize;
use serde_json::Value;

use super::load::Loaded;

/// Settings that must be equal for a comparison to mean anything.
const MUST_MATCH: [(&str, &str); 7] = [
    ("job", "mode"),
    ("job", "bs"),
    ("job", "qd"),
    ("job", "jobs"),
    ("job", "dist"),
    ("job", "read_pct"),
    ("target", "kind"),
];

/// Settings whose difference is worth a warning (compared only when both
/// reports state them).
const WARN_IF_DIFFERENT: [(&str, &str); 10] = [
    ("host", "cpu_model"),
    ("host", "kernel"),
    ("target", "model"),
    ("target", "filesystem"),
    ("job", "size"),
    ("job", "data"),
    ("job", "submit"),
    ("job", "verify"),
    ("job", "stop"),
    ("job", "ramp"),
];

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

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: baseline {}, current {}", self.key, show(self.baseline.as_ref()), show(self.current.as_ref()))
    }
}

/// The settings in [`MUST_MATCH`] that differ, in that order.
pub fn mismatches(base: &Loaded, cur: &Loaded) -> Vec<Difference> {
    MUST_MATCH.iter().filter_map(|&(section, key)| differ(base, cur, section, key, false)).collect()
}

/// Warnings: the settings in [`WARN_IF_DIFFERENT`] that differ, and a run
/// that was interrupted.
pub fn warnings(base: &Loaded, cur: &Loaded) -> Vec<String> {
    let mut out: Vec<String> = WARN_IF_DIFFERENT
        .iter()
        .filter_map(|&(section, key)| differ(base, cur, section, key, true))
        .map(|d| format!("different {d}"))
        .collect();
    for (which, r) in [("baseline", base), ("current", cur)] {
        if r.value.get("interrupted").and_then(Value::as_bool) == Some(true) {
            out.push(format!("the {which} run was interrupted (its numbers cover a partial run)"));
        }
    }
    out
}

/// The job of `r` in a few words: "randread, bs 4.00 KiB, qd 32, jobs 1,
/// uniform, file" (what is not stated is left out).
pub fn describe(r: &Loaded) -> String {
    let get = |section: &str, key: &str| r.value.get(section).and_then(|s| s.get(key)).filter(|v| !v.is_null());
    let mut parts = Vec::new();
    if let Some(mode) = get("job", "mode") {
        parts.push(show(Some(mode)));
    }
    if let Some(bs) = get("job", "bs").and_then(Value::as_f64) {
        parts.push(format!("bs {}", crate::units::human_bytes(bs)));
    }
    for key in ["qd", "jobs"] {
        if let Some(v) = get("job", key) {
            parts.push(format!("{key} {}", show(Some(v))));
        }
    }
    if let Some(dist) = get("job", "dist") {
        parts.push(show(Some(dist)));
    }
    if let Some(kind) = get("target", "kind") {
        parts.push(show(Some(kind)));
    }
    parts.join(", ")
}

/// The difference at `section.key`, if any; with `both`, only when both
/// reports state the setting.
fn differ(base: &Loaded, cur: &Loaded, section: &str, key: &str, both: bool) -> Option<Difference> {
    let get = |r: &Loaded| r.value.get(section).and_then(|s| s.get(key)).cloned();
    let (b, c) = (get(base), get(cur));
    if b == c || (both && (b.is_none() || c.is_none())) {
        return None;
    }
    Some(Difference { key: format!("{section}.{key}"), baseline: b, current: c })
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
        Loaded { path: "r.json".into(), value: json!({ "job": job, "target": target, "host": host }) }
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
}
