//! Latency summaries from an HDR histogram, and the portable `hdr` blob
//! (HdrHistogram V2 compressed, base64), which HdrHistogram's Java, Python
//! and Rust tools decode.

use std::collections::BTreeMap;

use base64::Engine;
use hdrhistogram::{
    Histogram,
    serialization::{Serializer, V2DeflateSerializer},
};
use serde::{Deserialize, Serialize};

/// A percentile every report states. Its key in `percentiles` ("50",
/// "99.9") is the serialisation's alone: code asks for
/// [`Percentile::P99`], never for a string. They order, compare and hash as
/// their keys do, so a map of them is written as a map of the keys was,
/// and a library user's `percentiles["99"]` still finds its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Percentile {
    /// The median.
    #[serde(rename = "50")]
    P50,
    /// The 90th percentile.
    #[serde(rename = "90")]
    P90,
    /// The 99th percentile.
    #[serde(rename = "99")]
    P99,
    /// The 99.9th percentile.
    #[serde(rename = "99.9")]
    P999,
    /// The 99.99th percentile.
    #[serde(rename = "99.99")]
    P9999,
}

impl Ord for Percentile {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(other.key())
    }
}

impl PartialOrd for Percentile {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::hash::Hash for Percentile {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl std::borrow::Borrow<str> for Percentile {
    fn borrow(&self) -> &str {
        self.key()
    }
}

/// Every percentile a report states, in key order.
pub const PERCENTILES: [Percentile; 5] =
    [Percentile::P50, Percentile::P90, Percentile::P99, Percentile::P999, Percentile::P9999];

impl Percentile {
    /// The percentile as a number: 99.9 for [`Percentile::P999`].
    pub fn value(self) -> f64 {
        match self {
            Percentile::P50 => 50.0,
            Percentile::P90 => 90.0,
            Percentile::P99 => 99.0,
            Percentile::P999 => 99.9,
            Percentile::P9999 => 99.99,
        }
    }

    /// Its key in a report's `percentiles` ("99.9"), for messages that
    /// name the key.
    pub fn key(self) -> &'static str {
        match self {
            Percentile::P50 => "50",
            Percentile::P90 => "90",
            Percentile::P99 => "99",
            Percentile::P999 => "99.9",
            Percentile::P9999 => "99.99",
        }
    }

    /// How summaries and tables head it: "p99.9".
    pub fn label(self) -> &'static str {
        match self {
            Percentile::P50 => "p50",
            Percentile::P90 => "p90",
            Percentile::P99 => "p99",
            Percentile::P999 => "p99.9",
            Percentile::P9999 => "p99.99",
        }
    }
}

/// The `latency_ns` object: nanoseconds throughout.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(default)]
pub struct LatencySummary {
    /// Values recorded: what a decode of `hdr` counts.
    pub count: u64,
    /// The smallest value recorded, ns (0 when none was).
    pub min: u64,
    /// The largest value recorded, ns (0 when none was).
    pub max: u64,
    /// The mean, ns.
    pub mean: f64,
    /// The standard deviation, ns.
    pub stdev: f64,
    /// Keys "50", "90", "99", "99.9", "99.99".
    #[schemars(with = "BTreeMap<String, u64>")]
    pub percentiles: BTreeMap<Percentile, u64>,
    /// HdrHistogram V2 deflate-compressed, base64.
    pub hdr: String,
}

impl LatencySummary {
    /// Summarises `hist`; an empty histogram gives zeros.
    pub fn from_histogram(hist: &Histogram<u64>) -> Self {
        let empty = hist.is_empty();
        let percentiles = PERCENTILES.iter().map(|&p| (p, value_at_percentile(hist, p.value()))).collect();
        Self {
            count: hist.len(),
            min: if empty { 0 } else { hist.min() },
            max: if empty { 0 } else { hist.max() },
            mean: hist.mean(),
            stdev: hist.stdev(),
            percentiles,
            hdr: encode_hdr(hist),
        }
    }
}

impl LatencySummary {
    /// The value at `p`, ns; `None` when the report does not state it.
    pub fn at(&self, p: Percentile) -> Option<u64> {
        self.percentiles.get(&p).copied()
    }
}

/// The value at `percentile` by HdrHistogram's reference rule (its Java and
/// Python libraries): the rank is the percentile's share of the count,
/// rounded half up (at least 1), and the value is the highest equivalent
/// value of the bucket that reaches it. (The Rust crate rounds the rank up,
/// which can land one bucket higher; a reader decoding `hdr` with the
/// reference tools must get the numbers the report states.)
pub fn value_at_percentile(hist: &Histogram<u64>, percentile: f64) -> u64 {
    if hist.is_empty() {
        return 0;
    }
    let rank = ((percentile.min(100.0) * hist.len() as f64 / 100.0) + 0.5) as u64;
    let rank = rank.max(1);
    let mut seen = 0;
    for v in hist.iter_recorded() {
        seen += v.count_at_value();
        if seen >= rank {
            return v.value_iterated_to();
        }
    }
    hist.max()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_rank_rounds_half_up() {
        let mut h = new_histogram();
        for v in 1..=1000u64 {
            h.record(v * 1000).unwrap();
        }
        // Rank 990 of 1000 is 990 000; the crate's ceil rule agrees here.
        assert_eq!(value_at_percentile(&h, 99.0), h.highest_equivalent(990_000));
        // 99.95% of 1000 is rank 999.5: half up gives 1000, the last value.
        assert_eq!(value_at_percentile(&h, 99.95), h.highest_equivalent(1_000_000));
        // 0.04% of 1000 is rank 0.4: rounds to 0, at least 1, the first value.
        assert_eq!(value_at_percentile(&h, 0.04), h.highest_equivalent(1000));
        assert_eq!(value_at_percentile(&new_histogram(), 50.0), 0);
    }
}
