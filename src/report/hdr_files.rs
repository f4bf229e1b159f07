//! HdrHistogram's own text formats, so its tools read jdbio's histograms:
//! the interval log (`.hlog`, one compressed histogram per interval, read by
//! HistogramLogProcessor and the Python `hdrhistogram` package) and the
//! percentile distribution (`.hgrm`, what HdrHistogram's plotter takes).

use std::fmt::Write;

use hdrhistogram::Histogram;

use super::{encode_hdr, rfc3339};

/// One interval of a log: start (seconds since the log's start), length,
/// a tag naming what it holds (e.g. `read.service`), and its histogram.
pub struct LogInterval<'a> {
    pub start_s: f64,
    pub length_s: f64,
    pub tag: &'a str,
    pub hist: &'a Histogram<u64>,
}

/// One line of the interval log. Values are nanoseconds; `Interval_Max` is
/// stated in milliseconds (the format's max-value unit ratio of 1e6).
pub fn interval_line(i: &LogInterval) -> String {
    let max_ms = if i.hist.is_empty() { 0.0 } else { i.hist.max() as f64 / 1e6 };
    format!("Tag={},{:.3},{:.3},{max_ms:.3},{}\n", i.tag, i.start_s, i.length_s, encode_hdr(i.hist))
}

/// The interval log's header, for a log starting at `start_epoch_s`;
/// [`interval_line`]s follow it.
pub fn interval_log_header(start_epoch_s: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#[Histogram log format version 1.3]");
    let _ = writeln!(out, "#[jdbio interval histograms, values in nanoseconds; tags name the op kind and latency]");
    let _ = writeln!(out, "#[StartTime: {start_epoch_s:.3} (seconds since epoch), {}]", rfc3339(start_epoch_s as u64));
    let _ = writeln!(out, "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"");
    out
}

/// The percentile distribution text, values in microseconds.
pub fn percentile_distribution(hist: &Histogram<u64>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{:>12} {:>14} {:>10} {:>14}\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
    let us = |v: u64| v as f64 / 1e3;
    let mut total = 0;
    for v in hist.iter_quantiles(5) {
        let q = v.quantile_iterated_to();
        total += v.count_since_last_iteration();
        let inv = if q < 1.0 { format!("{:>14.2}", 1.0 / (1.0 - q)) } else { String::new() };
        let _ = writeln!(out, "{:>12.3} {:>14.12} {:>10} {inv}", us(v.value_iterated_to()), q, total);
    }
    let _ = writeln!(out, "#[Mean    = {:>12.3}, StdDeviation   = {:>12.3}]", hist.mean() / 1e3, hist.stdev() / 1e3);
    let _ = writeln!(out, "#[Max     = {:>12.3}, Total count    = {:>12}]", us(hist.max()), hist.len());
    let _ = writeln!(out, "#[Buckets = {:>12}, SubBuckets     = {:>12}]", hist.buckets(), hist.distinct_values());
    out
}
