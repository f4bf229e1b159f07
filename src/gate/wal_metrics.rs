//! The metrics of a `jdbio wal` report, in the shape the gate compares:
//! one "op" per measured (method, file mode) entry, named "fdatasync
//! overwrite", whose `iops` is commits per second, `bw` the bytes committed
//! per second, and p50/p99/p99.9 the commit latency (write plus sync: what
//! a transaction waits for). Entries the OS could not run are left out; an
//! entry that ran but committed nothing is refused.

use std::collections::BTreeMap;

use serde_json::Value;

use super::metrics::{Metric, Values};

/// The values of the `wal.entries` of `report`; the error names the entry.
pub fn values(report: &Value) -> Result<Values, String> {
    let entries = report
        .get("wal")
        .and_then(|w| w.get("entries"))
        .and_then(Value::as_array)
        .ok_or("wal.entries is missing or not an array")?;
    let mut ops = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.get("supported").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let text = |key: &str| entry.get(key).and_then(Value::as_str);
        let (Some(method), Some(file_mode)) = (text("method"), text("file_mode")) else {
            return Err(format!("wal.entries[{i}] has no method and file_mode"));
        };
        let at = format!("wal.entries[{i}] ({method} {file_mode})");
        let number = |key: &str| entry.get(key).and_then(Value::as_f64);
        match number("commits") {
            None => return Err(format!("{at}: \"commits\" is missing or not a number")),
            Some(c) if c <= 0.0 => {
                return Err(format!("{at}: 0 commits: nothing was measured, so there is nothing to judge"));
            }
            Some(_) => {}
        }
        let bw = match (number("bytes"), number("duration_s")) {
            (Some(bytes), Some(secs)) if secs > 0.0 => bytes / secs,
            _ => return Err(format!("{at}: \"bytes\" and a positive \"duration_s\" are needed")),
        };
        let mut metrics = BTreeMap::from([(Metric::Bw, bw)]);
        metrics.insert(Metric::Iops, number("commits_per_s").ok_or(format!("{at}: no \"commits_per_s\""))?);
        for (metric, pct) in [(Metric::P50, "50"), (Metric::P99, "99"), (Metric::P999, "99.9")] {
            let value = entry.get("commit_latency_ns").and_then(|l| l.get("percentiles")).and_then(|p| p.get(pct));
            let value = value
                .and_then(Value::as_f64)
                .ok_or(format!("{at}: commit_latency_ns.percentiles[\"{pct}\"] is missing or not a number"))?;
            metrics.insert(metric, value);
        }
        ops.insert(format!("{method} {file_mode}"), metrics);
    }
    if ops.is_empty() {
        return Err(
            "wal.entries has no measured entry (none ran, or none is supported here), so there is nothing to judge"
                .into(),
        );
    }
    Ok(Values { ops, cpu_per_io: None })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entry(method: &str, commits: u64, p99: u64) -> Value {
        json!({"method": method, "file_mode": "overwrite", "supported": true, "commits": commits,
               "bytes": commits * 8192, "duration_s": 2.0, "commits_per_s": commits as f64 / 2.0,
               "commit_latency_ns": {"percentiles": {"50": p99 / 2, "99": p99, "99.9": p99 * 2}}})
    }

    #[test]
    fn one_op_per_measured_entry() {
        let unsupported = json!({"method": "rwf-dsync", "file_mode": "overwrite", "supported": false});
        let r = json!({"wal": {"entries": [entry("fdatasync", 1000, 900), unsupported]}});
        let v = values(&r).unwrap();
        assert_eq!(v.ops.len(), 1);
        assert_eq!(v.get(Some("fdatasync overwrite"), Metric::Iops), Some(500.0));
        assert_eq!(v.get(Some("fdatasync overwrite"), Metric::Bw), Some(4096000.0));
        assert_eq!(v.get(Some("fdatasync overwrite"), Metric::P99), Some(900.0));
        assert_eq!(v.get(Some("fdatasync overwrite"), Metric::P999), Some(1800.0));
    }

    #[test]
    fn nothing_measured_is_refused() {
        let r = json!({"wal": {"entries": [entry("fsync", 0, 0)]}});
        assert_eq!(
            values(&r).unwrap_err(),
            "wal.entries[0] (fsync overwrite): 0 commits: nothing was measured, so there is nothing to judge"
        );
        assert!(values(&json!({"wal": {"entries": []}})).unwrap_err().starts_with("wal.entries has no measured entry"));
        assert_eq!(values(&json!({})).unwrap_err(), "wal.entries is missing or not an array");
    }
}
