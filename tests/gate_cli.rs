//! `jdbio gate` through the binary, on the fixture reports in
//! tests/fixtures/gate/: each verdict, each kind of unusable input, the
//! markdown pinned byte for byte (tests/fixtures/gate/expected.md; rewrite
//! it with `JDBIO_BLESS=1 cargo test --test integration gate_cli::` after a deliberate
//! change), and the JSON.

use crate::common;

use std::path::{Path, PathBuf};

use common::{
    gate_reports::{NOISY, STEADY, STEADY_AGAIN, times, with_reps},
    jdbio, scratch,
};
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

/// The table line of `label` ("read iops": the metric line under the
/// group "read"; "cpu per I/O" alone), whitespace collapsed, with the
/// label in front.
fn row(stdout: &str, label: &str) -> String {
    let mut group = String::new();
    for line in stdout.lines() {
        let indent = line.len() - line.trim_start().len();
        let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if indent == 2 && !text.starts_with("metric ") && !text.starts_with("statistics:") {
            group = text;
        } else if indent == 4 {
            let full = if text.starts_with("cpu per I/O") { text.clone() } else { format!("{group} {text}") };
            if full.starts_with(&format!("{label} ")) {
                return full;
            }
        }
    }
    panic!("no row {label} in:\n{stdout}");
}

/// Runs `jdbio gate --baseline BASE CURRENT ARGS` in `dir`.
fn gate_in(dir: &Path, base: &str, current: &str, args: &[&str]) -> (i32, String, String) {
    let out = jdbio(dir).args(["gate", "--baseline", base, current]).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// A scratch directory holding `base.json`: seven steady repetitions.
fn steady_base() -> tempfile::TempDir {
    let dir = scratch();
    with_reps(dir.path(), "base.json", &STEADY, &STEADY);
    dir
}

#[test]
fn unchanged_code_passes() {
    let dir = steady_base();
    with_reps(dir.path(), "same.json", &STEADY_AGAIN, &STEADY_AGAIN);
    let (code, out, err) = gate_in(dir.path(), "base.json", "same.json", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("jdbio gate: same.json against baseline base.json (randread, bs 4.00 KiB, qd 32, jobs 1"));
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("statistics: baseline 7 repetitions, current 7 repetitions"), "{out}");
    assert!(out.ends_with("gate: PASS (6 metrics)\n"), "{out}");
    assert!(err.is_empty(), "{err}");
    // The row: medians, the change with its interval, the limit, the
    // smallest change 7 repetitions of this spread detect, the verdict.
    let iops = row(&out, "read iops");
    assert!(iops.starts_with("read iops 100000 100000 +0.0% ["), "{iops}");
    assert!(iops.ends_with("-10% ±2.9% pass"), "{iops}");
}

#[test]
fn a_clear_twenty_percent_drop_is_a_regression() {
    let dir = steady_base();
    with_reps(dir.path(), "slower.json", &times(&STEADY_AGAIN, 0.8), &STEADY_AGAIN);
    let (code, out, err) = gate_in(dir.path(), "base.json", "slower.json", &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(row(&out, "read iops"), "read iops 100000 80000 -20.0% [-21.6, -18.4] -10% ±2.9% regression");
    assert!(row(&out, "read bw").ends_with("regression"), "{out}");
    assert!(row(&out, "read p99").ends_with("pass"), "{out}");
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.ends_with(
            "gate: REGRESSION: read iops -20.0% [-21.6, -18.4] (limit -10%), read bw -20.0% [-21.6, -18.4] (limit -10%)"
        ),
        "{out}"
    );
    // One line on stderr, naming no metric twice.
    assert_eq!(err, "jdbio: error: gate: regression against base.json (exit 1)\n");
}

#[test]
fn a_latency_rise_is_a_regression_and_a_speedup_an_improvement() {
    let dir = steady_base();
    with_reps(dir.path(), "p99-rise.json", &STEADY_AGAIN, &times(&STEADY_AGAIN, 1.6));
    let (code, out, _) = gate_in(dir.path(), "base.json", "p99-rise.json", &[]);
    assert_eq!(code, 1, "{out}");
    for label in ["read p50", "read p99", "read p99.9", "cpu per I/O"] {
        assert!(row(&out, label).ends_with("regression"), "{label}: {out}");
    }
    assert!(row(&out, "read iops").ends_with("pass"), "{out}");

    with_reps(dir.path(), "faster.json", &times(&STEADY_AGAIN, 1.3), &times(&STEADY_AGAIN, 0.75));
    let (code, out, _) = gate_in(dir.path(), "base.json", "faster.json", &[]);
    assert_eq!(code, 0, "{out}");
    assert!(row(&out, "read iops").starts_with("read iops 100000 130000 +30.0% ["), "{out}");
    assert!(row(&out, "read iops").ends_with("improvement"), "{out}");
    assert!(row(&out, "read p99").ends_with("improvement"), "{out}");
    // p99.9 is 25% better, within its 50% limit: a pass, not an improvement.
    assert!(row(&out, "read p99.9").ends_with("pass"), "{out}");
    assert!(out.ends_with("gate: PASS (6 metrics; 5 improvements)\n"), "{out}");
}

