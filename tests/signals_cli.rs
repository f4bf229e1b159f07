//! Signals through the binary: SIGTERM and SIGHUP (what a CI runner sends
//! on a timeout) stop `wal` and `prealloc` runs, which write their partial
//! report (`interrupted`, `signal`), remove their scratch files and exit
//! 143 or 129; a second signal ends the process at once, scratch files
//! removed too.

use crate::common;

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use common::scratch;
use serde_json::Value;

/// A jdbio run in `dir`, killed on drop if still running.
struct Run(Child);

impl Run {
    fn start(dir: &Path, args: &[&str]) -> Self {
        let child = Command::new(assert_cmd::cargo::cargo_bin("jdbio"))
            .current_dir(dir)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start jdbio");
        Self(child)
    }

    /// Waits (up to a minute: a bound for a broken build, not a timing
    /// check) until `path` exists, so the run is past its set-up.
    fn wait_for(&mut self, path: &Path) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !path.exists() {
            assert!(self.0.try_wait().unwrap().is_none(), "jdbio ended before {} appeared", path.display());
            assert!(Instant::now() < deadline, "{} never appeared", path.display());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill has no memory preconditions.
        assert_eq!(unsafe { libc::kill(self.0.id() as libc::pid_t, signal) }, 0);
    }

    fn wait(&mut self) -> ExitStatus {
        self.0.wait().unwrap()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn report(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("the partial report")).expect("JSON")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names
}

/// `jdbio wal` for far longer than the test waits, then `signal`.
fn interrupt_wal(signal: libc::c_int, code: i32, name: &str) {
    let dir = scratch();
    let mut run = Run::start(
        dir.path(),
        &["wal", "--method", "fdatasync", "--file-mode", "append", "--time", "10m", "--json", "r.json", "--quiet"],
    );
    run.wait_for(&dir.path().join("jdbio-wal.dat"));
    run.signal(signal);
    assert_eq!(run.wait().code(), Some(code), "exit code after {name}");
    let r = report(&dir.path().join("r.json"));
    assert_eq!((r["interrupted"].as_bool(), r["signal"].as_str()), (Some(true), Some(name)), "{r}");
    assert_eq!(r["wal"]["entries"].as_array().map(Vec::len), Some(1), "the entry cut short is kept: {r}");
    assert_eq!(files_in(dir.path()), [dir.path().join("r.json")], "the scratch log is removed");
}

#[test]
fn sigterm_stops_wal_with_its_partial_report() {
    interrupt_wal(libc::SIGTERM, 143, "SIGTERM");
}

#[test]
fn sighup_stops_wal_with_its_partial_report() {
    interrupt_wal(libc::SIGHUP, 129, "SIGHUP");
}

/// `jdbio prealloc` with far more writes than the test waits for, then
/// `signal` once the first mode's file exists.
fn interrupt_prealloc(signal: libc::c_int, code: i32, name: &str) {
    let dir = scratch();
    let mut run = Run::start(
        dir.path(),
        &[
            "prealloc",
            "--mode",
            "none,fallocate",
            "--size",
            "1g",
            "--writes",
            "200000",
            "--bs",
            "4k",
            "t.dat",
            "--json",
            "r.json",
            "--quiet",
        ],
    );
    run.wait_for(&dir.path().join("t.dat.none"));
    run.signal(signal);
    assert_eq!(run.wait().code(), Some(code), "exit code after {name}");
    let r = report(&dir.path().join("r.json"));
    assert_eq!((r["interrupted"].as_bool(), r["signal"].as_str()), (Some(true), Some(name)), "{r}");
    let entries = r["prealloc"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "only the mode cut short: {r}");
    assert_eq!(entries[0]["mode"], "none");
    assert_eq!(files_in(dir.path()), [dir.path().join("r.json")], "TARGET.MODE files are removed");
}

#[test]
fn sigterm_stops_prealloc_with_its_partial_report() {
    interrupt_prealloc(libc::SIGTERM, 143, "SIGTERM");
}

#[test]
fn sighup_stops_prealloc_with_its_partial_report() {
    interrupt_prealloc(libc::SIGHUP, 129, "SIGHUP");
}

#[test]
fn a_second_signal_exits_at_once_and_still_removes_the_scratch_file() {
    let dir = scratch();
    let mut run = Run::start(
        dir.path(),
        &["wal", "--method", "fdatasync", "--file-mode", "append", "--time", "10m", "--json", "r.json", "--quiet"],
    );
    run.wait_for(&dir.path().join("jdbio-wal.dat"));
    // Stopped, the process gets both signals at once when it continues:
    // the first starts the orderly stop, the second ends it at once.
    run.signal(libc::SIGSTOP);
    run.signal(libc::SIGINT);
    run.signal(libc::SIGTERM);
    run.signal(libc::SIGCONT);
    let code = run.wait().code();
    assert!(code == Some(130) || code == Some(143), "exit code {code:?}");
    assert!(!dir.path().join("jdbio-wal.dat").exists(), "the scratch log is removed");
    assert!(!dir.path().join("r.json").exists(), "no report, and the empty one made for it is removed");
}

/// True once process `pid` catches `signal` (its handler is installed).
fn catches(pid: u32, signal: libc::c_int) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let mask = status.lines().find_map(|l| l.strip_prefix("SigCgt:")).map(str::trim).unwrap_or("0");
    u64::from_str_radix(mask, 16).is_ok_and(|m| m & (1 << (signal - 1)) != 0)
}

