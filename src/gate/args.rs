//! `jdbio gate` flags, exactly as typed. The thresholds are checked in
//! [`super::limits`] before either report is read.

use std::path::PathBuf;

use clap::Args;

/// Under `jdbio gate -h`.
const AFTER_SHORT_HELP: &str =
    "See --help for the metrics, their default limits and how repetitions decide.";

/// How the gate decides, under `jdbio gate --help`.
const AFTER_LONG_HELP: &str = "\
Metrics, per op kind found in both reports, and their default limits:
  iops         IOPS                         a drop is bad, limit -10%
  bw           bandwidth (bw_bytes_per_s)   a drop is bad, limit -10%
  p50          median latency               a rise is bad, limit +20%
  p99          p99 latency                  a rise is bad, limit +25%
  p99.9        p99.9 latency                a rise is bad, limit +50%
  cpu_per_io   CPU per I/O (whole report)   a rise is bad, limit +20%
For a jdbio wal report, each measured (sync method, file mode) is an op kind,
e.g. 'fdatasync overwrite': iops is commits per second, bw the bytes committed
per second, p50/p99/p99.9 the commit latency (write plus sync); wal reports
state no CPU per I/O.
Each metric is decided from its per-repetition values on both sides (bench
--repeat N, or a suite's run --rounds N; a single run is one value): the
change is the median of every ratio of a current value to a baseline value
(Hodges-Lehmann), with its exact 90% interval (the one that inverts the
Mann-Whitney test; no normality assumed; each end is a one-sided 95% bound,
as each claim below is one-sided). A metric is
  regression    the whole interval is worse than the limit
  improvement   the whole interval is better by more than the limit
  pass          the interval's worst end is within the limit
  inconclusive  the interval straddles the limit (too much noise for it, or
                a change near it), or too few repetitions (an interval
                needs 3 a side; a single run never decides)
Each row also states the smallest change these repetitions could detect
(80% power) and, for an inconclusive one, the repetitions a side that would
detect a change at the limit.

The reports must come from the same command and job. Bench: job.mode,
job.read_pct (--rwmix), job.bs, job.qd, job.jobs, job.dist, job.size,
job.offset, job.rate (open or closed loop), job.arrival (open loop only),
job.submit, job.data, job.verify, job.engine (when both state it), job.io,
job.warm and
target.kind. Wal: job.methods,
job.file_modes, job.writers, job.batch, job.bs and target.kind (when both
state it). Otherwise the gate refuses (exit 2) and names each difference,
unless --allow-mismatch. A different run length (bench job.stop and job.ramp, wal
job.time and job.size), is a warning. The machine and device must match
too: host.name, host.cpu_model, host.kernel, target.path, target.model and
target.filesystem (each when both state it); a baseline made elsewhere is
refused (exit 2) naming each difference, unless --allow-other-host.

Two suite reports (`jdbio run --json`) are gated job by job: jobs are matched
by name and each pair is judged as above, its rows named after the job
('randread-4k-qd1 read p99'); with --rounds each round of a job is one
repetition. A job only one suite has, or one that failed or
left no report, is refused (exit 2).

The gate judges only what was measured on both sides: a report with no
results, an op kind with zero ops (headline or any repetition) or a wal entry
with zero commits, an op kind or CPU per I/O that only one report has, and an
interrupted run are refused (exit 2, always, --allow-mismatch or not).

Exit codes: 0 pass (every metric passed or improved), 1 regression (any
metric), 3 inconclusive (no regression, but a metric undecided: never a
pass), 2 unusable input (a missing or unreadable file, one over 64 MiB, not
JSON, not a jdbio report, an unknown schema version, not a bench or wal
report, an interrupted or empty run, mismatched settings, another machine, a
bad flag).";

/// `jdbio gate --baseline BASE.json CURRENT.json`
#[derive(Debug, Args)]
#[command(after_help = AFTER_SHORT_HELP, after_long_help = AFTER_LONG_HELP)]
pub struct GateArgs {
    /// The report made by `jdbio bench --json` (or `jdbio wal --json`, or a
    /// suite's `jdbio run --json`) on the current code.
    #[arg(value_name = "CURRENT.json")]
    pub current: PathBuf,
    /// The reference report the current one is compared with.
    #[arg(long, value_name = "BASE.json")]
    pub baseline: PathBuf,
    /// Largest allowed drop of a metric where a drop is bad (iops, bw), e.g.
    /// `--max-drop iops=5%` (or `iops=5`). Repeatable.
    #[arg(long, value_name = "NAME=PCT")]
    pub max_drop: Vec<String>,
    /// Largest allowed rise of a metric where a rise is bad (p50, p99,
    /// p99.9, cpu_per_io), e.g. `--max-rise p99=30%`. Repeatable.
    #[arg(long, value_name = "NAME=PCT")]
    pub max_rise: Vec<String>,
    /// Compare reports whose job settings or target kind differ (each
    /// difference becomes a warning instead of exit 2).
    #[arg(long)]
    pub allow_mismatch: bool,
    /// Compare a baseline made on another machine or device (host, CPU,
    /// kernel, target path, device model, filesystem): each difference
    /// becomes a warning instead of exit 2.
    #[arg(long)]
    pub allow_other_host: bool,
    /// Write the verdicts as GitHub-flavoured markdown (for a CI comment or a
    /// job summary) to FILE, or to stdout with `-`; bare `--markdown` prints
    /// it instead of the plain table.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
    pub markdown: Option<String>,
    /// Write the verdicts as CSV (one row per metric, the unit of its values
    /// in a column) to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<String>,
    /// Write the verdicts as a JSON report (`jdbio.report/2`, its `gate`
    /// section) to FILE, or to stdout with `-` (then the table goes to
    /// stderr).
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
}