#[test]
fn noise_wider_than_the_limit_is_inconclusive_never_a_pass() {
    let dir = steady_base();
    with_reps(dir.path(), "noisy-base.json", &NOISY, &NOISY);
    // Both sides noisy, the current 10% lower on the median: it could be
    // anything from a clear gain to a large loss.
    with_reps(dir.path(), "noisy.json", &times(&NOISY, 0.9), &NOISY);
    let (code, out, err) = gate_in(dir.path(), "noisy-base.json", "noisy.json", &["--json", "g.json"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(row(&out, "read iops").ends_with("inconclusive"), "{out}");
    assert!(out.contains("gate: INCONCLUSIVE: "), "{out}");
    assert_eq!(
        err,
        "jdbio: gate: inconclusive against noisy-base.json: too few repetitions or too much noise to decide (exit 3)\n"
    );
    let v: Value = serde_json::from_slice(&std::fs::read(dir.path().join("g.json")).unwrap()).unwrap();
    assert_eq!((v["gate"]["verdict"].as_str(), v["gate"]["passed"].as_bool()), (Some("inconclusive"), Some(false)));
    let iops = &v["gate"]["rows"][0];
    assert_eq!(iops["verdict"], "inconclusive");
    assert!(iops["detectable_pct"].as_f64().unwrap() > 10.0, "{iops}");
    assert!(iops["needed_repetitions"].as_u64().unwrap() > 7, "{iops}");
    let [lo, hi] = [0, 1].map(|i| iops["interval_pct"][i].as_f64().unwrap());
    assert!(lo < -10.0 && hi > 0.0, "{iops}");
}

#[test]
fn too_few_repetitions_are_inconclusive_naming_how_many_would_do() {
    let dir = scratch();
    with_reps(dir.path(), "b2.json", &STEADY[..2], &STEADY[..2]);
    with_reps(dir.path(), "c2.json", &times(&STEADY_AGAIN[..2], 0.5), &STEADY_AGAIN[..2]);
    let (code, out, _) = gate_in(dir.path(), "b2.json", "c2.json", &[]);
    assert_eq!(code, 3, "a 50% drop in 2 repetitions is still no verdict: {out}");
    assert!(row(&out, "read iops").starts_with("read iops 99000 50000 -49.5% -10%"), "{out}");
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words
            .contains("an interval needs 3 repetitions a side (bench --repeat, run --rounds), so no metric is decided"),
        "{out}"
    );
    assert!(
        words.contains("gate: INCONCLUSIVE: 6 of 6 metrics undecided; repetitions a side to settle them: read iops 3,"),
        "{out}"
    );

    // Single runs (the fixtures), however far apart.
    let (code, out, _) = gate("base.json", "iops-drop.json", &[]);
    assert_eq!(code, 3, "{out}");
    assert!(row(&out, "read iops").starts_with("read iops 100000 70000 -30.0% -10% ? inconclusive"), "{out}");
    assert!(out.contains("baseline 1 run (no repetitions), current 1 run (no repetitions)"), "{out}");
}

#[test]
fn a_baseline_from_another_host_is_refused_unless_allowed() {
    let dir = steady_base();
    let mut other: Value = serde_json::from_slice(&std::fs::read(dir.path().join("base.json")).unwrap()).unwrap();
    other["host"]["name"] = "ci-runner-7".into();
    other["host"]["kernel"] = "6.1.0".into();
    other["host"]["cpu_model"] = "Intel Xeon".into();
    let before = serde_json::to_vec(&other).unwrap();
    std::fs::write(dir.path().join("other.json"), &before).unwrap();
    let (code, out, err) = gate_in(dir.path(), "other.json", "base.json", &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(
        err,
        "jdbio: error: other.json and base.json ran on different machines or devices, so the gate will not compare them \
         (--allow-other-host to compare anyway): host.cpu_model: baseline Intel Xeon, current AMD EPYC; \
         host.kernel: baseline 6.1.0, current 6.18.44\n"
    );
    let (code, _, err) = gate_in(dir.path(), "base.json", "base.json", &["--allow-other-host"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let (code, out, err) = gate_in(dir.path(), "other.json", "base.json", &["--allow-other-host", "--json", "g.json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "jdbio: warning: another machine or device, compared anyway (--allow-other-host): host.cpu_model: baseline Intel Xeon, current AMD EPYC",
            "jdbio: warning: another machine or device, compared anyway (--allow-other-host): host.kernel: baseline 6.1.0, current 6.18.44",
        ]
    );
    let v: Value = serde_json::from_slice(&std::fs::read(dir.path().join("g.json")).unwrap()).unwrap();
    assert_eq!(v["gate"]["other_host"][1]["key"], "host.kernel");
    assert_eq!(v["job"]["allow_other_host"], true);
    assert_eq!(std::fs::read(dir.path().join("other.json")).unwrap(), before, "the gate writes no input");
}

#[test]
fn custom_thresholds_override_the_defaults() {
    let dir = steady_base();
    with_reps(dir.path(), "slower.json", &times(&STEADY_AGAIN, 0.8), &STEADY_AGAIN);
    let (code, out, _) = gate_in(dir.path(), "base.json", "slower.json", &["--max-drop", "iops=50%"]);
    assert_eq!(code, 1, "bw still has its default limit:\n{out}");
    assert!(row(&out, "read iops").ends_with("-50% ±2.9% pass"), "{out}");
    assert!(out.ends_with("gate: REGRESSION: read bw -20.0% [-21.6, -18.4] (limit -10%)\n"), "{out}");

    let (code, out, _) =
        gate_in(dir.path(), "base.json", "slower.json", &["--max-drop", "iops=50%", "--max-drop", "bw=35"]);
    assert_eq!(code, 0, "{out}");
    assert!(row(&out, "read bw").ends_with("-35% ±2.9% pass"), "{out}");
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
    // mismatch.json also ran on another kernel: that needs its own flag.
    let (code, _, err) = gate("base.json", "mismatch.json", &["--allow-mismatch"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("host.kernel: baseline 6.18.44, current 6.19.1"), "{err}");
    let (code, out, err) =
        gate("base.json", "mismatch.json", &["--allow-mismatch", "--allow-other-host", "--json", "-"]);
    assert_eq!(code, 3, "single runs decide nothing: {err}");
    assert!(
        err.contains("warning: settings differ, compared anyway (--allow-mismatch): job.qd: baseline 32, current 64")
    );
    assert!(err.contains("(--allow-other-host): host.kernel: baseline 6.18.44, current 6.19.1"), "{err}");
    assert!(err.contains("gate: INCONCLUSIVE: 6 of 6 metrics"), "the table goes to stderr with --json -: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let v = &v["gate"];
    let keys: Vec<&str> = v["mismatches"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["job.bs_bytes", "job.qd"]);
    assert_eq!(v["mismatches"][1]["baseline"], 32);
    assert_eq!(v["other_host"][0]["key"], "host.kernel");
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

/// A base, and a current run whose throughput is unchanged, p50 clearly
/// better, p99 clearly worse beyond its limit and p99.9 too noisy to call.
fn mixed(dir: &Path) {
    with_reps(dir, "base.json", &STEADY, &STEADY);
    let mut r: Value = serde_json::from_slice(&std::fs::read(dir.join("base.json")).unwrap()).unwrap();
    for (i, rep) in r["repetitions"].as_array_mut().unwrap().iter_mut().enumerate() {
        let p = &mut rep["results"]["read"]["latency_ns"]["percentiles"];
        p["50"] = ((p["50"].as_f64().unwrap() * 0.7) as u64).into();
        p["99"] = ((p["99"].as_f64().unwrap() * 1.4) as u64).into();
        p["99.9"] = ((p["99.9"].as_f64().unwrap() * NOISY[i] * 1.3) as u64).into();
    }
    std::fs::write(dir.join("mixed.json"), serde_json::to_vec(&r).unwrap()).unwrap();
}

#[test]
fn markdown_matches_the_snapshot() {
    let dir = scratch();
    mixed(dir.path());
    let (code, out, _) = gate_in(dir.path(), "base.json", "mixed.json", &["--markdown"]);
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
    let dir = scratch();
    mixed(dir.path());
    let (code, out, err) = gate_in(dir.path(), "base.json", "mixed.json", &["--json", "-"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).expect("stdout is one JSON document");
    assert_eq!((report["schema"].as_str(), report["command"].as_str()), (Some("jdbio.report/2"), Some("gate")));
    assert_eq!(report["job"]["limits_pct"]["p99"], 25.0);
    let v = &report["gate"];
    assert_eq!((v["baseline"].as_str(), v["current"].as_str()), (Some("base.json"), Some("mixed.json")));
    assert_eq!((v["verdict"].as_str(), v["passed"].as_bool()), (Some("regression"), Some(false)));
    assert_eq!(
        (v["statistics"]["baseline_repetitions"].as_u64(), v["statistics"]["confidence"].as_f64()),
        (Some(7), Some(0.9))
    );
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let verdicts: Vec<&str> = rows.iter().map(|r| r["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["pass", "pass", "improvement", "regression", "inconclusive", "pass"]);
    let p99 = &rows[3];
    assert_eq!(
        (p99["op"].as_str(), p99["metric"].as_str(), p99["unit"].as_str()),
        (Some("read"), Some("p99"), Some("ns"))
    );
    assert_eq!((rows[0]["metric"].as_str(), rows[0]["unit"].as_str()), (Some("iops"), Some("ops_per_s")));
    assert_eq!((rows[1]["metric"].as_str(), rows[1]["unit"].as_str()), (Some("bw"), Some("bytes_per_s")));
    // Every figure can be recomputed from the values beside it.
    let values = |k: &str| -> Vec<f64> { p99[k].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect() };
    let (b, c) = (values("baseline_values"), values("current_values"));
    assert_eq!(b.len(), 7);
    let mut ratios: Vec<f64> = c.iter().flat_map(|y| b.iter().map(move |x| y / x)).collect();
    ratios.sort_by(f64::total_cmp);
    let hl = (ratios[24] - 1.0) * 100.0;
    assert!((p99["change_pct"].as_f64().unwrap() - hl).abs() < 1e-6, "{p99}");
    assert_eq!((p99["direction"].as_str(), p99["limit_pct"].as_f64()), (Some("rise"), Some(25.0)));
    assert_eq!((rows[0]["direction"].as_str(), rows[0]["limit_pct"].as_f64()), (Some("drop"), Some(-10.0)));
    assert_eq!((rows[5]["op"].clone(), rows[5]["metric"].as_str()), (Value::Null, Some("cpu_per_io")));
    assert_eq!(v["mismatches"], serde_json::json!([]));
    assert!(err.contains("gate: REGRESSION: read p99 +40.0%"), "{err}");
}

#[test]
fn json_to_a_file_leaves_the_table_on_stdout() {
    let dir = steady_base();
    let (code, out, _) = gate_in(dir.path(), "base.json", "base.json", &["--json", "gate.json"]);
    assert_eq!(code, 0);
    assert!(out.ends_with("gate: PASS (6 metrics)\n"), "{out}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("gate.json")).unwrap()).unwrap();
    assert_eq!(v["gate"]["passed"], true);
}

/// Real reports from `jdbio bench --repeat 4`, gated against themselves: the
/// gate reads what bench writes, repetitions included.
#[test]
fn a_real_bench_report_passes_against_itself() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    let bench = jdbio(dir.path())
        .args(["bench", "--size", "16m", "--time", "0.2", "--ramp", "0", "--repeat", "4"])
        .args(["--json", "r.json", "--quiet", "t.dat"])
        .output()
        .unwrap();
    assert!(bench.status.success(), "{}", String::from_utf8_lossy(&bench.stderr));
    let out = jdbio(dir.path()).args(["gate", "--baseline", "r.json", "r.json", "--json", "-"]).output().unwrap();
    // The same values on both sides never regress; a noisy tail (p99.9 of
    // 0.2 s repetitions) may be too wide to call.
    assert!(matches!(out.status.code(), Some(0 | 3)), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let v = &v["gate"];
    assert_eq!(v["statistics"]["baseline_repetitions"], 4);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows.iter().all(|r| r["current_values"].as_array().unwrap().len() == 4), "{rows:?}");
    assert!(rows.iter().all(|r| r["verdict"] == "pass" || r["verdict"] == "inconclusive"), "{rows:?}");
    assert!(rows.iter().all(|r| r["change_pct"] == 0.0), "{rows:?}");
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
    // A single wal report is one run: every row undecided (a suite's
    // rounds give wal jobs their repetitions: run_cli's test).
    let (code, out, err) = gate("wal-base.json", "wal-slower.json", &[]);
    assert_eq!(code, 3, "{out}{err}");
    // The header is wrapped to 100 columns: compare words, not line breaks.
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("(wal fdatasync,odsync,rwf-dsync overwrite, bs 8.00 KiB, batch 1, writers 1, file)"),
        "{out}"
    );
    assert!(
        words.contains("gate: INCONCLUSIVE: 10 of 10 metrics undecided"),
        "two supported methods, five metrics each: {out}"
    );
    assert!(!out.contains("rwf-dsync overwrite p99"), "an unsupported method has no rows: {out}");
    let (_, json, _) = gate("wal-base.json", "wal-slower.json", &["--json", "-"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let p99 = v["gate"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["op"] == "fdatasync overwrite" && r["metric"] == "p99")
        .unwrap()
        .clone();
    assert!((p99["change_pct"].as_f64().unwrap() - 60.0).abs() < 0.01, "{p99}");
    assert_eq!((p99["verdict"].as_str(), p99["needed_repetitions"].as_u64()), (Some("inconclusive"), Some(3)));
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
