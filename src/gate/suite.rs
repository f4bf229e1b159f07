//! Gating two suite reports (`jdbio run --json`) job by job: jobs are
//! matched by name, each pair is judged exactly as two reports given on
//! their own would be, and the rows are named after their job
//! ("randread-4k-qd1 read p99"). A job only one side has, a job that failed
//! or left no report, is refused (exit 2): the gate judges only what was
//! measured on both sides.

use std::path::PathBuf;

use super::{Judged, load::Loaded, outcome::Spread};
use crate::error::AppError;
use crate::model::{Body, Report};

/// One job of a suite in both reports: its name, the baseline's, the current.
pub type JobPair = (String, Loaded, Loaded);

/// The jobs of two suite reports paired by name, in the baseline's order;
/// `None` when neither is a suite; exit 2 when only one is.
pub fn pairs(base: &Loaded, cur: &Loaded) -> Result<Option<Vec<JobPair>>, AppError> {
    let is_suite = |r: &Loaded| matches!(r.report.body, Body::Run(_));
    match (is_suite(base), is_suite(cur)) {
        (false, false) => return Ok(None),
        (true, true) => {}
        _ => {
            return Err(AppError::Usage(format!(
                "{} and {}: one is a suite (jdbio run) and the other is not; the gate compares a suite with a suite",
                base.path.display(),
                cur.path.display()
            )));
        }
    }
    let (b, c) = (jobs(base)?, jobs(cur)?);
    let only = |from: &[(String, Loaded)], other: &[(String, Loaded)]| -> Vec<String> {
        from.iter().filter(|(n, _)| !other.iter().any(|(m, _)| m == n)).map(|(n, _)| n.clone()).collect()
    };
    let (only_base, only_cur) = (only(&b, &c), only(&c, &b));
    if !only_base.is_empty() || !only_cur.is_empty() {
        let mut parts = Vec::new();
        if !only_base.is_empty() {
            parts.push(format!("only in {}: {}", base.path.display(), only_base.join(", ")));
        }
        if !only_cur.is_empty() {
            parts.push(format!("only in {}: {}", cur.path.display(), only_cur.join(", ")));
        }
        return Err(AppError::Usage(format!(
            "the suites ran different jobs, so the gate will not compare them: {}",
            parts.join("; ")
        )));
    }
    Ok(Some(
        b.into_iter()
            .map(|(name, bl)| {
                let cl = c.iter().find(|(n, _)| *n == name).map(|(_, l)| l.clone()).expect("paired above");
                (name, bl, cl)
            })
            .collect(),
    ))
}

/// Each job of a suite report as a report of its own, named
/// "SUITE.json job NAME" in messages; exit 2 for a job that failed, was
/// interrupted or left no report.
fn jobs(suite: &Loaded) -> Result<Vec<(String, Loaded)>, AppError> {
    let refuse = |why: String| AppError::Usage(format!("{}: {why}", suite.path.display()));
    let Body::Run(body) = &suite.report.body else { return Err(refuse("no suite.jobs".into())) };
    let entries = &body.suite.jobs;
    if entries.is_empty() {
        return Err(refuse("a suite that ran no job".into()));
    }
    let mut out = Vec::new();
    for e in entries {
        let name = e.name.clone();
        if let Some(error) = &e.error {
            return Err(refuse(format!("job {name} failed ({error}); the gate judges only jobs that ran to the end")));
        }
        let report: &Report = match e.report.as_deref() {
            Some(r) if matches!(r.body, Body::Bench(_) | Body::Wal(_)) => r,
            _ => return Err(refuse(format!("job {name} left no bench or wal report"))),
        };
        super::load::whole_run(report).map_err(|why| refuse(format!("job {name}: {why}")))?;
        let path = PathBuf::from(format!("{} job {name}", suite.path.display()));
        out.push((name, Loaded { path, report: report.clone(), from_v1: suite.from_v1 }));
    }
    Ok(out)
}

/// One result for the whole suite: every job's rows named after the job,
/// their mismatches and warnings likewise; the spread is judged only where
/// every job had repetitions on both sides.
pub fn combine(each: Vec<(String, Judged)>, ignored: bool) -> Judged {
    let n = each.len();
    let mut all = Judged {
        rows: Vec::new(),
        mismatches: Vec::new(),
        warnings: Vec::new(),
        spread: Spread {
            baseline_repetitions: each.iter().map(|(_, j)| j.spread.baseline_repetitions).min().unwrap_or(0),
            current_repetitions: each.iter().map(|(_, j)| j.spread.current_repetitions).min().unwrap_or(0),
            judged: each.iter().all(|(_, j)| j.spread.judged),
            ignored,
        },
        job: format!("a suite of {n} jobs"),
    };
    for (name, j) in each {
        all.rows.extend(j.rows.into_iter().map(|mut r| {
            r.op = Some(match r.op.take() {
                Some(op) => format!("{name} {op}"),
                None => name.clone(),
            });
            r
        }));
        all.mismatches.extend(j.mismatches.into_iter().map(|mut d| {
            d.key = format!("{name}: {}", d.key);
            d
        }));
        all.warnings.extend(j.warnings.into_iter().map(|w| format!("job {name}: {w}")));
    }
    all
}
