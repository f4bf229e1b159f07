//! `--engine` through the binary, for every command that does I/O: each
//! engine runs bench (a read and a write mode, with --verify), verify and
//! wal; the same bytes are written and the same verdicts given whichever
//! engine carries them; the report names the engine; each bad combination
//! is refused in one line naming both flags, before any I/O; and each
//! engine really takes its own system calls (`strace -f -c`).

use crate::common;

use std::{collections::HashMap, path::Path};

use common::{jdbio, md5, scratch};
use serde_json::Value;

/// The engines that move data.
const DATA_ENGINES: [&str; 5] = ["uring", "psync", "pvsync2", "libaio", "dio"];

/// Runs `jdbio CMD ARGS --json -` in `dir`; the exit code and the report.
fn run_json(dir: &Path, cmd: &str, args: &[&str]) -> (Option<i32>, Value) {
    let out = jdbio(dir).arg(cmd).args(args).args(["--json", "-", "--quiet"]).output().unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("jdbio {cmd} {args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), report)
}

/// Runs `jdbio CMD ARGS --json -`, expecting success.
fn ok_json(dir: &Path, cmd: &str, args: &[&str]) -> Value {
    let (code, report) = run_json(dir, cmd, args);
    assert_eq!(code, Some(0), "jdbio {cmd} {args:?}: {report}");
    report
}

/// A file of `size` bytes that is not all zeros.
fn data_file(path: &Path, size: usize) {
    let data: Vec<u8> = (0..size).map(|i| (i * 13 + i / 4096) as u8).collect();
    std::fs::write(path, data).unwrap();
}

#[test]
fn every_engine_writes_and_reads_back_verified_blocks_in_bench() {
    let dir = scratch();
    let mut sums = Vec::new();
    for engine in DATA_ENGINES {
        let name = format!("{engine}.dat");
        data_file(&dir.path().join(&name), 1 << 20);
        // A sequential write of every block once, then random reads that
        // check every block they return.
        let common = ["--engine", engine, "--seed", "9", "--ramp", "0s", "--ops", "256", name.as_str()];
        let w = ok_json(dir.path(), "bench", &[&["--mode", "write", "--verify"], &common[..]].concat());
        assert_eq!(w["job"]["engine"], engine, "{w}");
        assert_eq!(w["results"]["write"]["ops"], 256, "{engine}: {w}");
        assert_eq!(w["bench"]["ran"]["ops"], 256, "{engine}: {w}");
        let r = ok_json(dir.path(), "bench", &[&["--mode", "randread", "--verify"], &common[..]].concat());
        assert_eq!(r["job"]["engine"], engine);
        assert_eq!(r["results"]["read"]["ops"], 256, "{engine}: {r}");
        assert_eq!(r["verify"]["checked"], 256, "{engine}: {r}");
        assert_eq!(r["verify"]["bad"], serde_json::json!({}), "{engine}: {r}");
        let qd = if matches!(engine, "psync" | "pvsync2") { 1 } else { 32 };
        assert_eq!(r["job"]["qd"], qd, "{engine}: --qd defaults to 1 on the one-in-flight engines");
        sums.push((engine, md5(&dir.path().join(&name))));
    }
    assert!(sums.iter().all(|(_, s)| *s == sums[0].1), "the same blocks on every engine: {sums:?}");
}

#[test]
fn the_summary_says_which_engine_ran() {
    let dir = scratch();
    data_file(&dir.path().join("t.dat"), 1 << 20);
    for (engine, says) in [
        ("psync", "engine: psync (pread/pwrite"),
        ("pvsync2", "engine: pvsync2 (preadv2/pwritev2"),
        ("libaio", "engine: libaio (io_submit/io_getevents"),
        ("dio", "engine: dio (the crate's library"),
    ] {
        let out = jdbio(dir.path())
            .args(["bench", "t.dat", "--engine", engine, "--ops", "100", "--ramp", "0s"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let summary = String::from_utf8_lossy(&out.stdout);
        assert!(summary.contains(says), "{engine}: {summary}");
    }
}

#[test]
fn verify_writes_the_same_bytes_and_names_the_same_corrupt_block_on_every_engine() {
    let dir = scratch();
    let path = dir.path().join("v.dat");
    let mut sums = Vec::new();
    for engine in DATA_ENGINES {
        let args = ["v.dat", "--write", "--size", "2m", "--seed", "7", "--generation", "1", "--engine", engine];
        let report = ok_json(dir.path(), "verify", &args);
        assert_eq!(report["job"]["engine"], engine, "{report}");
        assert_eq!(report["verify"]["blocks_checked"], 512, "{engine}: {report}");
        sums.push(md5(&path));
    }
    assert!(sums.iter().all(|s| *s == sums[0]), "{sums:?}");
    // One byte of block 100's payload flipped on purpose.
    let mut data = std::fs::read(&path).unwrap();
    data[100 * 4096 + 2000] ^= 0x40;
    std::fs::write(&path, &data).unwrap();
    let before = md5(&path);
    for engine in DATA_ENGINES {
        let (code, report) = run_json(dir.path(), "verify", &["v.dat", "--engine", engine]);
        assert_eq!(code, Some(1), "{engine}: {report}");
        let bad = &report["verify"]["bad_blocks"];
        assert_eq!(bad.as_array().map(Vec::len), Some(1), "{engine}: {report}");
        assert_eq!(
            (bad[0]["offset_bytes"].as_u64(), bad[0]["class"].as_str()),
            (Some(100 * 4096), Some("corrupt")),
            "{engine}"
        );
        assert_eq!(report["job"]["engine"], engine);
        assert_eq!(md5(&path), before, "{engine}: a check wrote to its target");
    }
}

#[test]
fn wal_commits_on_every_engine_it_takes() {
    let dir = scratch();
    for engine in DATA_ENGINES {
        let args =
            ["log.dat", "--engine", engine, "--method", "fdatasync,rwf-dsync", "--time", "200ms", "--size", "2m"];
        let report = ok_json(dir.path(), "wal", &args);
        assert_eq!(report["job"]["engine"], engine, "{report}");
        for entry in report["wal"]["entries"].as_array().unwrap() {
            assert!(entry["commits"].as_u64() > Some(0), "{engine}: {entry}");
        }
    }
    // libaio with --method all leaves out the buffered methods.
    let report = ok_json(dir.path(), "wal", &["log.dat", "--engine", "libaio", "--time", "100ms", "--size", "2m"]);
    let methods: Vec<&str> = report["job"]["methods"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(!methods.is_empty() && methods.iter().all(|m| !m.starts_with("buffered")), "{methods:?}");
}

#[test]
fn bad_engine_combinations_are_refused_naming_both_flags_and_touch_nothing() {
    let dir = scratch();
    let path = dir.path().join("t.dat");
    data_file(&path, 1 << 20);
    let before = md5(&path);
    let w = ["--mode", "randwrite", "--ops", "10", "t.dat"];
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("bench", &["--engine", "psync", "--qd", "4"], &["--qd 4", "--engine psync", "--jobs"]),
        ("bench", &["--engine", "pvsync2", "--qd", "2"], &["--qd 2", "--engine pvsync2", "--jobs"]),
        ("bench", &["--engine", "psync", "--sqpoll"], &["--sqpoll", "--engine psync"]),
        ("bench", &["--engine", "libaio", "--submit", "eager"], &["--submit eager", "--engine libaio"]),
        ("bench", &["--engine", "dio", "--async", "on"], &["--async on", "--engine dio"]),
        ("bench", &["--engine", "pvsync2", "--async", "off"], &["--async off", "--engine pvsync2"]),
        ("bench", &["--engine", "psync", "--hipri"], &["--hipri", "--engine psync"]),
        ("bench", &["--engine", "libaio", "--hipri"], &["--hipri", "--engine libaio"]),
        ("bench", &["--engine", "dio", "--hipri"], &["--hipri", "--engine dio"]),
    ];
    for (cmd, flags, words) in cases {
        let out = jdbio(dir.path()).arg(cmd).args(*flags).args(w).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{flags:?}: one line: {err}");
        assert!(words.iter().all(|w| err.contains(w)), "{flags:?}: {err} should name {words:?}");
        assert_eq!(md5(&path), before, "{flags:?} touched the target");
    }
    let refused = |cmd: &str, args: &[&str], words: &[&str]| {
        let out = jdbio(dir.path()).arg(cmd).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(words.iter().all(|w| err.contains(w)), "{args:?}: {err}");
        assert_eq!(md5(&path), before, "{args:?} touched the target");
    };
    refused("verify", &["t.dat", "--write", "--engine", "psync", "--qd", "8"], &["--qd 8", "--engine psync"]);
    refused("verify", &["t.dat", "--write", "--engine", "nop"], &["--engine nop"]);
    refused("wal", &["t.dat", "--engine", "nop", "--time", "100ms"], &["--engine nop"]);
    refused(
        "wal",
        &["t.dat", "--engine", "libaio", "--method", "buffered-fdatasync", "--time", "100ms"],
        &["--engine libaio", "--method buffered-fdatasync"],
    );
}

/// Calls per system call in an `strace -c` summary.
fn strace_calls(summary: &str) -> HashMap<String, u64> {
    let mut calls = HashMap::new();
    for line in summary.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // % time, seconds, usecs/call, calls, [errors,] syscall
        if cols.len() >= 5
            && cols[0].parse::<f64>().is_ok()
            && let (Ok(n), Some(name)) = (cols[3].parse::<u64>(), cols.last())
        {
            calls.insert(name.to_string(), n);
        }
    }
    calls
}

/// `jdbio bench` of `ops` random reads under `strace -f -c`: its calls.
fn bench_calls(dir: &Path, engine: &str, ops: u64) -> HashMap<String, u64> {
    let trace = "trace=pread64,preadv2,io_submit,io_getevents,io_uring_enter";
    let out = std::process::Command::new("strace")
        .args(["-f", "-c", "-o", "strace.txt", "-e", trace])
        .arg(assert_cmd::cargo::cargo_bin("jdbio"))
        .args(["bench", "t.dat", "--engine", engine, "--qd"])
        .arg(if matches!(engine, "psync" | "pvsync2") { "1" } else { "8" })
        .args(["--ops", &ops.to_string(), "--ramp", "0s", "-q"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{engine}: {}", String::from_utf8_lossy(&out.stderr));
    strace_calls(&std::fs::read_to_string(dir.join("strace.txt")).unwrap())
}

#[test]
fn each_engine_takes_its_own_system_calls() {
    let test = "each_engine_takes_its_own_system_calls";
    if std::process::Command::new("strace").arg("-V").output().is_err() {
        return common::skip(test, "strace is not installed (Debian: strace)");
    }
    let dir = scratch();
    data_file(&dir.path().join("t.dat"), 4 << 20);
    const OPS: u64 = 3000;
    for engine in ["psync", "pvsync2", "libaio", "uring", "dio"] {
        let calls = bench_calls(dir.path(), engine, OPS);
        let n = |name: &str| calls.get(name).copied().unwrap_or(0);
        match engine {
            // One read system call per I/O, and no other engine's.
            "psync" => assert!(n("pread64") >= OPS && n("preadv2") < 10 && n("io_submit") == 0, "{calls:?}"),
            "pvsync2" => assert!(n("preadv2") >= OPS && n("pread64") < 10 && n("io_submit") == 0, "{calls:?}"),
            // The reads go through io_submit, several per call at --qd 8.
            "libaio" => assert!(
                n("io_submit") > 0 && n("io_submit") <= OPS && n("io_getevents") > 0 && n("pread64") < 10,
                "{calls:?}"
            ),
            // The ring (jdbio's own, or compio's under the library): no
            // read system call per I/O.
            _ => assert!(n("io_uring_enter") > 0 && n("pread64") < 10 && n("io_submit") == 0, "{engine}: {calls:?}"),
        }
    }
}
