//! A gate's decision on one metric: from the baseline's and the current
//! run's repetitions, the ratio with its interval ([`super::ratio`]), then
//! a verdict that needs both a clear difference and one larger than the
//! limit to call a regression, the smallest change these repetitions could
//! detect, and how many repetitions would settle an undecided case.
//!
//! In log units, with `w` the worsening (the log ratio, negated where higher
//! is better) and `l` the limit's:
//! - `regression`: the whole interval of `w` above `l` (clearly worse than
//!   the limit allows);
//! - `improvement`: the whole interval below `-l`;
//! - `pass`: otherwise, when the interval's top is at most `l` (any
//!   worsening there may be is within the limit);
//! - `inconclusive`: otherwise (the interval straddles the limit), or with
//!   no interval (too few repetitions).
//!
//! Each claim is one-sided and needs its whole interval past a limit, not
//! just past 0: a gate of many metrics makes many claims, and a shift of
//! noise that moves a median (a bimodal tail with one more slow round) is
//! clear of 0 far more often than clear of the limit.

use super::ratio::{NoRatio, ratio};

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// IOPS, bandwidth, commits per second.
    Higher,
    /// Latency, CPU per I/O.
    Lower,
}

/// The verdict on one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No worsening beyond the limit is compatible with the data.
    Pass,
    /// Clearly worse, and by more than the limit.
    Regression,
    /// Clearly better, and by more than the limit.
    Improvement,
    /// Too few repetitions or too much noise to decide at the limit.
    Inconclusive,
}

/// What the decision is asked to hold to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// The largest worsening that still passes, as a fraction (0.10 = 10%).
    /// Below 1 where higher is better (a drop cannot exceed 100%).
    pub limit: f64,
    /// The two-sided error rate of the interval (0.05 for 95%).
    pub alpha: f64,
    /// The chance of detecting a change of the reported detectable size
    /// (0.8 by convention).
    pub power: f64,
}

/// The decision with the figures behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    /// current / baseline - 1, the Hodges-Lehmann estimate (-0.2 = 20% lower).
    pub change: f64,
    /// The interval of that change at `1 - alpha`; None with too few
    /// repetitions for one.
    pub interval: Option<[f64; 2]>,
    /// The smallest change (a fraction, either way) that these repetitions,
    /// with this spread (the pooled standard deviation of the logarithms),
    /// detect with the rule's power: a t-test approximation, less the rank
    /// test's efficiency.
    pub detectable: f64,
    /// Repetitions a side that would settle this metric with the rule's
    /// power: for an undecided one, an interval narrow enough to tell the
    /// estimate from the limit (more than these repetitions); otherwise,
    /// to detect a change at the limit. At least the fewest that give an
    /// interval. An estimate from the spread, not a promise.
    pub needed: usize,
}

/// Decides on one metric's repetitions.
pub fn decide(baseline: &[f64], current: &[f64], better: Better, rule: Rule) -> Result<Decision, NoRatio> {
    let r = ratio(baseline, current, rule.alpha)?;
    let worse = |ratio: f64| match better {
        Better::Higher => -ratio.ln(),
        Better::Lower => ratio.ln(),
    };
    let limit = match better {
        Better::Higher => -(1.0 - rule.limit.min(0.999_999)).ln(),
        Better::Lower => (1.0 + rule.limit).ln(),
    };
    let w = worse(r.estimate);
    let verdict = match r.interval {
        None => Verdict::Inconclusive,
        Some([lo, hi]) => {
            let (w_lo, w_hi) = (worse(lo).min(worse(hi)), worse(lo).max(worse(hi)));
            if w_lo > limit {
                Verdict::Regression
            } else if w_hi < -limit {
                Verdict::Improvement
            } else if w_hi <= limit {
                Verdict::Pass
            } else {
                Verdict::Inconclusive
            }
        }
    };
    let (m, n) = (baseline.len(), current.len());
    // A shift of `d` (ln units) is detected with the rule's power when `d`
    // exceeds this many spreads (t-test approximation; the rank test's
    // efficiency, 3/pi of it, allowed for).
    let spreads = |m: usize, n: usize| {
        let df = (m + n).saturating_sub(2).max(1) as f64;
        let t = t_quantile(1.0 - rule.alpha / 2.0, df) + t_quantile(rule.power, df);
        t * (1.0 / m as f64 + 1.0 / n as f64).sqrt() * (std::f64::consts::PI / 3.0).sqrt()
    };
    let detectable = (spreads(m, n) * r.log_spread).exp() - 1.0;
    // The distance to settle: an undecided estimate's from the limit (a
    // quarter of the limit at least), else a change at the limit.
    let gap = match verdict {
        Verdict::Inconclusive => (limit - w).abs().max(limit / 4.0),
        _ => limit,
    };
    let fewest = fewest_for_interval(rule.alpha);
    let mut needed = (fewest..MAX_NEEDED).find(|&k| spreads(k, k) * r.log_spread <= gap).unwrap_or(MAX_NEEDED);
    if verdict == Verdict::Inconclusive && r.interval.is_some() {
        // These repetitions did not settle it: more than these, at least.
        needed = needed.max(m.min(n) + 1);
    }
    Ok(Decision { verdict, change: r.estimate - 1.0, interval: r.interval.map(|[lo, hi]| [lo - 1.0, hi - 1.0]), detectable, needed })
}

