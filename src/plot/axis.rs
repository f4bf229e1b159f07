//! Axes a person reads at a glance: a unit chosen from the data (ns, µs,
//! ms, s), ticks on round numbers (1-2-5 steps, or powers of ten with a
//! light 1..9 grid on a log axis), and tick labels without noise digits.
//! Coordinates are what the chart is built on: the shown value itself on a
//! linear axis, its log10 on a log axis.

use super::{args::Scale, label, spectrum};

/// A time unit for latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Ns,
    Us,
    Ms,
    S,
}

impl Unit {
    /// The unit that keeps `max_ns` below 10000 of it: ms for a 30 ms tail,
    /// µs for a 300 µs one.
    pub fn for_max(max_ns: f64) -> Unit {
        match max_ns {
            m if m < 1e4 => Unit::Ns,
            m if m < 1e7 => Unit::Us,
            m if m < 1e10 => Unit::Ms,
            _ => Unit::S,
        }
    }

    /// Nanoseconds in one unit.
    pub fn ns(self) -> f64 {
        match self {
            Unit::Ns => 1.0,
            Unit::Us => 1e3,
            Unit::Ms => 1e6,
            Unit::S => 1e9,
        }
    }

    /// "µs" and so on.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Ns => "ns",
            Unit::Us => "µs",
            Unit::Ms => "ms",
            Unit::S => "s",
        }
    }
}

/// One axis: its range and ticks in chart coordinates, and how a raw value
/// becomes a coordinate.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub scale: Scale,
    /// Raw values are divided by this before display (ns per unit for latency).
    pub divisor: f64,
    /// Chart coordinates covered.
    pub lo: f64,
    pub hi: f64,
    /// Labelled ticks, chart coordinates.
    pub ticks: Vec<f64>,
    /// Unlabelled grid lines, chart coordinates.
    pub light: Vec<f64>,
    /// How tick labels are written.
    pub labels: Labels,
}

/// How an axis writes its tick labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labels {
    /// "0.05", "2.5", "120".
    Plain,
    /// "950", "50k", "1.5M".
    Count,
    /// The coordinate is log10(1/(1-p)): "0%", "90%", "99.9%".
    Percentile,
}

impl Axis {
    /// A latency axis for raw nanoseconds from `min_ns` to `max_ns`.
    pub fn latency(min_ns: f64, max_ns: f64, scale: Scale) -> (Axis, Unit) {
        let unit = Unit::for_max(max_ns);
        let axis = match scale {
            Scale::Log => Axis::log(min_ns.max(1.0) / unit.ns(), max_ns.max(1.0) / unit.ns(), unit.ns()),
            Scale::Linear => Axis::linear(max_ns / unit.ns(), unit.ns()),
        };
        (axis, unit)
    }

    /// A linear axis from 0 to at least `max` (in shown units), ticks on a
    /// round step.
    pub fn linear(max: f64, divisor: f64) -> Axis {
        let max = if max > 0.0 && max.is_finite() { max } else { 1.0 };
        let step = nice_step(max / 6.0);
        let top = (max / step).ceil() * step;
        let ticks = (0..).map(|i| f64::from(i) * step).take_while(|t| *t <= top + step * 1e-9).collect();
        Axis { scale: Scale::Linear, divisor, lo: 0.0, hi: top, ticks, light: Vec::new(), labels: Labels::Plain }
    }

