//! The one place that knows every subcommand: a parsed [`cli::Command`]
//! becomes the [`Command`] that runs it.

use crate::{cli, command::Command};

/// The command `parsed` names, with its arguments.
pub fn command(parsed: cli::Command) -> Box<dyn Command> {
    match parsed {
        cli::Command::Info(args) => Box::new(args),
        cli::Command::Bench(args) => Box::new(args),
        cli::Command::Wal(args) => Box::new(args),
        cli::Command::Prealloc(args) => Box::new(args),
        cli::Command::Align(args) => Box::new(args),
        cli::Command::Verify(args) => Box::new(args),
        cli::Command::Plot(args) => Box::new(args),
        cli::Command::Gate(args) => Box::new(args),
        cli::Command::Merge(args) => Box::new(args),
        cli::Command::Run(args) => Box::new(args),
        cli::Command::Schema(args) => Box::new(args),
        cli::Command::Completions(args) => Box::new(args),
        cli::Command::Man(args) => Box::new(args),
    }
}
