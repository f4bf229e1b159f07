//! What the read pass found: exact counts per class, and the first
//! `--max-report` bad blocks by offset. Memory stays the same whatever the
//! target's size: nothing is kept per good block. When the expected
//! generation is not given, it is the newest found, decided as blocks come
//! in: good blocks of the newest generation so far are only counted (and
//! the lowest offsets kept), and turn stale together if a newer one shows up.

use std::collections::BTreeMap;

pub use crate::model::blocks::BadBlock;

use super::{
    classify::{Class, Verdict},
    lowest::Lowest,
};

/// A bad block kept for the report; a stale one's detail waits for the
/// final expected generation.
#[derive(Debug)]
struct Listed {
    offset: u64,
    what: What,
}

#[derive(Debug)]
enum What {
    Bad(Class, String),
    Stale(u32),
}

impl PartialEq for Listed {
    fn eq(&self, other: &Self) -> bool {
        self.offset == other.offset
    }
}
impl Eq for Listed {}
impl PartialOrd for Listed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Listed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.offset.cmp(&other.offset)
    }
}

/// Good blocks of the newest generation seen so far.
#[derive(Debug)]
struct Newest {
    generation: u32,
    count: u64,
    lowest: Lowest<u64>,
}

/// Findings as blocks come in.
#[derive(Debug)]
pub struct Findings {
    expected: Option<u32>,
    max_report: usize,
    good: u64,
    counts: [u64; Class::ALL.len()],
    listed: Lowest<Listed>,
    newest: Option<Newest>,
    blocks_read: u64,
    bytes_read: u64,
}

/// The final findings of a pass.
#[derive(Debug)]
pub struct Verdicts {
    /// The generation every block had to have (None: nothing good was found).
    pub expected: Option<u32>,
    /// Intact blocks at the expected generation or newer.
    pub good: u64,
    /// Bad blocks per class, every class present.
    pub counts: BTreeMap<&'static str, u64>,
    /// All bad blocks (the sum of `counts` without good).
    pub bad_total: u64,
    /// The first `--max-report` bad blocks by offset.
    pub bad: Vec<BadBlock>,
    /// Blocks whose read succeeded (unreadable ones are not checked).
    pub blocks_read: u64,
    /// Bytes those reads returned.
    pub bytes_read: u64,
}

impl Findings {
    /// Empty findings. `expected`: the generation every block must have
    /// (None: the newest found); `max_report`: bad blocks kept in detail.
    pub fn new(expected: Option<u32>, max_report: usize) -> Self {
        Self {
            expected,
            max_report,
            good: 0,
            counts: [0; Class::ALL.len()],
            listed: Lowest::new(max_report),
            newest: None,
            blocks_read: 0,
            bytes_read: 0,
        }
    }

    /// Counts a successful read of `bytes` bytes.
    pub fn read(&mut self, bytes: usize) {
        self.blocks_read += 1;
        self.bytes_read += bytes as u64;
    }

    /// Bytes the successful reads returned so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Records the verdict on the block at `offset` (`acked`: the generation
    /// the ack log says was made durable there). An acknowledged block that
    /// is not there at its generation (older, unwritten, torn, another
    /// offset's) is `lost`; one whose bytes are damaged (`corrupt`) or could
    /// not be read (`unreadable`) keeps that class, with the acknowledgement
    /// in its detail.
    pub fn record(&mut self, offset: u64, acked: Option<u32>, verdict: Verdict) {
        match (verdict, acked) {
            (Verdict::Good(generation), Some(acked)) if generation < acked => self.bad(
                offset,
                Class::Lost,
                format!("acknowledged generation {acked} is gone: the block holds generation {generation}"),
            ),
            (Verdict::Good(_), Some(_)) => self.good += 1,
            (Verdict::Good(generation), None) => self.good_block(offset, generation),
            (Verdict::Bad(class @ (Class::Unreadable | Class::Corrupt), detail), Some(acked)) => {
                self.bad(offset, class, format!("{detail}; generation {acked} was acknowledged there"));
            }
            (Verdict::Bad(class, detail), Some(acked)) => self.bad(
                offset,
                Class::Lost,
                format!("acknowledged generation {acked} is gone: {} ({detail})", class.name()),
            ),
            (Verdict::Bad(class, detail), None) => self.bad(offset, class, detail),
        }
    }

