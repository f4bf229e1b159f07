//! The engine's options of `jdbio bench`, through the binary: `--engine
//! nop`, the async policy the report states, `--hipri` and `--sqpoll`.

use crate::common;

use std::path::Path;

use common::{jdbio, loop_dev_or_skip, md5, scratch};
use serde_json::Value;

/// Runs `jdbio bench ARGS --json -` in `dir` and returns the parsed report.
fn bench_json(dir: &Path, args: &[&str]) -> Value {
    let out = jdbio(dir).arg("bench").args(args).args(["--json", "-", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "jdbio bench {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `jdbio bench ARGS`, expecting the bad-input exit: returns stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = jdbio(dir).arg("bench").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "jdbio bench {args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

/// A file of `size` bytes of data that is not all zeros.
fn data_file(dir: &Path, name: &str, size: usize) -> std::path::PathBuf {
    let path = dir.join(name);
    let data: Vec<u8> = (0..size).map(|i| (i * 7 + i / 4096) as u8).collect();
    std::fs::write(&path, data).unwrap();
    path
}

#[test]
fn nop_counts_ops_through_the_ring_and_touches_no_byte() {
    let dir = scratch();
    let path = data_file(dir.path(), "t.dat", 4 << 20);
    let before = md5(&path);
    let report =
        bench_json(dir.path(), &["--engine", "nop", "--mode", "randwrite", "--ops", "5000", "--qd", "8", "t.dat"]);
    assert_eq!(md5(&path), before, "--engine nop changed the target");
    assert_eq!(report["job"]["engine"], "nop");
    assert_eq!(report["results"]["write"]["ops"], 5000);
    let ran = &report["bench"]["ran"];
    assert_eq!(ran["ops"], report["bench"]["total_ops_including_ramp"], "{ran}");
    assert!(ran["enters"].as_u64().unwrap() >= 1 && ran["enters"].as_u64() <= ran["ops"].as_u64(), "{ran}");
    assert_eq!(report["bench"]["laid_out"], false);
}

#[test]
fn nop_on_a_device_leaves_its_bytes_and_says_so_in_the_summary() {
    let Some(dev) = loop_dev_or_skip("nop_on_a_device_leaves_its_bytes_and_says_so_in_the_summary", 8 << 20) else {
        return;
    };
    std::fs::write(dev.backing(), vec![0xA5u8; 8 << 20]).unwrap();
    let before = md5(dev.backing());
    let dir = scratch();
    let out = jdbio(dir.path())
        .arg("bench")
        .arg(&dev.dev)
        .args(["--engine", "nop", "--mode", "write", "--ops", "3000", "--qd", "4"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(md5(dev.backing()), before, "--engine nop changed the device");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("engine: nop (IORING_OP_NOP, no data moved)"), "{summary}");
}

#[test]
fn nop_refuses_a_missing_target_verify_and_hipri() {
    let dir = scratch();
    let err = refused(dir.path(), &["--engine", "nop", "--ops", "10", "new.dat"]);
    assert!(err.contains("--engine nop") && err.contains("new.dat"), "{err}");
    assert!(!dir.path().join("new.dat").exists(), "nop created its target");
    data_file(dir.path(), "t.dat", 1 << 20);
    let err = refused(dir.path(), &["--engine", "nop", "--verify", "--ops", "10", "t.dat"]);
    assert!(err.contains("--verify"), "{err}");
    let err = refused(dir.path(), &["--engine", "nop", "--hipri", "--ops", "10", "t.dat"]);
    assert!(err.contains("--hipri"), "{err}");
}

/// Whether `path` takes a non-blocking Direct I/O read of its first 4 KiB
/// (what `--async auto` asks the target).
fn takes_nowait_reads(path: &Path) -> bool {
    use std::os::{fd::AsRawFd, unix::fs::OpenOptionsExt};
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_DIRECT).open(path).unwrap();
    let layout = std::alloc::Layout::from_size_align(4096, 4096).unwrap();
    // SAFETY: a 4 KiB aligned buffer, freed below; one iovec over it.
    unsafe {
        let buf = std::alloc::alloc(layout);
        let iov = libc::iovec { iov_base: buf.cast(), iov_len: 4096 };
        let n = libc::preadv2(file.as_raw_fd(), &iov, 1, 0, libc::RWF_NOWAIT);
        std::alloc::dealloc(buf, layout);
        n == 4096
    }
}

/// `--async auto` on `target`: on exactly where the target refuses a
/// non-blocking read, and the report says why; `--async off` and `on` as asked.
fn check_async_policy(dir: &Path, target: &str) {
    let report = bench_json(dir, &["--ops", "500", "--qd", "4", target]);
    let policy = &report["bench"]["async"];
    assert_eq!(policy["asked"], "auto");
    assert_eq!(report["job"]["async"], "auto");
    // A relative target is in `dir` (join keeps an absolute one as it is).
    let refuses = !takes_nowait_reads(&dir.join(target));
    assert_eq!(policy["on"], refuses, "{target}: {policy}");
    let why = policy["why"].as_str().unwrap();
    assert!(why.starts_with("auto: the target") && why.contains("non-blocking reads"), "{policy}");
    assert_eq!(report["bench"]["ran"]["force_async"], policy["on"]);
    for (asked, on) in [("off", false), ("on", true)] {
        let report = bench_json(dir, &["--ops", "500", "--qd", "4", "--async", asked, target]);
        assert_eq!(report["bench"]["async"]["on"], on, "{target} --async {asked}");
        assert_eq!(report["bench"]["async"]["why"], format!("--async {asked}"));
        assert_eq!(report["bench"]["ran"]["force_async"], on);
        assert_eq!(report["results"]["read"]["ops"], 500);
    }
}

#[test]
fn async_auto_follows_what_a_file_on_ext4_and_one_on_tmpfs_take() {
    let dir = scratch();
    data_file(dir.path(), "t.dat", 4 << 20);
    check_async_policy(dir.path(), "t.dat");
    let shm = tempfile::Builder::new().prefix("jdbio-async-").tempdir_in("/dev/shm");
    let Ok(shm) = shm else {
        common::skip("async_auto_follows_what_a_file_on_ext4_and_one_on_tmpfs_take", "no /dev/shm");
        return;
    };
    let path = data_file(shm.path(), "t.dat", 4 << 20);
    check_async_policy(dir.path(), path.to_str().unwrap());
}

#[test]
fn async_auto_follows_what_a_loop_device_takes() {
    let Some(dev) = loop_dev_or_skip("async_auto_follows_what_a_loop_device_takes", 8 << 20) else {
        return;
    };
    check_async_policy(scratch().path(), dev.dev.to_str().unwrap());
}

#[test]
fn hipri_is_refused_on_a_file_and_on_a_loop_device_before_any_io() {
    let dir = scratch();
    let path = data_file(dir.path(), "t.dat", 1 << 20);
    let before = md5(&path);
    let err = refused(dir.path(), &["--hipri", "--mode", "randwrite", "--ops", "100", "t.dat"]);
    assert!(err.contains("--hipri") && err.contains("not a block device"), "{err}");
    assert_eq!(md5(&path), before);
    let Some(dev) = loop_dev_or_skip("hipri_is_refused_on_a_file_and_on_a_loop_device_before_any_io", 8 << 20) else {
        return;
    };
    std::fs::write(dev.backing(), vec![0x5Au8; 8 << 20]).unwrap();
    let before = md5(dev.backing());
    let err = refused(dir.path(), &["--hipri", "--mode", "randwrite", "--ops", "100", dev.dev.to_str().unwrap()]);
    assert!(err.contains("--hipri") && err.contains("poll queues"), "{err}");
    assert_eq!(md5(dev.backing()), before);
}

#[test]
fn sqpoll_runs_on_a_loop_device_with_sane_results() {
    let Some(dev) = loop_dev_or_skip("sqpoll_runs_on_a_loop_device_with_sane_results", 8 << 20) else {
        return;
    };
    let dir = scratch();
    let out = jdbio(dir.path())
        .arg("bench")
        .arg(&dev.dev)
        .args(["--sqpoll", "--ops", "2000", "--qd", "8", "--json", "-", "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        // A kernel that refuses SQPOLL must say so, naming the flag.
        assert!(stderr.contains("--sqpoll"), "{stderr}");
        return;
    }
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ran = &report["bench"]["ran"];
    assert!(ran["ring_flags"].as_array().unwrap().iter().any(|f| f == "SQPOLL"), "{ran}");
    assert_eq!(report["job"]["sqpoll"], true);
    let read = &report["results"]["read"];
    assert_eq!((read["ops"].as_u64(), read["errors"].as_u64()), (Some(2000), Some(0)), "{read}");
    assert_eq!(read["bytes"], 2000 * 4096);
}
