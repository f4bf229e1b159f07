//! One host's report, read for merging: the typed report (loaded by
//! [`crate::model::load_with`], its `series` rows checked but not kept:
//! [`super::series::fold`] reads them again one at a time), its results'
//! histograms decoded with the checked decoder, its measured window and
//! its series' interval.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use hdrhistogram::Histogram;

use crate::error::AppError;
use crate::model::{Body, LatencySummary, LoadedReport, Report, bench::BenchBody, decode_hdr};

/// One op kind of one host: counters and the decoded latency histogram.
#[derive(Debug, Clone)]
pub struct HostOp {
    /// Operations.
    pub ops: u64,
    /// Bytes transferred.
    pub bytes: u64,
    /// Operations that failed.
    pub errors: u64,
    /// Operations per second, as stated.
    pub iops: f64,
    /// Bytes per second, as stated.
    pub bw: f64,
    /// The latency, as stated.
    pub latency: LatencySummary,
    /// The latency histogram, decoded.
    pub hist: Histogram<u64>,
}

/// One host's run.
#[derive(Debug, Clone)]
pub struct HostRun {
    /// The report file, as given.
    pub file: String,
    /// Its path.
    pub path: PathBuf,
    /// The report.
    pub report: Report,
    /// Per op kind.
    pub ops: BTreeMap<String, HostOp>,
    /// The measured window, Unix nanoseconds, when the report states it.
    pub window: Option<(u64, u64)>,
    /// Measured time, seconds.
    pub duration_s: f64,
    /// `series.interval_s`, when the report has a series.
    pub series: Option<f64>,
}

impl HostRun {
    /// Reads the parts of `loaded` (a bench report) a merge needs; errors
    /// name the file and key.
    pub fn read(loaded: &LoadedReport) -> Result<HostRun, AppError> {
        let file = loaded.path.display().to_string();
        let r = &loaded.report;
        let Body::Bench(body) = &r.body else {
            return Err(AppError::Usage(format!("{file}: a jdbio {} report; jdbio merge adds jdbio bench reports", r.command())));
        };
        let mut ops = BTreeMap::new();
        for (kind, res) in &r.results {
            let hist = decode(&res.latency_ns.hdr, &loaded.path, &format!("results.{kind}.latency_ns.hdr"))?;
            let op = HostOp {
                ops: res.ops,
                bytes: res.bytes,
                errors: res.errors,
                iops: res.iops,
                bw: res.bw_bytes_per_s,
                latency: res.latency_ns.clone(),
                hist,
            };
            ops.insert(kind.clone(), op);
        }
        let window = match (body.window_start_unix_ns, body.window_end_unix_ns) {
            (Some(s), Some(e)) if e >= s => Some((s, e)),
            _ => None,
        };
        let series = body.series.as_ref().map(|s| s.interval_s);
        let path = loaded.path.clone();
        Ok(HostRun { file, path, series, report: r.clone(), ops, window, duration_s: r.duration_s })
    }

    /// Total IOPS over the op kinds, as the host stated it.
    pub fn iops(&self) -> f64 {
        self.ops.values().map(|o| o.iops).sum()
    }

    /// The host's name (`host.name`), or its file when the report has none.
    pub fn name(&self) -> String {
        Some(self.report.host.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| self.file.clone())
    }

    /// The host's rank, when the report states one.
    pub fn rank(&self) -> Option<u64> {
        self.report.rank.as_ref().map(|r| r.rank)
    }

    /// The host's bench sections.
    pub fn body(&self) -> Option<&BenchBody> {
        match &self.report.body {
            Body::Bench(b) => Some(b),
            _ => None,
        }
    }
}

/// Decodes `blob`; errors name `path` and `at`.
pub fn decode(blob: &str, path: &Path, at: &str) -> Result<Histogram<u64>, AppError> {
    if blob.is_empty() {
        return Err(AppError::Usage(format!("{}: {at} is missing", path.display())));
    }
    decode_hdr(blob).map_err(|why| AppError::Usage(format!("{}: {at}: {why}", path.display())))
}