/// The most repetitions a side [`Decision::needed`] names ("this many or
/// more").
pub const MAX_NEEDED: usize = 1000;

/// The quantile of Student's t with `df` degrees of freedom (the
/// Cornish-Fisher expansion about the normal quantile, Abramowitz & Stegun
/// 26.7.5; within 1% from 3 degrees of freedom).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let z = normal_quantile(p);
    let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
    let g1 = (z3 + z) / 4.0;
    let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
    let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
    let g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;
    z + g1 / df + g2 / df.powi(2) + g3 / df.powi(3) + g4 / df.powi(4)
}

/// The fewest repetitions a side for which an interval at `1 - alpha` exists.
pub fn fewest_for_interval(alpha: f64) -> usize {
    (1..64).find(|n| super::rank_sum::interval_order(*n, *n, alpha).is_some()).unwrap_or(64)
}

/// The standard normal quantile (P. J. Acklam's rational approximation,
/// relative error below 1.2e-9), for `p` in (0, 1).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    const LOW: f64 = 0.02425;
    let tail = |p: f64| {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail(p)
    } else if p > 1.0 - LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule { limit: 0.10, alpha: 0.05, power: 0.8 };

    /// Values around `center` with a fixed relative wobble (no RNG: the
    /// same numbers every run).
    fn noisy(center: f64, wobble: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| center * (1.0 + wobble * (((i * 7 + 3) % 11) as f64 / 5.0 - 1.0))).collect()
    }

    #[test]
    fn quantiles_are_right() {
        // Student's t: 2.776 (4 df), 2.306 (8), 2.086 (20) at 0.975.
        for (df, want) in [(4.0, 2.776445), (8.0, 2.306004), (20.0, 2.085963)] {
            assert!((t_quantile(0.975, df) - want).abs() / want < 0.01, "{df}: {}", t_quantile(0.975, df));
        }
        assert!((normal_quantile(0.975) - 1.959964).abs() < 1e-6);
        assert!((normal_quantile(0.8) - 0.841621).abs() < 1e-6);
        assert!((normal_quantile(0.01) + 2.326348).abs() < 1e-6);
        assert!((normal_quantile(0.5)).abs() < 1e-12);
    }

    #[test]
    fn a_clear_twenty_percent_drop_is_a_regression() {
        let d = decide(&noisy(1000.0, 0.03, 10), &noisy(800.0, 0.03, 10), Better::Higher, RULE).unwrap();
        assert_eq!(d.verdict, Verdict::Regression, "{d:?}");
        assert!((d.change + 0.2).abs() < 0.02, "{d:?}");
        let [lo, hi] = d.interval.unwrap();
        assert!(lo < d.change && d.change < hi && hi < 0.0, "{d:?}");
    }

    #[test]
    fn latency_up_is_a_regression_and_down_an_improvement() {
        let base = noisy(100.0, 0.02, 8);
        let d = decide(&base, &noisy(130.0, 0.02, 8), Better::Lower, RULE).unwrap();
        assert_eq!(d.verdict, Verdict::Regression, "{d:?}");
        let d = decide(&base, &noisy(70.0, 0.02, 8), Better::Lower, RULE).unwrap();
        assert_eq!(d.verdict, Verdict::Improvement, "{d:?}");
    }

    #[test]
    fn the_same_values_pass() {
        let base = noisy(1000.0, 0.03, 10);
        let d = decide(&base, &base, Better::Higher, RULE).unwrap();
        assert_eq!(d.verdict, Verdict::Pass, "{d:?}");
        assert!(d.change.abs() < 1e-9);
    }

    #[test]
    fn a_small_clear_change_within_the_limit_passes() {
        let d = decide(&noisy(1000.0, 0.01, 10), &noisy(960.0, 0.01, 10), Better::Higher, RULE).unwrap();
        assert_eq!(d.verdict, Verdict::Pass, "{d:?}");
    }

    #[test]
    fn noise_wider_than_the_limit_is_inconclusive_with_the_repetitions_needed() {
        let d = decide(&noisy(1000.0, 0.4, 5), &noisy(850.0, 0.4, 5), Better::Higher, RULE).unwrap();
        assert_eq!(d.verdict, Verdict::Inconclusive, "{d:?}");
        assert!(d.detectable > 0.10, "{d:?}");
        assert!(d.needed > 5, "{d:?}");
    }

    #[test]
    fn too_few_repetitions_are_inconclusive_never_a_pass() {
        let d = decide(&[1000.0, 1001.0, 999.0], &[1000.0, 1002.0, 998.0], Better::Higher, RULE).unwrap();
        assert_eq!(d.verdict, Verdict::Inconclusive, "{d:?}");
        assert_eq!(d.interval, None);
        assert_eq!(d.needed, 4);
        assert_eq!(fewest_for_interval(0.05), 4);
        assert_eq!(fewest_for_interval(0.10), 3);
    }

    #[test]
    fn more_repetitions_detect_smaller_changes() {
        let few = decide(&noisy(1000.0, 0.05, 5), &noisy(1000.0, 0.05, 5), Better::Higher, RULE).unwrap();
        let many = decide(&noisy(1000.0, 0.05, 20), &noisy(1000.0, 0.05, 20), Better::Higher, RULE).unwrap();
        assert!(many.detectable < few.detectable, "{few:?} {many:?}");
    }
}
