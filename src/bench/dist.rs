//! Where the next I/O goes: sequential within a job's slice of the region,
//! or random over the whole region with a uniform, Zipf or Pareto
//! distribution. Seeded, so a run can be repeated exactly.

use rand::{Rng, SeedableRng, rngs::SmallRng};
use rand_distr::{Distribution, Zipf};

pub use crate::model::bench::Dist;

impl Dist {
    /// Parses `uniform`, `zipf:THETA` or `pareto:H`.
    pub fn parse(text: &str) -> Result<Dist, String> {
        let bad = || {
            format!(
                "--dist {text}: expected uniform, zipf:THETA (THETA > 0, e.g. zipf:1.2) or pareto:H (0 < H < 1, e.g. pareto:0.9)"
            )
        };
        match text.split_once(':') {
            None if text == "uniform" => Ok(Dist::Uniform),
            Some(("zipf", v)) => match v.parse::<f64>() {
                Ok(theta) if theta > 0.0 && theta.is_finite() => Ok(Dist::Zipf { theta }),
                _ => Err(bad()),
            },
            Some(("pareto", v)) => match v.parse::<f64>() {
                Ok(h) if h > 0.0 && h < 1.0 => Ok(Dist::Pareto { h }),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

enum Pattern {
    Sequential { start_block: u64, blocks: u64, next: u64 },
    Uniform,
    Zipf(Zipf<f64>),
    Pareto { pow: f64 },
}

/// Generates block-aligned offsets for one job.
pub struct Offsets {
    rng: SmallRng,
    pattern: Pattern,
    region_offset: u64,
    region_blocks: u64,
    bs: u64,
}

impl Offsets {
    /// Sequential over blocks `[start_block, start_block + blocks)` of the region.
    pub fn sequential(seed: u64, region_offset: u64, bs: u64, start_block: u64, blocks: u64) -> Self {
        let pattern = Pattern::Sequential { start_block, blocks, next: 0 };
        Self { rng: SmallRng::seed_from_u64(seed), pattern, region_offset, region_blocks: blocks, bs }
    }

    /// Random over the `region_blocks` blocks of the region.
    pub fn random(seed: u64, region_offset: u64, bs: u64, region_blocks: u64, dist: Dist) -> Self {
        let pattern = match dist {
            Dist::Uniform => Pattern::Uniform,
            // Valid by construction: n >= 1 and theta > 0 were checked in the plan.
            Dist::Zipf { theta } => {
                Zipf::new(region_blocks as f64, theta).map(Pattern::Zipf).unwrap_or(Pattern::Uniform)
            }
            Dist::Pareto { h } => Pattern::Pareto { pow: h.ln() / (1.0 - h).ln() },
        };
        Self { rng: SmallRng::seed_from_u64(seed), pattern, region_offset, region_blocks, bs }
    }

    /// The next byte offset.
    #[inline]
    pub fn next_offset(&mut self) -> u64 {
        let n = self.region_blocks;
        let block = match &mut self.pattern {
            Pattern::Sequential { start_block, blocks, next } => {
                let b = *start_block + *next;
                *next = (*next + 1) % *blocks;
                b
            }
            Pattern::Uniform => self.rng.random_range(0..n),
            Pattern::Zipf(z) => scatter(z.sample(&mut self.rng) as u64 - 1, n),
            Pattern::Pareto { pow } => {
                let r: f64 = self.rng.random();
                scatter(((n - 1) as f64 * r.powf(*pow)) as u64, n)
            }
        };
        self.region_offset + block * self.bs
    }

    /// A uniform draw in 0..100, for the read/write mix.
    #[inline]
    pub fn percent(&mut self) -> u32 {
        self.rng.random_range(0..100)
    }

    /// A fresh random word, for stamping written blocks.
    #[inline]
    pub fn word(&mut self) -> u64 {
        self.rng.random()
    }
}

/// Spreads rank `k` over `n` blocks so hot blocks are not contiguous.
#[inline]
fn scatter(k: u64, n: u64) -> u64 {
    let mut x = k.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) % n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_forms() {
        assert_eq!(Dist::parse("uniform"), Ok(Dist::Uniform));
        assert_eq!(Dist::parse("zipf:1.2"), Ok(Dist::Zipf { theta: 1.2 }));
        assert_eq!(Dist::parse("pareto:0.9"), Ok(Dist::Pareto { h: 0.9 }));
        for text in ["uniform", "zipf:1.2", "pareto:0.9"] {
            assert_eq!(Dist::parse(text).unwrap().to_string(), text, "Display is what --dist takes");
        }
        for bad in ["zipf", "zipf:0", "zipf:x", "pareto:1", "pareto:0", "normal", ""] {
            assert!(Dist::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn offsets_stay_in_region_and_aligned() {
        for dist in [Dist::Uniform, Dist::Zipf { theta: 1.2 }, Dist::Pareto { h: 0.9 }] {
            let mut g = Offsets::random(7, 8192, 4096, 100, dist);
            for _ in 0..10_000 {
                let o = g.next_offset();
                assert!((8192..8192 + 100 * 4096).contains(&o) && o.is_multiple_of(4096), "{dist:?} {o}");
            }
        }
    }

    #[test]
    fn skewed_distributions_are_skewed() {
        let hits = |dist| {
            let mut g = Offsets::random(1, 0, 1, 1000, dist);
            let mut count = vec![0u32; 1000];
            for _ in 0..100_000 {
                count[g.next_offset() as usize] += 1;
            }
            count.sort_unstable_by(|a, b| b.cmp(a));
            count[..10].iter().sum::<u32>()
        };
        assert!(hits(Dist::Uniform) < 2_000);
        assert!(hits(Dist::Zipf { theta: 1.2 }) > 30_000);
        assert!(hits(Dist::Pareto { h: 0.9 }) > 10_000);
    }

    #[test]
    fn sequential_wraps_within_its_slice() {
        let mut g = Offsets::sequential(0, 0, 4096, 10, 3);
        let got: Vec<u64> = (0..4).map(|_| g.next_offset() / 4096).collect();
        assert_eq!(got, vec![10, 11, 12, 10]);
    }

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Offsets::random(42, 0, 4096, 1 << 20, Dist::Uniform);
        let mut b = Offsets::random(42, 0, 4096, 1 << 20, Dist::Uniform);
        assert!((0..100).all(|_| a.next_offset() == b.next_offset()));
    }
}
