//! Reading reports and turning each into what can be drawn: latency
//! histograms (decoded from their `hdr` blobs) and time series. Every way a
//! file can be unusable is exit 2 with a message naming the path. Files are
//! read by [`crate::model::load`] (size-bounded, typed, `jdbio.report/1`
//! files mapped to /2) and blobs decoded by [`crate::model::decode_hdr`]
//! (declared sizes checked first). A bench report's `series` rows are read
//! one at a time and only their points kept ([`Points`]).

use std::{collections::BTreeMap, path::Path};

use hdrhistogram::Histogram;

use super::label;
use crate::model::Percentile;
use crate::error::AppError;
use crate::model::{
    Body, LatencySummary, Report, Rows,
    bench::{BenchBody, Interval, Mode},
    decode_hdr,
    wal::WalBody,
};

/// What `jdbio plot` draws; said in every message about a report it cannot use.
const PLOTTABLE: &str = "jdbio plot draws jdbio bench and jdbio wal reports";

/// One report, ready to draw.
#[derive(Debug)]
pub struct Source {
    /// "bench" or "wal".
    pub command: String,
    /// What all its lines share, for the legend: "bench", "wal, bs 8k".
    pub heading: String,
    /// One line about the run: command, target, filesystem, start time.
    pub about: String,
    /// Latency distributions, one line each on the spectrum.
    pub curves: Vec<Curve>,
    /// Per-interval samples, one line each on the over-time panels.
    pub tracks: Vec<Track>,
}

/// One latency distribution.
#[derive(Debug)]
pub struct Curve {
    /// Legend text under the report's heading, e.g. "randread 4k qd32" or
    /// "fdatasync append".
    pub label: String,
    /// Curves and tracks of one report with the same group share a colour
    /// (e.g. an op kind's service and response latency, and its series).
    pub group: String,
    /// Line style within the group: 0 solid, 1 dashed, 2 dotted.
    pub variant: usize,
    /// Nanoseconds.
    pub hist: Histogram<u64>,
}

/// One op kind's `series`.
#[derive(Debug)]
pub struct Track {
    /// Legend text under the report's heading.
    pub label: String,
    /// Same as the matching [`Curve::group`].
    pub group: String,
    /// Line style within the group, as [`Curve::variant`] (1: response time).
    pub variant: usize,
    /// In time order.
    pub samples: Vec<Sample>,
}

/// One interval of a `series`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// End of the interval, seconds from the start of the measured run.
    pub t_s: f64,
    /// Operations per second in the interval.
    pub iops: f64,
    /// 99th percentile latency in the interval; None for an interval with no ops.
    pub p99_ns: Option<f64>,
}

/// Per op kind, the points of its `series` rows: service time, and
/// response time (open loop only).
type Points = BTreeMap<String, (Vec<Sample>, Vec<Sample>)>;

/// Adds the points of `row`, a `series` row of op kind `kind`, to `points`.
fn add_points(points: &mut Points, kind: &str, row: &Interval) {
    let p99 = |l: &LatencySummary| l.at(Percentile::P99).map(|v| v as f64).filter(|_| row.ops > 0);
    let sample = |l: &LatencySummary| Sample { t_s: row.t_s, iops: row.iops, p99_ns: p99(l) };
    if !points.contains_key(kind) {
        points.insert(kind.to_string(), Default::default());
    }
    let Some((service, response)) = points.get_mut(kind) else { return };
    service.push(sample(&row.latency_ns));
    response.extend(row.response_latency_ns.as_ref().map(sample));
}

/// Reads the report at `path` and extracts what can be drawn.
pub fn load(path: &Path) -> Result<Source, AppError> {
    let usage = |why: String| AppError::Usage(format!("{}: {why}", path.display()));
    let mut points = Points::new();
    let mut each = |kind: &str, row: Interval| {
        add_points(&mut points, kind, &row);
        Ok(())
    };
    let report = crate::model::load_with(path, Rows::Each(&mut each))?.report;
    let source = extract(&report, points).map_err(usage)?;
    if source.curves.is_empty() && source.tracks.is_empty() {
        return Err(usage(format!(
            "a jdbio {} report with no latency histogram to draw (no op completed?)",
            source.command
        )));
    }
    Ok(source)
}

