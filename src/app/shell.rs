//! Shell conventions: `jdbio completions SHELL` (clap_complete) and
//! `jdbio man [SUBCOMMAND]` (clap_mangen), both generated from the same
//! clap definitions as the parser, so they never drift from the flags.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::{
    app::cli::Cli,
    command::{Command, Outcome, OutputPlan, Run},
    error::AppError,
    hosts::rank::Substitute,
};

/// `jdbio completions SHELL`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `jdbio man [SUBCOMMAND]`
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand (e.g. `bench`) for its own page; without it, the page
    /// for jdbio itself.
    pub subcommand: Option<String>,
}

impl Command for CompletionsArgs {
    fn substitute(&mut self, _sub: &Substitute) -> Result<(), AppError> {
        Ok(())
    }

    /// Stdout only; it reads nothing.
    fn outputs(&self) -> OutputPlan {
        OutputPlan::default()
    }

    /// The completion script for `self.shell`, for stdout.
    fn execute(&self, _run: &Run<'_>) -> Result<Outcome, AppError> {
        let mut out = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "jdbio", &mut out);
        Ok(Outcome::text(String::from_utf8_lossy(&out).into_owned()))
    }
}

impl Command for ManArgs {
    fn substitute(&mut self, _sub: &Substitute) -> Result<(), AppError> {
        Ok(())
    }

    /// Stdout only; it reads nothing.
    fn outputs(&self) -> OutputPlan {
        OutputPlan::default()
    }

    /// The man page (roff) of jdbio, or of one subcommand, for stdout.
    fn execute(&self, _run: &Run<'_>) -> Result<Outcome, AppError> {
        let mut cmd = Cli::command();
        // Built, the subcommands carry their display names ("jdbio-bench"), the
        // names their pages are titled with.
        cmd.build();
        let page = match &self.subcommand {
            None => cmd,
            Some(name) => cmd.find_subcommand(name).cloned().ok_or_else(|| {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).filter(|n| *n != "help").collect();
                AppError::Usage(format!("man {name}: no such subcommand (one of: {})", names.join(", ")))
            })?,
        };
        let mut out = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut out)
            .map_err(|e| AppError::Io(format!("cannot render the man page: {e}")))?;
        Ok(Outcome::text(String::from_utf8_lossy(&out).into_owned()))
    }
}
