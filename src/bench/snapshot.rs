//! Compact snapshots of one interval's histogram (`--interval`).
//!
//! A live latency histogram covers 1 ns to 1 hour (about 256 KiB of
//! counts); keeping one per interval would cost that much per interval and
//! worker. A worker instead records into one live histogram per op kind and
//! latency and, when an interval ends, keeps only its non-zero buckets:
//! each as the varint delta of its value from the previous one and the
//! varint count, a few bytes per bucket. Decoding records the same values
//! back, so a decoded snapshot has exactly the original's buckets.

use hdrhistogram::Histogram;

/// The non-zero buckets of one interval's histogram.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot(Box<[u8]>);

impl Snapshot {
    /// Encodes the non-zero buckets of `hist` (reusing `scratch` as the
    /// encoding buffer), then clears `hist` for the next interval.
    pub fn take(hist: &mut Histogram<u64>, scratch: &mut Vec<u8>) -> Self {
        if hist.is_empty() {
            return Self::default();
        }
        scratch.clear();
        let mut previous = 0;
        for v in hist.iter_recorded() {
            let value = v.value_iterated_to();
            put_varint(scratch, value - previous);
            put_varint(scratch, v.count_at_value());
            previous = value;
        }
        hist.reset();
        Self(scratch.as_slice().into())
    }

    /// Adds the snapshot's counts to `hist`.
    pub fn add_to(&self, hist: &mut Histogram<u64>) {
        let mut bytes = self.0.iter().copied();
        let mut value = 0;
        while let Some(delta) = get_varint(&mut bytes) {
            let Some(count) = get_varint(&mut bytes) else { break };
            value += delta;
            hist.saturating_record_n(value, count);
        }
    }
}

/// Appends `v` as a LEB128 varint.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 varint; None at the end of the input.
fn get_varint(bytes: &mut impl Iterator<Item = u8>) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = bytes.next()?;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::new_histogram;

    #[test]
    fn a_snapshot_decodes_to_the_same_buckets_and_clears_the_live_histogram() {
        let mut live = new_histogram();
        for v in [1u64, 2, 2, 999, 1_000_001, 123_456_789, 3_599_999_999_999] {
            live.record(v).unwrap();
        }
        let original = live.clone();
        let mut scratch = Vec::new();
        let snap = Snapshot::take(&mut live, &mut scratch);
        assert!(live.is_empty());
        assert!(snap.0.len() < 40, "{} bytes", snap.0.len());
        let mut back = new_histogram();
        snap.add_to(&mut back);
        assert_eq!(back, original);
        assert_eq!(Snapshot::take(&mut live, &mut scratch), Snapshot::default());
    }
}
