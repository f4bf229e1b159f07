//! scripts/bench-matrix.py's argument handling: `--help` describes every row
//! and exits 0; a bad flag, a bad row name, a bad number or a missing target
//! is one error line naming it, exit 2, before any target is touched. No
//! root and no measurement: nothing here is set up or run.

use crate::common;

use std::{path::Path, process::Command};

use common::{md5, scratch, skip};

/// Runs the script with `args` under python3, or None (with a printed skip)
/// when python3 is missing.
fn matrix(test: &str, args: &[&str]) -> Option<std::process::Output> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench-matrix.py");
    match Command::new("python3").arg(script).args(args).output() {
        Ok(out) => Some(out),
        Err(e) => {
            skip(test, &format!("python3 is not runnable: {e}"));
            None
        }
    }
}

/// Asserts exit 2, nothing on stdout, and a first stderr line that names `what`.
fn assert_refused(out: &std::process::Output, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    let first = err.lines().next().unwrap_or_default();
    assert!(first.starts_with("bench-matrix.py: ") && first.contains(what), "first line: {first}");
}

#[test]
fn help_names_every_row_and_exits_0() {
    let Some(out) = matrix("help_names_every_row_and_exits_0", &["--help"]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "rr1",
        "rr16",
        "rr64",
        "seq128k",
        "rw32",
        "nop1",
        "nop32",
        "verify",
        "--t-io-uring",
        "--setup",
        "psync32",
        "pvsync2-1",
        "libaio32",
        "uring1",
        "dio64",
    ] {
        assert!(text.contains(word), "--help does not mention {word}");
    }
}

#[test]
fn bad_arguments_exit_2_naming_the_flag_and_leave_the_target_alone() {
    let test = "bad_arguments_exit_2_naming_the_flag_and_leave_the_target_alone";
    let dir = scratch();
    let file = dir.path().join("t.dat");
    std::fs::write(&file, vec![7u8; 1 << 20]).unwrap();
    let before = md5(&file);
    let t = file.to_str().unwrap();
    let jdbio = env!("CARGO_BIN_EXE_jdbio");
    let cases: [(&[&str], &str); 7] = [
        (&["--bogus", "--target", t], "--bogus"),
        (&["--rows", "rr1,rr99", "--target", t], "rr99"),
        (&["--rounds", "0", "--target", t], "--rounds"),
        (&["--size", "4k", "--target", t], "--size"),
        (&["--target", "/nonexistent/t.dat"], "/nonexistent/t.dat"),
        (&["--rows", "rr1"], "no target"),
        (&["--target", t, "--jdbio", jdbio, "--json", "/nonexistent/out.json"], "--json"),
    ];
    for (args, what) in cases {
        let Some(out) = matrix(test, args) else { return };
        assert_refused(&out, what);
    }
    assert_eq!(md5(&file), before, "a refused run changed the target");
    assert!(Path::new(&file).exists());
}
