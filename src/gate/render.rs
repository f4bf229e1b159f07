//! The gate's output for people: a plain table for a terminal and a
//! GitHub-flavoured markdown table for a CI comment. Both have the columns
//! metric, baseline, current, change, limit, verdict, then the spread note
//! and the verdict line. Pure: they return text, [`super::run`] prints it.

use std::fmt::Write;

use super::{
    compare::{Row, Verdict},
    outcome::{Outcome, change, limit},
};

const HEADERS: [&str; 6] = ["metric", "baseline", "current", "change", "limit", "verdict"];

/// The six cells of a row, values in human units.
fn cells(r: &Row) -> [String; 6] {
    [r.label(), r.metric.format(r.baseline), r.metric.format(r.current), change(r), limit(r), r.verdict.word().into()]
}

/// The plain table:
///
/// ```text
/// jdbio gate: cur.json against baseline base.json (randread, bs 4.00 KiB, qd 32, jobs 1, uniform, file)
///   metric       baseline       current   change  limit  verdict
///   read iops      100000         70000   -30.0%   -10%  regressed
///   ...
///   spread: no repetitions; the limit alone decides
/// gate: FAIL: read iops -30.0% (limit -10%), read bw -30.0% (limit -10%)
/// ```
pub fn table(o: &Outcome) -> String {
    let rows: Vec<[String; 6]> = o.rows.iter().map(cells).collect();
    let mut width = HEADERS.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut s = format!("  {:<w$}", cells[0], w = width[0]);
        for i in 1..5 {
            let _ = write!(s, "  {:>w$}", cells[i], w = width[i]);
        }
        let _ = writeln!(s, "  {}", cells[5]);
        s
    };
    let mut out = format!("jdbio gate: {} against baseline {}", o.current, o.baseline);
    if !o.job.is_empty() {
        let _ = write!(out, " ({})", o.job);
    }
    out.push('\n');
    out.push_str(&line(HEADERS));
    for row in &rows {
        out.push_str(&line(row.each_ref().map(String::as_str)));
    }
    let _ = writeln!(out, "  {}", o.spread.describe());
    let _ = writeln!(out, "{}", o.verdict_line());
    out
}

/// The markdown for a CI comment: a heading with the verdict, the table,
/// the verdict line, the spread note and every warning.
pub fn markdown(o: &Outcome) -> String {
    let mut out = format!("### jdbio gate: {}\n\n", if o.passed { "✅ PASS" } else { "❌ FAIL" });
    let _ = write!(out, "Current `{}` against baseline `{}`", o.current, o.baseline);
    if !o.job.is_empty() {
        let _ = write!(out, ": {}", o.job);
    }
    out.push_str(".\n\n");
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    out.push_str("|:--|--:|--:|--:|--:|:--|\n");
    for r in &o.rows {
        let mut c = cells(r).map(|s| s.replace('|', "\\|"));
        c[5] = format!("{} {}", mark(r.verdict), c[5]);
        let _ = writeln!(out, "| {} |", c.join(" | "));
    }
    let _ = write!(out, "\n**{}**\n\n", o.verdict_line());
    let spread = o.spread.describe();
    let _ = writeln!(out, "Spread{}.", spread.strip_prefix("spread").unwrap_or(&spread));
    let warnings = o
        .mismatches
        .iter()
        .map(|d| format!("settings differ (compared anyway): {d}"))
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
        Verdict::Ok | Verdict::Improved => "✅",
        Verdict::WithinNoise => "⚠️",
        Verdict::Regressed => "❌",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{metrics::Metric, outcome::Spread};

    fn outcome() -> Outcome {
        let row = |metric: Metric, baseline, current, change_pct, limit_pct, verdict| Row {
            op: Some("read".into()),
            metric,
            unit: metric.unit(),
            baseline,
            current,
            change_pct: Some(change_pct),
            limit_pct,
            direction: Metric::bad(metric),
            baseline_range: None,
            current_range: None,
            beyond_spread: None,
            verdict,
        };
        let rows = vec![
            row(Metric::Iops, 100000.0, 70000.0, -30.0, -10.0, Verdict::Regressed),
            row(Metric::P99, 200000.0, 210000.0, 5.0, 25.0, Verdict::Ok),
        ];
        let spread = Spread { baseline_repetitions: 0, current_repetitions: 0, judged: false, ignored: false };
        Outcome::new("b.json".into(), "c.json".into(), "randread, qd 32".into(), spread, rows)
    }

    #[test]
    fn plain_table() {
        assert_eq!(
            table(&outcome()),
            "jdbio gate: c.json against baseline b.json (randread, qd 32)\n\
             \x20 metric     baseline  current  change  limit  verdict\n\
             \x20 read iops    100000    70000  -30.0%   -10%  regressed\n\
             \x20 read p99    200.0us  210.0us   +5.0%   +25%  ok\n\
             \x20 spread: no repetitions; the limit alone decides\n\
             gate: FAIL: read iops -30.0% (limit -10%)\n"
        );
    }

    #[test]
    fn markdown_table() {
        let mut o = outcome();
        o.warnings.push("different host.kernel: baseline 6.1, current 6.18".into());
        let md = markdown(&o);
        assert!(md.starts_with(
            "### jdbio gate: ❌ FAIL\n\nCurrent `c.json` against baseline `b.json`: randread, qd 32.\n\n"
        ));
        assert!(md.contains("| read iops | 100000 | 70000 | -30.0% | -10% | ❌ regressed |\n"), "{md}");
        assert!(md.contains("| read p99 | 200.0us | 210.0us | +5.0% | +25% | ✅ ok |\n"), "{md}");
        assert!(md.contains("\n**gate: FAIL: read iops -30.0% (limit -10%)**\n"), "{md}");
        assert!(md.ends_with("Spread: no repetitions; the limit alone decides.\n\n> ⚠️ different host.kernel: baseline 6.1, current 6.18\n"));
    }
}
