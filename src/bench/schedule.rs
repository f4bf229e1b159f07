//! The open-loop schedule (`bench --rate`): when each I/O of a worker is
//! due, with fixed or exponential (Poisson) gaps; and, at the end of a run,
//! the due times that were never started.

use std::time::{Duration, Instant};

use crate::model::bench::Arrival;

/// The open-loop schedule of one worker: fixed or exponential gaps.
pub struct Schedule {
    next: Instant,
    mean_gap_ns: f64,
    poisson: Option<(rand::rngs::SmallRng, rand_distr::Exp<f64>)>,
}

impl Schedule {
    /// A schedule whose first I/O is due at `start`.
    pub fn new(start: Instant, per_worker_rate: f64, arrival: Arrival, seed: u64) -> Self {
        use rand::SeedableRng;
        let poisson = (arrival == Arrival::Poisson).then(|| {
            let exp = rand_distr::Exp::new(1.0).unwrap_or_else(|_| unreachable!("lambda 1 is valid"));
            (rand::rngs::SmallRng::seed_from_u64(seed ^ 0xA5A5_5A5A), exp)
        });
        Self { next: start, mean_gap_ns: 1e9 / per_worker_rate, poisson }
    }

    /// When the next I/O is due.
    pub fn peek(&self) -> Instant {
        self.next
    }

    /// The fixed gap, whole nanoseconds (at least 1).
    fn fixed_gap_ns(&self) -> u64 {
        (self.mean_gap_ns as u64).max(1)
    }

    fn gap(&mut self) -> Duration {
        use rand_distr::Distribution;
        match &mut self.poisson {
            Some((rng, exp)) => Duration::from_nanos((exp.sample(rng) * self.mean_gap_ns) as u64),
            None => Duration::from_nanos(self.fixed_gap_ns()),
        }
    }

    /// The intended start of the next I/O.
    pub fn take(&mut self) -> Instant {
        let due = self.next;
        let gap = self.gap();
        self.next += gap;
        due
    }

    /// Drops the I/Os due before `t`: afterwards the next one is due at or
    /// after `t`. Constant time: fixed gaps are stepped over by arithmetic,
    /// and a Poisson process is memoryless (the next arrival after `t` is
    /// `t` plus a fresh gap).
    pub fn skip_to(&mut self, t: Instant) {
        if self.next >= t {
            return;
        }
        if self.poisson.is_some() {
            let gap = self.gap();
            self.next = t + gap;
        } else {
            let behind = t.duration_since(self.next).as_nanos();
            let gap = u128::from(self.fixed_gap_ns());
            let steps = behind.div_ceil(gap);
            self.next += Duration::from_nanos((steps * gap).min(u128::from(u64::MAX)) as u64);
        }
    }

    /// Takes, without issuing them, the I/Os due before `until` (at most
    /// `limit`) and hands each one's censored response time, `end - due`, to
    /// `record(value_ns, count)`. Fixed gaps go in runs that share a
    /// histogram bucket (`floor(v)` is the lowest value of v's bucket), so a
    /// million missed I/Os take a few thousand calls; Poisson due times
    /// are drawn one by one. Returns how many were taken.
    pub fn censor(
        &mut self,
        until: Instant,
        end: Instant,
        limit: u64,
        floor: impl Fn(u64) -> u64,
        mut record: impl FnMut(u64, u64),
    ) -> u64 {
        let mut taken = 0;
        let ns = |d: Duration| (d.as_nanos().min(u128::from(u64::MAX)) as u64).max(1);
        while taken < limit && self.next < until {
            let v = ns(end.saturating_duration_since(self.next));
            let run = if self.poisson.is_some() {
                1
            } else {
                let gap = self.fixed_gap_ns();
                let in_bucket = (v - floor(v).min(v)) / gap + 1;
                let before_until = (until.duration_since(self.next).as_nanos().div_ceil(u128::from(gap)))
                    .min(u128::from(u64::MAX)) as u64;
                in_bucket.min(before_until).min(limit - taken)
            };
            record(v, run);
            taken += run;
            if run == 1 {
                self.take();
            } else {
                self.next += Duration::from_nanos(self.fixed_gap_ns() * run);
            }
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::new_histogram;

    #[test]
    fn censoring_a_fixed_schedule_records_every_missed_due_time_in_bulk() {
        let start = Instant::now();
        let mut s = Schedule::new(start, 1e7, Arrival::Fixed, 1);
        s.skip_to(start + Duration::from_millis(1));
        assert_eq!(s.peek(), start + Duration::from_millis(1));
        let (until, end) = (start + Duration::from_millis(100), start + Duration::from_secs(2));
        let mut hist = new_histogram();
        let mut exact = new_histogram();
        let probe = new_histogram();
        let floor = |v| probe.lowest_equivalent(v);
        let mut calls = 0;
        let n = s.censor(until, end, u64::MAX, floor, |v, n| {
            hist.record_n(v, n).unwrap();
            calls += 1;
        });
        assert_eq!(n, 990_000, "one due time every 100 ns from 1 ms to 100 ms");
        assert!(calls < 5_000, "{calls} calls");
        for k in 0..n {
            exact.record(2_000_000_000 - 1_000_000 - k * 100).unwrap();
        }
        assert_eq!(hist, exact);
        assert!(s.peek() >= until);
    }

    #[test]
    fn censoring_stops_at_the_limit() {
        let start = Instant::now();
        let mut s = Schedule::new(start, 1000.0, Arrival::Poisson, 7);
        let end = start + Duration::from_secs(10);
        assert_eq!(s.censor(end, end, 5, |v| v, |_, n| assert_eq!(n, 1)), 5);
    }
}
