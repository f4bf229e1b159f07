//! `jdbio info`: probe a target and print the result as a table or JSON.
//! The JSON is a `jdbio.report/2` report whose `target` is the probe.

use std::path::PathBuf;

use clap::Args;

use crate::{
    command::{Command, Delivery, Outcome, OutputPlan, Run},
    error::AppError,
    hosts::rank::Substitute,
    report::{Body, Clock, Report},
    target,
};
use crate::model::info::{InfoBody, InfoJob};

impl Command for InfoArgs {
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        sub.path("TARGET", &mut self.target)?;
        sub.string("--json", &mut self.json)
    }

    fn outputs(&self) -> OutputPlan {
        OutputPlan::reading(vec![self.target.clone()], &self.json)
    }

    fn execute(&self, _run: &Run<'_>) -> Result<Outcome, AppError> {
        let clock = Clock::start();
        let info = target::probe(&self.target).map_err(|e| AppError::Usage(e.to_string()))?;
        let table = info.human_table();
        let mut report = Report::new(Body::Info(InfoBody { job: InfoJob { path: self.target.display().to_string() } }));
        report.target = Some(info);
        clock.stop(&mut report);
        let to = Delivery { json: self.json.clone(), ..Delivery::default() };
        let mut outcome = Outcome::new(report, table, Ok(()), to);
        // The JSON took stdout: the table is not printed at all.
        if self.json.as_deref() == Some("-") {
            outcome.summary = None;
        }
        Ok(outcome)
    }
}

/// `jdbio info TARGET`
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// File or block device to probe (read only; nothing is written).
    pub target: PathBuf,
    /// Write the probe as a JSON report (`jdbio.report/2`, the probe in its
    /// `target`) to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
}
