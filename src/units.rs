//! Parsers for sizes ("4k", "128KiB", "1g") and durations ("10s", "500ms"),
//! used by the command-line flags. Size suffixes are binary (k = 1024), as in
//! fio.

use std::time::Duration;

/// Parses a byte size: a number with an optional k/m/g/t suffix (binary
/// multiples), optionally followed by "b"/"ib"/"iB".
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let stripped = lower.strip_suffix("ib").or_else(|| lower.strip_suffix('b')).unwrap_or(&lower);
    let (digits, mult) = match stripped.chars().last() {
        Some('k') => (&stripped[..stripped.len() - 1], 1u64 << 10),
        Some('m') => (&stripped[..stripped.len() - 1], 1 << 20),
        Some('g') => (&stripped[..stripped.len() - 1], 1 << 30),
        Some('t') => (&stripped[..stripped.len() - 1], 1 << 40),
        _ => (stripped, 1),
    };
    let n: u64 =
        digits.trim().parse().map_err(|_| format!("'{text}' is not a size (examples: 4096, 4k, 128k, 1m, 2g)"))?;
    n.checked_mul(mult).ok_or_else(|| format!("'{text}' is too large"))
}

/// The longest duration a flag accepts: long enough for any run, short
/// enough that adding it to a clock reading can never overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// Parses a duration: a number with an optional unit (ns, us, ms, s, m, h);
/// no unit means seconds. At most [`MAX_DURATION`] (365 days).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| format!("'{text}' is not a duration (examples: 10s, 500ms, 2m)"))?;
    let secs = match unit {
        "" | "s" => value,
        "ms" => value / 1e3,
        "us" => value / 1e6,
        "ns" => value / 1e9,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("'{text}': unknown unit '{unit}' (use ns, us, ms, s, m or h)")),
    };
    match Duration::try_from_secs_f64(secs) {
        Ok(d) if d <= MAX_DURATION => Ok(d),
        _ => Err(format!("'{text}' is out of range (at most 365 days)")),
    }
}

/// Formats bytes in binary units with two decimals, e.g. "1.00 GiB".
pub fn human_bytes(n: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 { format!("{v:.0} B") } else { format!("{v:.2} {}", UNITS[i]) }
}

/// Formats nanoseconds with a unit that keeps 3-4 significant digits.
pub fn human_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0}ns")
    } else if ns < 1e6 {
        format!("{:.1}us", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2}ms", ns / 1e6)
    } else {
        format!("{:.2}s", ns / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("128K"), Ok(128 << 10));
        assert_eq!(parse_size("1m"), Ok(1 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1MB"), Ok(1 << 20));
        assert!(parse_size("4x").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("99999999999t").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("5y").is_err());
        assert!(parse_duration("s").is_err());
        assert_eq!(parse_duration("365d"), Err("'365d': unknown unit 'd' (use ns, us, ms, s, m or h)".into()));
        assert_eq!(parse_duration("8760h"), Ok(MAX_DURATION));
        assert!(parse_duration("8761h").is_err());
        assert!(parse_duration("18000000000000000000").is_err());
    }

    #[test]
    fn humans() {
        assert_eq!(human_bytes(1073741824.0), "1.00 GiB");
        assert_eq!(human_bytes(512.0), "512 B");
        assert_eq!(human_ns(1500.0), "1.5us");
        assert_eq!(human_ns(2_500_000.0), "2.50ms");
    }
}
