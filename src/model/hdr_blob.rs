//! Decoding an `hdr` blob from a report file someone else may have written
//! (or damaged): every size the blob declares is checked against what it
//! really holds before anything is allocated from it.
//!
//! The hdrhistogram crate's deserializer trusts the blob: it sizes its
//! payload buffer from the V2 header's payload length (up to 4 GiB) and the
//! histogram's counts array from the declared value range and precision,
//! before reading a byte of payload. A 2.5 KB report whose blob claims a
//! 2 GB payload would make it allocate 2 GB. Here, before the crate sees
//! the blob:
//!
//! - the compressed (V2 deflate) header's length must equal the bytes that
//!   follow it;
//! - the declared range and precision must give a counts array of at most
//!   [`MAX_COUNTS`] entries (jdbio's own histograms have about 34 000);
//! - the declared payload length must fit that array (at most 9 bytes per
//!   count), and the deflate stream must inflate to exactly the header plus
//!   that payload (inflating stops one byte past it, so a deflate bomb costs
//!   nothing).
//!
//! Only then is the inflated, now-trusted V2 stream handed to the crate.

use std::io::Read;

use base64::Engine;
use flate2::read::ZlibDecoder;
use hdrhistogram::{Histogram, serialization::Deserializer};

/// The largest counts array a blob may declare: 4 Mi entries (32 MiB of
/// u64 counts), room for 5 significant digits over 1 ns to an hour.
pub const MAX_COUNTS: u64 = 1 << 22;

/// The V2 cookie (uncompressed) and the V2 deflate cookie.
const V2_COOKIE: u32 = 0x1c84_9303 | 0x10;
const V2_DEFLATE_COOKIE: u32 = 0x1c84_9304 | 0x10;
/// Cookie, payload length, normalizing offset, digits, low, high, ratio.
const V2_HEADER_BYTES: usize = 40;
/// A LEB128-64b9B varint is at most 9 bytes: one count or run of zeros each.
const MAX_VARINT_BYTES: u64 = 9;

/// Decodes a base64 HdrHistogram V2 blob (deflate-compressed or not); the
/// error says what is wrong with it, without allocating what it claims.
pub fn decode_hdr(blob: &str) -> Result<Histogram<u64>, String> {
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(blob.trim()).map_err(|e| format!("not base64 ({e})"))?;
    let v2 = match be_u32(&bytes, 0) {
        Some(V2_DEFLATE_COOKIE) => inflate(&bytes)?,
        Some(V2_COOKIE) => {
            check_v2(&bytes)?;
            bytes
        }
        _ => return Err("not an HdrHistogram V2 blob (unknown cookie)".into()),
    };
    Deserializer::new().deserialize(&mut v2.as_slice()).map_err(|e| format!("not an HdrHistogram V2 blob ({e})"))
}

/// The V2 stream inside a V2 deflate blob, inflated no further than its
/// checked header allows.
fn inflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let declared = be_u32(bytes, 4).ok_or("a V2 deflate blob shorter than its 8-byte header")?;
    let real = bytes.len() - 8;
    if declared as usize != real {
        return Err(format!("its header declares {declared} compressed bytes, but {real} follow"));
    }
    let mut inflater = ZlibDecoder::new(&bytes[8..]);
    let mut v2 = vec![0u8; V2_HEADER_BYTES];
    inflater.read_exact(&mut v2).map_err(|e| format!("the compressed V2 header does not inflate ({e})"))?;
    let payload = payload_bound(&v2)?;
    // One byte more than declared, to tell "exactly" from "more".
    let want = (V2_HEADER_BYTES as u64) + payload;
    inflater.take(payload + 1).read_to_end(&mut v2).map_err(|e| format!("the payload does not inflate ({e})"))?;
    if v2.len() as u64 != want {
        let got = v2.len() - V2_HEADER_BYTES;
        let more = if v2.len() as u64 > want { " or more" } else { "" };
        return Err(format!("its header declares a {payload}-byte payload, but {got}{more} bytes inflate"));
    }
    Ok(v2)
}

/// Checks an uncompressed V2 stream: header sizes, and the payload length
/// against the bytes present.
fn check_v2(bytes: &[u8]) -> Result<(), String> {
    let payload = payload_bound(bytes)?;
    let real = bytes.len().saturating_sub(V2_HEADER_BYTES) as u64;
    if payload != real {
        return Err(format!("its header declares a {payload}-byte payload, but {real} bytes follow"));
    }
    Ok(())
}

/// The payload length a V2 header declares, once its histogram parameters
/// and that length are shown to be within bounds.
fn payload_bound(v2: &[u8]) -> Result<u64, String> {
    let short = || format!("a V2 histogram shorter than its {V2_HEADER_BYTES}-byte header");
    let payload = u64::from(be_u32(v2, 4).ok_or_else(short)?);
    let digits = be_u32(v2, 12).ok_or_else(short)?;
    let low = be_u64(v2, 16).ok_or_else(short)?;
    let high = be_u64(v2, 24).ok_or_else(short)?;
    let counts = counts_len(low, high, digits).ok_or_else(|| {
        format!("invalid histogram parameters (lowest {low}, highest {high}, {digits} significant digits)")
    })?;
    if counts > MAX_COUNTS {
        return Err(format!(
            "its range (lowest {low}, highest {high}, {digits} significant digits) needs {counts} counts, more than the {MAX_COUNTS} a report's histogram may have"
        ));
    }
    if payload > counts * MAX_VARINT_BYTES {
        return Err(format!("its header declares a {payload}-byte payload, more than {} counts can take", counts));
    }
    Ok(payload)
}

