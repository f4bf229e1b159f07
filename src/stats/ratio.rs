//! The ratio between two samples of positive values (a current run's
//! repetitions over a baseline's): the Hodges-Lehmann estimate (the median
//! of every pairwise log ratio) and the exact distribution-free confidence
//! interval around it (the k-th smallest and largest pairwise log ratio,
//! `k` from [`super::rank_sum::interval_order`]).

use super::rank_sum;

/// The estimated ratio current / baseline with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// The Hodges-Lehmann estimate of current / baseline.
    pub estimate: f64,
    /// The interval's bounds, `[low, high]`, at the asked confidence; None
    /// when the samples are too small for it.
    pub interval: Option<[f64; 2]>,
    /// The spread of the values: the pooled standard deviation of their
    /// logarithms, each sample about its own mean (m + n - 2 degrees of
    /// freedom; 0 with one value a side). ln units (0.1 is about 10%).
    pub log_spread: f64,
}

/// Why no ratio can be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRatio {
    /// One side has no values.
    Empty,
    /// A value is zero, negative or not finite: a ratio means nothing.
    NotPositive,
}

/// The ratio of `current` over `baseline` at confidence `1 - alpha`.
pub fn ratio(baseline: &[f64], current: &[f64], alpha: f64) -> Result<Ratio, NoRatio> {
    if baseline.is_empty() || current.is_empty() {
        return Err(NoRatio::Empty);
    }
    let logs = |v: &[f64]| -> Result<Vec<f64>, NoRatio> {
        v.iter().map(|x| if x.is_finite() && *x > 0.0 { Ok(x.ln()) } else { Err(NoRatio::NotPositive) }).collect()
    };
    let (a, b) = (logs(baseline)?, logs(current)?);
    let mut diffs: Vec<f64> = b.iter().flat_map(|y| a.iter().map(move |x| y - x)).collect();
    diffs.sort_by(f64::total_cmp);
    let estimate = median_sorted(&diffs).exp();
    let interval = rank_sum::interval_order(a.len(), b.len(), alpha)
        .map(|k| [diffs[k - 1].exp(), diffs[diffs.len() - k].exp()]);
    Ok(Ratio { estimate, interval, log_spread: pooled_spread(&a, &b) })
}

/// The median of sorted values (the mean of the two middle ones for an even
/// count). `v` is not empty.
fn median_sorted(v: &[f64]) -> f64 {
    let mid = v.len() / 2;
    if v.len() % 2 == 1 { v[mid] } else { (v[mid - 1] + v[mid]) / 2.0 }
}

/// The pooled standard deviation of two samples, each about its own mean.
fn pooled_spread(a: &[f64], b: &[f64]) -> f64 {
    let squares = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
    };
    let df = a.len() + b.len() - 2;
    if df == 0 { 0.0 } else { ((squares(a) + squares(b)) / df as f64).sqrt() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_shift_is_estimated_exactly() {
        let base = [100.0, 101.0, 99.0, 100.5, 99.5, 100.2];
        let cur: Vec<f64> = base.iter().map(|v| v * 0.8).collect();
        let r = ratio(&base, &cur, 0.05).unwrap();
        assert!((r.estimate - 0.8).abs() < 1e-9, "{r:?}");
        let [lo, hi] = r.interval.unwrap();
        assert!(lo < 0.8 && 0.8 < hi && hi < 1.0, "{r:?}");
    }

    #[test]
    fn the_interval_is_the_kth_pairwise_ratio() {
        // 5 and 5 at 95%: k = 3, so the interval is the 3rd smallest and the
        // 3rd largest of the 25 ratios y/x.
        let base = [1.0, 2.0, 3.0, 4.0, 5.0];
        let cur = [2.0, 3.0, 4.0, 5.0, 6.0];
        let mut all: Vec<f64> = cur.iter().flat_map(|y| base.iter().map(move |x| y / x)).collect();
        all.sort_by(f64::total_cmp);
        let r = ratio(&base, &cur, 0.05).unwrap();
        let [lo, hi] = r.interval.unwrap();
        assert!((lo - all[2]).abs() < 1e-12 && (hi - all[22]).abs() < 1e-12, "{r:?} {all:?}");
        assert!((r.estimate - all[12]).abs() < 1e-12);
    }

    #[test]
    fn too_few_values_give_no_interval_and_bad_values_no_ratio() {
        let r = ratio(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0], 0.05).unwrap();
        assert_eq!(r.interval, None);
        assert!((r.estimate - 1.0).abs() < 1e-12);
        assert_eq!(ratio(&[], &[1.0], 0.05), Err(NoRatio::Empty));
        assert_eq!(ratio(&[1.0, 0.0], &[1.0], 0.05), Err(NoRatio::NotPositive));
        assert_eq!(ratio(&[1.0], &[f64::NAN], 0.05), Err(NoRatio::NotPositive));
    }

    #[test]
    fn spread_is_in_log_units() {
        let base = [90.0, 100.0, 110.0, 95.0, 105.0];
        let r = ratio(&base, &base, 0.05).unwrap();
        // MAD of ln values around ln(100) is ln(1.05)-ish; times 1.4826.
        assert!((0.05..0.12).contains(&r.log_spread), "{r:?}");
        let same = ratio(&[5.0; 6], &[5.0; 6], 0.05).unwrap();
        assert_eq!(same.log_spread, 0.0);
        assert_eq!(same.interval, Some([1.0, 1.0]));
    }
}
