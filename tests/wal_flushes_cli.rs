//! `jdbio wal` reports the cache flushes, writes and bytes the block device
//! under the log saw per commit (`device_io`), on ext4 over a loop device
//! (root; skipped with a reason otherwise), and says why there are none on
//! tmpfs.

use crate::common;

use common::{Mount, jdbio, scratch};
use serde_json::Value;

fn wal(dir: &std::path::Path, args: &[&str]) -> (Value, String) {
    let json = dir.join("wal.json");
    let out = jdbio(dir).arg("wal").args(args).arg("--json").arg(&json).output().unwrap();
    assert!(out.status.success(), "jdbio wal {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let report = serde_json::from_slice(&std::fs::read(&json).unwrap()).expect("a JSON report");
    (report, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn row<'a>(report: &'a Value, method: &str) -> &'a Value {
    let entries = report["wal"]["entries"].as_array().unwrap();
    entries.iter().find(|e| e["method"] == method).unwrap_or_else(|| panic!("no {method} row: {report}"))
}

/// The summary's flush/c column (the row's last word) for `method`.
fn summary_flushes_per_commit(summary: &str, method: &str) -> f64 {
    let line = summary.lines().find(|l| l.split_whitespace().next() == Some(method)).expect("a row");
    line.split_whitespace().last().unwrap().parse().unwrap_or_else(|_| panic!("no flush/c in {line}"))
}

#[test]
fn fdatasync_commits_each_cost_a_device_flush_and_unsynced_writes_none() {
    let test = "fdatasync_commits_each_cost_a_device_flush_and_unsynced_writes_none";
    let Some(dev) = common::loop_dev_or_skip(test, 64 << 20) else { return };
    let cache = std::fs::read_to_string(format!("/sys/block/{}/queue/write_cache", dev.name())).unwrap_or_default();
    if cache.trim() != "write back" {
        return common::skip(test, &format!("{} has no volatile write cache ({})", dev.name(), cache.trim()));
    }
    dev.mkfs_ext4();
    let mount = Mount::new(&dev.dev);
    let log = mount.path().join("w.log");
    let dir = scratch();
    for engine in ["psync", "uring"] {
        let args = ["--engine", engine, "--method", "fdatasync,none", "--time", "300ms", "--size", "4m"];
        let (report, summary) = wal(dir.path(), &[&args[..], &[log.to_str().unwrap()]].concat());
        for method in ["fdatasync", "none"] {
            let e = row(&report, method);
            let io = &e["device_io"];
            let commits = e["commits"].as_u64().unwrap();
            let flushes = io["flushes"].as_u64().unwrap_or_else(|| panic!("{engine} {method}: {io}"));
            assert_eq!(io["device"], dev.name(), "{engine} {method}: {io}");
            assert!(io["unavailable"].is_null(), "{engine} {method}: {io}");
            assert!(commits > 0, "{engine} {method}: {e}");
            let per_commit = io["flushes_per_commit"].as_f64().unwrap();
            assert!((per_commit - flushes as f64 / commits as f64).abs() < 1e-9, "{io}");
            // Each commit's bytes reached the device (an O_DIRECT write).
            assert!(io["written_bytes_per_commit"].as_f64().unwrap() >= 8192.0, "{engine} {method}: {io}");
            let shown = summary_flushes_per_commit(&summary, method);
            if method == "fdatasync" {
                assert!(flushes >= commits, "{engine}: {commits} fdatasync commits, {flushes} device flushes");
                assert!(shown >= 1.0, "{engine}: {summary}");
            } else {
                // The journal's periodic commit may flush once or twice.
                assert!(
                    flushes <= 2 && flushes < commits / 10,
                    "{engine}: {commits} unsynced writes, {flushes} flushes"
                );
                assert!(shown < 0.1, "{engine}: {summary}");
            }
        }
        assert!(summary.contains("flush/c"), "{summary}");
        let warnings = report["wal"]["warnings"].as_array().unwrap();
        assert!(!warnings.iter().any(|w| w.as_str().unwrap().contains("flushes per commit")), "{warnings:?}");
    }
}

/// A block device's cache declared write-through (queue/write_cache) until
/// dropped, then write-back again.
struct WriteThrough(String);

impl WriteThrough {
    fn set(name: &str) -> Self {
        let file = format!("/sys/block/{name}/queue/write_cache");
        std::fs::write(&file, "write through").unwrap();
        Self(file)
    }
}

impl Drop for WriteThrough {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.0, "write back");
    }
}

