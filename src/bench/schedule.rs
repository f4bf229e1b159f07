//! The open-loop schedule (`bench --rate`): when each I/O of a worker is
//! due, with fixed or exponential (Poisson) gaps.

use std::time::{Duration, Instant};

use super::args::Arrival;

/// The open-loop schedule of one worker: fixed or exponential gaps.
pub struct Schedule {
    next: Instant,
    mean_gap_ns: f64,
    poisson: Option<(rand::rngs::SmallRng, rand_distr::Exp<f64>)>,
}

impl Schedule {
    pub fn new(start: Instant, per_worker_rate: f64, arrival: Arrival, seed: u64) -> Self {
        use rand::SeedableRng;
        let poisson = (arrival == Arrival::Poisson).then(|| {
            let exp = rand_distr::Exp::new(1.0).unwrap_or_else(|_| unreachable!("lambda 1 is valid"));
            (rand::rngs::SmallRng::seed_from_u64(seed ^ 0xA5A5_5A5A), exp)
        });
        Self { next: start, mean_gap_ns: 1e9 / per_worker_rate, poisson }
    }

    /// The intended start of the next I/O.
    pub fn take(&mut self) -> Instant {
        use rand_distr::Distribution;
        let due = self.next;
        let gap = match &mut self.poisson {
            Some((rng, exp)) => exp.sample(rng) * self.mean_gap_ns,
            None => self.mean_gap_ns,
        };
        self.next += Duration::from_nanos(gap as u64);
        due
    }
}
