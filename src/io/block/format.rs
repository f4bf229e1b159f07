//! The verify block format, version 1: a block that describes itself, so a
//! reader with no other state can tell what went wrong.
//!
//! A block is `bs` bytes (a multiple of 512, at least 512), cut into 512-byte
//! sectors. Every sector starts with a 16-byte stamp:
//!
//! | bytes  | field                                                        |
//! |--------|--------------------------------------------------------------|
//! | 0..4   | magic `JDBV`                                                 |
//! | 4..8   | write generation, u32 little-endian (1 or more)              |
//! | 8..16  | the sector's own byte offset in the target, u64 LE           |
//!
//! Sector 0 then carries the block header:
//!
//! | bytes  | field                                                        |
//! |--------|--------------------------------------------------------------|
//! | 16..18 | format version, u16 LE (1)                                   |
//! | 18..20 | reserved, zero                                               |
//! | 20..24 | block size, u32 LE                                           |
//! | 24..32 | run seed, u64 LE                                             |
//! | 32..36 | CRC32C of the whole block with these four bytes zeroed, LE   |
//! | 36..48 | reserved, zero                                               |
//!
//! Every other byte (sector 0 from 48, other sectors from 16) is payload: a
//! splitmix64 stream seeded from (seed, block offset, generation), taken in
//! order through the block, so the verifier can regenerate the expected bytes
//! of any generation and name the first bad one. Stamping every sector (not
//! just the header) is what tells a torn block (sectors of two generations,
//! each internally consistent) from plain corruption, and a misdirected
//! sector from a misdirected block.

/// Sector size of the format.
pub const SECTOR: usize = 512;
/// The magic at the start of every sector.
pub const MAGIC: [u8; 4] = *b"JDBV";
/// The format version written in every header.
pub const VERSION: u16 = 1;
const STAMP: usize = 16;
const HEADER_END: usize = 48;
const CRC_AT: usize = 32;

/// The stamp found at the start of one sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub generation: u32,
    pub offset: u64,
}

/// The header of sector 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u16,
    pub block_size: u32,
    pub seed: u64,
    pub crc: u32,
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn le_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

/// Fills `block` as generation `generation` of the block at `offset`.
pub fn encode(block: &mut [u8], seed: u64, offset: u64, generation: u32) {
    let mut rng = Payload::new(seed, offset, generation);
    let block_size = block.len() as u32;
    for (i, sector) in block.chunks_mut(SECTOR).enumerate() {
        sector[..4].copy_from_slice(&MAGIC);
        sector[4..8].copy_from_slice(&generation.to_le_bytes());
        sector[8..16].copy_from_slice(&(offset + (i * SECTOR) as u64).to_le_bytes());
        let start = if i == 0 { HEADER_END } else { STAMP };
        if i == 0 {
            sector[16..18].copy_from_slice(&VERSION.to_le_bytes());
            sector[18..20].fill(0);
            sector[20..24].copy_from_slice(&block_size.to_le_bytes());
            sector[24..32].copy_from_slice(&seed.to_le_bytes());
            sector[32..HEADER_END].fill(0);
        }
        rng.fill(&mut sector[start..]);
    }
    let crc = block_crc(block);
    block[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_le_bytes());
}

/// CRC32C of `block` with the CRC field taken as zero.
pub fn block_crc(block: &[u8]) -> u32 {
    let crc = crc32c::crc32c(&block[..CRC_AT]);
    let crc = crc32c::crc32c_append(crc, &[0u8; 4]);
    crc32c::crc32c_append(crc, &block[CRC_AT + 4..])
}

/// The stamp of a sector, if it carries the magic.
pub fn stamp(sector: &[u8]) -> Option<Stamp> {
    (sector.len() >= STAMP && sector[..4] == MAGIC)
        .then(|| Stamp { generation: le_u32(&sector[4..8]), offset: le_u64(&sector[8..16]) })
}

/// The header of a block's sector 0, if it carries the magic.
pub fn header(block: &[u8]) -> Option<Header> {
    stamp(block).filter(|_| block.len() >= HEADER_END).map(|_| Header {
        version: u16::from_le_bytes([block[16], block[17]]),
        block_size: le_u32(&block[20..24]),
        seed: le_u64(&block[24..32]),
        crc: le_u32(&block[CRC_AT..CRC_AT + 4]),
    })
}

/// Deterministic payload bytes for one (seed, offset, generation).
struct Payload {
    state: u64,
    word: [u8; 8],
    used: usize,
}

impl Payload {
    fn new(seed: u64, offset: u64, generation: u32) -> Self {
        let state = splitmix(seed ^ splitmix(offset ^ splitmix(u64::from(generation))));
        Self { state, word: [0; 8], used: 8 }
    }

    fn fill(&mut self, out: &mut [u8]) {
        for byte in out {
            if self.used == 8 {
                self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                self.word = splitmix(self.state).to_le_bytes();
                self.used = 0;
            }
            *byte = self.word[self.used];
            self.used += 1;
        }
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_block_reads_back() {
        let mut block = vec![0u8; 4096];
        encode(&mut block, 42, 8192, 3);
        let h = header(&block).unwrap();
        assert_eq!((h.version, h.block_size, h.seed, h.crc), (VERSION, 4096, 42, block_crc(&block)));
        for (i, sector) in block.chunks(SECTOR).enumerate() {
            assert_eq!(stamp(sector), Some(Stamp { generation: 3, offset: 8192 + (i * SECTOR) as u64 }));
        }
        let mut again = vec![0u8; 4096];
        encode(&mut again, 42, 8192, 3);
        assert_eq!(block, again, "deterministic");
        encode(&mut again, 42, 8192, 4);
        assert_ne!(block[100..200], again[100..200], "generations differ in payload");
    }

    #[test]
    fn payload_is_incompressible_looking() {
        let mut block = vec![0u8; 4096];
        encode(&mut block, 1, 0, 1);
        let payload: Vec<u8> = block
            .chunks(SECTOR)
            .enumerate()
            .flat_map(|(i, s)| s[if i == 0 { HEADER_END } else { STAMP }..].to_vec())
            .collect();
        let zeros = payload.iter().filter(|&&b| b == 0).count();
        assert!(zeros < 48, "{zeros} zero bytes in {} payload bytes", payload.len());
    }
}
