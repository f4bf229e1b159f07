//! What the read pass found: counts per class and every bad block, turned
//! into the report's `verify` section.

use std::collections::BTreeMap;

use serde::Serialize;

use super::classify::{Class, Verdict};

/// One bad block.
#[derive(Debug, Clone, Serialize)]
pub struct BadBlock {
    pub offset: u64,
    pub class: Class,
    pub detail: String,
}

/// Everything the read pass found.
#[derive(Debug, Default)]
pub struct Findings {
    pub good: u64,
    pub bad: Vec<BadBlock>,
    /// Good blocks and their generation, until staleness is decided.
    good_gens: Vec<(u64, u32)>,
    pub bytes: u64,
}

impl Findings {
    /// Records the verdict on the block at `offset` (`acked`: the generation
    /// the ack log says was made durable there).
    pub fn record(&mut self, offset: u64, acked: Option<u32>, verdict: Verdict, bytes: u64) {
        self.bytes += bytes;
        match (verdict, acked) {
            (Verdict::Good(generation), Some(acked)) if generation < acked => self.bad.push(BadBlock {
                offset,
                class: Class::Lost,
                detail: format!("acknowledged generation {acked} is gone: the block holds generation {generation}"),
            }),
            (Verdict::Good(generation), _) => self.good_gens.push((offset, generation)),
            (Verdict::Bad(class, detail), Some(acked)) => self.bad.push(BadBlock {
                offset,
                class: Class::Lost,
                detail: format!("acknowledged generation {acked} is gone: {} ({detail})", class.name()),
            }),
            (Verdict::Bad(class, detail), None) => self.bad.push(BadBlock { offset, class, detail }),
        }
    }

    /// Marks good blocks older than `expected` (or than the newest found) as
    /// stale; returns the generation that was expected.
    pub fn settle(&mut self, expected: Option<u32>) -> Option<u32> {
        let expected = expected.or_else(|| self.good_gens.iter().map(|&(_, g)| g).max());
        for &(offset, generation) in &self.good_gens {
            if expected.is_some_and(|e| generation < e) {
                let detail = format!("generation {generation}, expected {}", expected.unwrap_or(generation));
                self.bad.push(BadBlock { offset, class: Class::Stale, detail });
            } else {
                self.good += 1;
            }
        }
        self.good_gens.clear();
        self.bad.sort_by_key(|b| b.offset);
        expected
    }

    /// Count per class, every class present (zeros included).
    pub fn counts(&self) -> BTreeMap<&'static str, u64> {
        let mut counts: BTreeMap<&'static str, u64> = Class::ALL.iter().map(|c| (c.name(), 0)).collect();
        for b in &self.bad {
            *counts.entry(b.class.name()).or_default() += 1;
        }
        counts.insert("good", self.good);
        counts
    }
}
