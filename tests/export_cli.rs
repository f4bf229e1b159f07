//! `--csv` and `--markdown` exports through the binary: bench, wal and gate
//! tables parsed back and checked against the JSON report of the same run.

use crate::common;

use std::path::{Path, PathBuf};

use common::{jdbio, scratch};
use serde_json::Value;

/// Parses RFC 4180 CSV: (header, rows of fields).
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty() && !quoted, "CSV ends with a line break");
    let header = records.remove(0);
    for r in &records {
        assert_eq!(r.len(), header.len(), "every row has a field per column: {r:?}");
    }
    (header, records)
}

/// Parses a markdown table: (headings, rows of cells), checking the
/// separator line.
fn parse_markdown(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let cells = |line: &str| -> Vec<String> {
        assert!(line.starts_with("| ") && line.ends_with(" |"), "a table line: {line}");
        line[2..line.len() - 2].split(" | ").map(str::to_string).collect()
    };
    let lines: Vec<&str> = text.lines().collect();
    let header = cells(lines[0]);
    let sep: Vec<&str> = lines[1].trim_matches('|').split('|').collect();
    assert_eq!(sep.len(), header.len(), "separator: {}", lines[1]);
    assert!(sep.iter().all(|s| *s == ":---" || *s == "---:"), "separator: {}", lines[1]);
    let rows: Vec<Vec<String>> = lines[2..].iter().map(|l| cells(l)).collect();
    for r in &rows {
        assert_eq!(r.len(), header.len(), "{r:?}");
    }
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

fn run_ok(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = jdbio(dir).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn read_json(path: PathBuf) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn bench_csv_has_a_row_per_op_kind_matching_the_json() {
    let dir = scratch();
    let args = ["bench", "--mode", "randrw", "--rwmix", "70", "--size", "8m", "--ops", "3000", "--ramp", "0", "-q"];
    run_ok(dir.path(), &[&args[..], &["--json", "r.json", "--csv", "r.csv", "t.dat"]].concat());
    let report = read_json(dir.path().join("r.json"));
    let (header, rows) = parse_csv(&std::fs::read_to_string(dir.path().join("r.csv")).unwrap());
    for unit_col in ["iops", "bw_bytes_per_s", "lat_p50_ns", "lat_p99_ns", "lat_p99.9_ns", "lat_max_ns"] {
        col(&header, unit_col);
    }
    let ops: Vec<&str> = rows.iter().map(|r| r[col(&header, "op")].as_str()).collect();
    assert_eq!(ops, ["read", "write"]);
    for r in &rows {
        let res = &report["results"][&r[0]];
        assert_eq!(r[col(&header, "ops")], res["ops"].to_string());
        assert_eq!(r[col(&header, "lat_p99_ns")], res["latency_ns"]["percentiles"]["99"].to_string());
        assert_eq!(r[col(&header, "lat_max_ns")], res["latency_ns"]["max"].to_string());
        let iops: f64 = r[col(&header, "iops")].parse().unwrap();
        assert!((iops - res["iops"].as_f64().unwrap()).abs() < 0.001, "{iops} vs {}", res["iops"]);
    }
}

#[test]
fn bench_markdown_to_stdout_is_only_the_table_in_microseconds() {
    let dir = scratch();
    let out = run_ok(
        dir.path(),
        &[
            "bench",
            "--size",
            "8m",
            "--ops",
            "2000",
            "--ramp",
            "0",
            "-q",
            "--json",
            "r.json",
            "--markdown",
            "-",
            "t.dat",
        ],
    );
    let report = read_json(dir.path().join("r.json"));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let (header, rows) = parse_markdown(&stdout);
    assert_eq!(rows.len(), 1, "{stdout}");
    assert_eq!(rows[0][0], "read");
    let p99_us = report["results"]["read"]["latency_ns"]["percentiles"]["99"].as_f64().unwrap() / 1e3;
    assert_eq!(rows[0][col(&header, "p99 [µs]")], format!("{p99_us:.1}"));
    // The summary moved to stderr.
    assert!(String::from_utf8_lossy(&out.stderr).contains("IOPS"), "summary on stderr");
}

#[test]
fn bench_open_loop_rows_state_service_and_response_latency() {
    let dir = scratch();
    let args = ["bench", "--size", "8m", "--ops", "500", "--rate", "20000", "--ramp", "0", "-q", "--csv", "-", "t.dat"];
    let out = run_ok(dir.path(), &args);
    let (header, rows) = parse_csv(&String::from_utf8(out.stdout).unwrap());
    let kinds: Vec<&str> = rows.iter().map(|r| r[col(&header, "latency")].as_str()).collect();
    assert_eq!(kinds, ["service", "response"]);
}

#[test]
fn wal_exports_have_a_row_per_method_and_file_mode() {
    let dir = scratch();
    let args = ["wal", "--method", "none,fdatasync", "--file-mode", "overwrite,append", "--time", "200ms"];
    run_ok(
        dir.path(),
        &[&args[..], &["--size", "8m", "-q", "--json", "w.json", "--csv", "w.csv", "--markdown", "w.md", "w.log"]]
            .concat(),
    );
    let report = read_json(dir.path().join("w.json"));
    let entries = report["wal"]["entries"].as_array().unwrap();
    let (header, rows) = parse_csv(&std::fs::read_to_string(dir.path().join("w.csv")).unwrap());
    let (md_header, md_rows) = parse_markdown(&std::fs::read_to_string(dir.path().join("w.md")).unwrap());
    assert_eq!(rows.len(), 4);
    assert_eq!(md_rows.len(), 4);
    assert!(md_header.contains(&"commit p99 [µs]".to_string()), "{md_header:?}");
    for ((row, md), e) in rows.iter().zip(&md_rows).zip(entries) {
        assert_eq!(row[col(&header, "method")], e["method"].as_str().unwrap());
        assert_eq!(row[col(&header, "file_mode")], e["file_mode"].as_str().unwrap());
        assert_eq!(md[0..2], row[0..2]);
        assert_eq!(row[col(&header, "commits")], e["commits"].to_string());
        assert_eq!(row[col(&header, "lat_p99_ns")], e["commit_latency_ns"]["percentiles"]["99"].to_string());
        // `none` has no separate sync: an empty field, not a zero.
        let sync = &row[col(&header, "sync_p99_ns")];
        assert_eq!(sync.is_empty(), e["sync_latency_ns"].is_null(), "{row:?}");
    }
}

#[test]
fn gate_csv_has_a_row_per_metric_with_its_unit() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gate");
    let dir = scratch();
    let (base, cur) = (fixtures.join("base.json"), fixtures.join("iops-drop.json"));
    let out = jdbio(dir.path())
        .args(["gate", "--baseline"])
        .arg(&base)
        .arg(&cur)
        .args(["--json", "g.json", "--csv", "-", "--markdown", "g.md"])
        .output()
        .unwrap();
    let report = read_json(dir.path().join("g.json"));
    let outcome = &report["gate"];
    let code = match outcome["verdict"].as_str() {
        Some("pass") => 0,
        Some("regression") => 1,
        _ => 3,
    };
    assert_eq!(out.status.code(), Some(code));
    let (header, rows) = parse_csv(&String::from_utf8(out.stdout).unwrap());
    let json_rows = outcome["rows"].as_array().unwrap();
    assert_eq!(rows.len(), json_rows.len());
    for (r, j) in rows.iter().zip(json_rows) {
        assert_eq!(r[col(&header, "metric")], j["metric"].as_str().unwrap());
        assert_eq!(r[col(&header, "verdict")], j["verdict"].as_str().unwrap());
        assert_eq!(r[col(&header, "needed_repetitions")], j["needed_repetitions"].to_string());
        let unit = match j["metric"].as_str().unwrap() {
            "iops" => "ops_per_s",
            "bw" => "bytes_per_s",
            _ => "ns",
        };
        assert_eq!(j["unit"], unit, "the JSON row states its unit");
        assert_eq!(r[col(&header, "unit")], unit);
    }
    // --markdown FILE writes what bare --markdown prints.
    let bare = jdbio(dir.path()).args(["gate", "--baseline"]).arg(&base).arg(&cur).arg("--markdown").output().unwrap();
    let md = std::fs::read_to_string(dir.path().join("g.md")).unwrap();
    assert_eq!(md, String::from_utf8(bare.stdout).unwrap());
    assert!(md.contains("| metric |"), "{md}");
}

#[test]
fn two_outputs_on_stdout_are_refused_before_any_io() {
    let dir = scratch();
    for extra in [["--json", "-", "--csv", "-"], ["--csv", "-", "--markdown", "-"]] {
        let out = jdbio(dir.path()).args(["bench", "--ops", "10", "t.dat"]).args(extra).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("{} -", extra[0])) && err.contains(&format!("{} -", extra[2])), "{err}");
        assert_eq!(err.trim().lines().count(), 1);
    }
    assert!(!dir.path().join("t.dat").exists(), "the target was not created");
}

