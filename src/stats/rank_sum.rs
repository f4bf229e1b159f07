//! The exact null distribution of the Mann-Whitney statistic U (the number
//! of pairs (x, y) with y above x) for samples of sizes m and n, when both
//! come from one distribution: the coefficients of the Gaussian binomial
//! coefficient [m + n choose m] in q, divided by C(m + n, m).

/// `P(U <= u)` for `u = 0..=m*n`, the exact lower-tail probabilities.
pub fn lower_tail(m: usize, n: usize) -> Vec<f64> {
    let counts = counts(m, n);
    let total: f64 = counts.iter().sum();
    let mut acc = 0.0;
    counts
        .iter()
        .map(|c| {
            acc += c / total;
            acc.min(1.0)
        })
        .collect()
}

/// How many arrangements of m x's and n y's give each U, as floating-point
/// counts (C(200, 100) overflows u64): the product over i in 1..=m of
/// (1 - q^(n+i)) / (1 - q^i), each factor applied in place.
fn counts(m: usize, n: usize) -> Vec<f64> {
    let len = m * n + 1;
    let mut c = vec![0.0; len];
    c[0] = 1.0;
    for i in 1..=m {
        // Multiply by (1 - q^(n+i)), highest power first.
        let up = n + i;
        for k in (up..len).rev() {
            c[k] -= c[k - up];
        }
        // Divide by (1 - q^i): a running sum with stride i.
        for k in i..len {
            c[k] += c[k - i];
        }
    }
    c
}

/// The order of the pairwise difference that bounds a two-sided interval at
/// confidence `1 - alpha`: the largest `k` (from 1) with `P(U <= k - 1) <=
/// alpha / 2`. None when even `k = 1` is too wide: too few values for that
/// confidence (fewer than 4 a side at 95%, 3 at 90%).
pub fn interval_order(m: usize, n: usize, alpha: f64) -> Option<usize> {
    if m == 0 || n == 0 {
        return None;
    }
    let tail = lower_tail(m, n);
    let below = tail.iter().take_while(|p| **p <= alpha / 2.0 + 1e-12).count();
    (below >= 1).then_some(below)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// U counted over every way to place m x's among m + n positions.
    fn brute_force(m: usize, n: usize) -> Vec<f64> {
        let mut c = vec![0.0; m * n + 1];
        for mask in 0u32..(1 << (m + n)) {
            if mask.count_ones() as usize != m {
                continue;
            }
            // Position p is an x when bit p is set; U counts (x, y) with y after x.
            let mut u = 0;
            let mut xs_before = 0;
            for p in 0..m + n {
                if mask & (1 << p) != 0 {
                    xs_before += 1;
                } else {
                    u += xs_before;
                }
            }
            c[u] += 1.0;
        }
        c
    }

    #[test]
    fn counts_are_the_arrangements() {
        for (m, n) in [(1, 1), (2, 3), (3, 4), (4, 4), (5, 5), (3, 7), (6, 5)] {
            assert_eq!(counts(m, n), brute_force(m, n), "m={m} n={n}");
        }
    }

    #[test]
    fn tails_match_the_printed_tables() {
        // 5 and 5: P(U <= 2) = 4/252, P(U <= 3) = 7/252, so the 95% interval
        // uses the 3rd difference from each end (critical U = 2).
        let t = lower_tail(5, 5);
        assert!((t[2] - 4.0 / 252.0).abs() < 1e-12);
        assert!((t[3] - 7.0 / 252.0).abs() < 1e-12);
        assert_eq!(interval_order(5, 5, 0.05), Some(3));
        // 10 and 10: critical U = 23 at two-sided 0.05.
        assert_eq!(interval_order(10, 10, 0.05), Some(24));
        // 3 and 3: P(U = 0) = 1/20 > 0.025: no 95% interval exists.
        assert_eq!(interval_order(3, 3, 0.05), None);
        assert_eq!(interval_order(4, 4, 0.05), Some(1));
        assert_eq!(interval_order(0, 4, 0.05), None);
    }

    #[test]
    fn large_samples_stay_a_distribution() {
        let t = lower_tail(60, 60);
        assert!((t.last().copied().unwrap() - 1.0).abs() < 1e-9);
        assert!(t.windows(2).all(|w| w[1] >= w[0] - 1e-12));
        // Symmetric: P(U <= k) = P(U >= mn - k).
        let mid = 60 * 60 / 2;
        assert!((t[mid - 1] + t[mid] - 1.0).abs() < 1e-9);
        // At the normal approximation's critical value: mean 1800, sd
        // sqrt(60 * 60 * 121 / 12) = 190.5, 1800 - 1.96 * 190.5 = 1426.6.
        let k = interval_order(60, 60, 0.05).unwrap();
        assert!((1424..=1430).contains(&k), "{k}");
    }
}
