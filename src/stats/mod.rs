//! Statistics for telling a change from noise, with no dependency on the
//! rest of the crate: the exact null distribution of the Mann-Whitney rank
//! sum ([`rank_sum`]), the Hodges-Lehmann estimate of the ratio between two
//! samples with its distribution-free confidence interval ([`ratio`]), and
//! the decision a gate takes from that interval and a limit ([`decide`]).
//!
//! Every figure is computed from the per-repetition values alone; nothing
//! assumes they are normally distributed. The interval is the one that
//! inverts the two-sided Wilcoxon-Mann-Whitney test (Hollander & Wolfe,
//! *Nonparametric Statistical Methods*, 3rd ed., section 4.3): exact for
//! the sample sizes a gate sees, on the logarithms of the values, so that a
//! shift is a ratio and a 20% drop in IOPS reads the same at any scale.

pub mod decide;
pub mod rank_sum;
pub mod ratio;