    fn bad(&mut self, offset: u64, class: Class, detail: String) {
        self.counts[class.index()] += 1;
        self.listed.push(Listed { offset, what: What::Bad(class, detail) });
    }

    fn stale(&mut self, offset: u64, generation: u32) {
        self.counts[Class::Stale.index()] += 1;
        self.listed.push(Listed { offset, what: What::Stale(generation) });
    }

    fn good_block(&mut self, offset: u64, generation: u32) {
        if let Some(expected) = self.expected {
            return if generation < expected { self.stale(offset, generation) } else { self.good += 1 };
        }
        match &mut self.newest {
            Some(n) if generation == n.generation => {
                n.count += 1;
                n.lowest.push(offset);
            }
            Some(n) if generation < n.generation => self.stale(offset, generation),
            newest => {
                let mut lowest = Lowest::new(self.max_report);
                lowest.push(offset);
                if let Some(mut old) = newest.replace(Newest { generation, count: 1, lowest }) {
                    self.counts[Class::Stale.index()] += old.count;
                    for at in old.lowest.drain() {
                        self.listed.push(Listed { offset: at, what: What::Stale(old.generation) });
                    }
                }
            }
        }
    }

    /// The final verdicts.
    pub fn finish(self) -> Verdicts {
        let expected = self.expected.or(self.newest.as_ref().map(|n| n.generation));
        let good = self.good + self.newest.as_ref().map_or(0, |n| n.count);
        let bad = self
            .listed
            .into_sorted()
            .into_iter()
            .map(|l| match l.what {
                What::Bad(class, detail) => BadBlock { offset: l.offset, class, detail },
                What::Stale(generation) => BadBlock {
                    offset: l.offset,
                    class: Class::Stale,
                    detail: format!("generation {generation}, expected {}", expected.unwrap_or(generation)),
                },
            })
            .collect();
        let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
        for class in Class::ALL {
            counts.insert(class.name(), self.counts[class.index()]);
        }
        Verdicts {
            expected,
            good,
            bad_total: self.counts.iter().sum(),
            counts,
            bad,
            blocks_read: self.blocks_read,
            bytes_read: self.bytes_read,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_generation_turns_the_older_stale_and_counts_stay_exact() {
        let mut f = Findings::new(None, 2);
        for (offset, generation) in [(0, 1), (4096, 1), (8192, 2), (12288, 1), (16384, 2), (20480, 3)] {
            f.record(offset, None, Verdict::Good(generation));
        }
        f.record(24576, None, Verdict::Bad(Class::Unwritten, "all zeros".into()));
        let v = f.finish();
        assert_eq!((v.expected, v.good, v.bad_total), (Some(3), 1, 6));
        assert_eq!((v.counts["stale"], v.counts["unwritten"]), (5, 1));
        let listed: Vec<_> = v.bad.iter().map(|b| (b.offset, b.detail.as_str())).collect();
        assert_eq!(listed, vec![(0, "generation 1, expected 3"), (4096, "generation 1, expected 3")]);
    }

    #[test]
    fn acknowledged_blocks_are_lost_or_unreadable_never_stale() {
        let mut f = Findings::new(None, 10);
        f.record(0, Some(2), Verdict::Good(1));
        f.record(4096, Some(2), Verdict::Good(2));
        f.record(8192, Some(2), Verdict::Bad(Class::Unwritten, "all zeros".into()));
        f.record(12288, Some(2), Verdict::Bad(Class::Unreadable, "read failed".into()));
        let v = f.finish();
        assert_eq!((v.good, v.counts["lost"], v.counts["unreadable"], v.counts["stale"]), (1, 2, 1, 0));
    }

    #[test]
    fn an_acknowledged_block_with_damaged_bytes_is_corrupt_not_lost() {
        let mut f = Findings::new(None, 10);
        f.record(0, Some(2), Verdict::Bad(Class::Corrupt, "CRC mismatch; first bad byte at offset 100".into()));
        let v = f.finish();
        assert_eq!((v.counts["corrupt"], v.counts["lost"]), (1, 0));
        assert_eq!(v.bad[0].class, Class::Corrupt);
        assert_eq!(v.bad[0].detail, "CRC mismatch; first bad byte at offset 100; generation 2 was acknowledged there");
    }
}
