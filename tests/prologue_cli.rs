//! The plan prologue bench, wal and verify share (src/prologue/): the same
//! Direct I/O alignment for the same target, the same one-line refusal of a
//! `--bs` that breaks it (exit 2, nothing written), and, for a target not
//! yet created, the alignment of the disk it will be created on; and the
//! same refusal of I/O buffers (--qd x --bs) that cannot fit in memory.

use crate::common;

use std::path::Path;

use common::{LoopDev, Mount, jdbio, md5, scratch};

/// Sets up a loop device with `sector`-byte logical blocks, or prints why
/// the test is skipped.
fn loop_dev(test: &str, sector: u32) -> Option<LoopDev> {
    LoopDev::with_sector_size(32 << 20, sector).map_err(|why| common::skip(test, &why)).ok()
}

/// Runs jdbio with `args` in `dir`; asserts exit 2 and returns stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = jdbio(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: one line, got {stderr}");
    stderr
}

#[test]
fn bench_wal_and_verify_refuse_the_same_unaligned_bs_with_the_same_line() {
    let Some(dev) = loop_dev("bench_wal_and_verify_refuse_the_same_unaligned_bs_with_the_same_line", 4096) else {
        return;
    };
    let dir = scratch();
    let path = dev.dev.to_str().unwrap();
    let before = md5(dev.backing());
    let expected = format!("jdbio: error: --bs 512: not a multiple of the Direct I/O alignment 4096 of {path}\n");
    for args in [
        vec!["bench", path, "--mode", "randwrite", "--bs", "512", "--ops", "10"],
        vec!["bench", path, "--mode", "randread", "--bs", "512", "--ops", "10"],
        vec!["wal", path, "--bs", "512", "--time", "1s"],
        vec!["verify", path, "--write", "--bs", "512"],
        vec!["verify", path, "--bs", "512", "--seed", "1"],
    ] {
        assert_eq!(refused(dir.path(), &args), expected, "{args:?}");
    }
    assert_eq!(md5(dev.backing()), before, "a refused run wrote to the device");
}

#[test]
fn bench_refuses_an_unaligned_offset_naming_the_flag() {
    let Some(dev) = loop_dev("bench_refuses_an_unaligned_offset_naming_the_flag", 4096) else {
        return;
    };
    let dir = scratch();
    let path = dev.dev.to_str().unwrap();
    let err = refused(dir.path(), &["bench", path, "--mode", "randread", "--offset", "512", "--ops", "10"]);
    assert_eq!(err, format!("jdbio: error: --offset 512: not a multiple of the Direct I/O alignment 4096 of {path}\n"));
}

#[test]
fn a_new_file_takes_the_alignment_of_the_disk_under_it() {
    let test = "a_new_file_takes_the_alignment_of_the_disk_under_it";
    let (Some(small), Some(large)) = (loop_dev(test, 512), loop_dev(test, 4096)) else {
        return;
    };
    small.mkfs_ext4();
    large.mkfs_ext4();
    let (on_small, on_large) = (Mount::new(&small.dev), Mount::new(&large.dev));

    // A 4096-byte-sector disk: --bs 512 would fail in the kernel, so every
    // command refuses it before creating the file, saying why.
    let new = on_large.path().join("new.dat");
    let name = new.to_str().unwrap();
    let expected = format!(
        "jdbio: error: --bs 512: not a multiple of the Direct I/O alignment 4096 of {name} \
         (a new file: the logical block size of the disk it will be created on)\n"
    );
    for args in [
        vec!["bench", name, "--mode", "randwrite", "--bs", "512", "--size", "1M", "--ops", "10"],
        vec!["wal", name, "--bs", "512", "--size", "1M", "--time", "1s"],
        vec!["verify", name, "--write", "--bs", "512", "--size", "1M"],
    ] {
        assert_eq!(refused(on_large.path(), &args), expected, "{args:?}");
        assert!(!new.exists(), "{args:?} created {name}");
    }

    // A 512-byte-sector disk: --bs 512 is what O_DIRECT allows there, and
    // both commands that write it run (the kernel accepts every request).
    let new = on_small.path().join("new.dat");
    let name = new.to_str().unwrap();
    let ok = jdbio(on_small.path())
        .args(["verify", name, "--write", "--bs", "512", "--size", "1M", "--quiet"])
        .output()
        .unwrap();
    assert!(ok.status.success(), "verify --bs 512: {}", String::from_utf8_lossy(&ok.stderr));
    std::fs::remove_file(&new).unwrap();
    let ok = jdbio(on_small.path())
        .args(["bench", name, "--mode", "randwrite", "--bs", "512", "--size", "1M", "--ops", "100", "--quiet"])
        .output()
        .unwrap();
    assert!(ok.status.success(), "bench --bs 512: {}", String::from_utf8_lossy(&ok.stderr));
    std::fs::remove_file(&new).unwrap();
}

