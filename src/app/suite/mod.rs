//! `jdbio run SUITE.toml`: several bench and wal jobs, in order, from one
//! file ([`file`]), in rounds (`--rounds N`, the file's `rounds`, else 5:
//! round 1 runs every job once, then round 2, so drift hits every job
//! alike and `jdbio gate` has a repetition of each job per round), into one
//! report: the `suite` section holds an entry per job and round with the
//! job's own full report, and a summary table (one row per job, round and
//! op kind, or wal method) goes to the terminal, `--csv` and `--markdown`.
//!
//! Every job is checked before the first one starts: its keys parsed by
//! the command's own clap definitions and its plan validated (the same
//! checks as on the command line). Each job then runs through its own
//! command exactly as if typed, in this process, and its outcome's report
//! goes into the suite report as it is (nothing is written and read back);
//! its summary is printed as it ends. A job that fails
//! does not stop the ones after it; the suite exits with the first
//! failure's code (1 for a failed check, else 2). A signal stops the suite
//! after the job it cut short (exit 130, 143 or 129, the report written).

pub mod file;

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
};

use clap::{Args, Parser};

use crate::{
    app::cli::Cli,
    command::{Command, Delivery, Export, Outcome, OutputPlan, Run},
    error::AppError,
    export::ExportArgs,
    hosts::rank::{RankArgs, Substitute},
    report::{Body, Clock, RankRecord, Report},
};

/// `jdbio run SUITE.toml`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The suite: `[[job]]` tables (name, command = bench|wal, target, the
    /// command's flags as keys) and a `[defaults]` table; `${VAR}` is taken
    /// from the environment.
    #[arg(value_name = "SUITE.toml")]
    pub suite: PathBuf,
    /// Run every job N times, interleaved (round 1: each job once in the
    /// file's order, then round 2, ...); each round is one repetition for
    /// `jdbio gate`, which needs 3 a side for an interval. Default: the file's
    /// `rounds`, else 5.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=file::MAX_ROUNDS as i64))]
    pub rounds: Option<u32>,
    #[command(flatten)]
    pub output: crate::report::OutputArgs,
    #[command(flatten)]
    pub export: ExportArgs,
}

impl Command for RunArgs {
    /// The suite's own outputs; each job's paths are substituted when it
    /// runs ([`run_job`]).
    fn substitute(&mut self, sub: &Substitute) -> Result<(), AppError> {
        self.export.substitute(sub)?;
        sub.string("--json", &mut self.output.json)
    }

    fn outputs(&self) -> OutputPlan {
        let mut plan = OutputPlan::reading(vec![self.suite.clone()], &self.output.json);
        // The jobs' targets, so no output of the suite lands on one (a
        // suite that does not parse is refused by the run itself).
        if let Ok(suite) = file::read(&self.suite, &|var| std::env::var(var).ok()) {
            plan.inputs.extend(suite.jobs.into_iter().map(|j| {
                let default = if j.command == "wal" { crate::wal::DEFAULT_TARGET } else { crate::bench::plan::DEFAULT_TARGET };
                j.target.unwrap_or_else(|| PathBuf::from(default))
            }));
        }
        plan.outputs.extend(self.export.outputs());
        plan
    }

    fn dry_run(&self, run: &Run<'_>, out: &mut String) -> Result<(), AppError> {
        let suite = file::read(&self.suite, &|var| std::env::var(var).ok())?;
        let rounds = self.rounds(&suite);
        let _ = writeln!(out, "jdbio run {}: {} jobs, {rounds} rounds", self.suite.display(), suite.jobs.len());
        for job in &suite.jobs {
            let (mut command, rank) = check(job, &self.suite, self.output.quiet)?;
            substitute(command.as_mut(), &rank)?;
            let _ = writeln!(out, "job {}: jdbio {}", job.name, job.argv.join(" "));
            command.dry_run(run, out)?;
        }
        Ok(())
    }

    fn execute(&self, run: &Run<'_>) -> Result<Outcome, AppError> {
        execute(self, run)
    }
}

impl RunArgs {
    /// The rounds to run: `--rounds`, else the file's, else [`DEFAULT_ROUNDS`].
    fn rounds(&self, suite: &file::Suite) -> u32 {
        self.rounds.or(suite.rounds).unwrap_or(DEFAULT_ROUNDS)
    }
}

/// Rounds when neither `--rounds` nor the file says: enough for the gate
/// to decide (it needs 3 a side for an interval).
pub const DEFAULT_ROUNDS: u32 = 5;

