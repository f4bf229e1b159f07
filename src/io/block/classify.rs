//! Classifying a block read back against the format: good, or which kind of
//! bad and where.

pub use crate::model::blocks::Class;

use super::format::{self, SECTOR};

/// The verdict on one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Intact, at this generation.
    Good(u32),
    /// Bad, with a one-line detail.
    Bad(Class, String),
}

/// Checks blocks of one run (seed, block size); keeps a scratch block.
pub struct Checker {
    seed: u64,
    bs: usize,
    expected: Vec<u8>,
}

impl Checker {
    /// A checker for blocks of `bs` bytes written with `seed`.
    pub fn new(seed: u64, bs: usize) -> Self {
        Self { seed, bs, expected: vec![0; bs] }
    }

    /// The block size it checks.
    pub fn block_size(&self) -> usize {
        self.bs
    }

    /// Classifies `block` (possibly short, at the end of the target) read at
    /// `offset`. Staleness against a known expected generation is decided
    /// by the caller.
    pub fn check(&mut self, block: &[u8], offset: u64) -> Verdict {
        // The common case first, and without allocating: an intact block.
        if block.len() == self.bs
            && let Some(h) = format::header(block).filter(|h| h.crc == format::block_crc(block))
        {
            return self.intact(block, offset, h);
        }
        if block.is_empty() {
            return Verdict::Bad(Class::Unwritten, "beyond the end of the target".into());
        }
        if is_zero(block) {
            return Verdict::Bad(Class::Unwritten, "all zeros".into());
        }
        let stamps: Vec<_> = block.chunks(SECTOR).map(format::stamp).collect();
        if stamps.iter().all(Option::is_none) {
            return Verdict::Bad(Class::Unwritten, "no magic in any sector".into());
        }
        if block.len() < self.bs {
            let generation = stamps[0].map_or(1, |s| s.generation);
            let ends = offset + block.len() as u64;
            return Verdict::Bad(
                Class::Corrupt,
                format!(
                    "short block: the target ends at offset {ends}, {} bytes into it (generation {generation})",
                    block.len()
                ),
            );
        }
        if let Some(detail) = self.torn(block, offset, &stamps) {
            return Verdict::Bad(Class::Torn, detail);
        }
        let reference = stamps[0].or_else(|| stamps.iter().flatten().next().copied()).map_or(1, |s| s.generation);
        Verdict::Bad(Class::Corrupt, self.first_difference(block, offset, reference))
    }

    /// A block whose CRC checks: this run's block for this offset, or whose.
    fn intact(&self, block: &[u8], offset: u64, h: format::Header) -> Verdict {
        let stamp = format::stamp(block);
        let found = stamp.map_or(offset, |s| s.offset);
        if found != offset {
            return Verdict::Bad(Class::Misdirected, format!("holds the block written for offset {found}"));
        }
        if h.seed != self.seed || h.block_size as usize != self.bs || h.version != format::VERSION {
            return Verdict::Bad(
                Class::Corrupt,
                format!(
                    "a valid block of another run (seed {}, block size {}, format {}; this run: seed {}, block size {})",
                    h.seed, h.block_size, h.version, self.seed, self.bs
                ),
            );
        }
        Verdict::Good(stamp.map_or(0, |s| s.generation))
    }

    /// Every sector stamped for its own place and intact for its own
    /// generation, with more than one generation present: a torn write.
    fn torn(&mut self, block: &[u8], offset: u64, stamps: &[Option<format::Stamp>]) -> Option<String> {
        let mut gens: Vec<u32> = stamps.iter().flatten().map(|s| s.generation).collect();
        gens.sort_unstable();
        gens.dedup();
        if gens.len() < 2 || stamps.iter().any(Option::is_none) {
            return None;
        }
        let mut ranges: Vec<(u32, usize, usize)> = Vec::new();
        for (i, s) in stamps.iter().flatten().enumerate() {
            if s.offset != offset + (i * SECTOR) as u64 {
                return None;
            }
            match ranges.last_mut() {
                Some((g, _, end)) if *g == s.generation => *end = i,
                _ => ranges.push((s.generation, i, i)),
            }
        }
        for &(generation, first, last) in &ranges {
            format::encode(&mut self.expected, self.seed, offset, generation);
            for i in first..=last {
                let (a, b) = (&block[i * SECTOR..(i + 1) * SECTOR], &self.expected[i * SECTOR..(i + 1) * SECTOR]);
                let same = if i == 0 { a[..32] == b[..32] && a[36..] == b[36..] } else { a == b };
                if !same {
                    return None;
                }
            }
        }
        let parts: Vec<String> = ranges.iter().map(|(g, a, b)| format!("sectors {a}-{b} generation {g}")).collect();
        Some(format!("sectors from {} generations: {}", gens.len(), parts.join(", ")))
    }

    /// Where `block` first differs from generation `generation` of its offset.
    fn first_difference(&mut self, block: &[u8], offset: u64, generation: u32) -> String {
        format::encode(&mut self.expected, self.seed, offset, generation);
        match block.iter().zip(&self.expected).position(|(a, b)| a != b) {
            Some(i) => format!(
                "CRC mismatch; first bad byte at offset {} (byte {i} of the block): expected {:#04x}, found {:#04x} (generation {generation})",
                offset + i as u64,
                self.expected[i],
                block[i]
            ),
            None => format!("CRC mismatch, yet every byte matches generation {generation}"),
        }
    }
}

/// True when every byte is zero (compared a page at a time, with memcmp).
fn is_zero(block: &[u8]) -> bool {
    static ZEROS: [u8; 4096] = [0; 4096];
    block.chunks(ZEROS.len()).all(|c| c == &ZEROS[..c.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(offset: u64, generation: u32) -> Vec<u8> {
        let mut b = vec![0u8; 4096];
        format::encode(&mut b, 9, offset, generation);
        b
    }

    #[test]
    fn each_class() {
        let mut c = Checker::new(9, 4096);
        assert_eq!(c.check(&block(4096, 2), 4096), Verdict::Good(2));
        let mut flipped = block(4096, 2);
        flipped[1000] ^= 1;
        assert!(matches!(c.check(&flipped, 4096), Verdict::Bad(Class::Corrupt, d) if d.contains("offset 5096")));
        assert!(matches!(c.check(&block(8192, 2), 4096), Verdict::Bad(Class::Misdirected, d) if d.contains("8192")));
        let mut torn = block(4096, 2);
        torn[2048..].copy_from_slice(&block(4096, 1)[2048..]);
        assert!(matches!(c.check(&torn, 4096), Verdict::Bad(Class::Torn, _)));
        assert!(matches!(c.check(&[0u8; 4096], 4096), Verdict::Bad(Class::Unwritten, _)));
        assert!(matches!(c.check(&[7u8; 4096], 4096), Verdict::Bad(Class::Unwritten, _)));
        assert!(
            matches!(c.check(&block(4096, 2)[..1000], 4096), Verdict::Bad(Class::Corrupt, d) if d.contains("short"))
        );
    }
}