/// The curves and tracks of a report `jdbio plot` can draw (`points`: its
/// series rows').
fn extract(report: &Report, points: Points) -> Result<Source, String> {
    let (heading, curves, tracks) = match &report.body {
        Body::Wal(w) => (label::wal(&w.job), wal(w)?, Vec::new()),
        Body::Bench(b) => {
            let (curves, tracks) = bench(report, b, points)?;
            ("bench".to_string(), curves, tracks)
        }
        other => return Err(format!("a jdbio {} report, which has nothing to plot; {PLOTTABLE}", other.command())),
    };
    Ok(Source { about: about(report), command: report.command().to_string(), heading, curves, tracks })
}

/// "jdbio bench on p.dat (ext4), 2026-05-01 10:00 UTC"
fn about(report: &Report) -> String {
    let mut text = format!("jdbio {}", report.command());
    let job_path = match &report.body {
        Body::Bench(b) => b.job.path.clone(),
        Body::Wal(w) => Some(w.job.path.clone()),
        _ => None,
    };
    if let Some(path) = report.target.as_ref().map(|t| t.path.clone()).or(job_path) {
        text.push_str(&format!(" on {path}"));
        if let Some(fs) = report.target.as_ref().and_then(|t| t.filesystem.as_deref()) {
            text.push_str(&format!(" ({fs})"));
        }
    }
    let at = &report.started_at;
    if at.len() >= 16 {
        text.push_str(&format!(", {} {} UTC", &at[..10], &at[11..16]));
    }
    text
}

/// Bench: one curve per op kind (two with --rate: service and response),
/// one track per op kind in the `series` (whose rows' `points` are given).
fn bench(report: &Report, body: &BenchBody, points: Points) -> Result<(Vec<Curve>, Vec<Track>), String> {
    let base = label::bench(&body.job);
    let results = &report.results;
    let mixed = results.len() > 1
        || body.job.mode == Mode::Randrw
        || results.values().any(|r| r.response_latency_ns.is_some());
    let name = |op: &str| if mixed { format!("{base} {op}") } else { base.clone() };
    let mut curves = Vec::new();
    for (op, result) in results {
        let response = result.response_latency_ns.as_ref();
        for (variant, key, summary, kind) in [
            (0, "latency_ns", Some(&result.latency_ns), "service"),
            (1, "response_latency_ns", response, "response"),
        ] {
            let Some(summary) = summary else { continue };
            let Some(hist) = histogram(summary, &format!("results.{op}.{key}"))? else { continue };
            let label = if response.is_some() { format!("{} {kind}", name(op)) } else { name(op) };
            curves.push(Curve { label, group: op.clone(), variant, hist });
        }
    }
    let mut tracks = Vec::new();
    for (op, (samples, response)) in points {
        if !samples.is_empty() {
            tracks.push(Track { label: name(&op), group: op.clone(), variant: 0, samples });
        }
        // Open loop: the response time per interval, in the response curve's style.
        if !response.is_empty() {
            tracks.push(Track { label: format!("{} response", name(&op)), group: op, variant: 1, samples: response });
        }
    }
    Ok((curves, tracks))
}

/// Wal: one curve per supported (method, file mode), from its commit latency.
/// The file mode picks the line style, the method the colour.
fn wal(body: &WalBody) -> Result<Vec<Curve>, String> {
    let mut curves = Vec::new();
    for (i, entry) in body.wal.entries.iter().enumerate() {
        let Some(summary) = entry.commit_latency_ns.as_ref().filter(|_| entry.supported) else { continue };
        let Some(hist) = histogram(summary, &format!("wal.entries[{i}].commit_latency_ns"))? else { continue };
        let (method, file_mode) = (entry.method.name(), entry.file_mode.name());
        let variant = ["overwrite", "append", "prealloc"].iter().position(|m| *m == file_mode).unwrap_or(0);
        curves.push(Curve { label: entry.label(), group: method.to_string(), variant, hist });
    }
    Ok(curves)
}

