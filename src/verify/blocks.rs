//! Which blocks a pass visits, in offset order, as a cursor: a range is
//! never turned into a list, so a pass's memory does not grow with the
//! target. Only crash verification holds a list, the one the ack log gave.

/// One block to visit: its offset and, in crash verification, the
/// generation acknowledged for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Byte offset in the target.
    pub offset: u64,
    /// The generation the ack log says was made durable there.
    pub acked: Option<u32>,
}

/// The blocks of a pass.
#[derive(Debug)]
pub enum Blocks {
    /// Every `step` bytes in `[next, end)`; the last block may run past
    /// `end` (a target that is not a whole number of blocks).
    Range { next: u64, end: u64, step: u64 },
    /// The blocks an ack log acknowledged, all of one generation.
    Acked { offsets: Vec<u64>, next: usize, generation: u32 },
}

impl Blocks {
    /// Every block of `bs` bytes that starts in `[0, end)`.
    pub fn range(end: u64, bs: u64) -> Self {
        Blocks::Range { next: 0, end, step: bs }
    }

    /// The acknowledged blocks.
    pub fn acked(offsets: Vec<u64>, generation: u32) -> Self {
        Blocks::Acked { offsets, next: 0, generation }
    }

    /// How many blocks the pass visits.
    pub fn len(&self) -> u64 {
        match self {
            Blocks::Range { next, end, step } => end.saturating_sub(*next).div_ceil(*step),
            Blocks::Acked { offsets, next, .. } => (offsets.len() - next) as u64,
        }
    }
}

impl Iterator for Blocks {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        match self {
            Blocks::Range { next, end, step } => (*next < *end).then(|| {
                let offset = *next;
                *next += *step;
                Item { offset, acked: None }
            }),
            Blocks::Acked { offsets, next, generation } => offsets.get(*next).map(|&offset| {
                *next += 1;
                Item { offset, acked: Some(*generation) }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_and_a_log() {
        let r = Blocks::range(10_000, 4096);
        assert_eq!(r.len(), 3);
        assert_eq!(r.map(|i| i.offset).collect::<Vec<_>>(), vec![0, 4096, 8192]);
        let mut a = Blocks::acked(vec![0, 8192], 2);
        assert_eq!(a.next(), Some(Item { offset: 0, acked: Some(2) }));
        assert_eq!(a.len(), 1);
    }
}