#[test]
fn a_device_that_drops_flushes_shows_none_per_commit() {
    let test = "a_device_that_drops_flushes_shows_none_per_commit";
    let Some(dev) = common::loop_dev_or_skip(test, 16 << 20) else { return };
    // Declaring the cache write-through makes the block layer drop every
    // flush before the device: the fdatasync path then costs none. The
    // setting outlives the loop device's detach, so it is put back.
    let _write_through = WriteThrough::set(&dev.name());
    let dir = scratch();
    let args = ["--method", "fdatasync", "--time", "200ms", "--size", "4m", "--force", dev.dev.to_str().unwrap()];
    let (report, summary) = wal(dir.path(), &args);
    let e = row(&report, "fdatasync");
    assert_eq!(e["device_io"]["device"], dev.name());
    assert!(e["commits"].as_u64().unwrap() > 10, "{e}");
    assert!(e["device_io"]["flushes_per_commit"].as_f64().unwrap() < 0.1, "{e}");
    assert!(summary_flushes_per_commit(&summary, "fdatasync") < 0.1, "{summary}");
}

#[test]
fn on_tmpfs_the_device_counts_are_null_with_the_reason() {
    let test = "on_tmpfs_the_device_counts_are_null_with_the_reason";
    let Ok(shm) = tempfile::tempdir_in("/dev/shm") else { return common::skip(test, "no /dev/shm") };
    let dir = scratch();
    let log = shm.path().join("w.log");
    let (report, summary) =
        wal(dir.path(), &["--method", "fdatasync,none", "--time", "100ms", "--size", "1m", log.to_str().unwrap()]);
    for method in ["fdatasync", "none"] {
        let io = &row(&report, method)["device_io"];
        assert!(io["device"].is_null() && io["flushes"].is_null() && io["flushes_per_commit"].is_null(), "{io}");
        assert!(io["writes"].is_null() && io["written_bytes_per_commit"].is_null(), "{io}");
        let why = io["unavailable"].as_str().unwrap_or_else(|| panic!("no reason: {io}"));
        assert!(why.contains("no block device") && why.contains(log.to_str().unwrap()), "{why}");
        let line = summary.lines().find(|l| l.split_whitespace().next() == Some(method)).unwrap();
        assert!(line.ends_with(" -"), "{line}");
    }
}

/// A busy loop pinned to CPU 0, killed on drop.
struct Hog(std::process::Child);

impl Drop for Hog {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn commits_that_wait_for_a_busy_cpu_are_reported_and_warned_about() {
    // jdbio and a busy loop share CPU 0: every commit (a 1 MiB copy on
    // tmpfs, no device) is runnable about half the time without running.
    // The busy loop is a load no measurement of another test may run beside.
    let _quiet = common::quiet_machine();
    let hog = std::process::Command::new("taskset").args(["-c", "0", "sh", "-c", "while :; do :; done"]).spawn();
    let Ok(hog) = hog.map(Hog) else { return common::skip("commits_that_wait_for_a_busy_cpu", "no taskset") };
    let shm = tempfile::tempdir_in("/dev/shm").expect("/dev/shm");
    let log = shm.path().join("w.log");
    let dir = scratch();
    let json = dir.path().join("wal.json");
    let out = std::process::Command::new("taskset")
        .args(["-c", "0", env!("CARGO_BIN_EXE_jdbio"), "wal", "--method", "fdatasync", "--bs", "1m", "--time", "300ms"])
        .args(["--size", "16m", "--json"])
        .args([&json, &log])
        .current_dir(dir.path())
        .output()
        .unwrap();
    drop(hog);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let e = row(&report, "fdatasync");
    let waited_s = e["runqueue_wait_per_commit_ns"].as_f64().unwrap() * e["commits"].as_f64().unwrap() / 1e9;
    assert!(waited_s > 0.25 * e["duration_s"].as_f64().unwrap(), "{waited_s} s waited: {e}");
    let warnings = report["wal"]["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("waited for a CPU")), "{warnings:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("waited for a CPU"), "the summary shows the warning");
}