/// The counts array length of a histogram with these bounds, as the
/// hdrhistogram crate computes it; None for bounds it would refuse.
fn counts_len(low: u64, high: u64, digits: u32) -> Option<u64> {
    if !(1..=u64::MAX / 2).contains(&low) || high < 2 * low || digits > 5 {
        return None;
    }
    let largest = 2 * 10u64.pow(digits);
    let sub_bucket_magnitude = 64 - (largest - 1).leading_zeros(); // ceil(log2(largest))
    let unit_magnitude = 63 - low.leading_zeros(); // floor(log2(low))
    if unit_magnitude + sub_bucket_magnitude > 63 {
        return None;
    }
    let sub_bucket_count = 1u64 << sub_bucket_magnitude;
    let mut smallest_untrackable = sub_bucket_count << unit_magnitude;
    let mut buckets = 1u64;
    while smallest_untrackable <= high {
        if smallest_untrackable > u64::MAX / 2 {
            buckets += 1;
            break;
        }
        smallest_untrackable <<= 1;
        buckets += 1;
    }
    Some((buckets + 1) * (sub_bucket_count / 2))
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::{Compression, write::ZlibEncoder};
    use hdrhistogram::serialization::{Serializer, V2Serializer};

    use super::*;
    use crate::model::{encode_hdr, new_histogram};

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// A V2 deflate blob around `v2` (a V2 stream, maybe forged).
    fn deflate(v2: &[u8]) -> Vec<u8> {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(v2).unwrap();
        let body = z.finish().unwrap();
        let mut out = V2_DEFLATE_COOKIE.to_be_bytes().to_vec();
        out.extend((body.len() as u32).to_be_bytes());
        out.extend(body);
        out
    }

    /// A V2 header with these fields and `payload` after it.
    fn v2(declared: u32, low: u64, high: u64, digits: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = V2_COOKIE.to_be_bytes().to_vec();
        out.extend(declared.to_be_bytes());
        out.extend(0u32.to_be_bytes());
        out.extend(digits.to_be_bytes());
        out.extend(low.to_be_bytes());
        out.extend(high.to_be_bytes());
        out.extend(1.0f64.to_be_bytes());
        out.extend(payload);
        out
    }

    #[test]
    fn counts_length_agrees_with_the_crate() {
        for (low, high, digits) in [(1, 3_600_000_000_000, 3), (1, 2, 0), (1000, 1 << 40, 5), (1, u64::MAX, 2)] {
            let h = Histogram::<u64>::new_with_bounds(low, high, digits as u8).unwrap();
            assert_eq!(counts_len(low, high, digits), Some(h.distinct_values() as u64), "{low} {high} {digits}");
        }
        assert_eq!(counts_len(0, 10, 3), None);
        assert_eq!(counts_len(1, 10, 6), None);
    }

    #[test]
    fn jdbio_blobs_round_trip() {
        let mut h = new_histogram();
        for v in [1, 1000, 250_000, 7_000_000_000] {
            h.record(v).unwrap();
        }
        let back = decode_hdr(&encode_hdr(&h)).unwrap();
        assert_eq!((back.len(), back.max(), back.min()), (h.len(), h.max(), h.min()));
        let mut plain = Vec::new();
        V2Serializer::new().serialize(&h, &mut plain).unwrap();
        assert_eq!(decode_hdr(&b64(&plain)).unwrap().len(), 4);
    }

    #[test]
    fn a_claimed_payload_that_is_not_there_is_refused() {
        let forged = deflate(&v2(2_000_000_000, 1, 3_600_000_000_000, 3, &[2]));
        let err = decode_hdr(&b64(&forged)).unwrap_err();
        assert!(err.contains("declares a 2000000000-byte payload, more than"), "{err}");
        let short = deflate(&v2(3000, 1, 3_600_000_000_000, 3, &[2, 2]));
        assert_eq!(
            decode_hdr(&b64(&short)).unwrap_err(),
            "its header declares a 3000-byte payload, but 2 bytes inflate"
        );
        let long = deflate(&v2(1, 1, 3_600_000_000_000, 3, &[2, 2]));
        assert!(decode_hdr(&b64(&long)).unwrap_err().ends_with("but 2 or more bytes inflate"));
        let plain = v2(2_000_000_000 / 9, 1, u64::MAX, 5, &[]);
        assert!(decode_hdr(&b64(&plain)).unwrap_err().contains("more than the 4194304 a report's histogram may have"));
    }

    #[test]
    fn a_wrong_compressed_length_is_refused() {
        let mut blob = deflate(&v2(1, 1, 1000, 2, &[2]));
        blob[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        let err = decode_hdr(&b64(&blob)).unwrap_err();
        assert!(err.starts_with("its header declares 4294967295 compressed bytes, but "), "{err}");
        assert_eq!(decode_hdr("AAAA").unwrap_err(), "not an HdrHistogram V2 blob (unknown cookie)");
    }
}
