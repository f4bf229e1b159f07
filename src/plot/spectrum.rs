//! The latency percentile spectrum of a histogram, as HdrHistogram plots it:
//! x is log10(1/(1-p)), so 0 is the 0th percentile, 1 is 90%, 2 is 99%,
//! 3 is 99.9%; y is the latency at p. The line ends at the largest value,
//! placed at the last percentile the count resolves, 1 - 1/N.

use hdrhistogram::Histogram;

/// Points per decade of 1/(1-p): fine enough that every step of the
/// histogram shows, few enough to keep the SVG small.
pub const PER_DECADE: u32 = 40;

/// (log10(1/(1-p)), latency in ns) from p = 0 to p = 1 - 1/N, N the count.
/// Empty for an empty histogram.
pub fn points(hist: &Histogram<u64>) -> Vec<(f64, f64)> {
    let n = hist.len();
    if n == 0 {
        return Vec::new();
    }
    let last = (n as f64).log10();
    let mut points: Vec<(f64, f64)> = (0..)
        .map(|k| f64::from(k) / f64::from(PER_DECADE))
        .take_while(|x| *x < last)
        .map(|x| (x, hist.value_at_quantile(1.0 - 10f64.powf(-x)) as f64))
        .collect();
    points.push((last, hist.max() as f64));
    points
}

/// The percentile at x = log10(1/(1-p)), as text: "0%", "90%", "99.9%".
pub fn percentile_label(x: f64) -> String {
    let p = 100.0 * (1.0 - 10f64.powf(-x));
    // Enough decimals to tell 99.99% from 99.9%, none that are noise.
    let decimals = (x.ceil() as i64 - 2).max(0) as usize;
    let text = format!("{p:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::new_histogram;

    #[test]
    fn spectrum_runs_from_the_minimum_to_the_maximum() {
        let mut h = new_histogram();
        for v in 1..=1000u64 {
            h.record(v * 1000).unwrap();
        }
        let pts = points(&h);
        assert_eq!(pts[0].0, 0.0);
        assert!((pts[0].1 - 1000.0).abs() < 2.0, "p0 is the minimum: {:?}", pts[0]);
        let (x, y) = *pts.last().unwrap();
        assert!((x - 3.0).abs() < 1e-9 && y >= 1_000_000.0, "ends at the max at 1 - 1/N: {x} {y}");
        assert_eq!(pts.len(), 3 * PER_DECADE as usize + 1);
        // x = 0.3 is p = 1 - 10^-0.3, about the median.
        let median = pts.iter().find(|(x, _)| (*x - 0.3).abs() < 1e-9).unwrap();
        assert!((median.1 - 500_000.0).abs() / 500_000.0 < 0.01, "{median:?}");
        assert!(pts.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1), "monotonic");
    }

    #[test]
    fn an_empty_histogram_has_no_points() {
        assert!(points(&new_histogram()).is_empty());
    }

    #[test]
    fn percentile_labels() {
        let labels: Vec<String> = (0..6).map(|d| percentile_label(f64::from(d))).collect();
        assert_eq!(labels, ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"]);
        assert_eq!(percentile_label(2f64.log10()), "50%");
    }
}
