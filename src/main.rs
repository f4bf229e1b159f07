//! The `jdbio` binary: parse the command line, run, map the outcome to an
//! exit code (0 ok, 1 check failed, 2 bad input or I/O error, 130/143/129
//! interrupted by SIGINT/SIGTERM/SIGHUP).

use std::process::ExitCode;

use clap::{Parser, error::ErrorKind};

fn main() -> ExitCode {
    let cli = match jdbio::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => e.exit(),
        // Bare `jdbio` (or a subcommand group with nothing after it): the
        // usage and the list of subcommands on stderr, exit 2.
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", e.render());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("jdbio: error: {}", jdbio::cli::one_line(&e));
            return ExitCode::from(2);
        }
    };
    match jdbio::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e {
                jdbio::AppError::Interrupted | jdbio::AppError::Inconclusive(_) => eprintln!("jdbio: {e}"),
                _ => eprintln!("jdbio: error: {e}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}
