//! The matrix of requests tried: one dimension (offset, length, buffer
//! address) varied at a time with the other two aligned, plus a diagonal of
//! mixed cases, for reads and (with --write) writes. About a hundred
//! requests: it finishes well inside a second.

pub use crate::model::align::{Case, Dimension, Op};

/// Offsets tried, with an aligned length and buffer.
const OFFSETS: [u64; 10] = [0, 1, 256, 511, 512, 1024, 2048, 4096, 4097, 8192];
/// Lengths tried, at offset 0 from an aligned buffer.
const LENGTHS: [usize; 8] = [1, 511, 512, 1024, 2048, 4096, 4097, 8192];
/// Buffer address offsets from a page-aligned buffer, at offset 0 with an aligned length.
const ADDRS: [usize; 11] = [0, 1, 2, 4, 8, 16, 256, 512, 1024, 2048, 4096];
/// (offset, length, address offset): all odd, then all aligned to 512 and 4096.
const MIXED: [(u64, usize, usize); 5] =
    [(1, 1, 1), (511, 511, 3), (4097, 4097, 7), (512, 512, 512), (4096, 4096, 4096)];

impl Dimension {
    /// Every dimension, in table order.
    pub const ALL: [Dimension; 4] = [Dimension::Offset, Dimension::Length, Dimension::Addr, Dimension::Mixed];
}

impl Op {
    /// The name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::Write => "write",
        }
    }
}

impl Case {
    /// The value this case varies, as the table shows it.
    pub fn label(&self) -> String {
        match self.dimension {
            Dimension::Offset => self.offset.to_string(),
            Dimension::Length => self.len.to_string(),
            Dimension::Addr => format!("+{}", self.addr_offset),
            Dimension::Mixed => format!("{}/{}/+{}", self.offset, self.len, self.addr_offset),
        }
    }

    /// The value varied, for finding the smallest one accepted (`None` for mixed cases).
    pub fn value(&self) -> Option<u64> {
        match self.dimension {
            Dimension::Offset => Some(self.offset),
            Dimension::Length => Some(self.len as u64),
            Dimension::Addr => Some(self.addr_offset as u64),
            Dimension::Mixed => None,
        }
    }
}

/// Every case for `ops`. `base_len` is the aligned length used while the
/// offset or the address varies (at least 4096 and the target's alignment).
pub fn matrix(base_len: usize, ops: &[Op]) -> Vec<Case> {
    let mut shapes: Vec<(Dimension, u64, usize, usize)> = Vec::new();
    shapes.extend(OFFSETS.iter().map(|&o| (Dimension::Offset, o, base_len, 0)));
    let mut lengths = LENGTHS.to_vec();
    if !lengths.contains(&base_len) {
        lengths.push(base_len);
    }
    shapes.extend(lengths.iter().map(|&l| (Dimension::Length, 0, l, 0)));
    shapes.extend(ADDRS.iter().map(|&a| (Dimension::Addr, 0, base_len, a)));
    shapes.extend(MIXED.iter().map(|&(o, l, a)| (Dimension::Mixed, o, l, a)));
    ops.iter()
        .flat_map(|&op| {
            shapes.iter().map(move |&(dimension, offset, len, addr_offset)| Case {
                dimension,
                op,
                offset,
                len,
                addr_offset,
            })
        })
        .collect()
}

/// Bytes of file or device the cases touch, from offset 0.
pub fn span(cases: &[Case]) -> u64 {
    cases.iter().map(|c| c.offset + c.len as u64).max().unwrap_or(0)
}

/// The buffer every case is cut from: room for the longest request at the
/// largest address offset.
pub fn buffer_len(cases: &[Case]) -> usize {
    cases.iter().map(|c| c.addr_offset + c.len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_dimension_at_a_time() {
        let cases = matrix(4096, &[Op::Read]);
        assert!(cases.iter().filter(|c| c.dimension == Dimension::Offset).all(|c| c.len == 4096 && c.addr_offset == 0));
        assert!(cases.iter().filter(|c| c.dimension == Dimension::Addr).all(|c| c.len == 4096 && c.offset == 0));
        assert!(cases.iter().filter(|c| c.dimension == Dimension::Length).all(|c| c.offset == 0 && c.addr_offset == 0));
        assert_eq!(span(&cases), 8192 + 4096);
        assert_eq!(matrix(4096, &[Op::Read, Op::Write]).len(), 2 * cases.len());
        assert!(matrix(16384, &[Op::Read]).iter().any(|c| c.dimension == Dimension::Length && c.len == 16384));
    }
}
