//! `jdbio wal` through the binary, on scratch files.

mod common;

use common::{jdbio, scratch};
use serde_json::Value;

fn wal_json(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = jdbio(dir).arg("wal").args(args).args(["--json", "-", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "jdbio wal {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is only JSON")
}

fn check_latency(lat: &Value) {
    let p = |k: &str| lat["percentiles"][k].as_u64().unwrap();
    assert!(
        lat["min"].as_u64().unwrap() <= p("50") && p("50") <= p("99") && p("99") <= lat["max"].as_u64().unwrap(),
        "{lat}"
    );
}

/// The keys of a report's entry and of its latency objects, sorted.
fn entry_keys(e: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for (k, v) in e.as_object().unwrap() {
        keys.push(k.clone());
        if let Some(obj) = v.as_object() {
            keys.extend(obj.keys().map(|inner| format!("{k}.{inner}")));
        }
    }
    keys.sort();
    keys
}

#[test]
fn every_method_runs_on_both_engines_with_sane_numbers_and_the_same_keys() {
    let dir = scratch();
    let mut keys_by_engine = Vec::new();
    for engine in ["psync", "uring"] {
        let report = wal_json(dir.path(), &["--engine", engine, "--time", "300ms", "--size", "8m"]);
        assert_eq!(report["command"], "wal");
        assert_eq!(report["job"]["engine"], engine);
        let entries = report["wal"]["entries"].as_array().unwrap();
        let names: Vec<&str> = entries.iter().map(|e| e["method"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["none", "odsync", "fdatasync", "fsync", "osync", "rwf-dsync", "buffered-fdatasync", "buffered-fsync"]
        );
        for e in entries {
            assert_eq!(e["supported"], true, "{engine}: {e}");
            assert!(e["commits"].as_u64().unwrap() > 0, "{engine}: {e}");
            check_latency(&e["commit_latency_ns"]);
            check_latency(&e["write_latency_ns"]);
            let separate =
                ["fdatasync", "fsync", "buffered-fdatasync", "buffered-fsync"].contains(&e["method"].as_str().unwrap());
            assert_eq!(e["sync_latency_ns"].is_object(), separate, "{engine}: {e}");
            if separate {
                check_latency(&e["sync_latency_ns"]);
            }
        }
        keys_by_engine.push(entries.iter().map(entry_keys).collect::<Vec<_>>());
        assert!(!dir.path().join("jdbio-wal.dat").exists(), "the scratch log is removed");
    }
    assert_eq!(keys_by_engine[0], keys_by_engine[1], "both engines report the same keys");
}

#[test]
fn the_default_engine_is_psync_and_the_report_and_summary_name_the_engine() {
    let dir = scratch();
    let args = ["--method", "fdatasync", "--time", "100ms", "--size", "1m", "w.log"];
    assert_eq!(wal_json(dir.path(), &args)["job"]["engine"], "psync", "psync is the default");
    for (extra, engine) in
        [(&[][..], "psync"), (&["--engine", "uring"][..], "uring"), (&["--engine", "psync"][..], "psync")]
    {
        let out = jdbio(dir.path()).arg("wal").args(args).args(extra).output().unwrap();
        assert!(out.status.success(), "{extra:?}: {}", String::from_utf8_lossy(&out.stderr));
        let summary = String::from_utf8_lossy(&out.stdout);
        let header = summary.lines().next().unwrap_or_default();
        assert!(header.starts_with(&format!("jdbio wal: engine={engine} ")), "{extra:?}: {summary}");
    }
    let help = jdbio(dir.path()).args(["wal", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--engine") && help.contains("[default: psync]"), "{help}");
}

/// Calls per system call in an `strace -c` summary.
fn strace_calls(summary: &str) -> std::collections::HashMap<String, u64> {
    let mut calls = std::collections::HashMap::new();
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

/// Runs `jdbio wal` under `strace -f -c` and gives the report and the calls.
fn wal_under_strace(dir: &std::path::Path, engine: &str) -> (Value, std::collections::HashMap<String, u64>) {
    let bin = assert_cmd::cargo::cargo_bin("jdbio");
    let out = std::process::Command::new("strace")
        .args(["-f", "-c", "-o", "strace.txt", "-e", "trace=fdatasync,fsync,pwrite64,pwritev2"])
        .arg(bin)
        .args(["wal", "--engine", engine, "--method", "fdatasync,fsync,odsync", "--time", "300ms", "--size", "4m"])
        .args(["--writers", "2", "--json", "report.json", "-q", "log.dat"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{engine}: {}", String::from_utf8_lossy(&out.stderr));
    let report = serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    (report, strace_calls(&std::fs::read_to_string(dir.join("strace.txt")).unwrap()))
}

#[test]
fn the_psync_engine_commits_through_system_calls_and_syncs_every_commit() {
    let test = "the_psync_engine_commits_through_system_calls_and_syncs_every_commit";
    if std::process::Command::new("strace").arg("-V").output().is_err() {
        return common::skip(test, "strace is not installed (Debian: strace)");
    }
    let dir = scratch();
    let commits = |r: &Value, method: &str| {
        let entries = r["wal"]["entries"].as_array().unwrap();
        let e = entries.iter().find(|e| e["method"] == method).unwrap();
        e["commits"].as_u64().unwrap()
    };
    let (report, calls) = wal_under_strace(dir.path(), "psync");
    let count = |name: &str| calls.get(name).copied().unwrap_or(0);
    let (fdatasync, fsync, odsync) =
        (commits(&report, "fdatasync"), commits(&report, "fsync"), commits(&report, "odsync"));
    assert!(fdatasync > 0 && fsync > 0 && odsync > 0, "{report}");
    // Each commit is a pwrite and, for the two sync methods, its own sync
    // call; a writer stopped by the clock may leave one write unsynced.
    assert!(count("fdatasync") >= fdatasync && count("fdatasync") <= fdatasync + 2, "{calls:?} vs {fdatasync}");
    // (The report's own file is made durable with fsync too.)
    assert!(count("fsync") >= fsync && count("fsync") <= fsync + 4, "{calls:?} vs {fsync}");
    assert!(count("pwrite64") >= fdatasync + fsync + odsync, "{calls:?}");
    // The ring's syncs are no system calls: the same trace sees none of them.
    let (report, calls) = wal_under_strace(dir.path(), "uring");
    assert!(commits(&report, "fdatasync") > 0, "{report}");
    let count = |name: &str| calls.get(name).copied().unwrap_or(0);
    assert!(count("fdatasync") < commits(&report, "fdatasync") && count("pwrite64") == 0, "{calls:?}");
}

#[test]
fn file_modes_are_reported_separately() {
    let dir = scratch();
    let report = wal_json(
        dir.path(),
        &["--method", "fdatasync", "--file-mode", "all", "--time", "200ms", "--size", "4m", "--keep"],
    );
    let modes: Vec<&str> =
        report["wal"]["entries"].as_array().unwrap().iter().map(|e| e["file_mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["overwrite", "append", "prealloc"]);
    assert!(dir.path().join("jdbio-wal.dat").exists(), "--keep keeps the log");
}

#[test]
fn writers_share_one_log() {
    let dir = scratch();
    let report =
        wal_json(dir.path(), &["--method", "odsync", "--writers", "4", "--time", "200ms", "--size", "4m", "log.dat"]);
    let e = &report["wal"]["entries"][0];
    assert!(e["commits"].as_u64().unwrap() >= 4);
    assert_eq!(report["job"]["writers"], 4);
    assert!(dir.path().join("log.dat").exists(), "a named log is left in place");
}

#[test]
fn bad_input_exits_2() {
    let dir = scratch();
    for (args, needle) in [
        (&["--method", "fdatasnyc"][..], "--method"),
        (&["--file-mode", "sideways"][..], "--file-mode"),
        (&["--engine", "spdk"][..], "--engine"),
        (&["--writers", "0"][..], "--writers"),
        (&["--bs", "1000"][..], "--bs"),
        (&["--batch", "0"][..], "--batch"),
        (&["--bs", "4194304t", "--batch", "4"][..], "a commit must be between 1 byte and 64 MiB"),
    ] {
        let out = jdbio(dir.path()).arg("wal").args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

/// Cache flushes the block device `name` has completed (/sys/block/NAME/stat
/// field 16, "flush I/Os", Linux 5.5+; Documentation/block/stat.rst), or
/// None where the kernel does not count them.
fn flushes(name: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/sys/block/{name}/stat")).ok()?;
    stat.split_whitespace().nth(15)?.parse().ok()
}

#[test]
fn every_psync_commit_reaches_the_device_as_a_cache_flush() {
    let test = "every_psync_commit_reaches_the_device_as_a_cache_flush";
    let Some(dev) = common::loop_dev_or_skip(test, 16 << 20) else { return };
    let name = dev.name();
    let cache = std::fs::read_to_string(format!("/sys/block/{name}/queue/write_cache")).unwrap_or_default();
    if flushes(&name).is_none() || cache.trim() != "write back" {
        return common::skip(test, &format!("{name} counts no flushes or has no volatile cache ({})", cache.trim()));
    }
    let dir = scratch();
    let dev_path = dev.dev.to_str().unwrap();
    for engine in ["psync", "uring"] {
        for method in ["none", "fdatasync", "fsync", "odsync", "osync"] {
            let before = flushes(&name).unwrap();
            let args = ["--engine", engine, "--method", method, "--time", "200ms", "--size", "4m", "--force", dev_path];
            let report = wal_json(dir.path(), &args);
            let seen = flushes(&name).unwrap() - before;
            let commits = report["wal"]["entries"][0]["commits"].as_u64().unwrap();
            assert!(commits > 0, "{engine} {method}: {report}");
            if method == "none" {
                assert!(seen < commits / 2, "{engine} none: {seen} flushes for {commits} unsynced writes");
            } else {
                assert!(seen >= commits, "{engine} {method}: {commits} commits, the device saw {seen} flushes");
            }
        }
    }
}
