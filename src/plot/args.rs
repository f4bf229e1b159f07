//! `jdbio plot` flags, exactly as typed; checked by [`PlotArgs::output`] and [`PlotArgs::size`].

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::error::AppError;

/// `jdbio plot REPORT.json [MORE.json ...] -o OUT.svg`
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Reports to draw: `jdbio bench` and `jdbio wal` JSON reports (--json).
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Write the SVG to FILE, or to stdout with `-`. Required.
    // Checked in `PlotArgs::output` rather than by clap, whose message for a
    // missing argument does not fit on the one line jdbio prints.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<String>,
    /// Picture width in pixels. Default: 1000.
    #[arg(long, value_name = "PX")]
    pub width: Option<u32>,
    /// Picture height in pixels. Default: 600, or 1000 when a report has a
    /// `series` (the IOPS and p99 over time panels).
    #[arg(long, value_name = "PX")]
    pub height: Option<u32>,
    /// Latency axes: `log` shows a 30 µs median and a 30 ms tail on one
    /// picture; `linear` is HdrHistogram's own plot.
    #[arg(long, value_enum, default_value = "log", value_name = "SCALE")]
    pub y_scale: Scale,
}

/// How a latency axis maps values to pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    Log,
    Linear,
}

/// Smallest and largest width or height accepted, in pixels.
const PX: std::ops::RangeInclusive<u32> = 300..=10_000;

impl PlotArgs {
    /// Where the SVG goes: `-o`, which must be given and must not name a
    /// report being plotted.
    pub fn output(&self) -> Result<&str, AppError> {
        let dest = self.output.as_deref().ok_or_else(|| {
            AppError::Usage("-o/--output FILE is required: where to write the SVG (- for stdout)".into())
        })?;
        let same = |report: &std::path::Path| match (report.canonicalize(), std::fs::canonicalize(dest)) {
            (Ok(a), Ok(b)) => a == b,
            _ => report == std::path::Path::new(dest),
        };
        if dest != "-" && self.reports.iter().any(|r| same(r)) {
            return Err(AppError::Usage(format!("-o {dest}: that is a report to plot; name another file")));
        }
        Ok(dest)
    }

    /// The picture size: the flags, else the default for whether there is a
    /// time-series panel. A size outside 300..=10000 names its flag.
    pub fn size(&self, with_series: bool) -> Result<(u32, u32), AppError> {
        for (flag, value) in [("--width", self.width), ("--height", self.height)] {
            if let Some(px) = value
                && !PX.contains(&px)
            {
                return Err(AppError::Usage(format!("{flag} {px}: must be {} to {} pixels", PX.start(), PX.end())));
            }
        }
        let height = if with_series { 1000 } else { 600 };
        Ok((self.width.unwrap_or(1000), self.height.unwrap_or(height)))
    }
}
