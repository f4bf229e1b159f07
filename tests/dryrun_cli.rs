//! `--dry-run` through the binary: every writing command prints its plan
//! (target, what is on it, the regions it would write, the outputs) and
//! exits 0 with the target's bytes unchanged and no file created; a bad
//! output path still fails with exit 2.

use crate::common;

use std::path::Path;

use common::{jdbio, loop_dev_or_skip, md5, scratch};

/// The sorted names in `dir`.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A 8 MiB file `t.dat` in `dir` holding random bytes at [2 MiB, 4 MiB)
/// and holes around them.
fn half_written(dir: &Path) {
    let path = dir.join("t.dat");
    std::fs::File::create(&path).unwrap().set_len(8 << 20).unwrap();
    let bytes: Vec<u8> = (0..2u32 << 20).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::os::unix::fs::FileExt::write_all_at(
        &std::fs::File::options().write(true).open(&path).unwrap(),
        &bytes,
        2 << 20,
    )
    .unwrap();
}

/// Runs `args` with `--dry-run` in `dir`: exit 0, `t.dat` (if there)
/// unchanged, no file created or removed; returns the printed plan.
fn dry_run(dir: &Path, args: &[&str]) -> String {
    let target = dir.join("t.dat");
    let before = (target.exists().then(|| md5(&target)), listing(dir));
    let out = jdbio(dir).args(args).arg("--dry-run").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!((target.exists().then(|| md5(&target)), listing(dir)), before, "{args:?}: the directory changed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bench_write_names_the_layout_holes_and_the_measured_region() {
    let dir = scratch();
    half_written(dir.path());
    let plan = dry_run(dir.path(), &["bench", "t.dat", "--mode", "randwrite", "--json", "r.json", "--csv", "r.csv"]);
    assert!(plan.contains("target: t.dat: file, 8.00 MiB"), "{plan}");
    assert!(plan.contains("writes: [0, 2097152) 2.00 MiB: layout"), "{plan}");
    assert!(plan.contains("writes: [4194304, 8388608) 4.00 MiB: layout"), "{plan}");
    assert!(plan.contains("writes: [0, 8388608) 8.00 MiB: measured region"), "{plan}");
    assert!(plan.contains("output: --json r.json") && plan.contains("output: --csv r.csv"), "{plan}");
}

#[test]
fn bench_read_of_a_missing_file_says_it_would_be_created_and_laid_out() {
    let dir = scratch();
    let plan = dry_run(dir.path(), &["bench", "new.dat", "--size", "4m", "--json", "-"]);
    assert!(plan.contains("target: new.dat: does not exist; it would be created"), "{plan}");
    assert!(plan.contains("writes: [0, 4194304) 4.00 MiB: layout"), "{plan}");
    assert!(plan.contains("reads: [0, 4194304) 4.00 MiB: measured region"), "{plan}");
    assert!(plan.contains("output: --json stdout"), "{plan}");
}

#[test]
fn verify_write_names_its_range_and_leaves_the_ack_log_uncreated() {
    let dir = scratch();
    half_written(dir.path());
    let plan = dry_run(dir.path(), &["verify", "--write", "t.dat", "--size", "4m", "--ack-log", "a.log"]);
    assert!(plan.contains("writes: [0, 4194304) 4.00 MiB: stamped blocks"), "{plan}");
    assert!(plan.contains("creates: --ack-log a.log"), "{plan}");
}

#[test]
fn wal_and_prealloc_name_their_files_and_sizes() {
    let dir = scratch();
    let plan = dry_run(dir.path(), &["wal", "w.log", "--size", "1m", "--method", "fdatasync"]);
    assert!(plan.contains("target: w.log: does not exist; it would be created"), "{plan}");
    assert!(plan.contains("writes: [0, 1048576) 1.00 MiB: the log"), "{plan}");
    let plan = dry_run(dir.path(), &["prealloc", "p.dat", "--size", "32m", "--json", "p.json"]);
    assert!(plan.contains("target: p.dat.fallocate: created fresh"), "{plan}");
    assert!(plan.contains("writes: [0, 33554432) 32.00 MiB: made by fallocate, then 2000 writes"), "{plan}");
}

#[test]
fn align_write_names_the_bytes_of_the_probe_matrix() {
    let dir = scratch();
    half_written(dir.path());
    let plan = dry_run(dir.path(), &["align", "t.dat", "--write", "--force"]);
    assert!(plan.contains("writes: [0, "), "{plan}");
    assert!(plan.contains("the probe matrix"), "{plan}");
}

#[test]
fn run_prints_each_jobs_plan() {
    let dir = scratch();
    half_written(dir.path());
    let suite = "[[job]]\nname = \"w\"\ncommand = \"bench\"\ntarget = \"t.dat\"\nmode = \"randwrite\"\n\n\
                 [[job]]\nname = \"log\"\ncommand = \"wal\"\ntarget = \"w.log\"\nmethod = \"fdatasync\"\nsize = \"1m\"\n";
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let plan = dry_run(dir.path(), &["run", "s.toml", "--json", "s.json"]);
    assert!(plan.contains("job w: jdbio bench") && plan.contains("job log: jdbio wal"), "{plan}");
    assert!(plan.contains("writes: [0, 8388608) 8.00 MiB: measured region"), "{plan}");
    assert!(plan.contains("writes: [0, 1048576) 1.00 MiB: the log"), "{plan}");
    assert!(plan.contains("output: --json s.json"), "{plan}");
}

#[test]
fn a_block_device_with_a_filesystem_shows_what_the_probe_found() {
    let Some(dev) = loop_dev_or_skip("a_block_device_with_a_filesystem_shows_what_the_probe_found", 16 << 20) else {
        return;
    };
    dev.mkfs_ext4();
    let dir = scratch();
    let before = md5(dev.backing());
    let out = jdbio(dir.path()).arg("bench").arg(&dev.dev).args(["--mode", "write", "--force", "--dry-run"]).output();
    let out = out.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("writing anyway"), "a dry run announces no write");
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(plan.contains("block device, 16.00 MiB"), "{plan}");
    assert!(plan.contains("signature: ext4"), "{plan}");
    assert!(plan.contains("holds data:") && plan.contains("signature found: ext4"), "{plan}");
    assert!(plan.contains("writes: [0, 16777216) 16.00 MiB: measured region"), "{plan}");
    assert_eq!(md5(dev.backing()), before, "the device's bytes are unchanged");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn a_bad_output_path_still_fails_with_exit_2() {
    let dir = scratch();
    half_written(dir.path());
    let before = md5(&dir.path().join("t.dat"));
    let out = jdbio(dir.path())
        .args(["bench", "t.dat", "--mode", "randwrite", "--json", "no/such/dir/r.json", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--json no/such/dir/r.json: cannot create the file"), "{err}");
    assert!(out.stdout.is_empty(), "no plan after a refused output");
    let out = jdbio(dir.path()).args(["bench", "t.dat", "--json", "t.dat", "--dry-run"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an output that is the target is refused too");
    assert_eq!(md5(&dir.path().join("t.dat")), before);
    assert_eq!(listing(dir.path()), ["t.dat"]);
}