#[test]
fn sigterm_stops_bench_with_its_partial_report() {
    let dir = scratch();
    std::fs::write(dir.path().join("f.dat"), vec![7u8; 8 << 20]).unwrap();
    let mut run = Run::start(dir.path(), &["bench", "f.dat", "--time", "10m", "--json", "r.json", "--quiet"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !catches(run.0.id(), libc::SIGTERM) {
        assert!(run.0.try_wait().unwrap().is_none() && Instant::now() < deadline, "bench never handled SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    run.signal(libc::SIGTERM);
    assert_eq!(run.wait().code(), Some(143));
    let r = report(&dir.path().join("r.json"));
    assert_eq!((r["interrupted"].as_bool(), r["signal"].as_str()), (Some(true), Some("SIGTERM")), "{r}");
}

/// A signal while the plan probes a target that is slow to open (a FUSE
/// file whose every open takes 2 s) is handled, not fatal: the command
/// stops before any I/O, writes its report stating the interruption, and
/// exits 130; the target keeps its bytes.
#[test]
fn a_signal_while_the_target_is_probed_ends_in_a_report() {
    let test = "a_signal_while_the_target_is_probed_ends_in_a_report";
    let fs = match common::FaultFs::mount_with(&["--slow-open".into(), "2".into()]) {
        Ok(fs) => fs,
        Err(why) => return common::skip(test, &why),
    };
    let source = fs.source_dir().join("t.dat");
    let out = scratch();
    let wrote = common::jdbio(out.path()).arg("verify").arg(&source).args(["--write", "--size", "1m", "-q"]).output();
    assert!(wrote.unwrap().status.success(), "verify --write of the target");
    let data = std::fs::read(&source).unwrap();
    for (command, extra) in [("bench", &["--time", "10m"][..]), ("verify", &[][..])] {
        let marker = fs.source_dir().join(".open-started");
        let _ = std::fs::remove_file(&marker);
        let json = out.path().join(format!("{command}.json"));
        let mut run = Run::start(
            out.path(),
            &[&[command, fs.mnt.join("t.dat").to_str().unwrap(), "--json", json.to_str().unwrap(), "--quiet"], extra]
                .concat(),
        );
        run.wait_for(&marker);
        run.signal(libc::SIGINT);
        assert_eq!(run.wait().code(), Some(130), "{command}: exit code after SIGINT during the probe");
        let r = report(&json);
        assert_eq!(r["ended"], serde_json::json!({"status": "interrupted", "signal": "SIGINT"}), "{command}: {r}");
        assert_eq!((r["interrupted"].as_bool(), r["signal"].as_str()), (Some(true), Some("SIGINT")), "{r}");
        assert_eq!(std::fs::read(&source).unwrap(), data, "{command} changed the target");
    }
}
