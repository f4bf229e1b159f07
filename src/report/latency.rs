//! Latency summaries from an HDR histogram, and the portable `hdr` blob
//! (HdrHistogram V2 compressed, base64), which HdrHistogram's Java, Python
//! and Rust tools decode.

use std::collections::BTreeMap;

use base64::Engine;
use hdrhistogram::{
    Histogram,
    serialization::{Serializer, V2DeflateSerializer},
};
use serde::Serialize;

/// Percentiles every report states, as JSON keys.
pub const PERCENTILES: [(&str, f64); 5] = [("50", 50.0), ("90", 90.0), ("99", 99.0), ("99.9", 99.9), ("99.99", 99.99)];

/// The `latency_ns` object: nanoseconds throughout.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LatencySummary {
    pub min: u64,
    pub max: u64,
    pub mean: f64,
    pub stdev: f64,
    /// Keys "50", "90", "99", "99.9", "99.99".
    pub percentiles: BTreeMap<String, u64>,
    /// HdrHistogram V2 deflate-compressed, base64.
    pub hdr: String,
}

impl LatencySummary {
    /// Summarises `hist`; an empty histogram gives zeros.
    pub fn from_histogram(hist: &Histogram<u64>) -> Self {
        let empty = hist.is_empty();
        let percentiles = PERCENTILES
            .iter()
            .map(|(key, q)| (key.to_string(), if empty { 0 } else { hist.value_at_percentile(*q) }))
            .collect();
        Self {
            min: if empty { 0 } else { hist.min() },
            max: if empty { 0 } else { hist.max() },
            mean: hist.mean(),
            stdev: hist.stdev(),
            percentiles,
            hdr: encode_hdr(hist),
        }
    }
}

/// The V2 deflate encoding of `hist`, base64 (standard alphabet, padded).
pub fn encode_hdr(hist: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    // Serialising into a Vec cannot fail for a valid histogram.
    if V2DeflateSerializer::new().serialize(hist, &mut bytes).is_err() {
        return String::new();
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A new latency histogram: 1 ns to 1 hour, 3 significant digits, auto-resizing.
pub fn new_histogram() -> Histogram<u64> {
    let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).expect("static bounds are valid");
    h.auto(true);
    h
}
