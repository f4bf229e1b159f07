//! `jdbio run SUITE.toml` through the binary: jobs run in order into one
//! report with each job's full report, bad suite files are refused before
//! anything runs (naming file, line and key), and the example suite in
//! results/ runs as committed.

use crate::common;

use std::path::Path;

use common::{jdbio, scratch};
use serde_json::Value;

const SUITE: &str = r#"[defaults]
target = "${JDBIO_TEST_DEV}"
size = "8m"
ramp = "0"

[[job]]
name = "read-qd4"
command = "bench"
qd = 4
ops = 500

[[job]]
name = "write-16k"
command = "bench"
mode = "randwrite"
bs = "16k"
ops = 300

[[job]]
name = "wal"
command = "wal"
target = "${JDBIO_TEST_DEV}.wal"
method = ["none", "fdatasync"]
time = "200ms"
"#;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn a_suite_runs_its_jobs_in_order_into_one_report() {
    let dir = scratch();
    write(dir.path(), "s.toml", SUITE);
    let out = jdbio(dir.path())
        .env("JDBIO_TEST_DEV", "db.dat")
        .args(["run", "s.toml", "--rounds", "2", "-q", "--json", "-", "--csv", "s.csv"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // stdout is the suite's JSON alone: the jobs' summaries went to stderr.
    let report: Value = serde_json::from_slice(&out.stdout).expect("only JSON on stdout");
    assert!(err.contains("jdbio bench: randread") && err.contains("jdbio wal:"), "{err}");
    assert_eq!(report["command"], "run");
    let jobs = report["suite"]["jobs"].as_array().unwrap();
    // Round 1 runs every job in the file's order, then round 2.
    let names: Vec<&str> = jobs.iter().map(|j| j["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["read-qd4", "write-16k", "wal", "read-qd4", "write-16k", "wal"]);
    let rounds: Vec<u64> = jobs.iter().map(|j| j["round"].as_u64().unwrap()).collect();
    assert_eq!(rounds, [1, 1, 1, 2, 2, 2]);
    assert_eq!((report["job"]["jobs"].as_u64(), report["job"]["rounds"].as_u64()), (Some(3), Some(2)));
    // Each entry is the job's own full report, with the keys as flags.
    assert_eq!(jobs[0]["report"]["schema"], "jdbio.report/2");
    assert_eq!(jobs[0]["report"]["job"]["qd"], 4);
    assert_eq!(jobs[0]["report"]["results"]["read"]["ops"], 500);
    assert_eq!(jobs[1]["report"]["job"]["bs_bytes"], 16384);
    assert_eq!(jobs[1]["report"]["results"]["write"]["ops"], 300);
    let wal = jobs[2]["report"]["wal"]["entries"].as_array().unwrap();
    assert_eq!(wal.iter().map(|e| e["method"].as_str().unwrap()).collect::<Vec<_>>(), ["none", "fdatasync"]);
    assert!(jobs.iter().all(|j| j["exit_code"] == 0 && j["error"].is_null()));
    assert!(dir.path().join("db.dat.wal").exists(), "${{VAR}} expanded inside a value");
    assert!(err.contains("jdbio run: job wal (round 2/2, 3/3): jdbio wal"), "{err}");
    // The CSV: a row per job, round and op, the numbers of the job's
    // report, each job's rounds together.
    let csv = std::fs::read_to_string(dir.path().join("s.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("job,round,command,op,ops,iops,bw_bytes_per_s,lat_p50_ns,lat_p99_ns"), "{csv}");
    assert_eq!(lines.len(), 1 + 2 * 4, "{csv}");
    let p99 = jobs[0]["report"]["results"]["read"]["latency_ns"]["percentiles"]["99"].to_string();
    let first: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(&first[..5], ["read-qd4", "1", "bench", "read", "500"]);
    assert_eq!(first[8], p99);
    assert_eq!(lines[2].split(',').take(2).collect::<Vec<_>>(), ["read-qd4", "2"]);
    assert_eq!(lines[8].split(',').take(4).collect::<Vec<_>>(), ["wal", "2", "wal", "fdatasync overwrite"]);
    // The summary table closes stderr.
    assert!(err.contains("6 of 6 jobs ran"), "{err}");
}

#[test]
fn a_suite_file_too_large_or_endless_is_refused_having_read_a_bounded_amount() {
    let dir = scratch();
    let mut big = SUITE.to_string();
    big.push_str(&"# padding\n".repeat(120_000));
    write(dir.path(), "big.toml", &big);
    for (suite, needle) in
        [("big.toml", "big.toml: larger than 1048576 bytes"), ("/dev/zero", "/dev/zero: larger than")]
    {
        let out = jdbio(dir.path()).args(["run", suite]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(needle) && err.trim().lines().count() == 1, "{err}");
    }
}

#[test]
fn a_bad_suite_is_refused_before_anything_runs() {
    let dir = scratch();
    let cases: &[(&str, &str, &[&str])] = &[
        ("qd = 4\n", "qd = 4\nqdepth = 8\n", &["s.toml:10", "key qdepth", "not a flag of jdbio bench"]),
        ("qd = 4\n", "qd = \"deep\"\n", &["s.toml:9", "key qd", "deep"]),
        ("qd = 4\n", "qd = 0\n", &["s.toml:6", "job read-qd4", "--qd 0"]),
        ("ops = 300\n", "ops = 300\nrwmix = 50\n", &["s.toml:12", "job write-16k", "--rwmix"]),
        ("${JDBIO_TEST_DEV}.wal", "${JDBIO_TEST_NOPE}", &["s.toml:22", "key target", "${JDBIO_TEST_NOPE} is not set"]),
        ("command = \"wal\"", "command = \"fio\"", &["s.toml:21", "key command", "fio"]),
    ];
    for (from, to, needles) in cases {
        write(dir.path(), "s.toml", &SUITE.replacen(from, to, 1));
        let out = jdbio(dir.path())
            .env("JDBIO_TEST_DEV", "db.dat")
            .args(["run", "s.toml", "--json", "r.json"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{to}: {err}");
        for n in *needles {
            assert!(err.contains(n), "{to}: names {n}: {err}");
        }
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty(), "nothing ran: {}", String::from_utf8_lossy(&out.stdout));
        for left in ["db.dat", "db.dat.wal", "r.json"] {
            assert!(!dir.path().join(left).exists(), "{to}: {left} was not created");
        }
    }
}

#[test]
fn the_example_database_suite_runs_as_committed() {
    let dir = scratch();
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("results/suite-db.toml");
    let out = jdbio(dir.path())
        .env("DEV", dir.path().join("db.dat"))
        .arg("run")
        .arg(&suite)
        // Two of its rounds: enough to run every job twice, interleaved.
        .args(["--rounds", "2", "-q", "--json", "r.json", "--markdown", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    for job in ["randread-4k-qd1", "randread-4k-qd32", "randwrite-16k-qd8", "wal-8k-fdatasync"] {
        assert!(md.lines().any(|l| l.starts_with(&format!("| {job} |"))), "{job} in:\n{md}");
    }
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    let qd: Vec<Value> =
        report["suite"]["jobs"].as_array().unwrap().iter().map(|j| j["report"]["job"]["qd"].clone()).collect();
    assert_eq!(qd[..3], [1, 32, 8]);
    assert_eq!(qd.len(), 8, "4 jobs, 2 rounds");
}

/// Runs `jdbio gate --baseline BASE CURRENT ARGS` in `dir`: (code, stdout, stderr).
fn gate(dir: &Path, base: &Path, cur: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = jdbio(dir).args(["gate", "--baseline"]).arg(base).arg(cur).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn gate_judges_two_suites_job_by_job_each_round_a_repetition() {
    let dir = scratch();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("results/suite-db-baseline.json");
    let report: Value = serde_json::from_slice(&std::fs::read(&base).unwrap()).unwrap();
    let rounds = report["job"]["rounds"].as_u64().unwrap() as usize;
    assert!(rounds >= 5, "the example baseline has rounds enough for the gate to decide");
    // Against itself: nothing regresses (a row too noisy for its limit may
    // stay undecided, exit 3).
    let (code, out, err) = gate(dir.path(), &base, &base, &["--csv", "g.csv", "--json", "g.json"]);
    assert!(matches!(code, Some(0 | 3)), "{out}{err}");
    assert!(
        out.contains("\n  randread-4k-qd32 read\n") && out.contains("\n  wal-8k-fdatasync fdatasync overwrite\n"),
        "{out}"
    );
    let g: Value = serde_json::from_slice(&std::fs::read(dir.path().join("g.json")).unwrap()).unwrap();
    assert_eq!(g["gate"]["statistics"]["baseline_repetitions"].as_u64(), Some(rounds as u64));
    let rows = g["gate"]["rows"].as_array().unwrap();
    assert!(
        rows.iter().all(|r| r["verdict"] != "regression" && r["baseline_values"].as_array().unwrap().len() == rounds)
    );
    // One CSV row per job and metric: 6 per bench job (with cpu per I/O), 5 for wal.
    let csv = std::fs::read_to_string(dir.path().join("g.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 6 + 5, "{csv}");
    // One job's p99 twice as high in every round: a regression on that row alone.
    let mut slower = report.clone();
    for job in slower["suite"]["jobs"].as_array_mut().unwrap().iter_mut().filter(|j| j["name"] == "randread-4k-qd1") {
        let lat = &mut job["report"]["results"]["read"]["latency_ns"]["percentiles"]["99"];
        *lat = (lat.as_u64().unwrap() * 2).into();
    }
    let cur = dir.path().join("slower.json");
    std::fs::write(&cur, serde_json::to_vec(&slower).unwrap()).unwrap();
    let (code, out, err) = gate(dir.path(), &base, &cur, &[]);
    assert_eq!(code, Some(1), "{out}{err}");
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("gate: REGRESSION: randread-4k-qd1 read p99 +100.0% ["), "{out}");
    let regressed: Vec<&str> = out.lines().filter(|l| l.trim_end().ends_with("regression")).collect();
    assert_eq!(regressed.len(), 1, "{out}");
    // Jobs are matched by name: a renamed or missing job is refused, named.
    let mut renamed = report.clone();
    for job in renamed["suite"]["jobs"].as_array_mut().unwrap().iter_mut().filter(|j| j["name"] == "randwrite-16k-qd8")
    {
        job["name"] = "randwrite-16k-qd16".into();
    }
    let cur = dir.path().join("renamed.json");
    std::fs::write(&cur, serde_json::to_vec(&renamed).unwrap()).unwrap();
    let (code, _, err) = gate(dir.path(), &base, &cur, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("only in") && err.contains("randwrite-16k-qd8") && err.contains("randwrite-16k-qd16"),
        "{err}"
    );
    // A failed job (in any round) is never judged.
    let mut failed = report.clone();
    failed["suite"]["jobs"][3]["error"] = "w.log: Input/output error".into();
    let cur = dir.path().join("failed.json");
    std::fs::write(&cur, serde_json::to_vec(&failed).unwrap()).unwrap();
    let (code, _, err) = gate(dir.path(), &base, &cur, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("job wal-8k-fdatasync failed"), "{err}");
    // A suite against a single report is refused.
    let single = dir.path().join("single.json");
    std::fs::write(&single, serde_json::to_vec(&report["suite"]["jobs"][0]["report"]).unwrap()).unwrap();
    let (code, _, err) = gate(dir.path(), &base, &single, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("one is a suite"), "{err}");
}

#[test]
fn an_output_on_a_jobs_target_is_refused_before_anything_runs() {
    let dir = scratch();
    write(dir.path(), "s.toml", SUITE);
    for flag in ["--json", "--csv", "--markdown"] {
        let out = jdbio(dir.path())
            .env("JDBIO_TEST_DEV", "db.dat")
            .args(["run", "s.toml", flag, "db.dat.wal"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(flag) && err.contains("db.dat.wal"), "{err}");
        assert!(!dir.path().join("db.dat").exists() && !dir.path().join("db.dat.wal").exists(), "nothing ran");
    }
}

#[test]
fn a_failed_job_does_not_stop_the_next_and_the_suite_exits_with_its_code() {
    let dir = scratch();
    // The second job checks verify blocks in a file the first filled with
    // random data: it fails when it runs (its flags are valid), every time.
    let suite = "[defaults]\ntarget = \"d.dat\"\nsize = \"4m\"\nramp = \"0\"\n\n[[job]]\nname = \"fill\"\ncommand = \"bench\"\nmode = \"write\"\nops = 1024\n\n[[job]]\nname = \"check\"\ncommand = \"bench\"\nverify = true\nops = 100\n\n[[job]]\nname = \"after\"\ncommand = \"bench\"\nops = 200\n";
    write(dir.path(), "s.toml", suite);
    let args = ["run", "s.toml", "--rounds", "1", "-q", "--json", "r.json", "--csv", "r.csv"];
    let out = jdbio(dir.path()).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("jdbio: error: job check: --verify"), "{err}");
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    let jobs = report["suite"]["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 3, "every job ran");
    assert_eq!([&jobs[0]["exit_code"], &jobs[1]["exit_code"], &jobs[2]["exit_code"]], [0, 2, 0]);
    assert!(jobs[1]["error"].as_str().unwrap().contains("holds no jdbio verify blocks"));
    assert_eq!(jobs[2]["report"]["results"]["read"]["ops"], 200);
    let csv = std::fs::read_to_string(dir.path().join("r.csv")).unwrap();
    let check = csv.lines().find(|l| l.starts_with("check,")).unwrap();
    assert!(check.contains("failed: --verify"), "{check}");
}

#[test]
fn a_signal_stops_the_suite_after_the_job_it_cut_short() {
    use std::time::{Duration, Instant};
    let dir = scratch();
    let suite = "[[job]]\nname = \"long-wal\"\ncommand = \"wal\"\ntarget = \"w.log\"\nsize = \"8m\"\ntime = \"10m\"\n\n[[job]]\nname = \"never\"\ncommand = \"bench\"\ntarget = \"b.dat\"\nops = 100\n";
    write(dir.path(), "s.toml", suite);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("jdbio"))
        .current_dir(dir.path())
        .args(["run", "s.toml", "-q", "--json", "r.json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Until the wal job has made its log (a bound for a broken build, not a
    // timing check).
    let deadline = Instant::now() + Duration::from_secs(60);
    while !dir.path().join("w.log").exists() {
        assert!(child.try_wait().unwrap().is_none(), "jdbio ended before the wal job started");
        assert!(Instant::now() < deadline, "the wal job never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: kill has no memory preconditions.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) }, 0);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143));
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    assert_eq!(report["signal"], "SIGTERM");
    let jobs = report["suite"]["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 1, "the job after the signal did not run");
    assert_eq!(jobs[0]["report"]["interrupted"], true);
    assert!(jobs[0]["error"].is_null(), "an interruption is not a failure of the job");
    assert!(!dir.path().join("b.dat").exists());
}
