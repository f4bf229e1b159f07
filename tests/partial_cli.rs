//! A mid-run error in `wal` and `prealloc` (ENOSPC on a small loop-mounted
//! ext4, EIO from the FUSE fault filesystem) ends in the partial report:
//! the rows that completed, the error in the command's section, exit 2,
//! and the scratch files removed.

mod common;

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
