//! `jdbio gate` through the binary, on the fixture reports in
//! tests/fixtures/gate/: each verdict, each kind of unusable input, the
//! markdown pinned byte for byte (tests/fixtures/gate/expected.md; rewrite
//! it with `JDBIO_BLESS=1 cargo test --test integration gate_cli::` after a deliberate
//! change), and the JSON.

use crate::common;

use std::path::{Path, PathBuf};

use common::{jdbio, scratch};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gate")
}

/// Runs `jdbio gate --baseline BASE CURRENT ARGS` in the fixtures directory:
/// (exit code, stdout, stderr).
fn gate(base: &str, current: &str, args: &[&str]) -> (i32, String, String) {
    let out = jdbio(&fixtures()).args(["gate", "--baseline", base, current]).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// The table line of `label` ("read iops"), whitespace collapsed.
fn row(stdout: &str, label: &str) -> String {
    let line = stdout.lines().find(|l| l.trim_start().starts_with(&format!("{label} "))).unwrap_or_else(|| {
        panic!("no row {label} in:\n{stdout}");
    });
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn identical_reports_pass() {
    let (code, out, err) = gate("base.json", "base.json", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("jdbio gate: base.json against baseline base.json (randread, bs 4.00 KiB, qd 32, jobs 1"));
    assert!(out.contains("  metric "), "{out}");
    assert!(out.contains("spread: no repetitions; the limit alone decides"), "{out}");
    assert!(out.ends_with("gate: PASS (6 metrics)\n"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn small_changes_within_the_limits_pass() {
    let (code, out, _) = gate("base.json", "pass.json", &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(row(&out, "read iops"), "read iops 100000 97000 -3.0% -10% ok");
    assert_eq!(row(&out, "read p99"), "read p99 220.0us 231.0us +5.0% +25% ok");
}

#[test]
fn an_iops_drop_fails() {
    let (code, out, err) = gate("base.json", "iops-drop.json", &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(row(&out, "read iops"), "read iops 100000 70000 -30.0% -10% regressed");
    assert_eq!(row(&out, "read bw"), "read bw 390.62 MiB/s 273.44 MiB/s -30.0% -10% regressed");
    assert_eq!(row(&out, "read p99"), "read p99 220.0us 220.0us +0.0% +25% ok");
    assert!(out.ends_with("gate: FAIL: read iops -30.0% (limit -10%), read bw -30.0% (limit -10%)\n"), "{out}");
    assert!(err.contains("jdbio: error: regression against base.json: read iops -30.0%"), "{err}");
}

#[test]
fn a_p99_rise_fails() {
    let (code, out, _) = gate("base.json", "p99-rise.json", &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(row(&out, "read p99"), "read p99 220.0us 352.0us +60.0% +25% regressed");
    assert_eq!(row(&out, "read iops"), "read iops 100000 100000 +0.0% -10% ok");
    assert!(out.ends_with("gate: FAIL: read p99 +60.0% (limit +25%)\n"), "{out}");
}

#[test]
fn an_improvement_passes() {
    let (code, out, _) = gate("base.json", "faster.json", &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(row(&out, "read iops"), "read iops 100000 130000 +30.0% -10% improved");
    assert_eq!(row(&out, "read p99"), "read p99 220.0us 176.0us -20.0% +25% ok");
    assert!(out.ends_with("gate: PASS (6 metrics; 2 improved)\n"), "{out}");
}

#[test]
fn a_drop_within_the_spread_of_repetitions_passes_unless_spread_is_ignored() {
    let (code, out, _) = gate("reps-base.json", "reps-noise.json", &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(row(&out, "read iops"), "read iops 100000 70000 -30.0% -10% within noise");
    assert!(out.contains("spread: 3 baseline and 3 current repetitions"), "{out}");
    assert!(out.ends_with("gate: PASS (6 metrics; 2 within noise)\n"), "{out}");

    let (code, out, _) = gate("reps-base.json", "reps-noise.json", &["--ignore-spread"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(row(&out, "read iops"), "read iops 100000 70000 -30.0% -10% regressed");
    assert!(out.contains("ignored (--ignore-spread); the limit alone decides"), "{out}");
}

#[test]
fn repetitions_on_one_side_only_leave_the_limit_alone() {
    let (code, out, _) = gate("base.json", "reps-noise.json", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("spread: no repetitions in the baseline (current: 3); the limit alone decides"), "{out}");
}

#[test]
fn a_regression_beyond_the_spread_fails() {
    let (code, out, _) = gate("reps-base.json", "reps-mixed.json", &["--json", "-"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let v = &v["gate"];
    let p99 = v["rows"].as_array().unwrap().iter().find(|r| r["metric"] == "p99").unwrap();
    assert_eq!(p99["beyond_spread"], true);
    assert_eq!(p99["verdict"], "regressed");
    assert_eq!(p99["baseline_range"], serde_json::json!([215000.0, 230000.0]));
    assert_eq!(p99["current_range"], serde_json::json!([300000.0, 320000.0]));
    let iops = v["rows"].as_array().unwrap().iter().find(|r| r["metric"] == "iops").unwrap();
    assert_eq!((iops["beyond_spread"].as_bool(), iops["verdict"].as_str()), (Some(false), Some("within_noise")));
}

#[test]
fn custom_thresholds_override_the_defaults() {
    let (code, out, _) = gate("base.json", "iops-drop.json", &["--max-drop", "iops=50%"]);
    assert_eq!(code, 1, "bw still has its default limit:\n{out}");
    assert_eq!(row(&out, "read iops"), "read iops 100000 70000 -30.0% -50% ok");
    assert!(out.ends_with("gate: FAIL: read bw -30.0% (limit -10%)\n"), "{out}");

    let (code, out, _) = gate("base.json", "iops-drop.json", &["--max-drop", "iops=50%", "--max-drop", "bw=35"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(row(&out, "read bw"), "read bw 390.62 MiB/s 273.44 MiB/s -30.0% -35% ok");

    let (code, out, _) = gate("base.json", "p99-rise.json", &["--max-rise", "p99=75%"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_threshold_on_the_wrong_side_or_unknown_metric_is_refused() {
    let (code, out, err) = gate("base.json", "base.json", &["--max-drop", "p99=5%"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert_eq!(err, "jdbio: error: --max-drop p99=5%: for p99 a rise is bad; use --max-rise p99=5%\n");

    let (code, _, err) = gate("base.json", "base.json", &["--max-rise", "latency=5%"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--max-rise latency=5%: no metric 'latency' (metrics: iops, bw, p50, p99, p99.9, cpu_per_io)")
    );

    let (code, _, err) = gate("base.json", "base.json", &["--max-drop", "iops=lots"]);
    assert_eq!(code, 2);
    assert!(err.contains("--max-drop iops=lots: 'lots' is not a percentage"), "{err}");

    let (code, _, err) = gate("base.json", "base.json", &["--max-drop", "iops=-5%"]);
    assert_eq!(code, 2);
    assert!(err.contains("--max-drop iops=-5%: '-5%': a limit must be a finite percentage, 0 or more"), "{err}");
}

#[test]
fn mismatched_settings_are_refused_naming_each_difference() {
    let (code, out, err) = gate("base.json", "mismatch.json", &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("base.json and mismatch.json measured different jobs"), "{err}");
    assert!(err.contains("job.bs_bytes: baseline 4096, current 8192"), "{err}");
    assert!(err.contains("job.qd: baseline 32, current 64"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn buffered_and_direct_runs_are_different_jobs() {
    let dir = scratch();
    let mut buffered: Value = serde_json::from_slice(&std::fs::read(fixtures().join("base.json")).unwrap()).unwrap();
    assert!(buffered["job"].get("io").is_none(), "the fixture predates --io: it reads as direct");
    buffered["job"]["io"] = "buffered".into();
    let path = dir.path().join("buffered.json");
    std::fs::write(&path, serde_json::to_vec(&buffered).unwrap()).unwrap();
    let (code, _, err) = gate("base.json", path.to_str().unwrap(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("job.io: baseline direct, current buffered"), "{err}");
}

#[test]
fn mismatched_settings_are_compared_with_allow_mismatch() {
    let (code, out, err) = gate("base.json", "mismatch.json", &["--allow-mismatch", "--json", "-"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: settings differ, compared anyway (--allow-mismatch): job.qd: baseline 32, current 64")
    );
    assert!(err.contains("warning: different host.kernel: baseline 6.18.44, current 6.19.1"), "{err}");
    assert!(err.contains("gate: PASS (6 metrics)"), "the table goes to stderr with --json -: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let v = &v["gate"];
    let keys: Vec<&str> = v["mismatches"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["job.bs_bytes", "job.qd"]);
    assert_eq!(v["mismatches"][1]["baseline"], 32);
    assert_eq!(v["warnings"][0], "different host.kernel: baseline 6.18.44, current 6.19.1");
}

#[test]
fn truncated_json_is_unusable() {
    let (code, out, err) = gate("base.json", "truncated.json", &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.starts_with("jdbio: error: truncated.json: not JSON (EOF while parsing"), "{err}");
}

#[test]
fn a_json_file_that_is_not_a_report_is_unusable() {
    let (code, _, err) = gate("not-a-report.json", "base.json", &[]);
    assert_eq!(code, 2);
    assert_eq!(err, "jdbio: error: not-a-report.json: not a jdbio report (no \"schema\" key)\n");
}

#[test]
fn an_unknown_schema_version_is_unusable() {
    let (code, _, err) = gate("base.json", "schema9.json", &[]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "jdbio: error: schema9.json: schema jdbio.report/9 is not one this jdbio reads (jdbio.report/2 or jdbio.report/1)\n"
    );
}

#[test]
fn a_report_of_another_subcommand_is_unusable() {
    let (code, _, err) = gate("base.json", "verify.json", &[]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "jdbio: error: verify.json: a jdbio verify report; the gate compares jdbio bench and jdbio wal reports (or suites of them)\n"
    );
}

#[test]
fn a_missing_file_is_named() {
    let (code, _, err) = gate("no-such-base.json", "base.json", &[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("jdbio: error: no-such-base.json: cannot read: No such file"), "{err}");
    let (code, _, err) = gate("base.json", "no-such-current.json", &[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("jdbio: error: no-such-current.json: cannot read: No such file"), "{err}");
}

#[test]
fn markdown_matches_the_snapshot() {
    let (code, out, _) = gate("reps-base.json", "reps-mixed.json", &["--markdown"]);
    assert_eq!(code, 1);
    let path = fixtures().join("expected.md");
    if std::env::var_os("JDBIO_BLESS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(out == expected, "markdown differs from {}:\n--- got\n{out}--- expected\n{expected}", path.display());
}

#[test]
fn json_to_stdout_is_only_json() {
    let (code, out, err) = gate("base.json", "p99-rise.json", &["--json", "-"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).expect("stdout is one JSON document");
    assert_eq!((report["schema"].as_str(), report["command"].as_str()), (Some("jdbio.report/2"), Some("gate")));
    assert_eq!(report["job"]["limits_pct"]["p99"], 25.0);
    let v = &report["gate"];
    assert_eq!((v["baseline"].as_str(), v["current"].as_str()), (Some("base.json"), Some("p99-rise.json")));
    assert_eq!(v["passed"], false);
    assert_eq!(v["spread"]["judged"], false);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let p99 = &rows[3];
    assert_eq!(
        (p99["op"].as_str(), p99["metric"].as_str(), p99["unit"].as_str()),
        (Some("read"), Some("p99"), Some("ns"))
    );
    assert_eq!((rows[0]["metric"].as_str(), rows[0]["unit"].as_str()), (Some("iops"), Some("ops_per_s")));
    assert_eq!((rows[1]["metric"].as_str(), rows[1]["unit"].as_str()), (Some("bw"), Some("bytes_per_s")));
    assert_eq!((p99["baseline"].as_f64(), p99["current"].as_f64()), (Some(220000.0), Some(352000.0)));
    assert_eq!((p99["change_pct"].as_f64(), p99["limit_pct"].as_f64()), (Some(60.0), Some(25.0)));
    assert_eq!((p99["direction"].as_str(), p99["verdict"].as_str()), (Some("rise"), Some("regressed")));
    assert!(p99["beyond_spread"].is_null());
    assert_eq!((rows[0]["direction"].as_str(), rows[0]["limit_pct"].as_f64()), (Some("drop"), Some(-10.0)));
    assert_eq!((rows[5]["op"].clone(), rows[5]["metric"].as_str()), (Value::Null, Some("cpu_per_io")));
    assert_eq!(v["mismatches"], serde_json::json!([]));
    assert!(err.contains("gate: FAIL: read p99 +60.0% (limit +25%)"), "{err}");
}

#[test]
fn json_to_a_file_leaves_the_table_on_stdout() {
    let dir = scratch();
    let dest = dir.path().join("gate.json");
    let (code, out, _) = gate("base.json", "base.json", &["--json", dest.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.ends_with("gate: PASS (6 metrics)\n"), "{out}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&dest).unwrap()).unwrap();
    assert_eq!(v["gate"]["passed"], true);
}

/// Real reports from `jdbio bench --repeat 2`, gated against themselves: the
/// gate reads what bench writes, repetitions included.
#[test]
fn a_real_bench_report_passes_against_itself() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    let bench = jdbio(dir.path())
        .args(["bench", "--size", "16m", "--time", "0.2", "--ramp", "0", "--repeat", "2"])
        .args(["--json", "r.json", "--quiet", "t.dat"])
        .output()
        .unwrap();
    assert!(bench.status.success(), "{}", String::from_utf8_lossy(&bench.stderr));
    let out = jdbio(dir.path()).args(["gate", "--baseline", "r.json", "r.json", "--json", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let v = &v["gate"];
    assert_eq!(v["spread"]["judged"], true);
    assert_eq!(v["spread"]["baseline_repetitions"], 2);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows.iter().all(|r| r["verdict"] == "ok" && r["beyond_spread"] == false), "{rows:?}");
}

#[test]
fn a_report_over_64_mib_is_refused_before_it_is_read() {
    let dir = scratch();
    // 1 GiB of junk (sparse: costs no disk).
    std::fs::File::create(dir.path().join("junk.json")).unwrap().set_len(1 << 30).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jdbio"));
    cmd.args(["gate", "--baseline", "junk.json"]).arg(fixtures().join("base.json")).current_dir(dir.path());
    let m = common::run_with_peak_rss(cmd);
    assert_eq!(m.code, Some(2), "{}", m.stderr);
    assert_eq!(
        m.stderr,
        "jdbio: error: junk.json: too large for a jdbio report (at most 67108864 bytes, 64 MiB; this is 1073741824 bytes; not read)\n"
    );
    assert!(m.peak_rss_bytes < 100 << 20, "peak RSS {} MiB", m.peak_rss_bytes >> 20);
}

/// Asserts that gating `base` against `current` is refused: exit 2, nothing
/// on stdout, one stderr line containing each of `needles`.
fn refused(base: &str, current: &str, args: &[&str], needles: &[&str]) {
    let (code, out, err) = gate(base, current, args);
    assert_eq!(code, 2, "{base} vs {current}: {out}{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in: {err}");
    }
}

#[test]
fn a_report_with_no_results_is_refused_on_either_side() {
    // An overloaded open-loop run that measured nothing (it passed with "1
    // metric", cpu per I/O, before).
    let why = "overloaded.json: not a usable bench report: results is empty: the run measured nothing";
    refused("base.json", "overloaded.json", &[], &[why]);
    refused("overloaded.json", "base.json", &[], &[why]);
    refused("overloaded.json", "overloaded.json", &["--allow-mismatch"], &[why]);
}

#[test]
fn zero_ops_are_refused() {
    refused(
        "base.json",
        "zero-ops.json",
        &[],
        &["zero-ops.json: not a usable bench report: results[\"read\"][\"ops\"] is 0"],
    );
}

#[test]
fn an_interrupted_run_is_refused() {
    refused("base.json", "ramp-interrupted.json", &[], &["ramp-interrupted.json: the run was interrupted by SIGINT"]);
    // Even with numbers in it, and as the baseline.
    let why = "interrupted.json: the run was interrupted by SIGTERM; its numbers cover a partial run";
    refused("interrupted.json", "base.json", &["--allow-mismatch"], &[why]);
}

#[test]
fn an_open_loop_baseline_against_a_closed_loop_run_is_refused() {
    refused(
        "open-loop.json",
        "base.json",
        &[],
        &[
            "open-loop.json and base.json measured different jobs",
            "job.rate_iops: baseline 20000.0, current null; job.arrival: baseline poisson, current fixed",
        ],
    );
}

#[test]
fn every_setting_that_changes_the_numbers_is_named() {
    refused(
        "base.json",
        "job-differs.json",
        &[],
        &[
            "job.mode: baseline randread, current randrw",
            "job.read_pct: baseline 100, current 70",
            "job.dist: baseline uniform, current zipf:0.9",
            "job.size_bytes: baseline 1073741824, current 268435456",
            "job.offset_bytes: baseline 0, current 1048576",
            "job.submit: baseline auto, current eager",
            "job.data: baseline random, current zero",
            "job.verify: baseline false, current true",
            "target.kind: baseline file, current block",
        ],
    );
}

#[test]
fn a_metric_only_one_report_has_is_refused() {
    let why = "did not measure the same things, so the gate will not compare them";
    refused("base.json", "extra-write.json", &[], &[why, "write: measured in the current report only"]);
    refused("base.json", "no-cpu.json", &[], &[why, "cpu per I/O (bench.cpu_per_io_ns): in the baseline only"]);
}

#[test]
fn wal_reports_are_gated_per_sync_method() {
    let (code, out, err) = gate("wal-base.json", "wal-base.json", &[]);
    assert_eq!(code, 0, "{out}{err}");
    // The header is wrapped to 100 columns: compare words, not line breaks.
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("(wal fdatasync,odsync,rwf-dsync overwrite, bs 8.00 KiB, batch 1, writers 1, file)"),
        "{out}"
    );
    assert!(out.ends_with("gate: PASS (10 metrics)\n"), "two supported methods, five metrics each: {out}");
    assert!(!out.contains("rwf-dsync overwrite p99"), "an unsupported method has no rows: {out}");
    assert!(err.is_empty(), "{err}");

    let (code, out, _) = gate("wal-base.json", "wal-slower.json", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(row(&out, "fdatasync overwrite p99").ends_with("+60.0% +25% regressed"), "{out}");
    assert!(row(&out, "odsync overwrite p99").ends_with("+0.0% +25% ok"), "{out}");
    assert!(out.ends_with("gate: FAIL: fdatasync overwrite p99 +60.0% (limit +25%)\n"), "{out}");
}

#[test]
fn wal_settings_and_empty_wal_reports_are_refused() {
    refused(
        "wal-base.json",
        "wal-differs.json",
        &[],
        &["measured different jobs", "job.writers: baseline 1, current 4; job.batch: baseline 1, current 8"],
    );
    refused(
        "wal-base.json",
        "wal.json",
        &[],
        &["wal.json: not a usable wal report: wal.entries has no measured entry"],
    );
    refused("base.json", "wal-base.json", &[], &["command: baseline bench, current wal"]);
}
