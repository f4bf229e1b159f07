//! `jdbio run SUITE.toml`: several bench and wal jobs, in order, from one
//! file ([`file`]), into one report: the `suite` section holds an entry per
//! job with the job's own full report, and a summary table (one row per job
//! and op kind, or per job and wal method) goes to the terminal, `--csv`
//! and `--markdown`.
//!
//! Every job is checked before the first one starts: its keys parsed by
//! the command's own clap definitions and its plan validated (the same
//! checks as on the command line). Each job then runs through its own
//! command exactly as if typed, with its JSON report written to a private
//! temporary file and read back into the suite report. A job that fails
//! does not stop the ones after it; the suite exits with the first
//! failure's code (1 for a failed check, else 2). A signal stops the suite
//! after the job it cut short (exit 130, 143 or 129, the report written).

pub mod file;

use std::path::{Path, PathBuf};

use clap::{Args, Parser};

use crate::{
    cli::{Cli, Command},
    error::AppError,
    export::ExportArgs,
    report::{Body, Clock, Report, Sink, write_json},
};

/// `jdbio run SUITE.toml`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The suite: `[[job]]` tables (name, command = bench|wal, target, the
    /// command's flags as keys) and a `[defaults]` table; `${VAR}` is taken
    /// from the environment.
    #[arg(value_name = "SUITE.toml")]
    pub suite: PathBuf,
    #[command(flatten)]
    pub output: crate::report::OutputArgs,
    #[command(flatten)]
    pub export: ExportArgs,
}

/// Runs `jdbio run`.
pub fn run(args: &RunArgs) -> Result<(), AppError> {
    let jobs = file::read(&args.suite, &|var| std::env::var(var).ok())?;
    let parsed = jobs.iter().map(|j| check(j, &args.suite)).collect::<Result<Vec<_>, _>>()?;
    let sink =
        Sink::avoiding(&[args.output.json.as_deref(), args.export.csv.as_deref(), args.export.markdown.as_deref()]);
    let scratch = ScratchDir::new()?;
    let clock = Clock::start();
    let mut entries = Vec::new();
    let mut failure: Option<AppError> = None;
    for (i, (job, cli)) in jobs.iter().zip(parsed).enumerate() {
        if crate::interrupt::requested() {
            break;
        }
        sink.summary(&format!("jdbio run: job {} ({}/{}): jdbio {}\n", job.name, i + 1, jobs.len(), job.argv.join(" ")));
        let json_path = scratch.0.join(format!("job-{i}.json"));
        let result = run_job(cli, &json_path, args.output.quiet);
        let job_report = std::fs::read(&json_path).ok().and_then(|b| crate::report::load_bytes(&b).ok());
        let error = result.as_ref().err().filter(|e| !matches!(e, AppError::Interrupted)).map(|e| e.to_string());
        entries.push(crate::model::suite::SuiteEntry {
            name: job.name.clone(),
            command: job.command.clone(),
            argv: job.argv.clone(),
            line: job.line,
            exit_code: result.as_ref().err().map_or(0, |e| e.exit_code()),
            error,
            report: job_report.map(Box::new),
        });
        if let Err(e) = result {
            if matches!(e, AppError::Interrupted) {
                break;
            }
            sink.summary(&format!("jdbio run: job {} failed: {e}\n", job.name));
            failure.get_or_insert(match e {
                AppError::CheckFailed(m) => AppError::CheckFailed(format!("job {}: {m}", job.name)),
                other => AppError::Io(format!("job {}: {other}", job.name)),
            });
        }
    }
    let ran = entries.len();
    let job = crate::model::suite::SuiteJob { suite: args.suite.clone(), jobs: jobs.len() };
    let suite = crate::model::suite::SuiteSection { file: args.suite.clone(), jobs: entries };
    let mut report = Report::new(Body::Run(crate::model::suite::SuiteBody { job, suite }));
    clock.stop(&mut report);
    if let Some(dest) = &args.output.json {
        write_json(&report, dest)?;
    }
    args.export.write(&report)?;
    let table = crate::export::table(&report)?;
    let (text, left_out) = crate::export::text::render_within(&table, crate::report::SUMMARY_WIDTH);
    let left_out = match left_out.as_slice() {
        [] => String::new(),
        titles => format!("  ({} left out to fit; --csv and --json have them)\n", titles.join(", ")),
    };
    sink.summary(&format!(
        "jdbio run: {} ({} of {} jobs ran, {:.1}s)\n{text}{left_out}",
        args.suite.display(),
        ran,
        jobs.len(),
        report.duration_s,
    ));
    match failure {
        _ if report.interrupted => Err(AppError::Interrupted),
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Parses a job's command line and validates its plan, as `jdbio` would
/// before running it alone; the error names the suite file and the job.
pub(crate) fn check(job: &file::Job, suite: &Path) -> Result<Cli, AppError> {
    let at = |e: String| AppError::Usage(format!("{}:{}: job {}: {e}", suite.display(), job.line, job.name));
    let argv = std::iter::once("jdbio".to_string()).chain(job.argv.iter().cloned());
    let cli = Cli::try_parse_from(argv).map_err(|e| at(e.kind().to_string()))?;
    match &cli.command {
        Command::Bench(a) => crate::bench::plan::Plan::from_args(a).map(drop),
        Command::Wal(a) => crate::wal::check(a),
        _ => unreachable!("file::parse admits bench and wal jobs only"),
    }
    .map_err(|e| at(e.to_string()))?;
    Ok(cli)
}

/// Runs one job with its JSON report going to `json`.
fn run_job(mut cli: Cli, json: &Path, quiet: bool) -> Result<(), AppError> {
    let output = match &mut cli.command {
        Command::Bench(a) => &mut a.output,
        Command::Wal(a) => &mut a.output,
        _ => unreachable!("file::parse admits bench and wal jobs only"),
    };
    output.json = Some(json.display().to_string());
    output.quiet |= quiet;
    crate::fleet::rank::apply(&cli.rank, &mut cli.command)?;
    crate::run_command(cli)
}

/// A private temporary directory for the jobs' reports, removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Result<Self, AppError> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("jdbio-run-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir).map_err(|e| AppError::Io(format!("{}: {e}", dir.display())))?;
        Ok(Self(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        drop(std::fs::remove_dir_all(&self.0));
    }
}
