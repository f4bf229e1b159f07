//! A common start (`--start-at T`): T parsed from Unix seconds (fractions
//! allowed) or RFC 3339, and the wait until T on the wall clock that a
//! worker makes after all its set-up and the start barrier. A host that is
//! past T when ready starts at once, and says by how much it was late.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Now as Unix nanoseconds.
pub fn now_unix_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// Parses `--start-at`: `1795573200.25` (Unix seconds) or
/// `2026-11-25T02:20:00.25Z` / `...+01:00` (RFC 3339); Unix nanoseconds.
pub fn parse_start_at(text: &str) -> Result<u64, String> {
    let bad = || format!("{text:?}: not Unix seconds (1795573200.5) or an RFC 3339 time (2026-11-25T02:20:00Z)");
    let t = text.trim();
    if t.contains('T') || t.contains('t') {
        return rfc3339_ns(t).ok_or_else(bad);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let secs: u64 = whole.parse().map_err(|_| bad())?;
    Ok(secs.checked_mul(1_000_000_000).ok_or_else(bad)? + frac_ns(frac))
}

/// Nanoseconds of the digits after a decimal point (beyond 9 ignored).
fn frac_ns(digits: &str) -> u64 {
    let d = &digits[..digits.len().min(9)];
    d.parse::<u64>().map_or(0, |n| n * 10u64.pow(9 - d.len() as u32))
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)` as Unix nanoseconds.
fn rfc3339_ns(t: &str) -> Option<u64> {
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut rest = &t[19..];
    let mut nanos = 0;
    if let Some(r) = rest.strip_prefix('.') {
        let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        if end == 0 {
            return None;
        }
        nanos = frac_ns(&r[..end]);
        rest = &r[end..];
    }
    let offset_s = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            sign * (rest[1..3].parse::<i64>().ok()? * 3600 + rest[4..6].parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset_s;
    u64::try_from(secs).ok()?.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// Howard Hinnant's civil-to-days algorithm (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Waits until `at` (Unix ns) on the wall clock, in steps of at most 100
/// ms so a signal still stops the run; returns how late the caller was
/// (0 when it arrived before `at`).
pub fn wait_until(at: u64) -> u64 {
    let late = now_unix_ns().saturating_sub(at);
    loop {
        let now = now_unix_ns();
        if now >= at || crate::interrupt::requested() {
            return late;
        }
        std::thread::sleep(Duration::from_nanos((at - now).min(100_000_000)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_and_rfc3339() {
        assert_eq!(parse_start_at("1795573200"), Ok(1_795_573_200_000_000_000));
        assert_eq!(parse_start_at("1795573200.25"), Ok(1_795_573_200_250_000_000));
        assert_eq!(parse_start_at("2026-11-25T02:20:00Z"), Ok(1_795_573_200_000_000_000));
        assert_eq!(parse_start_at("2026-11-25T03:20:00.5+01:00"), Ok(1_795_573_200_500_000_000));
        assert_eq!(parse_start_at("2000-02-29T00:00:00Z"), Ok(951_782_400_000_000_000));
        for bad in ["soon", "", "-5", "1.2.3", "2026-11-25 02:20:00Z", "2026-13-25T02:20:00Z", "2026-11-25T02:20:00"] {
            assert!(parse_start_at(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_past_time_returns_at_once_with_the_lateness() {
        let at = now_unix_ns() - 3_000_000_000;
        assert!(wait_until(at) >= 3_000_000_000);
    }
}
