//! The limit of each metric: the defaults, overridden by `--max-drop
//! NAME=PCT` and `--max-rise NAME=PCT`. A flag that names no metric, names a
//! metric on the wrong side, or has no valid percentage is exit 2 naming it.

use std::collections::BTreeMap;

use super::metrics::{Bad, Metric};
use crate::error::AppError;

/// The allowed change of each metric, in percent, in its bad direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits(BTreeMap<Metric, f64>);

impl Limits {
    /// The defaults with `max_drop` and `max_rise` applied in order (a later
    /// flag for the same metric wins).
    pub fn from_flags(max_drop: &[String], max_rise: &[String]) -> Result<Self, AppError> {
        let mut limits: BTreeMap<Metric, f64> = Metric::ALL.into_iter().map(|m| (m, m.default_limit_pct())).collect();
        for (flag, side, list) in [("--max-drop", Bad::Drop, max_drop), ("--max-rise", Bad::Rise, max_rise)] {
            for text in list {
                let (metric, pct) = parse(flag, side, text)?;
                limits.insert(metric, pct);
            }
        }
        Ok(Self(limits))
    }

    /// The limit of `metric`, in percent.
    pub fn pct(&self, metric: Metric) -> f64 {
        self.0.get(&metric).copied().unwrap_or_else(|| metric.default_limit_pct())
    }

    /// Every limit by metric name, signed: negative where a drop is bad.
    pub fn signed_pct(&self) -> BTreeMap<String, f64> {
        let sign = |m: Metric| if m.bad() == Bad::Drop { -1.0 } else { 1.0 };
        Metric::ALL.into_iter().map(|m| (m.key().to_string(), sign(m) * self.pct(m))).collect()
    }
}

/// Parses one `NAME=PCT` given to `flag` (which sets limits on `side`).
fn parse(flag: &str, side: Bad, text: &str) -> Result<(Metric, f64), AppError> {
    let bad = |why: String| AppError::Usage(format!("{flag} {text}: {why}"));
    let (name, pct) = text.split_once('=').ok_or_else(|| bad("expected NAME=PCT, e.g. iops=10%".into()))?;
    let metric = Metric::from_key(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = Metric::ALL.iter().map(|m| m.key()).collect();
        bad(format!("no metric '{}' (metrics: {})", name.trim(), names.join(", ")))
    })?;
    if metric.bad() != side {
        let (what, other) = match metric.bad() {
            Bad::Drop => ("a drop", "--max-drop"),
            Bad::Rise => ("a rise", "--max-rise"),
        };
        return Err(bad(format!("for {} {what} is bad; use {other} {}={}", metric.key(), metric.key(), pct.trim())));
    }
    let number = pct.trim().strip_suffix('%').unwrap_or(pct.trim()).trim();
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok((metric, v)),
        Ok(_) => Err(bad(format!("'{}': a limit must be a finite percentage, 0 or more", pct.trim()))),
        Err(_) => Err(bad(format!("'{}' is not a percentage (examples: 10%, 10, 2.5%)", pct.trim()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_and_overrides() {
        let l = Limits::from_flags(&[], &[]).unwrap();
        assert_eq!(l.pct(Metric::Iops), 10.0);
        assert_eq!(l.pct(Metric::P999), 50.0);
        let l = Limits::from_flags(&strings(&["iops=50%", "bw=2.5"]), &strings(&["p99=30%", "cpu_per_io=0"])).unwrap();
        assert_eq!((l.pct(Metric::Iops), l.pct(Metric::Bw)), (50.0, 2.5));
        assert_eq!((l.pct(Metric::P99), l.pct(Metric::CpuPerIo)), (30.0, 0.0));
        assert_eq!(l.pct(Metric::P50), 20.0);
    }

    #[test]
    fn errors_name_the_flag() {
        let err =
            |drop: &[&str], rise: &[&str]| Limits::from_flags(&strings(drop), &strings(rise)).unwrap_err().to_string();
        assert_eq!(err(&["p99=5%"], &[]), "--max-drop p99=5%: for p99 a rise is bad; use --max-rise p99=5%");
        assert_eq!(err(&[], &["iops=5"]), "--max-rise iops=5: for iops a drop is bad; use --max-drop iops=5");
        assert!(err(&["lat=5%"], &[]).starts_with("--max-drop lat=5%: no metric 'lat' (metrics: iops, bw,"));
        assert!(err(&["iops"], &[]).starts_with("--max-drop iops: expected NAME=PCT"));
        assert!(err(&["iops=ten"], &[]).contains("'ten' is not a percentage"));
        assert!(err(&["iops=-5%"], &[]).contains("'-5%': a limit must be a finite percentage, 0 or more"));
        assert!(err(&["iops=inf"], &[]).contains("'inf': a limit must be a finite percentage, 0 or more"));
    }
}
