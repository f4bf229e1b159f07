//! The `jdbio` binary: parse the command line, run, map the outcome to an
//! exit code (0 ok, 1 check failed, 2 bad input or I/O error, 130 interrupted).

use std::process::ExitCode;

use clap::{Parser, error::ErrorKind};

fn main() -> ExitCode {
    let cli = match jdbio::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => e.exit(),
        Err(e) => {
            // One line, naming the flag: clap's first line without its "error: ".
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            eprintln!("jdbio: error: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    match jdbio::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !matches!(e, jdbio::AppError::Interrupted) {
                eprintln!("jdbio: error: {e}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
