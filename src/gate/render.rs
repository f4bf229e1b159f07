//! The gate's output for people: a plain table for a terminal and a
//! GitHub-flavoured markdown table for a CI comment. Both have the columns
//! metric, baseline, current, change with its interval, limit, the
//! smallest detectable change and the verdict, then the statistics note and
//! the verdict line. Pure: they return text, [`super::run`] prints it.

use std::fmt::Write;

use super::{
    compare::{Row, Verdict},
    outcome::{GateVerdict, Outcome, change, detectable, limit},
};

const HEADERS: [&str; 7] = ["metric", "baseline", "current", "change [90% interval]", "limit", "detects", "verdict"];

/// The cells of a row, values in human units, labelled with `label`.
fn cells(r: &Row, label: String) -> [String; 7] {
    let verdict = r.verdict.key().to_string();
    [label, r.metric.format(r.baseline), r.metric.format(r.current), change(r), limit(r), detectable(r), verdict]
}

/// The plain table, the rows under a line naming their op kind (and job,
/// in a suite); CPU per I/O, a whole run's, under the op kind before it:
///
/// ```text
/// jdbio gate: cur.json against baseline base.json (randread, bs 4.00 KiB, qd 32, jobs 1, uniform, file)
///   metric       baseline  current    change [90% interval]  limit  detects  verdict
///   read
///     iops         100000    70000  -30.0% [-32.0, -28.0]   -10%       ±3.0%  regression
///   ...
///   statistics: baseline 5 repetitions, current 5 repetitions; ...
/// gate: REGRESSION: read iops -30.0% [-32.0, -28.0] (limit -10%)
/// ```
pub fn table(o: &Outcome) -> String {
    let rows: Vec<[String; 7]> = o.rows.iter().map(|r| cells(r, format!("  {}", r.metric.label()))).collect();
    let mut width = HEADERS.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 7]| {
        let mut s = format!("  {:<w$}", cells[0], w = width[0]);
        for i in 1..6 {
            let _ = write!(s, "  {:>w$}", cells[i], w = width[i]);
        }
        let _ = writeln!(s, "  {}", cells[6]);
        s
    };
    let mut out = format!("jdbio gate: {} against baseline {}", o.current, o.baseline);
    if !o.job.is_empty() {
        let _ = write!(out, " ({})", o.job);
    }
    out.push('\n');
    out.push_str(&line(HEADERS));
    let mut group: Option<(Option<&str>, &str)> = None;
    for (r, row) in o.rows.iter().zip(&rows) {
        let this = (r.job.as_deref(), r.op.as_deref().unwrap_or_default());
        let same_job = group.is_some_and(|(job, _)| job == this.0);
        if group != Some(this) && !(r.op.is_none() && same_job) {
            group = Some(this);
            let title: Vec<&str> = [this.0, r.op.as_deref()].into_iter().flatten().collect();
            let _ = writeln!(out, "  {}", title.join(" "));
        }
        out.push_str(&line(row.each_ref().map(String::as_str)));
    }
    let _ = writeln!(out, "  {}", o.statistics.describe());
    let _ = writeln!(out, "{}", o.verdict_line());
    out
}