/// Runs `jdbio run`.
fn execute(args: &RunArgs, run: &Run<'_>) -> Result<Outcome, AppError> {
    let suite = file::read(&args.suite, &|var| std::env::var(var).ok())?;
    let rounds = args.rounds(&suite);
    let jobs = &suite.jobs;
    // Every job checked before the first runs.
    for job in jobs {
        check(job, &args.suite, args.output.quiet)?;
    }
    let clock = Clock::start();
    let mut entries = Vec::new();
    let mut failure: Option<AppError> = None;
    let each_round = (1..=rounds as usize).flat_map(|round| jobs.iter().enumerate().map(move |(i, j)| (round, i, j)));
    for (round, i, job) in each_round {
        if crate::interrupt::requested() {
            break;
        }
        let (command, rank) = check(job, &args.suite, args.output.quiet)?;
        let of_rounds = if rounds > 1 { format!("round {round}/{rounds}, ") } else { String::new() };
        run.say(&format!(
            "jdbio run: job {} ({of_rounds}{}/{}): jdbio {}\n",
            job.name,
            i + 1,
            jobs.len(),
            job.argv.join(" ")
        ));
        let (job_report, result) = match run_job(command, &rank, run) {
            Ok(outcome) => {
                if let Some(summary) = &outcome.summary {
                    run.sink.summary(summary);
                }
                (outcome.report, outcome.verdict)
            }
            Err(e) => (None, Err(e)),
        };
        let error = result.as_ref().err().filter(|e| !matches!(e, AppError::Interrupted)).map(|e| e.to_string());
        entries.push(crate::model::suite::SuiteEntry {
            name: job.name.clone(),
            round,
            command: job.command.clone(),
            argv: job.argv.clone(),
            line: job.line,
            exit_code: result.as_ref().err().map_or(0, |e| e.exit_code()),
            error,
            report: job_report.map(|mut r| {
                r.rank = run.sub.rank().map(RankRecord::from);
                Box::new(r)
            }),
        });
        if let Err(e) = result {
            if matches!(e, AppError::Interrupted) {
                break;
            }
            run.say(&format!("jdbio run: job {} failed: {e}\n", job.name));
            failure.get_or_insert(match e {
                AppError::CheckFailed(m) => AppError::CheckFailed(format!("job {}: {m}", job.name)),
                other => AppError::Io(format!("job {}: {other}", job.name)),
            });
        }
    }
    let ran = entries.len();
    let job = crate::model::suite::SuiteJob { suite: args.suite.clone(), jobs: jobs.len(), rounds: rounds as usize };
    let suite = crate::model::suite::SuiteSection { file: args.suite.clone(), jobs: entries };
    let mut report = Report::new(Body::Run(crate::model::suite::SuiteBody { job, suite }));
    clock.stop(&mut report);
    let mut verdict = match failure {
        _ if report.interrupted => Err(AppError::Interrupted),
        Some(e) => Err(e),
        None => Ok(()),
    };
    let to = Delivery { json: args.output.json.clone(), exports: vec![Export::Table(args.export.clone())], ..Delivery::default() };
    let summary = match crate::export::table(&report) {
        Ok(table) => summary(&table, args, ran, jobs.len() * rounds as usize, report.duration_s),
        // The exports meet the same error, after the JSON is out.
        Err(e) => {
            verdict = Err(e);
            return Ok(Outcome { summary: None, ..Outcome::new(report, String::new(), verdict, to) });
        }
    };
    Ok(Outcome::new(report, summary, verdict, to))
}

/// The suite's summary: a header, then the table of every job's rows.
fn summary(table: &crate::export::Table, args: &RunArgs, ran: usize, jobs: usize, duration_s: f64) -> String {
    let (text, left_out) = crate::export::text::render_within(table, crate::report::SUMMARY_WIDTH);
    let left_out = match left_out.as_slice() {
        [] => String::new(),
        titles => format!("  ({} left out to fit; --csv and --json have them)\n", titles.join(", ")),
    };
    format!("jdbio run: {} ({ran} of {jobs} jobs ran, {duration_s:.1}s)\n{text}{left_out}", args.suite.display())
}

/// Parses a job's command line (with `--quiet` when the suite is quiet) and
/// validates its plan, as `jdbio` would before running it alone; the error
/// names the suite file and the job. Gives the job's command and its rank
/// flags.
fn check(job: &file::Job, suite: &Path, quiet: bool) -> Result<(Box<dyn Command>, RankArgs), AppError> {
    let at = |e: String| AppError::Usage(format!("{}:{}: job {}: {e}", suite.display(), job.line, job.name));
    let quiet = quiet.then(|| "--quiet".to_string());
    let argv = std::iter::once("jdbio".to_string()).chain(job.argv.iter().cloned()).chain(quiet);
    let cli = Cli::try_parse_from(argv).map_err(|e| at(e.kind().to_string()))?;
    let command = crate::app::dispatch::command(cli.command);
    command.check().map_err(|e| at(e.to_string()))?;
    Ok((command, cli.rank))
}

/// `{rank}` and `{host}` in a job's paths, the rank found as `jdbio` alone
/// would find it.
fn substitute(command: &mut dyn Command, rank: &RankArgs) -> Result<(), AppError> {
    let found = crate::hosts::rank::detect(rank, |v| std::env::var(v).ok()).map_err(AppError::Usage)?;
    command.substitute(&Substitute::new(found))
}

/// Runs one job in this process into its outcome.
fn run_job(mut command: Box<dyn Command>, rank: &RankArgs, run: &Run<'_>) -> Result<Outcome, AppError> {
    substitute(command.as_mut(), rank)?;
    command.execute(run)
}
