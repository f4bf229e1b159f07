//! jdbio: storage benchmarking and verification for database engineers.
//!
//! The library holds everything; `main.rs` only parses the command line and
//! maps the outcome to an exit code. [`dio`] is the Direct I/O module that
//! other programs can use on their own: with `default-features = false` (no
//! `cli` feature) the crate is that module alone, over compio, jdb_alloc,
//! thiserror and the OS bindings.

pub mod dio;

/// The compio this library is built on, so a program that embeds [`dio`]
/// runs it with `jdbio::compio::runtime::Runtime` and no compio line (or
/// version to match) of its own.
pub use compio;

/// Marks every item in it as part of the command line (the `cli` feature).
macro_rules! cli_only {
    ($($item:item)*) => { $( #[cfg(feature = "cli")] $item )* };
}

cli_only! {
    pub mod align_check;
    pub mod bench;
    pub mod cli;
    mod dryrun;
    #[cfg(target_os = "linux")]
    pub mod engine;
    mod error;
    pub mod export;
    pub mod fleet;
    pub mod gate;
    pub mod info;
    pub mod io;
    pub mod io_engine;
    mod interrupt;
    pub mod model;
    pub mod plot;
    pub mod prealloc;
    mod preflight;
    mod prologue;
    pub mod progress;
    pub mod report;
    mod schema;
    mod scratch;
    pub mod shell;
    pub mod suite;
    pub mod target;
    pub mod stats;
    pub mod units;
    pub mod verify;
    pub mod wal;

    pub use error::AppError;

    /// Runs one parsed command line: `{rank}` and `{host}` in its paths are
    /// substituted ([`fleet::rank::apply`]), then its outputs are checked and
    /// created first, before the command touches its target; those it never
    /// wrote are removed at the end. With `--dry-run` the outputs are only
    /// checked and the plan is printed ([`dryrun`]). Signals are handled
    /// from the start ([`interrupt`]); a run that a signal cut short ends in
    /// [`AppError::Interrupted`]. All of it runs on one compio runtime,
    /// this thread's ([`io::rt`]).
    pub fn run(cli: cli::Cli) -> Result<(), AppError> {
        io::rt::enter(|| run_entered(cli))?
    }

    /// [`run`], on the thread's runtime.
    fn run_entered(mut cli: cli::Cli) -> Result<(), AppError> {
        // From the first thing that can block (a probe of a slow device),
        // a signal asks the command to stop and report.
        interrupt::install();
        fleet::rank::apply(&cli.rank, &mut cli.command)?;
        let outputs = preflight::output_plan(&cli.command);
        if cli.dry_run {
            report::check(&outputs)?;
            let text = dryrun::plan(&cli.command, &outputs)?;
            report::Sink::Stdout.print(&text);
            return Ok(());
        }
        report::prepare(outputs)?;
        // Dropped on every way out, a panic's unwinding included, so the
        // outputs never written are removed whatever ends the run.
        let _finish = report::Finished;
        let result = run_command(cli);
        match result {
            Ok(()) if interrupt::requested() => Err(AppError::Interrupted),
            other => other,
        }
    }

    /// Runs one command (a suite runs each of its jobs through here).
    pub(crate) fn run_command(cli: cli::Cli) -> Result<(), AppError> {
        match cli.command {
            cli::Command::Info(args) => info::run(&args),
            cli::Command::Bench(args) => bench::run(&args),
            cli::Command::Wal(args) => wal::run(&args),
            cli::Command::Prealloc(args) => prealloc::run(&args),
            cli::Command::Align(args) => align_check::run(&args),
            cli::Command::Verify(args) => verify::run(&args),
            cli::Command::Plot(args) => plot::run(&args),
            cli::Command::Gate(args) => gate::run(&args),
            cli::Command::Merge(args) => fleet::merge::run(&args),
            cli::Command::Run(args) => suite::run(&args),
            cli::Command::Schema(args) => schema::run(&args),
            cli::Command::Completions(args) => shell::completions(&args),
            cli::Command::Man(args) => shell::man(&args),
        }
    }
}
