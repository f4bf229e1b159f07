//! A mid-run error in `wal` and `prealloc` (ENOSPC on a small loop-mounted
//! ext4, EIO from the FUSE fault filesystem) ends in the partial report:
//! the rows that completed, the error in the command's section, exit 2,
//! and the scratch files removed.

use crate::common;

use std::path::Path;

use common::{FaultFs, LoopDev, Mount, jdbio, loop_dev_or_skip, scratch, skip};
use serde_json::Value;

/// A small ext4 filesystem on a loop device, mounted (the mount goes
/// before the device).
struct SmallFs {
    mount: Mount,
    _dev: LoopDev,
}

impl SmallFs {
    fn new(test: &str) -> Option<Self> {
        let dev = loop_dev_or_skip(test, 16 << 20)?;
        dev.mkfs_ext4();
        Some(Self { mount: Mount::new(&dev.dev), _dev: dev })
    }

    fn path(&self) -> &Path {
        self.mount.path()
    }
}

/// Runs jdbio with `args` plus `--json r.json` in a fresh directory; returns
/// the exit code, stderr and the report.
fn run(args: &[&str]) -> (Option<i32>, String, Value) {
    let dir = scratch();
    let out = jdbio(dir.path()).args(args).args(["--json", "r.json", "--quiet"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let text = std::fs::read(dir.path().join("r.json")).unwrap_or_default();
    let report = serde_json::from_slice(&text).unwrap_or_else(|e| panic!("no report ({e}); stderr: {err}"));
    (out.status.code(), err, report)
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("t.dat."))
        .collect()
}

#[test]
fn prealloc_out_of_space_keeps_the_modes_that_completed() {
    let Some(fs) = SmallFs::new("prealloc_out_of_space_keeps_the_modes_that_completed") else { return };
    let target = fs.path().join("t.dat");
    let target = target.to_str().unwrap();
    let (code, err, r) =
        run(&["prealloc", "--mode", "none,zero-fill", "--size", "64m", "--writes", "16", "--bs", "4k", target]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("No space left"), "{err}");
    let entries = r["prealloc"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{r}");
    assert_eq!((entries[0]["mode"].as_str(), entries[0]["writes"].as_u64()), (Some("none"), Some(16)), "{r}");
    assert!(r["prealloc"]["error"].as_str().unwrap().contains("No space left"), "{r}");
    assert!(leftovers(fs.path()).is_empty(), "{:?}", leftovers(fs.path()));
}

#[test]
fn prealloc_eio_keeps_the_modes_that_completed() {
    let fault = match FaultFs::mount(&[(64 << 10, 4096)], false) {
        Ok(f) => f,
        Err(why) => return skip("prealloc_eio_keeps_the_modes_that_completed", &why),
    };
    let target = fault.mnt.join("t.dat");
    let target = target.to_str().unwrap();
    // none writes 4 KiB blocks below 64 KiB; zero-fill crosses the bad range.
    let (code, err, r) =
        run(&["prealloc", "--mode", "none,zero-fill", "--size", "1m", "--writes", "8", "--bs", "4k", target]);
    assert_eq!(code, Some(2), "{err}");
    let entries = r["prealloc"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{r}");
    assert_eq!(entries[0]["writes"].as_u64(), Some(8), "{r}");
    assert!(r["prealloc"]["error"].as_str().unwrap().contains("Input/output error"), "{r}");
    assert!(leftovers(&fault.mnt).is_empty(), "{:?}", leftovers(&fault.mnt));
}

#[test]
fn prealloc_eio_during_the_writes_keeps_the_writes_before_it() {
    let fault = match FaultFs::mount(&[(16 << 10, 4096)], false) {
        Ok(f) => f,
        Err(why) => return skip("prealloc_eio_during_the_writes_keeps_the_writes_before_it", &why),
    };
    let target = fault.mnt.join("t.dat");
    let target = target.to_str().unwrap();
    // Writes 0..3 (below 16 KiB) succeed, write 4 meets EIO.
    let (code, err, r) = run(&["prealloc", "--mode", "none", "--size", "1m", "--writes", "8", "--bs", "4k", target]);
    assert_eq!(code, Some(2), "{err}");
    let entry = &r["prealloc"]["entries"][0];
    assert_eq!(entry["writes"].as_u64(), Some(4), "{r}");
    assert!(entry["note"].as_str().unwrap().contains("Input/output error"), "{r}");
    assert!(r["prealloc"]["error"].as_str().unwrap().contains("Input/output error"), "{r}");
    assert!(leftovers(&fault.mnt).is_empty(), "{:?}", leftovers(&fault.mnt));
}

#[test]
fn wal_out_of_space_keeps_the_commits_made_before_it() {
    let Some(fs) = SmallFs::new("wal_out_of_space_keeps_the_commits_made_before_it") else { return };
    let target = fs.path().join("w.dat");
    let target = target.to_str().unwrap();
    let (code, err, r) =
        run(&["wal", "--method", "none", "--file-mode", "append", "--size", "64m", "--time", "10m", target]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("No space left"), "{err}");
    assert_eq!(r["command"], "wal");
    assert!(r["wal"]["error"].as_str().unwrap().contains("No space left"), "{r}");
    // The 16 MiB filesystem holds a few MiB of 4 KiB commits before it is full.
    let entry = &r["wal"]["entries"][0];
    assert!(entry["commits"].as_u64().unwrap() > 100, "{r}");
    assert!(entry["note"].as_str().unwrap().contains("No space left"), "{r}");
}

/// Fills `dir`'s filesystem to the last block (as root, the reserved blocks
/// too) with a file named `ballast`.
fn fill(dir: &Path) {
    let ballast = dir.join("ballast");
    // Large blocks first, then the small ones left over (to the last 1 KiB block).
    for bs in ["bs=1M", "bs=4k", "bs=1k"] {
        let _ = std::process::Command::new("dd")
            .args(["if=/dev/zero", bs, "status=none", "oflag=append", "conv=notrunc"])
            .arg(format!("of={}", ballast.display()))
            .stderr(std::process::Stdio::null())
            .status();
    }
    assert!(std::fs::metadata(&ballast).is_ok_and(|m| m.len() > 0), "no ballast written");
}

/// A report that cannot be written (the disk it goes to is full) fails the
/// run with exit 2, and leaves the old report of that name byte for byte,
/// no half-written new one, and no new file where none was.
#[test]
fn a_report_that_cannot_be_written_keeps_the_old_one() {
    let Some(fs) = SmallFs::new("a_report_that_cannot_be_written_keeps_the_old_one") else { return };
    let old = fs.path().join("old.json");
    let earlier = format!("{{\"schema\":\"jdbio.report/2\",\"note\":\"{}\"}}\n", "x".repeat(300));
    std::fs::write(&old, &earlier).unwrap();
    fill(fs.path());
    let dir = scratch();
    std::fs::write(dir.path().join("t.dat"), vec![3u8; 4 << 20]).unwrap();
    for (json, existed) in [(&old, true), (&fs.path().join("new.json"), false)] {
        let out = jdbio(dir.path())
            .args(["bench", "t.dat", "--ops", "200", "--ramp", "0", "-q", "--json"])
            .arg(json)
            .output();
        let out = out.unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("--json {}: cannot write", json.display())) && err.contains("No space left"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        match existed {
            true => assert_eq!(std::fs::read_to_string(json).unwrap(), earlier, "the old report lost its bytes"),
            false => assert!(!json.exists(), "a report that was never written is left behind"),
        }
        let mut names: Vec<String> = std::fs::read_dir(fs.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["ballast", "lost+found", "old.json"], "nothing half-written is left beside the report");
    }
}

/// `verify --write` that runs out of space while it allocates the target
/// ends in a report stating the failure (before: no report at all).
#[test]
fn verify_out_of_space_while_allocating_ends_in_a_report() {
    let Some(fs) = SmallFs::new("verify_out_of_space_while_allocating_ends_in_a_report") else { return };
    let target = fs.path().join("v.dat");
    let (code, err, r) = run(&["verify", "--write", "--size", "64m", target.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("No space left"), "{err}");
    assert_eq!((r["command"].as_str(), r["ended"]["status"].as_str()), (Some("verify"), Some("failed")), "{r}");
    assert!(r["ended"]["error"].as_str().unwrap().contains("No space left"), "{r}");
}

/// A bench that hits EIO exits 2 and says so in its report (`ended`:
/// failed, with the error); the gate refuses that report on either side,
/// naming it, where it used to pass it.
#[test]
fn a_bench_stopped_by_eio_is_a_failed_run_the_gate_refuses() {
    let test = "a_bench_stopped_by_eio_is_a_failed_run_the_gate_refuses";
    let fault = match FaultFs::mount(&[(4 << 20, 4096)], false) {
        Ok(f) => f,
        Err(why) => return skip(test, &why),
    };
    std::fs::write(fault.source_dir().join("t.dat"), vec![5u8; 8 << 20]).unwrap();
    let dir = scratch();
    let target = fault.mnt.join("t.dat");
    let args = ["bench", target.to_str().unwrap(), "--mode", "read", "--bs", "4k", "--time", "5", "--ramp", "0"];
    let out = jdbio(dir.path()).args(args).args(["--json", "failed.json", "-q"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let r: Value = serde_json::from_slice(&std::fs::read(dir.path().join("failed.json")).unwrap()).unwrap();
    assert_eq!(r["ended"]["status"], "failed", "{r}");
    assert!(r["ended"]["error"].as_str().unwrap().contains("Input/output error"), "{r}");
    assert_eq!(r["interrupted"], false, "{r}");
    // The same report as an older jdbio wrote it (no `ended`: its failed
    // operations tell), and as a run that completed, to pair it with.
    let mut older = r.clone();
    older.as_object_mut().unwrap().remove("ended");
    std::fs::write(dir.path().join("older.json"), older.to_string()).unwrap();
    let mut whole = older.clone();
    whole["results"]["read"]["errors"] = 0.into();
    std::fs::write(dir.path().join("whole.json"), whole.to_string()).unwrap();
    let gate = |base: &str, cur: &str| jdbio(dir.path()).args(["gate", "--baseline", base, cur]).output().unwrap();
    let io_error = "failed.json: the run failed (";
    let older_error = "failed operations (the report does not say how the run ended)";
    for (base, cur, why) in [
        ("failed.json", "failed.json", io_error),
        ("whole.json", "failed.json", io_error),
        ("failed.json", "whole.json", io_error),
        ("older.json", "whole.json", older_error),
        ("whole.json", "older.json", "older.json: the run failed ("),
    ] {
        let out = gate(base, cur);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "gate {base} {cur}: {err}");
        assert!(err.contains(why), "gate {base} {cur}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // One run a side: judged, and undecided (exit 3), not refused.
    assert_eq!(gate("whole.json", "whole.json").status.code(), Some(3), "the completed run is judged");
}