/// The markdown for a CI comment: a heading with the verdict, the table,
/// the verdict line, the statistics note and every warning.
pub fn markdown(o: &Outcome) -> String {
    let heading = match o.verdict {
        GateVerdict::Pass => "✅ PASS",
        GateVerdict::Regression => "❌ REGRESSION",
        GateVerdict::Inconclusive => "⚠️ INCONCLUSIVE",
    };
    let mut out = format!("### jdbio gate: {heading}\n\n");
    let _ = write!(out, "Current `{}` against baseline `{}`", o.current, o.baseline);
    if !o.job.is_empty() {
        let _ = write!(out, ": {}", o.job);
    }
    out.push_str(".\n\n");
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    out.push_str("|:--|--:|--:|--:|--:|--:|:--|\n");
    for r in &o.rows {
        let mut c = cells(r, r.label()).map(|s| s.replace('|', "\\|"));
        c[6] = format!("{} {}", mark(r.verdict), c[6]);
        let _ = writeln!(out, "| {} |", c.join(" | "));
    }
    let _ = write!(out, "\n**{}**\n\n", o.verdict_line());
    let stats = o.statistics.describe();
    let _ = writeln!(out, "Statistics{}.", stats.strip_prefix("statistics").unwrap_or(&stats));
    let warnings = o
        .mismatches
        .iter()
        .map(|d| format!("settings differ (compared anyway): {d}"))
        .chain(o.other_host.iter().map(|d| format!("another machine or device (compared anyway): {d}")))
        .chain(o.warnings.iter().cloned());
    let mut first = true;
    for w in warnings {
        if first {
            out.push('\n');
            first = false;
        }
        let _ = writeln!(out, "> ⚠️ {}", w.replace('|', "\\|"));
    }
    out
}

/// The symbol in front of a verdict in markdown.
fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass | Verdict::Improvement => "✅",
        Verdict::Inconclusive => "⚠️",
        Verdict::Regression => "❌",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{metrics::Metric, outcome::Statistics};

    fn outcome() -> Outcome {
        let row = |metric: Metric, baseline, current, change_pct: f64, limit_pct, verdict| Row {
            job: None,
            op: Some("read".into()),
            metric,
            unit: metric.unit(),
            baseline,
            current,
            change_pct: Some(change_pct),
            interval_pct: Some([change_pct - 2.0, change_pct + 2.0]),
            detectable_pct: Some(3.0),
            needed_repetitions: 4,
            limit_pct,
            direction: Metric::bad(metric),
            baseline_values: vec![baseline; 5],
            current_values: vec![current; 5],
            verdict,
        };
        let rows = vec![
            row(Metric::Iops, 100000.0, 70000.0, -30.0, -10.0, Verdict::Regression),
            row(Metric::P99, 200000.0, 210000.0, 5.0, 25.0, Verdict::Pass),
        ];
        Outcome::new("b.json".into(), "c.json".into(), "randread, qd 32".into(), Statistics::new(5, 5), rows)
    }

    #[test]
    fn plain_table() {
        assert_eq!(
            table(&outcome()),
            "jdbio gate: c.json against baseline b.json (randread, qd 32)\n\
             \x20 metric  baseline  current  change [90% interval]  limit  detects  verdict\n\
             \x20 read\n\
             \x20   iops    100000    70000  -30.0% [-32.0, -28.0]   -10%    ±3.0%  regression\n\
             \x20   p99    200.0us  210.0us     +5.0% [+3.0, +7.0]   +25%    ±3.0%  pass\n\
             \x20 statistics: baseline 5 repetitions, current 5 repetitions; change = median ratio with its 90% interval\n\
             gate: REGRESSION: read iops -30.0% [-32.0, -28.0] (limit -10%)\n"
        );
    }

    #[test]
    fn markdown_table() {
        let mut o = outcome();
        o.warnings.push("different job.time_s: baseline 2, current 3".into());
        let md = markdown(&o);
        assert!(md.starts_with(
            "### jdbio gate: ❌ REGRESSION\n\nCurrent `c.json` against baseline `b.json`: randread, qd 32.\n\n"
        ));
        assert!(
            md.contains("| read iops | 100000 | 70000 | -30.0% [-32.0, -28.0] | -10% | ±3.0% | ❌ regression |\n"),
            "{md}"
        );
        assert!(md.contains("| read p99 | 200.0us | 210.0us | +5.0% [+3.0, +7.0] | +25% | ±3.0% | ✅ pass |\n"), "{md}");
        assert!(md.contains("\n**gate: REGRESSION: read iops -30.0% [-32.0, -28.0] (limit -10%)**\n"), "{md}");
        assert!(md.ends_with("interval.\n\n> ⚠️ different job.time_s: baseline 2, current 3\n"), "{md}");
    }
}
