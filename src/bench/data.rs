//! What written blocks contain: incompressible bytes, with every 512-byte
//! sector stamped unique per write.

use super::dist::Offsets;

/// Fills `buf` with incompressible bytes.
pub fn fill_random(buf: &mut [u8], rng: &mut Offsets) {
    for chunk in buf.chunks_mut(8) {
        let word = rng.word().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

/// Makes every 512-byte sector of a written block unique, so deduplication
/// cannot flatter: its first 16 bytes become a hash of (offset, per-write
/// counter). Hashed rather than plain numbers, whose zero bytes would give a
/// compressor matches (LZO in zram slows down on them) and so cost the
/// device work that truly random data does not.
#[inline]
pub fn stamp_block(buf: &mut [u8], offset: u64, stamp: u64) {
    for (i, sector) in buf.chunks_mut(512).enumerate() {
        if sector.len() >= 16 {
            let a = mix(offset.wrapping_add(i as u64 * 512) ^ stamp.rotate_left(32));
            sector[..8].copy_from_slice(&a.to_le_bytes());
            sector[8..16].copy_from_slice(&mix(a ^ stamp).to_le_bytes());
        }
    }
}

/// splitmix64's finaliser: a cheap bijective 64-bit mix.
#[inline]
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}
