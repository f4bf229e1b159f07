//! `jdbio plot`: reports as pictures a person would rather look at than
//! read, in SVG.
//!
//! - The latency percentile spectrum (`spectrum.rs`): x is the percentile on
//!   HdrHistogram's 1/(1-p) log scale, y the latency; one line per report and
//!   op kind (two with `--rate`: service and response), or per wal sync
//!   method and file mode, computed from each `hdr` blob (`load.rs`).
//! - When a bench report has a `series` (`--interval`): IOPS and p99 over
//!   time, in two panels below, in the same colours.
//!
//! `figure.rs` decides what goes where; `draw.rs` and `legend.rs` are the only
//! plotters code. Other report kinds, unreadable files and unknown schemas
//! are exit 2 naming the path.

mod args;
mod axis;
mod draw;
mod figure;
mod label;
mod legend;
mod load;
mod spectrum;
mod ticked;

pub use args::{PlotArgs, Scale};

use crate::error::AppError;

/// Runs `jdbio plot`.
pub fn run(args: &PlotArgs) -> Result<(), AppError> {
    let dest = args.output()?;
    args.size(false)?;
    let sources = args.reports.iter().map(|p| load::load(p)).collect::<Result<Vec<_>, _>>()?;
    let fig = figure::Figure::new(&sources, &args.reports);
    let svg = draw::render(&fig, args.size(fig.has_series())?, args.y_scale)?;
    write(&svg, dest)
}

/// Writes `svg` to `dest` ("-" is stdout; a closed pipe is not an error),
/// the `-o` output checked and created before the run.
fn write(svg: &str, dest: &str) -> Result<(), AppError> {
    crate::report::write_output("-o", dest, svg.as_bytes())
}
