//! A plotters coordinate that puts ticks and grid lines exactly where an
//! [`Axis`] says: plotters' own f64 axes choose their ticks themselves, and
//! its key-point wrapper does not keep their label formatting.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use super::axis::Axis;

/// An f64 axis with fixed ticks (labelled, bold grid) and light grid lines.
#[derive(Debug, Clone)]
pub struct Ticked {
    lo: f64,
    hi: f64,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl From<&Axis> for Ticked {
    fn from(axis: &Axis) -> Self {
        Ticked { lo: axis.lo, hi: axis.hi, bold: axis.ticks.clone(), light: axis.light.clone() }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if span <= 0.0 {
            return (limit.0 + limit.1) / 2;
        }
        let fraction = (value - self.lo) / span;
        limit.0 + (f64::from(limit.1 - limit.0) * fraction).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { self.light.clone() } else { self.bold.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_linearly_onto_the_pixels() {
        let t = Ticked { lo: 0.0, hi: 4.0, bold: vec![0.0, 2.0], light: vec![] };
        assert_eq!(t.map(&0.0, (100, 500)), 100);
        assert_eq!(t.map(&1.0, (100, 500)), 200);
        // Pixel y grows downwards: plotters passes (bottom, top).
        assert_eq!(t.map(&4.0, (500, 100)), 100);
    }
}