    /// A log axis covering `lo..=hi` (shown units, both > 0), widened to
    /// round values. A range narrower than a factor of 3 gets ticks on a
    /// round linear step, as a 1-2-5 grid would leave it one or two.
    pub fn log(lo: f64, hi: f64, divisor: f64) -> Axis {
        let hi = hi.max(lo);
        if hi / lo < 3.0 {
            return Axis::narrow_log(lo, hi, divisor);
        }
        let (lo, hi) = (round_down(lo), round_up(hi));
        let (lo, hi) = if hi <= lo { (lo, round_up(lo * 1.01)) } else { (lo, hi) };
        let within = |mantissas: &[f64]| -> Vec<f64> {
            let first = lo.log10().floor() as i32;
            let last = hi.log10().ceil() as i32;
            (first..=last)
                .flat_map(|e| mantissas.iter().map(move |m| m * 10f64.powi(e)))
                .filter(|v| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9))
                .map(f64::log10)
                .collect()
        };
        let decades = (hi / lo).log10();
        let mut ticks = within(if decades > 4.0 { &[1.0] } else { &[1.0, 2.0, 5.0] });
        if ticks.len() < 4 {
            ticks = within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        }
        let light = within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        Axis { scale: Scale::Log, divisor, lo: lo.log10(), hi: hi.log10(), ticks, light, labels: Labels::Plain }
    }

    /// A log axis over less than a factor of 3: at least ±20% around the
    /// middle, ticks every round step.
    fn narrow_log(lo: f64, hi: f64, divisor: f64) -> Axis {
        let mid = (lo * hi).sqrt();
        let (lo, hi) = (lo.min(mid / 1.2), hi.max(mid * 1.2));
        let step = nice_step((hi - lo) / 4.0);
        let (lo, hi) = (((lo / step).floor() * step).max(step), (hi / step).ceil() * step);
        let ticks =
            (0..).map(|i| lo + f64::from(i) * step).take_while(|t| *t <= hi + step * 1e-9).map(f64::log10).collect();
        Axis {
            scale: Scale::Log,
            divisor,
            lo: lo.log10(),
            hi: hi.log10(),
            ticks,
            light: Vec::new(),
            labels: Labels::Plain,
        }
    }

    /// The percentile axis of a spectrum reaching x = `max_x`, `px` pixels
    /// wide: whole decades (0%, 90%, 99%, ...) up to at least 99%, and the
    /// median where its label does not run into 0%'s.
    pub fn percentile(max_x: f64, px: u32) -> Axis {
        let decades = (max_x - 1e-9).ceil().max(2.0) as i32;
        let median = 2f64.log10();
        let mut ticks = vec![0.0];
        if f64::from(px) / f64::from(decades) * median >= 48.0 {
            ticks.push(median);
        }
        ticks.extend((1..=decades).map(f64::from));
        Axis {
            scale: Scale::Linear,
            divisor: 1.0,
            lo: 0.0,
            hi: f64::from(decades),
            ticks,
            light: Vec::new(),
            labels: Labels::Percentile,
        }
    }

    /// The chart coordinate of raw value `v`.
    pub fn coord(&self, v: f64) -> f64 {
        let shown = v / self.divisor;
        match self.scale {
            Scale::Linear => shown,
            Scale::Log => shown.max(10f64.powf(self.lo)).log10(),
        }
    }

    /// The tick label at chart coordinate `c`.
    pub fn label(&self, c: f64) -> String {
        let v = match self.scale {
            Scale::Linear => c,
            Scale::Log => 10f64.powf(c),
        };
        match self.labels {
            Labels::Plain => label::trim(v),
            Labels::Count => label::count(v),
            Labels::Percentile => spectrum::percentile_label(c),
        }
    }
}

/// The 1-2-5 step at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * mag).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * mag)
}

/// The largest 1-2-5 value at or below `v`.
fn round_down(v: f64) -> f64 {
    let mag = 10f64.powf(v.log10().floor());
    [5.0, 2.0, 1.0].into_iter().map(|m| m * mag).find(|s| *s <= v * (1.0 + 1e-9)).unwrap_or(mag)
}

/// The smallest 1-2-5 value at or above `v`.
fn round_up(v: f64) -> f64 {
    nice_step(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(axis: &Axis) -> Vec<String> {
        axis.ticks.iter().map(|c| axis.label(*c)).collect()
    }

    #[test]
    fn unit_follows_the_largest_value() {
        assert_eq!(Unit::for_max(300_000.0), Unit::Us);
        assert_eq!(Unit::for_max(33_000_000.0), Unit::Ms);
        assert_eq!(Unit::for_max(9_000_000.0), Unit::Us);
    }

    #[test]
    fn log_axis_ticks_on_round_values() {
        // 30 µs .. 33 ms, in ms.
        let (axis, unit) = Axis::latency(30_500.0, 33_520_000.0, Scale::Log);
        assert_eq!(unit, Unit::Ms);
        assert_eq!(labels(&axis), ["0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "50"]);
        assert!((axis.coord(1e6) - 0.0).abs() < 1e-12, "1 ms is log10(1) = 0");
    }

    #[test]
    fn a_narrow_log_range_still_has_ticks() {
        let axis = Axis::log(180.0, 290.0, 1.0);
        assert_eq!(labels(&axis), ["150", "200", "250", "300"]);
        let axis = Axis::log(13.5, 13.7, 1.0);
        assert_eq!(labels(&axis), ["10", "12", "14", "16", "18"]);
        let axis = Axis::log(0.2, 0.2, 1.0);
        assert_eq!(labels(&axis), ["0.16", "0.18", "0.2", "0.22", "0.24"]);
    }

    #[test]
    fn linear_axis_starts_at_zero() {
        let mut axis = Axis::linear(117_999.0, 1.0);
        axis.labels = Labels::Count;
        assert_eq!(labels(&axis), ["0", "20k", "40k", "60k", "80k", "100k", "120k"]);
    }

    #[test]
    fn percentile_axis_reaches_past_the_last_point() {
        let axis = Axis::percentile(5.38, 1000);
        assert_eq!(labels(&axis), ["0%", "50%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"]);
        assert_eq!(labels(&Axis::percentile(5.38, 500))[..2], ["0%", "90%"], "no room for 50%");
        assert_eq!(Axis::percentile(0.5, 1000).hi, 2.0, "at least 99%");
    }
}