#[test]
fn a_new_file_on_no_disk_assumes_the_page_size() {
    let Ok(shm) = tempfile::tempdir_in("/dev/shm") else {
        return common::skip("a_new_file_on_no_disk_assumes_the_page_size", "no /dev/shm");
    };
    let new = shm.path().join("new.dat");
    let name = new.to_str().unwrap();
    let expected = format!(
        "jdbio: error: --bs 512: not a multiple of the Direct I/O alignment 4096 of {name} \
         (a new file on no disk jdbio can ask: the page size)\n"
    );
    for args in [
        vec!["bench", name, "--mode", "randwrite", "--bs", "512", "--size", "1M", "--ops", "10"],
        vec!["wal", name, "--bs", "512", "--size", "1M", "--time", "1s"],
        vec!["verify", name, "--write", "--bs", "512", "--size", "1M"],
    ] {
        assert_eq!(refused(shm.path(), &args), expected, "{args:?}");
        assert!(!new.exists(), "{args:?} created {name}");
    }
}

#[test]
fn buffers_beyond_the_machines_memory_are_refused_before_any_file_is_touched() {
    let dir = scratch();
    let existing = dir.path().join("kept.dat");
    std::fs::write(&existing, vec![0x5a; 1 << 20]).unwrap();
    let before = md5(&existing);
    let kept = existing.to_str().unwrap();
    // 4096 x 64 MiB = 256 GiB, and 1024 writers x 64 MiB = 64 GiB: more than
    // half of the memory of any machine of up to 128 GiB (CI has 24).
    for (args, flags) in [
        (
            vec!["bench", "new.dat", "--qd", "4096", "--bs", "64m", "--ops", "10"],
            "--qd 4096 x --bs 64.00 MiB: 256.00 GiB",
        ),
        (
            vec!["bench", kept, "--qd", "1024", "--bs", "64m", "--jobs", "4", "--ops", "10"],
            "--qd 1024 x --bs 64.00 MiB x --jobs 4: 256.00 GiB",
        ),
        (
            vec!["bench", kept, "--mode", "randwrite", "--qd", "4096", "--bs", "64m", "--ops", "10"],
            "--qd 4096 x --bs 64.00 MiB: 256.00 GiB",
        ),
        (vec!["verify", "new.dat", "--write", "--qd", "4096", "--bs", "64m"], "--qd 4096 x --bs 64.00 MiB: 256.00 GiB"),
        (
            vec!["wal", "new.dat", "--writers", "1024", "--bs", "64m", "--time", "1s"],
            "--writers 1024 x --bs 64.00 MiB x --batch 1: 64.00 GiB",
        ),
    ] {
        let err = refused(dir.path(), &args);
        assert!(
            err.starts_with(&format!("jdbio: error: {flags} of I/O buffers, more than half of this machine's ")),
            "{args:?}: {err}"
        );
        assert!(!dir.path().join("new.dat").exists(), "{args:?} created its target");
    }
    assert_eq!(md5(&existing), before, "a refused run changed the file");
}