/// Decodes the `hdr` of the latency summary at `at`; None for an empty
/// histogram (an op kind with no completed op).
fn histogram(summary: &LatencySummary, at: &str) -> Result<Option<Histogram<u64>>, String> {
    if summary.hdr.is_empty() {
        return Ok(None);
    }
    let hist = decode_hdr(&summary.hdr).map_err(|why| format!("{at}.hdr: {why}"))?;
    Ok(Some(hist).filter(|h| !h.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OpResult, load_bytes, new_histogram};

    fn summary(values: &[u64]) -> LatencySummary {
        let mut h = new_histogram();
        for v in values {
            h.record(*v).unwrap();
        }
        LatencySummary::from_histogram(&h)
    }

    /// The gate's base fixture (a /1 randread 4k qd32 report), loaded.
    fn base() -> Report {
        load_bytes(include_bytes!("../../tests/fixtures/gate/base.json")).unwrap()
    }

    fn body(r: &mut Report) -> &mut BenchBody {
        match &mut r.body {
            Body::Bench(b) => b,
            _ => unreachable!("a bench fixture"),
        }
    }

    fn read(latency_ns: LatencySummary) -> OpResult {
        OpResult { ops: 1, bytes: 0, errors: 0, iops: 1.0, bw_bytes_per_s: 0.0, latency_ns, response_latency_ns: None }
    }

    #[test]
    fn only_bench_and_wal_reports_are_plottable() {
        let verify = load_bytes(include_bytes!("../../tests/fixtures/report-v1/verify-512m-file.json")).unwrap();
        let err = extract(&verify, Points::new()).unwrap_err();
        assert!(err.contains("a jdbio verify report") && err.contains("bench and jdbio wal"), "{err}");
    }

    #[test]
    fn bench_curves_decode_their_histograms() {
        let mut r = base();
        r.results = [("read".to_string(), read(summary(&[100_000, 200_000, 300_000])))].into();
        let b = body(&mut r).clone();
        let (curves, tracks) = bench(&r, &b, Points::new()).unwrap();
        assert_eq!(curves.len(), 1);
        assert_eq!(curves[0].label, "randread 4k qd32");
        assert_eq!(curves[0].hist.len(), 3);
        assert!(tracks.is_empty());
    }

    #[test]
    fn rate_reports_get_service_and_response_lines() {
        let mut r = base();
        let mut op = read(summary(&[100_000]));
        op.response_latency_ns = Some(summary(&[150_000]));
        r.results = [("read".to_string(), op)].into();
        let b = body(&mut r).clone();
        let (curves, _) = bench(&r, &b, Points::new()).unwrap();
        let labels: Vec<_> = curves.iter().map(|c| (c.label.as_str(), c.variant)).collect();
        assert_eq!(labels, [("randread 4k qd32 read service", 0), ("randread 4k qd32 read response", 1)]);
        assert_eq!(curves[0].group, curves[1].group);
    }

    #[test]
    fn series_become_tracks() {
        let mut r = base();
        let interval = |t_s: f64, ops: u64, latency_ns| crate::model::bench::Interval {
            t_s,
            length_s: 1.0,
            ops,
            iops: ops as f64,
            bytes: 0,
            latency_ns,
            response_latency_ns: None,
        };
        let rows = [interval(1.0, 10, summary(&[5000; 10])), interval(2.0, 0, summary(&[]))];
        let p99 = rows[0].latency_ns.at(Percentile::P99).unwrap() as f64;
        let mut points = Points::new();
        rows.iter().for_each(|row| add_points(&mut points, "read", row));
        let b = body(&mut r).clone();
        let (_, tracks) = bench(&r, &b, points).unwrap();
        assert_eq!(tracks[0].samples[0], Sample { t_s: 1.0, iops: 10.0, p99_ns: Some(p99) });
        assert_eq!(tracks[0].samples[1].p99_ns, None, "an empty interval has no p99");
    }

    #[test]
    fn wal_curves_skip_unsupported_methods() {
        let r = load_bytes(include_bytes!("../../tests/fixtures/report-v1/wal-ext4-virtio.json")).unwrap();
        let Body::Wal(mut w) = r.body else { unreachable!("a wal fixture") };
        let all = wal(&w).unwrap().len();
        assert_eq!(all, w.wal.entries.len());
        w.wal.entries[1].supported = false;
        let curves = wal(&w).unwrap();
        assert_eq!(curves.len(), all - 1);
        assert!(curves.iter().all(|c| c.group != w.wal.entries[1].method.name()));
    }

    #[test]
    fn a_bad_blob_names_where_it_is() {
        let mut r = base();
        let bad = LatencySummary { hdr: "@@@".into(), ..LatencySummary::default() };
        r.results = [("read".to_string(), read(bad))].into();
        let b = body(&mut r).clone();
        assert!(bench(&r, &b, Points::new()).unwrap_err().starts_with("results.read.latency_ns.hdr: not base64"));
    }
}
