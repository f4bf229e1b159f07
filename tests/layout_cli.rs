//! `jdbio bench`'s layout driven through the binary: it writes only what
//! holds no data (bytes compared before and after), resumes after Ctrl-C or
//! a full disk, creates missing file targets (never under /dev), lays
//! verify blocks on the plan's grid, and refuses out-of-range flags.

use crate::common;

use std::{
    fs::File,
    ops::Range,
    os::{fd::AsRawFd, unix::fs::FileExt},
    path::Path,
    process::Command,
};

use common::{FaultFs, Mount, jdbio, loop_dev_or_skip, scratch, skip};
use serde_json::Value;

const MIB: u64 = 1 << 20;

/// Runs `jdbio bench ARGS --json -` in `dir` and returns the parsed report.
fn bench_json(dir: &Path, args: &[&str]) -> Value {
    let out = jdbio(dir).arg("bench").args(args).args(["--json", "-", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "jdbio bench {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `len` incompressible bytes from `seed` (splitmix64).
fn random_bytes(seed: u64, len: u64) -> Vec<u8> {
    let mut x = seed;
    let mut out = Vec::with_capacity(len as usize);
    while (out.len() as u64) < len {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len as usize);
    out
}

/// Writes `data` at `offset` of `path` (created if missing) and syncs.
fn write_at(path: &Path, offset: u64, data: &[u8]) {
    let file = File::options().create(true).truncate(false).write(true).open(path).unwrap();
    file.write_all_at(data, offset).unwrap();
    file.sync_all().unwrap();
}

fn read_range(path: &Path, r: Range<u64>) -> Vec<u8> {
    let mut buf = vec![0u8; (r.end - r.start) as usize];
    File::open(path).unwrap().read_exact_at(&mut buf, r.start).unwrap();
    buf
}

/// The ranges of `[0, end)` holding data, as the filesystem reports them.
fn data_ranges(path: &Path, end: u64) -> Vec<Range<u64>> {
    let file = File::open(path).unwrap();
    let fd = file.as_raw_fd();
    let mut out = Vec::new();
    let mut at = 0i64;
    while (at as u64) < end {
        // SAFETY: lseek on an open descriptor.
        let data = unsafe { libc::lseek(fd, at, libc::SEEK_DATA) };
        if data < 0 {
            break;
        }
        // SAFETY: as above.
        let hole = unsafe { libc::lseek(fd, data, libc::SEEK_HOLE) };
        out.push(data as u64..(hole as u64).min(end));
        at = hole;
    }
    out
}

/// True when every byte of `[0, end)` holds data: no hole, no unwritten extent.
fn fully_written(path: &Path, end: u64) -> bool {
    matches!(data_ranges(path, end).as_slice(), [only] if *only == (0..end))
}

#[test]
fn a_read_mode_keeps_existing_data_and_lays_out_only_the_tail() {
    let dir = scratch();
    let path = dir.path().join("s.dat");
    let data = random_bytes(1, 8 * MIB);
    write_at(&path, 0, &data);
    File::options().write(true).open(&path).unwrap().set_len(16 * MIB).unwrap();
    let out = jdbio(dir.path()).args(["bench", "s.dat", "--time", "1", "--ramp", "0"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(read_range(&path, 0..8 * MIB), data, "the first 8 MiB held data and must not change");
    assert!(fully_written(&path, 16 * MIB), "the hole was laid out");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("8.00 MiB of the region held no data") && text.contains("not touched"), "{text}");
    let again = bench_json(dir.path(), &["s.dat", "--ops", "10", "--ramp", "0"]);
    assert_eq!(again["bench"]["laid_out_bytes"], 0, "nothing left to lay out");
    assert_eq!(again["bench"]["laid_out"], false);
}

#[test]
fn an_offset_past_the_end_of_a_file_lays_out_only_the_region_with_grow() {
    let dir = scratch();
    let path = dir.path().join("e.dat");
    let data = random_bytes(2, 64 * MIB);
    write_at(&path, 0, &data);
    let report =
        bench_json(dir.path(), &["e.dat", "--offset", "1g", "--size", "16m", "--ops", "100", "--ramp", "0", "--grow"]);
    assert_eq!(read_range(&path, 0..64 * MIB), data, "the existing 64 MiB must not change");
    assert_eq!(report["bench"]["laid_out_bytes"], 16 * MIB, "only [1g, 1g + 16m) is laid out");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 1024 * MIB + 16 * MIB);
    assert_eq!(data_ranges(&path, 2048 * MIB), vec![0..64 * MIB, 1024 * MIB..1040 * MIB]);
}

#[test]
fn data_hole_data_keeps_both_data_ranges_in_read_and_write_modes() {
    let dir = scratch();
    let path = dir.path().join("h.dat");
    let (a, b) = (random_bytes(3, 4 * MIB), random_bytes(4, 4 * MIB));
    write_at(&path, 0, &a);
    write_at(&path, 8 * MIB, &b);
    let report = bench_json(dir.path(), &["h.dat", "--ops", "100", "--ramp", "0"]);
    assert_eq!(report["bench"]["laid_out_bytes"], 4 * MIB);
    assert_eq!(read_range(&path, 0..4 * MIB), a);
    assert_eq!(read_range(&path, 8 * MIB..12 * MIB), b);
    assert!(fully_written(&path, 12 * MIB));

    let path = dir.path().join("w.dat");
    write_at(&path, 0, &a);
    write_at(&path, 8 * MIB, &b);
    let report = bench_json(dir.path(), &["w.dat", "--mode", "randwrite", "--ops", "1", "--ramp", "0"]);
    assert_eq!(report["bench"]["laid_out_bytes"], 4 * MIB, "a write mode also lays out only the hole");
}

#[test]
fn fallocated_but_unwritten_extents_are_laid_out() {
    let dir = scratch();
    let path = dir.path().join("f.dat");
    let ok = Command::new("fallocate").args(["-l", "16M"]).arg(&path).status().unwrap().success();
    assert!(ok, "fallocate");
    let data = random_bytes(5, 4 * MIB);
    write_at(&path, 4 * MIB, &data);
    let report = bench_json(dir.path(), &["f.dat", "--ops", "100", "--ramp", "0"]);
    // Also the first 128 KiB, which the target probe read through the page
    // cache (cached zeros of an unwritten extent look like data to SEEK_DATA).
    assert_eq!(report["bench"]["laid_out_bytes"], 12 * MIB, "unwritten extents read zeros without I/O");
    assert_eq!(read_range(&path, 4 * MIB..8 * MIB), data);
    assert!(fully_written(&path, 16 * MIB));
}

#[test]
fn a_layout_that_ran_out_of_space_is_finished_by_the_next_run() {
    let test = "a_layout_that_ran_out_of_space_is_finished_by_the_next_run";
    let Some(dev) = loop_dev_or_skip(test, 96 * MIB) else { return };
    dev.mkfs_ext4();
    let fs = Mount::new(&dev.dev);
    let path = fs.path().join("t.dat");
    let data = random_bytes(6, 8 * MIB);
    write_at(&path, 0, &data);
    let ballast = fs.path().join("ballast");
    let keep_free = 16 * MIB;
    let ballast_len = (fs.free_bytes() - keep_free).to_string();
    assert!(Command::new("fallocate").args(["-l", &ballast_len]).arg(&ballast).status().unwrap().success());
    let args = ["bench", "t.dat", "--size", "40m", "--ops", "100", "--ramp", "0", "--grow"];
    let out = jdbio(fs.path()).args(args).arg("--quiet").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("No space left") && err.contains("the next run finishes the layout"), "{err}");
    assert_eq!(read_range(&path, 0..8 * MIB), data);
    // ext4 kept what it preallocated: a longer file of unwritten extents,
    // which must not pass for laid out.
    assert!(std::fs::metadata(&path).unwrap().len() > 8 * MIB, "no partial preallocation to resume from");

    std::fs::remove_file(&ballast).unwrap();
    let report = bench_json(fs.path(), &args[1..]);
    assert_eq!(report["bench"]["laid_out_bytes"], 32 * MIB);
    assert_eq!(read_range(&path, 0..8 * MIB), data, "data written before is unchanged");
    assert!(fully_written(&path, 40 * MIB), "no unwritten extent is left to read zeros from");
}

#[test]
fn a_layout_stopped_by_ctrl_c_is_finished_by_the_next_run() {
    let dir = scratch();
    let path = dir.path().join("big.dat");
    let size = 2048 * MIB;
    let args = ["bench", "big.dat", "--size", "2g", "--ops", "10", "--ramp", "0"];
    let child = Command::new(env!("CARGO_BIN_EXE_jdbio"))
        .args(args)
        .args(["--quiet", "--json", "first.json"])
        .current_dir(dir.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let polled = std::time::Instant::now();
    while !path.exists() || data_ranges(&path, size).is_empty() {
        assert!(polled.elapsed().as_secs() < 120, "the layout wrote nothing in 120 s");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // SAFETY: kill with a pid this test spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted while laying out") && err.contains("the next run finishes"), "{err}");
    // The run ends in its report all the same: the job, how it ended.
    let first: Value = serde_json::from_slice(&std::fs::read(dir.path().join("first.json")).unwrap()).unwrap();
    assert_eq!(first["ended"], serde_json::json!({"status": "interrupted", "signal": "SIGINT"}), "{first}");
    assert_eq!((first["job"]["size_bytes"].as_u64(), first["bench"]["created"].as_bool()), (Some(size), Some(true)));
    std::fs::remove_file(dir.path().join("first.json")).unwrap();
    let written = data_ranges(&path, size);
    let written_bytes: u64 = written.iter().map(|r| r.end - r.start).sum();
    assert!(written_bytes < size, "the layout finished before Ctrl-C arrived; nothing to resume");
    let samples: Vec<(Range<u64>, Vec<u8>)> = written
        .iter()
        .flat_map(|r| [r.start..r.start + 4096, r.end - 4096..r.end])
        .map(|r| (r.clone(), read_range(&path, r)))
        .collect();

    let report = bench_json(dir.path(), &args[1..]);
    assert_eq!(report["bench"]["laid_out_bytes"], size - written_bytes, "only what was left");
    for (r, bytes) in samples {
        assert_eq!(read_range(&path, r.clone()), bytes, "bytes at {r:?} laid out by the first run changed");
    }
    assert!(fully_written(&path, size));
}

#[test]
fn a_missing_file_is_created_in_a_read_mode_and_the_summary_says_so() {
    let dir = scratch();
    std::fs::create_dir(dir.path().join("results")).unwrap();
    let out = jdbio(dir.path())
        .args(["bench", "--time", "1", "--ramp", "0", "--size", "4m", "results/perf.dat"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the file was created and laid out with 4.00 MiB of random data"), "{text}");
    assert!(fully_written(&dir.path().join("results/perf.dat"), 4 * MIB));

    let report = bench_json(dir.path(), &["--mode", "read", "--ops", "10", "--size", "4m", "new.dat"]);
    assert_eq!(report["bench"]["created"], true);
    assert_eq!(report["bench"]["laid_out_bytes"], 4 * MIB);

    let out = jdbio(dir.path()).args(["bench", "--ops", "10", "nodir/perf.dat"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("directory nodir does not exist"));
}

#[test]
fn a_mistyped_device_under_dev_names_the_closest_devices() {
    let test = "a_mistyped_device_under_dev_names_the_closest_devices";
    let Some(dev) = loop_dev_or_skip(test, 16 * MIB) else { return };
    let name = dev.name();
    let typo = format!("/dev/{}", name.replacen("loop", "lop", 1));
    for mode in ["randread", "write"] {
        let out = jdbio(Path::new("/")).args(["bench", "--mode", mode, "--ops", "1", &typo]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("{typo}: no such block device")), "{err}");
        assert!(err.contains(&format!("did you mean /dev/{name}")), "closest first: {err}");
        assert!(!Path::new(&typo).exists(), "a file was created in devtmpfs");
    }
}

#[test]
fn durations_too_long_for_the_clock_are_refused_naming_the_flag() {
    let dir = scratch();
    let path = dir.path().join("d.dat");
    let data = random_bytes(7, 4 * MIB);
    write_at(&path, 0, &data);
    let huge = "18000000000000000000s";
    for (command, flag) in [("bench", "--time"), ("bench", "--ramp"), ("bench", "--interval"), ("wal", "--time")] {
        let out = jdbio(dir.path()).args([command, "d.dat", flag, huge]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command} {flag}: {err}");
        assert!(err.contains(flag) && err.contains("at most 365 days") && !err.contains("panicked"), "{err}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), data);
}

#[test]
fn an_offset_past_the_end_of_a_device_is_named() {
    let test = "an_offset_past_the_end_of_a_device_is_named";
    let Some(dev) = loop_dev_or_skip(test, 16 * MIB) else { return };
    for offset in ["16m", "32m"] {
        let out = jdbio(Path::new("/")).arg("bench").arg(&dev.dev).args(["--offset", offset, "--ops", "1"]).output();
        let out = out.unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("--offset") && err.contains("beyond the end") && !err.contains("--size 0"), "{err}");
    }
}

#[test]
fn a_filesystem_without_fallocate_is_laid_out_by_writing() {
    let test = "a_filesystem_without_fallocate_is_laid_out_by_writing";
    let fs = match FaultFs::mount(&[], true) {
        Ok(fs) => fs,
        Err(why) => return skip(test, &why),
    };
    let full = fs.mnt.join("full.dat");
    write_at(&full, 0, &random_bytes(8, 4 * MIB));
    let report = bench_json(&fs.mnt, &["full.dat", "--ops", "10", "--ramp", "0"]);
    assert_eq!(report["bench"]["laid_out_bytes"], 0, "nothing needs laying out, so no fallocate");
    // This FUSE filesystem cannot say where holes are (no lseek), so a
    // large enough sparse file counts as data: not laid out, not refused.
    File::create(fs.mnt.join("sparse.dat")).unwrap().set_len(4 * MIB).unwrap();
    let report = bench_json(&fs.mnt, &["sparse.dat", "--ops", "10", "--ramp", "0"]);
    assert_eq!(report["bench"]["laid_out_bytes"], 0);

    let short = fs.mnt.join("short.dat");
    let data = random_bytes(9, 2 * MIB);
    write_at(&short, 0, &data);
    let report = bench_json(&fs.mnt, &["short.dat", "--size", "6m", "--ops", "10", "--ramp", "0", "--grow"]);
    assert_eq!(report["bench"]["laid_out_bytes"], 4 * MIB);
    assert_eq!(read_range(&short, 0..2 * MIB), data);
    assert_eq!(std::fs::metadata(&short).unwrap().len(), 6 * MIB);
}

/// Checks the verify block at `offset` of `file` names its own offset and
/// `bs` (format v1: magic, generation, offset; block size at 20..24).
fn is_verify_block(file: &[u8], offset: u64, bs: u64) -> bool {
    let b = &file[offset as usize..];
    &b[..4] == b"JDBV"
        && u64::from_le_bytes(b[8..16].try_into().unwrap()) == offset
        && u64::from(u32::from_le_bytes(b[20..24].try_into().unwrap())) == bs
}

#[test]
fn verify_blocks_lie_on_the_plans_grid_for_any_bs() {
    let dir = scratch();
    let args = ["bench", "--mode", "write", "--verify", "--bs", "12k", "--size", "12m", "--time", "1", "--ramp", "0"];
    let out = jdbio(dir.path()).args(args).arg("v.dat").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = jdbio(dir.path()).args(["verify", "v.dat", "--json", "-", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verify"]["blocks_checked"], 1024);
    assert_eq!(report["verify"]["counts"]["good"], 1024);
    assert_eq!(report["verify"]["bs_bytes"], 12288);
}

#[test]
fn verify_blocks_lie_on_the_plans_grid_from_the_offset() {
    let dir = scratch();
    let region = ["--bs", "8k", "--offset", "4k", "--size", "8m"];
    let write = bench_json(
        dir.path(),
        &[&["v.dat", "--mode", "write", "--verify", "--time", "1", "--ramp", "0"][..], &region[..]].concat(),
    );
    assert_eq!(write["bench"]["laid_out_bytes"], 8 * MIB);
    let file = std::fs::read(dir.path().join("v.dat")).unwrap();
    let off_grid: Vec<u64> = (0..1024).map(|k| 4096 + k * 8192).filter(|&o| !is_verify_block(&file, o, 8192)).collect();
    assert_eq!(off_grid, Vec::<u64>::new(), "blocks not stamped for their place on the grid");
    // `jdbio verify` checks from offset 0 only, so the blocks are read back
    // by bench itself: a sequential read of exactly the region's 1024 blocks.
    let read = bench_json(
        dir.path(),
        &[&["v.dat", "--mode", "read", "--verify", "--ops", "1024", "--ramp", "0"][..], &region[..]].concat(),
    );
    assert_eq!(read["verify"]["checked"], 1024);
    assert_eq!(read["verify"]["bad"], serde_json::json!({}));
}

#[test]
fn a_read_with_verify_over_a_new_file_checks_every_block_as_good() {
    let dir = scratch();
    let report = bench_json(
        dir.path(),
        &["n.dat", "--mode", "read", "--verify", "--bs", "16k", "--size", "8m", "--ops", "512", "--ramp", "0"],
    );
    assert_eq!(report["bench"]["created"], true);
    assert_eq!(report["verify"]["checked"], 512);
    assert_eq!(report["verify"]["bad"], serde_json::json!({}));
}

#[test]
fn a_region_past_the_largest_file_offset_is_refused_before_creating_anything() {
    let dir = scratch();
    let out = jdbio(dir.path()).args(["bench", "--size", "8388608t", "--ops", "1", "n.dat"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--size 9223372036854775808: too large"), "{err}");
    assert!(!dir.path().join("n.dat").exists());
}

/// A read mode never changes the length of a file that holds data: a
/// region past its end is refused, naming the flags and the length, and
/// nothing is written; `--grow` lets it (see the test above).
#[test]
fn a_read_mode_refuses_to_lengthen_a_file_of_data() {
    let dir = scratch();
    let path = dir.path().join("live.dat");
    write_at(&path, 0, &random_bytes(9, 16 * MIB));
    let before = common::md5(&path);
    for (args, named) in [
        (&["--offset", "1g"][..], "--offset 1073741824: ends at 2147483648"),
        (&["--size", "32m"][..], "--offset 0 + --size 33554432: ends at 33554432"),
        (&["--offset", "8m", "--size", "16m", "--mode", "randread"][..], "--offset 8388608 + --size 16777216"),
    ] {
        let out =
            jdbio(dir.path()).args(["bench", "live.dat", "--time", "1", "--ramp", "0"]).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(named) && err.contains("past the end of live.dat (16777216 bytes)"), "{err}");
        assert!(err.contains("--grow") && err.lines().count() == 1, "{err}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 16 * MIB, "the length changed");
        assert_eq!(common::md5(&path), before, "the data changed");
    }
}
