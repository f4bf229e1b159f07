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

#[test]
fn every_method_has_sane_numbers() {
    let dir = scratch();
    let report = wal_json(dir.path(), &["--time", "300ms", "--size", "8m"]);
    assert_eq!(report["command"], "wal");
    let entries = report["wal"]["entries"].as_array().unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e["method"].as_str().unwrap()).collect();
    assert_eq!(names, ["none", "odsync", "fdatasync", "fsync", "osync", "rwf-dsync", "buffered-fdatasync"]);
    for e in entries {
        assert_eq!(e["supported"], true, "{e}");
        assert!(e["commits"].as_u64().unwrap() > 0, "{e}");
        check_latency(&e["commit_latency_ns"]);
        check_latency(&e["write_latency_ns"]);
        let separate = ["fdatasync", "fsync", "buffered-fdatasync"].contains(&e["method"].as_str().unwrap());
        assert_eq!(e["sync_latency_ns"].is_object(), separate, "{e}");
        if separate {
            check_latency(&e["sync_latency_ns"]);
        }
    }
    assert!(!dir.path().join("jdbio-wal.dat").exists(), "the scratch log is removed");
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
