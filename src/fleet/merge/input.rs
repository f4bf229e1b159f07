//! One host's report, read for merging: the report (checked by the gate's
//! loader: a whole bench or wal run), its histograms decoded with the
//! checked decoder, its measured window and its series.

use std::{collections::BTreeMap, path::Path};

use hdrhistogram::Histogram;
use serde_json::Value;

use crate::{error::AppError, gate::load::Loaded, report::decode_hdr};

/// One op kind of one host: counters and the decoded latency histogram.
#[derive(Debug, Clone)]
pub struct HostOp {
    pub ops: u64,
    pub bytes: u64,
    pub errors: u64,
    pub iops: f64,
    pub bw: f64,
    pub hist: Histogram<u64>,
}

/// One interval of a host's `series`, for one op kind.
#[derive(Debug, Clone)]
pub struct HostInterval {
    /// End of the interval, seconds after the host's window start.
    pub t_s: f64,
    pub length_s: f64,
    pub ops: u64,
    pub bytes: u64,
    pub hist: Histogram<u64>,
}

/// One host's run.
#[derive(Debug, Clone)]
pub struct HostRun {
    /// The report file, as given.
    pub file: String,
    pub report: Value,
    /// Per op kind.
    pub ops: BTreeMap<String, HostOp>,
    /// The measured window, Unix nanoseconds, when the report states it.
    pub window: Option<(u64, u64)>,
    pub duration_s: f64,
    /// `series.interval_s` and, per op kind, the intervals.
    pub series: Option<(f64, BTreeMap<String, Vec<HostInterval>>)>,
}

impl HostRun {
    /// Reads the parts of `loaded` a merge needs; errors name the file and key.
    pub fn read(loaded: &Loaded) -> Result<HostRun, AppError> {
        let file = loaded.path.display().to_string();
        let v = &loaded.value;
        let bad = |what: String| AppError::Usage(format!("{file}: {what}"));
        let mut ops = BTreeMap::new();
        for (kind, r) in v["results"].as_object().into_iter().flatten() {
            let count = |key: &str| r[key].as_u64().ok_or_else(|| bad(format!("results.{kind}.{key} is not a count")));
            let hist = decode(&r["latency_ns"]["hdr"], &loaded.path, &format!("results.{kind}.latency_ns.hdr"))?;
            let (iops, bw) = (r["iops"].as_f64().unwrap_or(0.0), r["bw_bytes_per_s"].as_f64().unwrap_or(0.0));
            let op = HostOp { ops: count("ops")?, bytes: count("bytes")?, errors: count("errors")?, iops, bw, hist };
            ops.insert(kind.clone(), op);
        }
        let window = match (v["window_start_unix_ns"].as_u64(), v["window_end_unix_ns"].as_u64()) {
            (Some(s), Some(e)) if e >= s => Some((s, e)),
            _ => None,
        };
        let duration_s = v["duration_s"].as_f64().unwrap_or(0.0);
        Ok(HostRun { file, series: series(v, &loaded.path)?, report: v.clone(), ops, window, duration_s })
    }

    /// Total IOPS over the op kinds, as the host stated it.
    pub fn iops(&self) -> f64 {
        self.ops.values().map(|o| o.iops).sum()
    }

    /// The host's name (`host.name`), or its file when the report has none.
    pub fn name(&self) -> String {
        self.report["host"]["name"].as_str().map_or_else(|| self.file.clone(), String::from)
    }

    /// The host's rank, when the report states one.
    pub fn rank(&self) -> Option<u64> {
        self.report["rank"]["rank"].as_u64()
    }
}

/// Decodes the blob at `value`; errors name `path` and `at`.
fn decode(value: &Value, path: &Path, at: &str) -> Result<Histogram<u64>, AppError> {
    let blob = value.as_str().ok_or_else(|| AppError::Usage(format!("{}: {at} is missing", path.display())))?;
    decode_hdr(blob).map_err(|why| AppError::Usage(format!("{}: {at}: {why}", path.display())))
}

/// The `series` of `v`, if it has one.
type Series = Option<(f64, BTreeMap<String, Vec<HostInterval>>)>;

fn series(v: &Value, path: &Path) -> Result<Series, AppError> {
    let Some(every) = v["series"]["interval_s"].as_f64() else { return Ok(None) };
    let mut out = BTreeMap::new();
    for (kind, rows) in v["series"].as_object().into_iter().flatten().filter(|(k, _)| *k != "interval_s") {
        let mut list = Vec::new();
        for (i, row) in rows.as_array().into_iter().flatten().enumerate() {
            let at = format!("series.{kind}[{i}]");
            let num = |key: &str| {
                row[key].as_f64().ok_or_else(|| AppError::Usage(format!("{}: {at}.{key} is missing", path.display())))
            };
            list.push(HostInterval {
                t_s: num("t_s")?,
                length_s: num("length_s")?,
                ops: num("ops")? as u64,
                bytes: num("bytes")? as u64,
                hist: decode(&row["hdr"], path, &format!("{at}.hdr"))?,
            });
        }
        out.insert(kind.clone(), list);
    }
    Ok(Some((every, out)))
}
