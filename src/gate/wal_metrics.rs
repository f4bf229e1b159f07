//! The metrics of a `jdbio wal` report, in the shape the gate compares:
//! one "op" per measured (method, file mode) entry, named "fdatasync
//! overwrite" (a `--profile` row: "postgres wal_sync_method=fdatasync"), whose `iops` is commits per second, `bw` the bytes committed
//! per second, and p50/p99/p99.9 the commit latency (write plus sync: what
//! a transaction waits for). Entries the OS could not run are left out; an
//! entry that ran but committed nothing is refused.

use std::collections::BTreeMap;

use super::metrics::{Metric, Values};
use crate::model::Percentile;
use crate::model::wal::WalSection;

/// The values of the entries of `wal`; the error names the entry.
pub fn values(wal: &WalSection) -> Result<Values, String> {
    let mut ops = BTreeMap::new();
    for (i, entry) in wal.entries.iter().enumerate().filter(|(_, e)| e.supported) {
        let name = entry.label();
        let at = format!("wal.entries[{i}] ({name})");
        if entry.commits == 0 {
            return Err(format!("{at}: 0 commits: nothing was measured, so there is nothing to judge"));
        }
        if entry.duration_s <= 0.0 {
            return Err(format!("{at}: a positive \"duration_s\" is needed"));
        }
        let mut metrics = BTreeMap::from([
            (Metric::Bw, entry.bytes as f64 / entry.duration_s),
            (Metric::Iops, entry.commits_per_s),
        ]);
        let latency = entry.commit_latency_ns.as_ref().ok_or(format!("{at}: no commit_latency_ns"))?;
        for (metric, pct) in [(Metric::P50, Percentile::P50), (Metric::P99, Percentile::P99), (Metric::P999, Percentile::P999)] {
            let value =
                latency.at(pct).ok_or(format!("{at}: commit_latency_ns.percentiles[\"{}\"] is missing", pct.key()))?;
            metrics.insert(metric, value as f64);
        }
        ops.insert(name, metrics);
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
    use super::*;
    use crate::model::{Body, load_bytes};

    /// The wal section of the gate's wal fixture (a /1 report).
    fn section() -> WalSection {
        let report = load_bytes(include_bytes!("../../tests/fixtures/gate/wal-base.json")).unwrap();
        match report.body {
            Body::Wal(w) => w.wal,
            _ => unreachable!("wal-base.json is a wal report"),
        }
    }

    #[test]
    fn one_op_per_measured_entry() {
        let wal = section();
        let v = values(&wal).unwrap();
        let measured = wal.entries.iter().filter(|e| e.supported).count();
        assert_eq!(v.ops.len(), measured);
        let e = wal.entries.iter().find(|e| e.supported).unwrap();
        let name = format!("{} {}", e.method.name(), e.file_mode.name());
        assert_eq!(v.get(Some(&name), Metric::Iops), Some(e.commits_per_s));
        assert_eq!(v.get(Some(&name), Metric::Bw), Some(e.bytes as f64 / e.duration_s));
        let p99 = e.commit_latency_ns.as_ref().unwrap().at(Percentile::P99).unwrap() as f64;
        assert_eq!(v.get(Some(&name), Metric::P99), Some(p99));
    }

    #[test]
    fn nothing_measured_is_refused() {
        let mut wal = section();
        wal.entries.retain(|e| e.supported);
        wal.entries.truncate(1);
        wal.entries[0].commits = 0;
        let e = &wal.entries[0];
        let want = format!(
            "wal.entries[0] ({} {}): 0 commits: nothing was measured, so there is nothing to judge",
            e.method.name(),
            e.file_mode.name()
        );
        assert_eq!(values(&wal).unwrap_err(), want);
        wal.entries.clear();
        assert!(values(&wal).unwrap_err().starts_with("wal.entries has no measured entry"));
    }
}
