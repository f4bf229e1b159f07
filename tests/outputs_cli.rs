//! Output paths (`--json`, `--hlog`, `--hgrm`, `plot -o`, `gate --json`,
//! `info --json`, `--ack-log`) through the binary: a path that would destroy
//! data is refused with exit 2 before any I/O, a bad path fails before the
//! run, and a failing secondary output costs neither the JSON nor the
//! summary. Every refusal checks the bytes of what it protects.

use crate::common;

use std::{fs, path::Path};

use common::{FaultFs, jdbio, loop_dev_or_skip, md5, scratch, skip};
use serde_json::Value;

/// A short bench run's flags (no ramp, small region).
const QUICK: [&str; 6] = ["--time", "200ms", "--ramp", "0s", "--size", "4m"];

/// Makes `name` in `dir`: 8 MiB of non-zero bytes.
fn data_file(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    fs::write(&path, (0..8u32 << 20).map(|i| (i % 251) as u8 + 1).collect::<Vec<u8>>()).unwrap();
    path
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_report_over_the_target_is_refused_by_any_path_to_it() {
    let dir = scratch();
    let target = data_file(dir.path(), "v.dat");
    fs::hard_link(&target, dir.path().join("hard.dat")).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let before = md5(&target);
    for (command, json) in [
        (&["verify", "v.dat", "--write", "--size", "4m"][..], "v.dat"),
        (&["verify", "v.dat", "--write", "--size", "4m"], "./sub/../v.dat"),
        (&["verify", "v.dat", "--write", "--size", "4m"], "hard.dat"),
        (&["bench", "--mode", "write", "v.dat", "--time", "200ms", "--ramp", "0s", "--size", "4m"], "hard.dat"),
        (&["info", "v.dat"], "v.dat"),
    ] {
        let out = jdbio(dir.path()).args(command).args(["--json", json]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{command:?} --json {json}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(err.contains(&format!("--json {json}")) && err.contains("v.dat"), "names flag and target: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert_eq!(md5(&target), before, "{command:?} --json {json} changed the target");
    }
}

#[test]
fn an_output_on_a_block_device_is_refused_and_its_signature_survives() {
    let Some(dev) = loop_dev_or_skip("an_output_on_a_block_device_is_refused_and_its_signature_survives", 16 << 20)
    else {
        return;
    };
    dev.mkfs_ext4();
    let dir = scratch();
    data_file(dir.path(), "f.dat");
    let before = dev.contents();
    let dev_path = dev.dev.display().to_string();
    let report = dir.path().join("r.json");
    fs::write(&report, "{}").unwrap();
    let cases: Vec<Vec<&str>> = vec![
        [&["bench", "f.dat", "--json"][..], &[&dev_path], &QUICK].concat(),
        [&["bench", "f.dat", "--interval", "100ms", "--hlog"][..], &[&dev_path], &QUICK].concat(),
        [&["bench", "f.dat", "--hgrm"][..], &[&dev_path], &QUICK].concat(),
        vec!["info", "f.dat", "--json", &dev_path],
        vec!["plot", "r.json", "-o", &dev_path],
        vec!["gate", "--baseline", "r.json", "r.json", "--json", &dev_path],
        vec!["verify", "f.dat", "--write", "--size", "4m", "--ack-log", &dev_path],
    ];
    for args in &cases {
        let out = jdbio(dir.path()).args(args).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(&dev_path) && err.contains("block device"), "{args:?}: {err}");
        assert!(dev.contents() == before, "{args:?} wrote to {dev_path}");
    }
}

#[test]
fn a_directory_or_character_device_is_refused_but_dev_null_and_stdout_work() {
    let dir = scratch();
    let target = data_file(dir.path(), "f.dat");
    fs::create_dir(dir.path().join("out")).unwrap();
    for bad in ["out", "/dev/zero"] {
        let out = jdbio(dir.path()).args(["info", "f.dat", "--json", bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr_of(&out).contains(&format!("--json {bad}")), "{}", stderr_of(&out));
    }
    let out = jdbio(dir.path()).args(["info", "f.dat", "--json", "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let out = jdbio(dir.path()).args(["info", "f.dat", "--json", "-"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is the JSON");
    assert_eq!(json["target"]["path"], target.file_name().unwrap().to_str().unwrap());
}

#[test]
fn a_bad_output_path_fails_before_the_target_is_touched() {
    let dir = scratch();
    let target = data_file(dir.path(), "f.dat");
    let before = md5(&target);
    for flag in ["--json", "--hgrm", "--hlog"] {
        let out = jdbio(dir.path())
            .args(["bench", "--mode", "write", "f.dat", "--interval", "100ms", "--time", "30s"])
            .args([flag, "/nonexistent/r.out"])
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
        // --hgrm names the first per-kind file it could not create.
        assert!(err.contains(&format!("{flag} /nonexistent/r.")), "{err}");
        assert_eq!(md5(&target), before, "{flag}: the write run started anyway");
    }
    // A new target is not created either.
    let out = jdbio(dir.path())
        .args(["verify", "new.dat", "--write", "--size", "4m", "--json", "/nonexistent/r.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("new.dat").exists(), "the target was created before the output was checked");
}

#[test]
fn an_output_the_run_never_wrote_is_removed_and_an_old_one_kept() {
    let dir = scratch();
    data_file(dir.path(), "f.dat");
    fs::write(dir.path().join("old.json"), "earlier report").unwrap();
    // --bs 1000 is refused after the outputs were checked and created.
    for json in ["new.json", "old.json"] {
        let out = jdbio(dir.path()).args(["bench", "f.dat", "--bs", "1000", "--json", json]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    }
    assert!(!dir.path().join("new.json").exists(), "an output created for a run that failed is removed");
    assert_eq!(fs::read_to_string(dir.path().join("old.json")).unwrap(), "earlier report");
}

#[test]
fn two_outputs_on_one_file_are_refused() {
    let dir = scratch();
    data_file(dir.path(), "f.dat");
    // --hgrm r.json writes r.read.service.json, the file --json names.
    let out = jdbio(dir.path())
        .args(["bench", "f.dat", "--json", "r.read.service.json", "--hgrm", "r.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--hgrm r.read.service.json"), "{}", stderr_of(&out));
    assert!(!dir.path().join("r.read.service.json").exists());
}

#[test]
fn a_failing_hlog_keeps_the_json_and_the_summary() {
    let fs_ = match FaultFs::mount(&[(0, 1 << 30)], false) {
        Ok(f) => f,
        Err(why) => return skip("a_failing_hlog_keeps_the_json_and_the_summary", &why),
    };
    let dir = scratch();
    data_file(dir.path(), "f.dat");
    let hlog = fs_.mnt.join("run.hlog");
    let out = jdbio(dir.path())
        .args(["bench", "f.dat", "--interval", "100ms", "--json", "r.json", "--hlog"])
        .arg(&hlog)
        .args(QUICK)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("--hlog {}", hlog.display())), "names the failed output: {err}");
    let report: Value = serde_json::from_slice(&fs::read(dir.path().join("r.json")).unwrap()).expect("the JSON");
    assert_eq!(report["command"], "bench");
    assert!(report["results"]["read"]["ops"].as_u64().unwrap() > 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("IOPS"), "the summary is printed");
}

/// A missing output under /dev (a mistyped device name, as a target would
/// be) is refused, not created in devtmpfs.
#[test]
fn a_new_output_under_dev_is_refused() {
    let dir = scratch();
    data_file(dir.path(), "f.dat");
    let bad = "/dev/jdbio-no-such-output";
    for args in [&["info", "f.dat", "--json", bad][..], &["bench", "f.dat", "--ops", "10", "--hgrm", bad]] {
        let out = jdbio(dir.path()).args(args).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(bad) && err.contains("no such file, and jdbio creates no files under /dev"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!Path::new(bad).exists(), "{bad} was created");
    }
}
