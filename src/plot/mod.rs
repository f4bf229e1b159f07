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

use crate::{
    command::{Command, Outcome, OutputPlan, Run},
    error::AppError,
    hosts::rank::Substitute,
};

impl Command for PlotArgs {
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        self.reports.iter_mut().try_for_each(|p| sub.path("REPORT", p))?;
        sub.string("-o", &mut self.output)
    }

    fn outputs(&self) -> OutputPlan {
        let mut plan = OutputPlan::reading(self.reports.clone(), &None);
        plan.outputs = self.output.iter().map(|v| ("-o", v.clone())).collect();
        plan
    }

    /// The SVG goes to the `-o` output ("-" is stdout; a closed pipe is not
    /// an error), checked and created before the run.
    fn execute(&self, _run: &Run<'_>) -> Result<Outcome, AppError> {
        let dest = self.output()?;
        self.size(false)?;
        let sources = self.reports.iter().map(|p| load::load(p)).collect::<Result<Vec<_>, _>>()?;
        let fig = figure::Figure::new(&sources, &self.reports);
        let svg = draw::render(&fig, self.size(fig.has_series())?, self.y_scale)?;
        Ok(Outcome::output("-o", dest.to_string(), svg.into_bytes()))
    }
}
