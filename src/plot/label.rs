//! Legend text from a report's `job`: what a person would type to get that
//! line again, e.g. "randread 4k qd32" or "fdatasync overwrite 8k". Missing
//! settings are left out rather than guessed.

use serde_json::Value;

/// "randread 4k qd32", with "jobs 4", the read share of a mixed mode, a
/// non-uniform offset distribution and an open-loop rate when they apply.
pub fn bench(job: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(mode) = job["mode"].as_str() {
        parts.push(mode.to_string());
        if mode == "randrw"
            && let Some(pct) = job["read_pct"].as_u64()
        {
            parts.push(format!("{pct}/{}", 100u64.saturating_sub(pct)));
        }
    }
    if let Some(bs) = job["bs"].as_u64() {
        parts.push(size(bs));
    }
    if let Some(qd) = job["qd"].as_u64() {
        parts.push(format!("qd{qd}"));
    }
    if let Some(jobs) = job["jobs"].as_u64().filter(|&n| n > 1) {
        parts.push(format!("jobs {jobs}"));
    }
    if let Some(dist) = dist(&job["dist"]) {
        parts.push(dist);
    }
    if let Some(rate) = job["rate"].as_f64() {
        parts.push(format!("@{} IOPS", count(rate)));
    }
    parts.join(" ")
}

/// What every line of a wal report shares: "wal, bs 8k", with "batch N"
/// and "writers N" when above 1.
pub fn wal(job: &Value) -> String {
    let mut parts = vec!["wal".to_string()];
    if let Some(bs) = job["bs"].as_u64() {
        parts.push(format!("bs {}", size(bs)));
    }
    for key in ["batch", "writers"] {
        if let Some(n) = job[key].as_u64().filter(|&n| n > 1) {
            parts.push(format!("{key} {n}"));
        }
    }
    parts.join(", ")
}

/// A byte count as `--bs` takes it: "512", "4k", "128k", "1m".
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "g"), (1 << 20, "m"), (1 << 10, "k")];
    for (unit, suffix) in UNITS {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// A rate or count, short: "950", "12k", "1.5M".
pub fn count(n: f64) -> String {
    let (v, suffix) = match n.abs() {
        a if a >= 1e6 => (n / 1e6, "M"),
        a if a >= 1e3 => (n / 1e3, "k"),
        _ => (n, ""),
    };
    format!("{}{suffix}", trim(v))
}

/// `v` with at most three significant digits and no trailing zeros:
/// "0.05", "2.5", "120", "1500".
pub fn trim(v: f64) -> String {
    let decimals = match v.abs() {
        0.0 => 0,
        a if a >= 100.0 => 0,
        a => (2.0 - a.log10().floor()).max(0.0) as usize,
    };
    let text = format!("{v:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

/// "zipf:1.2" or "pareto:0.2"; None for uniform or unknown.
fn dist(dist: &Value) -> Option<String> {
    let kind = dist["kind"].as_str().filter(|k| *k != "uniform")?;
    let param = dist.as_object()?.iter().find(|(k, _)| *k != "kind").and_then(|(_, v)| v.as_f64());
    Some(match param {
        Some(p) => format!("{kind}:{p}"),
        None => kind.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bench_labels_read_like_the_command_line() {
        let job = json!({"mode": "randread", "bs": 4096, "qd": 32, "jobs": 1, "dist": {"kind": "uniform"}});
        assert_eq!(bench(&job), "randread 4k qd32");
        let job = json!({"mode": "randrw", "read_pct": 70, "bs": 131072, "qd": 1, "jobs": 4,
                         "dist": {"kind": "zipf", "theta": 1.2}, "rate": 20000.0});
        assert_eq!(bench(&job), "randrw 70/30 128k qd1 jobs 4 zipf:1.2 @20k IOPS");
    }

    #[test]
    fn wal_headings_name_the_shared_settings() {
        assert_eq!(wal(&json!({"bs": 8192, "batch": 1, "writers": 1})), "wal, bs 8k");
        assert_eq!(wal(&json!({"bs": 8192, "writers": 4})), "wal, bs 8k, writers 4");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(size(512), "512");
        assert_eq!(size(1 << 20), "1m");
        assert_eq!(size(6144), "6k");
        assert_eq!(size(1000), "1000");
        assert_eq!(count(950.0), "950");
        assert_eq!(count(117_999.0), "118k");
        assert_eq!(count(1_500_000.0), "1.5M");
        assert_eq!(trim(0.05), "0.05");
        assert_eq!(trim(2.5), "2.5");
        assert_eq!(trim(0.0), "0");
        assert_eq!(trim(1500.0), "1500");
    }
}