#[test]
fn an_export_that_cannot_be_written_is_refused_before_any_io() {
    let dir = scratch();
    for flag in ["--csv", "--markdown"] {
        let out = jdbio(dir.path()).args(["wal", "--time", "100ms", flag, "nodir/out", "w.log"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(flag) && err.contains("nodir/out"), "{err}");
    }
    assert!(!dir.path().join("w.log").exists(), "nothing was written");
}

#[test]
fn merge_csv_has_fleet_rows_per_op_kind_and_a_row_per_host() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(8 << 20).unwrap();
    let bench = ["bench", "--mode", "randrw", "--size", "8m", "--ops", "400", "--ramp", "0", "-q", "t.dat"];
    run_ok(dir.path(), &[&bench[..], &["--json", "a.json", "--rank", "0", "--world", "2"]].concat());
    run_ok(dir.path(), &[&bench[..], &["--json", "b.json", "--rank", "1", "--world", "2"]].concat());
    let merge = ["merge", "a.json", "b.json", "--json", "m.json", "--csv", "m-{rank}.csv", "--markdown", "m.md"];
    run_ok(dir.path(), &[&merge[..], &["--rank", "7", "--world", "8"]].concat());
    let merged = read_json(dir.path().join("m.json"));
    let (header, rows) = parse_csv(&std::fs::read_to_string(dir.path().join("m-7.csv")).unwrap());
    let (host, op, ops, p99) =
        (col(&header, "host"), col(&header, "op"), col(&header, "ops"), col(&header, "lat_p99_ns"));
    let fleet: Vec<&Vec<String>> = rows.iter().filter(|r| r[host] == "fleet").collect();
    assert_eq!(fleet.len(), 2, "a fleet row per op kind: {rows:?}");
    for r in &fleet {
        let json = &merged["results"][&r[op]];
        assert_eq!(r[ops], json["ops"].to_string(), "{}: the merged count", r[op]);
        assert_eq!(r[p99], json["latency_ns"]["percentiles"]["99"].to_string(), "{}: the fleet p99", r[op]);
    }
    let hosts = merged["fleet"]["hosts"].as_array().unwrap();
    let per_host: Vec<&Vec<String>> = rows.iter().filter(|r| r[host] != "fleet").collect();
    assert_eq!(per_host.len(), hosts.len() * 2, "a row per host and op kind: {rows:?}");
    let ranks: Vec<(&str, &str)> =
        per_host.iter().map(|r| (r[col(&header, "rank")].as_str(), r[col(&header, "report")].as_str())).collect();
    assert_eq!(
        ranks,
        [("0", "a.json"), ("0", "a.json"), ("1", "b.json"), ("1", "b.json")],
        "each host row names its rank and report"
    );
    for kind in ["read", "write"] {
        let sum: u64 = per_host.iter().filter(|r| r[op] == kind).map(|r| r[ops].parse::<u64>().unwrap()).sum();
        assert_eq!(sum.to_string(), merged["results"][kind]["ops"].to_string(), "{kind}: host rows add up");
    }
    let (md_header, md_rows) = parse_markdown(&std::fs::read_to_string(dir.path().join("m.md")).unwrap());
    assert_eq!(md_header[0], "host");
    assert_eq!(md_rows.len(), rows.len());
}
