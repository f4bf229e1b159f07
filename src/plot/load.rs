//! Reading reports and turning each into what can be drawn: latency
//! histograms (decoded from their `hdr` blobs) and time series. Every way a
//! file can be unusable is exit 2 with a message naming the path. Files are
//! read by [`crate::report::read_report`] (size-bounded) and blobs decoded by
//! [`crate::report::decode_hdr`] (declared sizes checked first).

use std::path::Path;

use hdrhistogram::Histogram;
use serde_json::Value;

use super::label;
use crate::{
    error::AppError,
    report::{decode_hdr, read_report},
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

/// Reads the report at `path` and extracts what can be drawn.
pub fn load(path: &Path) -> Result<Source, AppError> {
    let usage = |why: String| AppError::Usage(format!("{}: {why}", path.display()));
    let report = read_report(path)?;
    plottable(&report).map_err(usage)?;
    let source = extract(&report).map_err(usage)?;
    if source.curves.is_empty() && source.tracks.is_empty() {
        return Err(usage(format!(
            "a jdbio {} report with no latency histogram to draw (no op completed?)",
            source.command
        )));
    }
    Ok(source)
}

/// Checks that a jdbio report is one `jdbio plot` can draw.
fn plottable(report: &Value) -> Result<(), String> {
    match report["command"].as_str() {
        Some("bench" | "wal") => Ok(()),
        Some(other) => Err(format!("a jdbio {other} report, which has nothing to plot; {PLOTTABLE}")),
        None => Err(format!("no \"command\" key; {PLOTTABLE}")),
    }
}

/// The curves and tracks of a parsed report.
fn extract(report: &Value) -> Result<Source, String> {
    let command = report["command"].as_str().unwrap_or_default().to_string();
    let (curves, tracks) = if command == "wal" { (wal(report)?, Vec::new()) } else { bench(report)? };
    let heading = if command == "wal" { label::wal(&report["job"]) } else { command.clone() };
    Ok(Source { about: about(report), command, heading, curves, tracks })
}

/// "jdbio bench on p.dat (ext4), 2026-05-01 10:00 UTC"
fn about(report: &Value) -> String {
    let mut text = format!("jdbio {}", report["command"].as_str().unwrap_or_default());
    if let Some(path) = report["target"]["path"].as_str().or_else(|| report["job"]["path"].as_str()) {
        text.push_str(&format!(" on {path}"));
        if let Some(fs) = report["target"]["filesystem"].as_str() {
            text.push_str(&format!(" ({fs})"));
        }
    }
    if let Some(at) = report["started_at"].as_str().filter(|s| s.len() >= 16) {
        text.push_str(&format!(", {} {} UTC", &at[..10], &at[11..16]));
    }
    text
}

/// Bench: one curve per op kind (two with --rate: service and response),
/// one track per op kind in the `series`.
fn bench(report: &Value) -> Result<(Vec<Curve>, Vec<Track>), String> {
    let base = label::bench(&report["job"]);
    let results = report["results"].as_object().cloned().unwrap_or_default();
    let mixed = results.len() > 1
        || report["job"]["mode"] == "randrw"
        || results.values().any(|r| r.get("response_latency_ns").is_some_and(Value::is_object));
    let name = |op: &str| if mixed { format!("{base} {op}") } else { base.clone() };
    let mut curves = Vec::new();
    for (op, result) in &results {
        let response = result.get("response_latency_ns").filter(|v| v.is_object());
        for (variant, key, kind) in [(0, "latency_ns", "service"), (1, "response_latency_ns", "response")] {
            let Some(summary) = result.get(key).filter(|v| v.is_object()) else { continue };
            let Some(hist) = histogram(summary, &format!("results.{op}.{key}"))? else { continue };
            let label = if response.is_some() { format!("{} {kind}", name(op)) } else { name(op) };
            curves.push(Curve { label, group: op.clone(), variant, hist });
        }
    }
    let mut tracks = Vec::new();
    if let Some(series) = report.get("series").filter(|s| !s.is_null()) {
        let ops = series.as_object().ok_or("\"series\" is not an object")?;
        for (op, samples) in ops.iter().filter(|(k, _)| *k != "interval_s") {
            let samples = samples.as_array().ok_or(format!("series.{op} is not an array"))?;
            let rows = samples;
            let samples = rows
                .iter()
                .enumerate()
                .map(|(i, s)| sample(s, s).ok_or(format!("series.{op}[{i}] has no numeric t_s and iops")))
                .collect::<Result<Vec<_>, _>>()?;
            if !samples.is_empty() {
                tracks.push(Track { label: name(op), group: op.clone(), variant: 0, samples });
            }
            // Open loop: the response time per interval, in the response curve's style.
            let response: Vec<Sample> = rows.iter().filter_map(|s| sample(s, s.get("response")?)).collect();
            if !response.is_empty() {
                tracks.push(Track {
                    label: format!("{} response", name(op)),
                    group: op.clone(),
                    variant: 1,
                    samples: response,
                });
            }
        }
    }
    Ok((curves, tracks))
}

/// One `series` entry, with the p99 of `latency` (the entry itself, or its
/// `response`); None when `t_s` or `iops` is missing.
fn sample(s: &Value, latency: &Value) -> Option<Sample> {
    let p99_ns = latency["p99_ns"].as_f64().filter(|_| s["ops"].as_u64() != Some(0));
    Some(Sample { t_s: s["t_s"].as_f64()?, iops: s["iops"].as_f64()?, p99_ns })
}

/// Wal: one curve per supported (method, file mode), from its commit latency.
/// The file mode picks the line style, the method the colour.
fn wal(report: &Value) -> Result<Vec<Curve>, String> {
    let entries = report["wal"]["entries"].as_array().ok_or("a jdbio wal report without wal.entries")?;
    let mut curves = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let summary = &entry["commit_latency_ns"];
        if entry["supported"] == false || !summary.is_object() {
            continue;
        }
        let Some(hist) = histogram(summary, &format!("wal.entries[{i}].commit_latency_ns"))? else { continue };
        let method = entry["method"].as_str().unwrap_or("?");
        let file_mode = entry["file_mode"].as_str().unwrap_or_default();
        let variant = ["overwrite", "append", "prealloc"].iter().position(|m| *m == file_mode).unwrap_or(0);
        let label = format!("{method} {file_mode}").trim_end().to_string();
        curves.push(Curve { label, group: method.to_string(), variant, hist });
    }
    Ok(curves)
}

