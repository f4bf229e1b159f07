//! Gating two suite reports (`jdbio run --json`) job by job: jobs are
//! matched by name, each pair is judged exactly as two reports given on
//! their own would be, and the rows are named after their job
//! ("randread-4k-qd1 read p99"). A suite run with `--rounds N` holds each
//! job N times; each round is one repetition of the job. A job only one
//! side has, a job that failed or left no report, is refused (exit 2): the
//! gate judges only what was measured on both sides.

use std::path::PathBuf;

use super::{Judged, load::Loaded, outcome::Statistics};
use crate::error::AppError;
use crate::model::{Body, Report};

/// One job of a suite in both reports: its name, the baseline's rounds,
/// the current's.
pub type JobPair = (String, Vec<Loaded>, Vec<Loaded>);

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
    let only = |from: &[(String, Vec<Loaded>)], other: &[(String, Vec<Loaded>)]| -> Vec<String> {
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

/// Each job of a suite report as reports of its own, one per round, named
/// "SUITE.json job NAME" in messages, in the order the jobs first ran;
/// exit 2 for a job that failed, was interrupted or left no report.
fn jobs(suite: &Loaded) -> Result<Vec<(String, Vec<Loaded>)>, AppError> {
    let refuse = |why: String| AppError::Usage(format!("{}: {why}", suite.path.display()));
    let Body::Run(body) = &suite.report.body else { return Err(refuse("no suite.jobs".into())) };
    let entries = &body.suite.jobs;
    if entries.is_empty() {
        return Err(refuse("a suite that ran no job".into()));
    }
    let mut out: Vec<(String, Vec<Loaded>)> = Vec::new();
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
        let loaded = Loaded { path, report: report.clone(), from_v1: suite.from_v1 };
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, rounds)) => rounds.push(loaded),
            None => out.push((name, vec![loaded])),
        }
    }
    Ok(out)
}

/// One result for the whole suite: every job's rows named after the job,
/// their mismatches and warnings likewise; the repetitions are the fewest
/// of any job; a machine or device difference (the same for every job) is
/// stated once.
pub fn combine(each: Vec<(String, Judged)>) -> Judged {
    let n = each.len();
    let fewest = |side: fn(&Statistics) -> usize| each.iter().map(|(_, j)| side(&j.statistics)).min().unwrap_or(1);
    let mut all = Judged {
        rows: Vec::new(),
        mismatches: Vec::new(),
        other_host: Vec::new(),
        warnings: Vec::new(),
        statistics: Statistics::new(fewest(|s| s.baseline_repetitions), fewest(|s| s.current_repetitions)),
        job: format!("a suite of {n} jobs"),
    };
    for (name, j) in each {
        all.rows.extend(j.rows.into_iter().map(|mut r| {
            r.job = Some(name.clone());
            r
        }));
        all.mismatches.extend(j.mismatches.into_iter().map(|mut d| {
            d.key = format!("{name}: {}", d.key);
            d
        }));
        for d in j.other_host {
            if !all.other_host.contains(&d) {
                all.other_host.push(d);
            }
        }
        all.warnings.extend(j.warnings.into_iter().map(|w| format!("job {name}: {w}")));
    }
    all
}
