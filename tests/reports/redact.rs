//! What a snapshot must not pin: the time, seeds, the host, the paths and
//! every measured number, replaced by a placeholder that names what was
//! there, so a snapshot shows the shape and the settings of a report or
//! summary and nothing that changes from run to run or machine to machine.

use serde_json::{Value, json};

/// Keys whose values are replaced wherever they appear.
const KEYS: &[(&str, &str)] = &[
    ("started_at", "[time]"),
    ("jdbio_version", "[version]"),
    ("host", "[host]"),
    ("cpu", "[cpu]"),
    ("seed", "[seed]"),
    ("device", "[device]"),
    ("hdr", "[hdr]"),
    // Measured, though they carry no unit: what a timed run did.
    ("conclusion", "[conclusion]"),
    ("late_ios", "[count]"),
    ("sustained", "[measured]"),
    ("commits", "[count]"),
    // The engine: how many I/Os each io_uring_enter carried follows the
    // clock; the ring flags and registrations follow the kernel.
    ("enters", "[count]"),
    ("ring_flags", "[kernel]"),
    ("registered_ring", "[kernel]"),
    ("fixed_file", "[kernel]"),
    ("fixed_buffers", "[kernel]"),
];

/// Words of wal's warnings that judge measured numbers.
const WAL_VERDICTS: &[&str] = &["implausibly fast", "cache flushes per commit", "waited for a CPU"];

/// Key suffixes of measured values outside `job` (whose times are
/// settings): a time or a rate was measured. Longest first.
const MEASURED: &[(&str, &str)] = &[("_per_s", "[per_s]"), ("_ns", "[ns]"), ("_s", "[s]"), ("iops", "[iops]")];

/// `report` with the keys above replaced, and every `argv[0]` (the
/// binary's path; a suite's report holds each job's).
pub fn report(report: &Value) -> Value {
    let mut out = report.clone();
    walk(&mut out, false);
    out
}

fn walk(value: &mut Value, in_job: bool) {
    match value {
        Value::Object(map) => {
            // A timed run's byte count (beside its commits) was measured.
            let timed = map.contains_key("commits");
            // wal's warnings that a sync was too fast to be durable, that
            // the device saw too few or too many flushes, or that commits
            // waited for a CPU are verdicts on measured numbers.
            if let Some(Value::Array(warnings)) = map.get_mut("warnings") {
                warnings.retain(|w| !w.as_str().is_some_and(|w| WAL_VERDICTS.iter().any(|v| w.contains(v))));
            }
            for (key, v) in map.iter_mut() {
                if (key == "baseline" || key == "current") && v.is_number() {
                    // A gate row's values.
                    *v = json!("[measured]");
                } else if key == "bytes" && timed {
                    *v = json!("[count]");
                } else if key == "argv" {
                    if let Some(first) = v.get_mut(0) {
                        *first = json!("[jdbio]");
                    }
                } else if key == "series" {
                    series(v);
                } else if key == "device_io" {
                    device_io(v);
                } else if let Some((_, to)) = KEYS.iter().find(|(k, _)| k == key) {
                    *v = json!(to);
                } else if let Some((_, to)) = MEASURED.iter().find(|(suffix, _)| !in_job && key.ends_with(suffix)) {
                    *v = json!(to);
                } else {
                    walk(v, in_job || key == "job");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, in_job)),
        _ => {}
    }
}

/// A wal row's `device_io`: the disk's counters, which every process's I/O
/// moves, so every number in it was measured (its keys and `unavailable`
/// stay).
fn device_io(value: &mut Value) {
    walk(value, false);
    for v in value.as_object_mut().into_iter().flat_map(|m| m.values_mut()).filter(|v| v.is_number()) {
        *v = json!("[measured]");
    }
}

/// A bench `series`: how many intervals a run spans and what each did
/// follow the clock, so each op kind keeps only its first interval, with
/// its counts redacted too.
fn series(value: &mut Value) {
    walk(value, false);
    for intervals in value.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
        if let Some(list) = intervals.as_array_mut() {
            list.truncate(1);
            for interval in list.iter_mut().filter_map(Value::as_object_mut) {
                for key in ["ops", "bytes"] {
                    if let Some(v) = interval.get_mut(key) {
                        *v = json!("[count]");
                    }
                }
            }
        }
    }
}

/// Regex filters for a human summary, in order: measured times, rates and
/// ratios, then every other number (counts included: the JSON snapshot
/// pins those), then runs of spaces after a word (a column's width follows
/// its widest number; indentation stays).
pub const SUMMARY_FILTERS: &[(&str, &str)] = &[
    // Verdicts on measured numbers: which prealloc mode was fastest, wal's
    // warning that a sync was too fast to be durable, bench's that a rate
    // was not sustained.
    (r"conclusion: [^\n]*", "conclusion: [measured]"),
    (r"(?m)^ *warning: [^\n]*implausibly fast[^\n]*\n?", ""),
    (r"(?m)^ *warning: [^\n]*(?:cache flushes per commit|waited for a CPU)[^\n]*\n?", ""),
    (r"(?m)^ *WARNING: the target could not sustain[^\n]*\n?", ""),
    // The engine line's ring flags and registrations follow the kernel.
    (r"(engine: [a-z_]+)[^\n]*", "${1}, [ran]"),
    (r"\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s)\b", "[t]"),
    (r"\b\d+(?:\.\d+)? (?:B|KiB|MiB|GiB|TiB)/s", "[rate]"),
    (r"\b\d+(?:\.\d+)?x\b", "[ratio]"),
    (r"[+-]?\b\d+(?:\.\d+)?%", "[pct]"),
    (r"\b\d+(?:\.\d+)?\b", "N"),
    (r"loop\d+", "loopN"),
    (r"(\S) {2,}", "${1} "),
];

/// The filter for the host's name (a whole word), to add to
/// [`SUMMARY_FILTERS`].
pub fn host_filter(host: &str) -> (String, &'static str) {
    if host.is_empty() {
        return (String::new(), "[host]");
    }
    let escaped: String =
        host.chars().flat_map(|c| if c.is_alphanumeric() { vec![c] } else { vec!['\\', c] }).collect();
    (format!(r"\b{escaped}\b"), "[host]")
}

/// The width summaries wrap at (`jdbio::report::SUMMARY_WIDTH`).
const WIDTH: usize = 100;

/// `summary` with the lines the summary wrapped joined back: a line is a
/// wrap's continuation when it is indented two more than the line it
/// continues and its first word would not have fitted on the line before
/// (exactly when the summary breaks a line). Where a line wraps follows the
/// widths of measured numbers, so it must not show in a snapshot.
pub fn summary(summary: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let (mut group_indent, mut prev_width) = (0, 0);
    for line in summary.lines() {
        let indent = line.len() - line.trim_start().len();
        let first_word = line.split_whitespace().next().map_or(0, |w| w.chars().count());
        let continues = !lines.is_empty() && indent == group_indent + 2 && prev_width + 1 + first_word > WIDTH;
        match lines.last_mut() {
            Some(joined) if continues => {
                joined.push(' ');
                joined.push_str(line.trim_start());
            }
            _ => {
                lines.push(line.to_string());
                group_indent = indent;
            }
        }
        prev_width = line.chars().count();
    }
    lines.join("\n")
}
