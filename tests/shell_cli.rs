//! Shell conventions, through the binary: bare `jdbio`, `--version`,
//! `completions`, `man`, and flags that mean nothing in the chosen mode.

use crate::common;

use std::process::{Command, Stdio};

use common::{jdbio, scratch, skip};

/// Runs `program args` with `input` on stdin; (exit code, stdout, stderr).
fn pipe(program: &str, args: &[&str], input: &[u8]) -> Option<(Option<i32>, String, String)> {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    Some((out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into()))
}

fn stdout_of(args: &[&str]) -> String {
    let dir = scratch();
    let out = jdbio(dir.path()).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bare_jdbio_prints_the_usage_and_exits_2() {
    let dir = scratch();
    let out = jdbio(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let usage = err.lines().find(|l| l.starts_with("Usage: jdbio ")).unwrap_or_default();
    assert!(usage.ends_with("<COMMAND>"), "usage line: {err}");
    for sub in ["bench", "wal", "gate", "completions", "man"] {
        assert!(err.lines().any(|l| l.trim_start().starts_with(sub)), "lists {sub}: {err}");
    }
    assert!(!err.contains("error"), "not an error message: {err}");
}

#[test]
fn version_names_the_commit_and_the_profile() {
    let out = stdout_of(&["--version"]);
    let git = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or("unknown".to_string(), |o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    let want = format!("jdbio {} (commit {git}, {profile})\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(out, want);
    // Subcommands carry the same version.
    assert_eq!(stdout_of(&["bench", "--version"]), want.replace("jdbio ", "jdbio-bench "));
}

#[test]
fn bash_completion_is_valid_bash_and_knows_the_flags() {
    let script = stdout_of(&["completions", "bash"]);
    for word in ["bench", "wal", "--rwmix", "--file-mode", "randrw"] {
        assert!(script.contains(word), "bash completion mentions {word}");
    }
    match pipe("bash", &["-n"], script.as_bytes()) {
        Some((code, _, err)) => assert_eq!(code, Some(0), "bash -n refuses the script: {err}"),
        None => skip("bash_completion_is_valid_bash_and_knows_the_flags", "no bash to check the script with"),
    }
}

#[test]
fn zsh_and_fish_completions_are_for_jdbio() {
    let zsh = stdout_of(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef jdbio"), "{}", &zsh[..80.min(zsh.len())]);
    assert!(zsh.contains("--rwmix"));
    let fish = stdout_of(&["completions", "fish"]);
    assert!(fish.contains("complete -c jdbio"), "fish completion");
    assert!(fish.contains("rwmix"));
    for (shell, script) in [("zsh", &zsh), ("fish", &fish)] {
        let args: &[&str] = if shell == "zsh" { &["-n"] } else { &["--no-execute"] };
        match pipe(shell, args, script.as_bytes()) {
            Some((code, _, err)) => assert_eq!(code, Some(0), "{shell} refuses the script: {err}"),
            None => skip("zsh_and_fish_completions_are_for_jdbio", &format!("no {shell} to check the script with")),
        }
    }
}

#[test]
fn an_unknown_shell_is_refused_naming_it() {
    let dir = scratch();
    let out = jdbio(dir.path()).args(["completions", "tcsh"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("tcsh") && err.contains("bash"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn man_page_renders_with_man() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH jdbio 1"), "a roff page titled jdbio(1)");
    let bench = stdout_of(&["man", "bench"]);
    assert!(bench.contains(".TH jdbio-bench 1") && bench.contains("rwmix"), "the bench page has its flags");
    let Some((code, text, err)) = pipe("man", &["-l", "-"], page.as_bytes()) else {
        return skip("man_page_renders_with_man", "no man(1) to render the page with");
    };
    assert_eq!(code, Some(0), "man -l refuses the page: {err}");
    for section in ["NAME", "SYNOPSIS", "SUBCOMMANDS", "jdbio-bench(1)"] {
        assert!(text.contains(section), "rendered page has {section}: {text}");
    }
}

#[test]
fn man_for_an_unknown_subcommand_is_refused_naming_it() {
    let dir = scratch();
    let out = jdbio(dir.path()).args(["man", "benhc"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("benhc") && err.contains("bench"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn rwmix_without_randrw_is_refused_naming_both_flags() {
    let dir = scratch();
    std::fs::write(dir.path().join("t.dat"), vec![7u8; 1 << 20]).unwrap();
    for mode in [None, Some("randread"), Some("randwrite"), Some("write")] {
        let mut cmd = jdbio(dir.path());
        cmd.args(["bench", "--rwmix", "70", "--ops", "10", "t.dat"]);
        if let Some(m) = mode {
            cmd.args(["--mode", m]);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{mode:?}: {err}");
        assert!(err.contains("--rwmix 70") && err.contains("--mode randrw"), "{mode:?}: names both: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert_eq!(std::fs::read(dir.path().join("t.dat")).unwrap(), vec![7u8; 1 << 20], "nothing written");
    // With randrw the same flag is accepted and the mix is what was asked.
    let out = jdbio(dir.path())
        .args(["bench", "--mode", "randrw", "--rwmix", "70", "--ops", "200", "--ramp", "0", "-q", "--json", "-"])
        .arg("t.dat")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["job"]["read_pct"], 70);
}