/// Decodes the `hdr` of the latency summary at `at`; None for an empty
/// histogram (an op kind with no completed op).
fn histogram(summary: &Value, at: &str) -> Result<Option<Histogram<u64>>, String> {
    let blob = summary["hdr"].as_str().ok_or(format!("{at} has no \"hdr\" histogram"))?;
    if blob.is_empty() {
        return Ok(None);
    }
    let hist = decode_hdr(blob).map_err(|why| format!("{at}.hdr: {why}"))?;
    Ok(Some(hist).filter(|h| !h.is_empty()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::report::{LatencySummary, SCHEMA, new_histogram};

    fn summary(values: &[u64]) -> Value {
        let mut h = new_histogram();
        for v in values {
            h.record(*v).unwrap();
        }
        serde_json::to_value(LatencySummary::from_histogram(&h)).unwrap()
    }

    fn report(command: &str, extra: Value) -> Value {
        let mut r = json!({"schema": SCHEMA, "command": command, "job": {"mode": "randread", "bs": 4096, "qd": 32}});
        r.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        r
    }

    #[test]
    fn only_bench_and_wal_reports_are_plottable() {
        assert!(plottable(&json!({"command": "wal"})).is_ok());
        let verify = plottable(&json!({"command": "verify"})).unwrap_err();
        assert!(verify.contains("a jdbio verify report") && verify.contains("bench and jdbio wal"), "{verify}");
        assert!(plottable(&json!({})).unwrap_err().starts_with("no \"command\" key"));
    }

    #[test]
    fn bench_curves_decode_their_histograms() {
        let r = report("bench", json!({"results": {"read": {"latency_ns": summary(&[100_000, 200_000, 300_000])}}}));
        let (curves, tracks) = bench(&r).unwrap();
        assert_eq!(curves.len(), 1);
        assert_eq!(curves[0].label, "randread 4k qd32");
        assert_eq!(curves[0].hist.len(), 3);
        assert!(tracks.is_empty());
    }

    #[test]
    fn rate_reports_get_service_and_response_lines() {
        let read = json!({"latency_ns": summary(&[100_000]), "response_latency_ns": summary(&[150_000])});
        let (curves, _) = bench(&report("bench", json!({"results": {"read": read}}))).unwrap();
        let labels: Vec<_> = curves.iter().map(|c| (c.label.as_str(), c.variant)).collect();
        assert_eq!(labels, [("randread 4k qd32 read service", 0), ("randread 4k qd32 read response", 1)]);
        assert_eq!(curves[0].group, curves[1].group);
    }

    #[test]
    fn series_become_tracks() {
        let series = json!({"interval_s": 1.0, "read": [
            {"t_s": 1.0, "ops": 10, "iops": 10.0, "p99_ns": 5000},
            {"t_s": 2.0, "ops": 0, "iops": 0.0, "p99_ns": 0}]});
        let r = report("bench", json!({"results": {"read": {"latency_ns": summary(&[1])}}, "series": series}));
        let (_, tracks) = bench(&r).unwrap();
        assert_eq!(tracks[0].samples[0], Sample { t_s: 1.0, iops: 10.0, p99_ns: Some(5000.0) });
        assert_eq!(tracks[0].samples[1].p99_ns, None, "an empty interval has no p99");
        let bad = report("bench", json!({"results": {}, "series": {"read": [{"t_s": 1.0}]}}));
        assert_eq!(bench(&bad).unwrap_err(), "series.read[0] has no numeric t_s and iops");
    }

    #[test]
    fn wal_curves_skip_unsupported_methods() {
        let r = report(
            "wal",
            json!({"job": {"bs": 8192}, "wal": {"entries": [
                {"method": "fdatasync", "file_mode": "append", "supported": true, "commit_latency_ns": summary(&[9000])},
                {"method": "rwf-dsync", "file_mode": "append", "supported": false, "commit_latency_ns": null}]}}),
        );
        let curves = wal(&r).unwrap();
        assert_eq!(curves.len(), 1);
        assert_eq!((curves[0].label.as_str(), curves[0].variant), ("fdatasync append", 1));
    }

    #[test]
    fn a_bad_blob_names_where_it_is() {
        let r = report("bench", json!({"results": {"read": {"latency_ns": {"hdr": "@@@"}}}}));
        assert!(bench(&r).unwrap_err().starts_with("results.read.latency_ns.hdr: not base64"));
    }
}
