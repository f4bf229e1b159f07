//! `jdbio wal --profile` through the binary: every profile runs and its
//! report names the profile and each setting; the system calls (seen by
//! `strace -f`) are the database's; bad combinations are refused.

mod common;

use std::path::Path;

use common::{jdbio, scratch};
use serde_json::Value;

fn profile_json(dir: &Path, args: &[&str]) -> Value {
    let out = jdbio(dir).args(["wal", "--profile"]).args(args).args(["--json", "-", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "jdbio wal --profile {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is only JSON")
}

/// The files left in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn every_profile_runs_each_setting_and_the_report_names_profile_and_setting() {
    let dir = scratch();
    for (profile, settings) in [
        (
            "postgres",
            &[
                "wal_sync_method=fdatasync",
                "wal_sync_method=fsync",
                "wal_sync_method=open_datasync",
                "wal_sync_method=open_sync",
                "wal_sync_method=fsync_writethrough",
            ][..],
        ),
        (
            "mysql",
            &[
                "innodb_flush_method=fsync",
                "innodb_flush_method=fsync innodb_use_fdatasync=ON",
                "innodb_flush_method=O_DSYNC",
                "innodb_flush_method=O_DIRECT",
            ][..],
        ),
        ("rocksdb", &["sync=true", "sync=true use_fsync=true"][..]),
        ("sqlite", &["journal_mode=WAL synchronous=FULL", "journal_mode=DELETE synchronous=FULL"][..]),
    ] {
        let report = profile_json(dir.path(), &[profile, "--time", "150ms"]);
        assert_eq!(report["job"]["profile"], profile, "{report}");
        let entries = report["wal"]["entries"].as_array().unwrap();
        let named: Vec<&str> = entries.iter().map(|e| e["setting"].as_str().unwrap()).collect();
        assert_eq!(named, settings, "{profile}");
        for e in entries {
            assert_eq!(e["profile"], profile, "{e}");
            if e["setting"] == "wal_sync_method=fsync_writethrough" {
                assert_eq!(e["supported"], false, "not on Linux: {e}");
                continue;
            }
            assert_eq!(e["supported"], true, "{e}");
            let commits = e["commits"].as_u64().unwrap();
            assert!(commits > 0 && e["commits_per_s"].as_f64().unwrap() > 0.0, "{e}");
            assert_eq!(e["commit_latency_ns"]["count"].as_u64(), Some(commits), "{e}");
        }
        assert!(listing(dir.path()).is_empty(), "{profile}: the scratch directory and its files are removed");
    }
}

#[test]
fn the_summary_prints_the_database_setting_next_to_its_figures_and_the_generic_table_says_which_setting_a_method_is() {
    let dir = scratch();
    let out = jdbio(dir.path())
        .args(["wal", "--profile", "postgres", "--setting", "fdatasync", "--time", "100ms"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().find(|l| l.contains("postgres wal_sync_method=fdatasync: ")).unwrap_or_default();
    assert!(row.contains(" commits/s"), "{text}");
    let out = jdbio(dir.path())
        .args(["wal", "--method", "buffered-fdatasync,none", "--time", "100ms", "--size", "8m", "w.log"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let row = lines.iter().position(|l| l.trim_start().starts_with("buffered-fdatasync")).unwrap();
    assert!(lines[row + 1].contains("as: postgres wal_sync_method=fdatasync"), "{text}");
    let none = lines.iter().position(|l| l.trim_start().starts_with("none")).unwrap();
    assert!(!lines.get(none + 1).is_some_and(|l| l.contains("as:")), "no database commits without a sync: {text}");
}

#[test]
fn a_profile_row_says_how_many_device_flushes_a_commit_cost_and_is_not_held_to_one() {
    let dir = scratch();
    let out = jdbio(dir.path())
        .args(["wal", "--profile", "sqlite", "--setting", "delete", "--time", "300ms", "--json", "r.json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    let row = &report["wal"]["entries"][0];
    let device = &row["device_io"];
    if device["device"].is_null() {
        panic!("the scratch directory must be on a block device here: {device}");
    }
    // Journal, directory, journal header, database: several syncs a commit,
    // each a cache flush on a disk with a volatile cache.
    if report["target"]["write_cache"] == "write back" {
        let per_commit = device["flushes_per_commit"].as_f64().unwrap();
        assert!(per_commit >= 2.0, "DELETE mode syncs several times a commit: {device}");
        assert!(!text.contains("cache flushes per commit"), "a profile row is not held to one flush: {text}");
    }
    // The summary wraps at 100 columns: read it as one line.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let row = words.split("sqlite journal_mode=DELETE").nth(1).unwrap_or_default();
    assert!(row.split("warning:").next().unwrap_or_default().contains(" device flushes/commit"), "{text}");
}

#[test]
fn a_named_directory_is_kept_with_what_was_in_it_and_keep_keeps_the_files() {
    let dir = scratch();
    let db = dir.path().join("db");
    std::fs::create_dir(&db).unwrap();
    std::fs::write(db.join("mine"), b"not jdbio's").unwrap();
    profile_json(dir.path(), &["rocksdb", "--setting", "sync", "--time", "100ms", "db"]);
    assert_eq!(listing(&db), ["mine"], "only the profile's own files are removed");
    profile_json(dir.path(), &["sqlite", "--setting", "wal", "--time", "100ms", "--keep", "db"]);
    assert_eq!(listing(&db), ["jdbio.db", "jdbio.db-wal", "mine"]);
    assert_eq!(std::fs::read(db.join("mine")).unwrap(), b"not jdbio's");
}

#[test]
fn bad_combinations_are_refused_naming_both_flags_and_touch_nothing() {
    let dir = scratch();
    std::fs::write(dir.path().join("file"), b"keep").unwrap();
    for (args, needles) in [
        (&["--profile", "postgres", "--bs", "4k"][..], &["--profile", "--bs"][..]),
        (&["--profile", "postgres", "--batch", "2"][..], &["--profile", "--batch"][..]),
        (&["--profile", "mysql", "--method", "fsync"][..], &["--profile", "--method"][..]),
        (&["--profile", "sqlite", "--writers", "2"][..], &["--profile", "--writers"][..]),
        (&["--profile", "rocksdb", "--file-mode", "append"][..], &["--profile", "--file-mode"][..]),
        (&["--profile", "postgres", "--engine", "uring"][..], &["--profile postgres", "--engine uring"][..]),
        (&["--setting", "fsync"][..], &["--setting", "--profile"][..]),
        (
            &["--profile", "postgres", "--setting", "open_dsync"][..],
            &["--setting", "--profile postgres", "open_datasync"][..],
        ),
        (&["--profile", "sqlite", "file"][..], &["file", "--profile sqlite", "directory"][..]),
        (&["--profile", "oracle"][..], &["--profile", "oracle"][..]),
    ] {
        let out = jdbio(dir.path()).arg("wal").args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: one line: {err}");
        for needle in needles {
            assert!(err.contains(needle), "{args:?}: {err} names {needle}");
        }
    }
    assert_eq!(listing(dir.path()), ["file"], "nothing made");
    assert_eq!(std::fs::read(dir.path().join("file")).unwrap(), b"keep");
}

/// One traced system call.
#[derive(Debug, Clone)]
struct Call {
    name: String,
    /// The path of its first argument's descriptor, where it is one the
    /// trace saw opened (else empty).
    file: String,
    /// The arguments as strace prints them.
    args: String,
    ret: i64,
}

impl Call {
    /// The integer argument `i` counted from the end (0 = the last).
    fn back_arg(&self, i: usize) -> u64 {
        let args: Vec<&str> = self.args.rsplit(", ").collect();
        args[i].trim().parse().unwrap_or_else(|_| panic!("{self:?}"))
    }
}

/// Runs `jdbio wal --profile ARGS` in `dir/db` under `strace -f` and gives
/// the report and the calls on files in `db`, in order.
fn traced(dir: &Path, args: &[&str]) -> (Value, Vec<Call>) {
    std::fs::create_dir_all(dir.join("db")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("jdbio");
    let out = std::process::Command::new("strace")
        .args(["-f", "-qq", "-s", "4", "-o", "trace.txt"])
        .args(["-e", "trace=open,openat,close,pwrite64,pread64,fdatasync,fsync,rename,renameat,renameat2,unlink,unlinkat,fallocate"])
        .arg(bin)
        .args(["wal", "--profile"])
        .args(args)
        .args(["--json", "report.json", "-q", "db"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let report = serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    let db = dir.join("db").canonicalize().unwrap().display().to_string();
    let mut open: std::collections::HashMap<String, String> = Default::default();
    let mut calls = Vec::new();
    for line in std::fs::read_to_string(dir.join("trace.txt")).unwrap().lines() {
        // "PID name(args) = ret ..."
        // (strace pads the pid column: "2287  open(...)".)
        let Some((_, rest)) = line.split_once(' ') else { continue };
        let rest = rest.trim_start();
        // (strace pads short calls: "fsync(3)          = 0".)
        let (Some(open_paren), Some(eq)) = (rest.find('('), rest.rfind(" = ")) else { continue };
        let Some(close_paren) = rest[..eq].rfind(')') else { continue };
        // One name per call, whichever variant the C library or rustix uses.
        let name = match &rest[..open_paren] {
            "open" => "openat",
            "renameat" | "renameat2" => "rename",
            "unlinkat" => "unlink",
            other => other,
        }
        .to_string();
        let args = rest[open_paren + 1..close_paren].to_string();
        let ret: i64 = rest[eq + 3..].split_whitespace().next().unwrap_or("-1").parse().unwrap_or(-1);
        let first = args.split(", ").next().unwrap_or("").to_string();
        let quoted = |s: &str| s.split('"').nth(1).unwrap_or("").to_string();
        let file = match name.as_str() {
            "openat" => {
                let path = quoted(&args);
                if ret >= 0 {
                    open.insert(ret.to_string(), path.clone());
                }
                path
            }
            "rename" | "unlink" => quoted(&args),
            _ => open.get(&first).cloned().unwrap_or_default(),
        };
        let in_db = file.starts_with(&db) || file.starts_with("db/") || file == "db";
        if name == "close" {
            open.remove(&first);
        }
        if in_db {
            calls.push(Call { name, file, args, ret });
        }
    }
    (report, calls)
}

fn strace_or_skip(test: &str) -> bool {
    if std::process::Command::new("strace").arg("-V").output().is_err() {
        common::skip(test, "strace is not installed (Debian: strace)");
        return false;
    }
    true
}

fn commits(report: &Value) -> u64 {
    report["wal"]["entries"][0]["commits"].as_u64().unwrap()
}

/// The open of segment 1 the commits go through: the second after its
/// rename (durable_rename opens it once to fsync it).
fn commit_open(calls: &[Call]) -> usize {
    let rename = calls.iter().position(|c| c.name == "rename").expect("a rename");
    let opens: Vec<usize> = (rename..calls.len())
        .filter(|&i| calls[i].name == "openat" && calls[i].file.ends_with("000000010000000000000001"))
        .collect();
    opens[1]
}

/// The writes and syncs on segment 1 in `calls`.
fn io_on_segment(calls: &[Call]) -> Vec<&Call> {
    let io = ["pwrite64", "fdatasync", "fsync"];
    calls.iter().filter(|c| c.file.ends_with("000000010000000000000001") && io.contains(&c.name.as_str())).collect()
}

#[test]
fn postgres_zero_fills_a_segment_then_rewrites_its_8k_page_with_one_sync_per_commit() {
    if !strace_or_skip("postgres_zero_fills_a_segment_then_rewrites_its_8k_page_with_one_sync_per_commit") {
        return;
    }
    let dir = scratch();
    let (report, calls) = traced(dir.path(), &["postgres", "--setting", "fdatasync", "--time", "300ms"]);
    assert_eq!(report["wal"]["entries"][0]["setting"], "wal_sync_method=fdatasync");
    let rename = calls.iter().position(|c| c.name == "rename").expect("the segment is renamed into place");
    assert!(calls[rename].args.ends_with("000000010000000000000001\""), "{:?}", calls[rename]);
    let zeros: Vec<&Call> =
        calls[..rename].iter().filter(|c| c.name == "pwrite64" && c.file.ends_with("xlogtemp.jdbio")).collect();
    let filled: u64 = zeros.iter().map(|c| c.back_arg(1)).sum();
    assert_eq!(filled, 16 << 20, "16 MiB before use");
    assert!(zeros.iter().all(|c| c.args.contains("\"\\0\\0\\0\\0\"")), "of zeros");
    assert!(calls[..rename].iter().any(|c| c.name == "fsync" && c.file.ends_with("xlogtemp.jdbio")), "synced first");
    // The commits: the segment opened without a sync flag, then per commit
    // one pwrite of whole 8 KiB pages and one fdatasync, the first page
    // rewritten in place by commit after commit.
    let opened = commit_open(&calls);
    assert!(!calls[opened].args.contains("O_DSYNC") && !calls[opened].args.contains("O_SYNC"), "{:?}", calls[opened]);
    let commit_calls = io_on_segment(&calls[opened + 1..]);
    let n = commits(&report);
    assert_eq!(commit_calls.len() as u64, 2 * n, "a write and a sync per commit: {commit_calls:?}");
    for pair in commit_calls.chunks(2) {
        assert_eq!((pair[0].name.as_str(), pair[1].name.as_str()), ("pwrite64", "fdatasync"), "{pair:?}");
        let (len, offset) = (pair[0].back_arg(1), pair[0].back_arg(0));
        assert!(offset % 8192 == 0 && (len == 8192 || len == 16384), "{pair:?}");
    }
    let at_zero = commit_calls.iter().filter(|c| c.name == "pwrite64" && c.back_arg(0) == 0).count();
    assert!(at_zero >= 2.min(n as usize), "page 0 is rewritten in place: {at_zero} of {n}");
    assert_eq!(commit_calls[0].back_arg(0), 0);
}

#[test]
fn postgres_open_datasync_opens_the_segment_o_dsync_and_never_syncs() {
    if !strace_or_skip("postgres_open_datasync_opens_the_segment_o_dsync_and_never_syncs") {
        return;
    }
    let dir = scratch();
    let (report, calls) = traced(dir.path(), &["postgres", "--setting", "open_datasync", "--time", "200ms"]);
    let opened = commit_open(&calls);
    assert!(calls[opened].args.contains("O_DSYNC"), "{:?}", calls[opened]);
    let after = io_on_segment(&calls[opened + 1..]);
    assert!(after.iter().all(|c| c.name == "pwrite64"), "no sync call: {after:?}");
    assert_eq!(after.len() as u64, commits(&report));
}

#[test]
fn sqlite_wal_mode_appends_24_byte_headers_and_pages_with_an_fdatasync_per_commit() {
    if !strace_or_skip("sqlite_wal_mode_appends_24_byte_headers_and_pages_with_an_fdatasync_per_commit") {
        return;
    }
    let dir = scratch();
    let (report, calls) = traced(dir.path(), &["sqlite", "--setting", "wal", "--time", "200ms"]);
    let io = ["pwrite64", "fdatasync"];
    let wal: Vec<&Call> =
        calls.iter().filter(|c| c.file.ends_with("jdbio.db-wal") && io.contains(&c.name.as_str())).collect();
    // The WAL header, synced, then frames.
    assert_eq!((wal[0].name.as_str(), wal[0].back_arg(1), wal[0].back_arg(0)), ("pwrite64", 32, 0));
    assert_eq!(wal[1].name, "fdatasync");
    let frames: Vec<&[&Call]> = wal[2..].chunks(3).filter(|c| c.len() == 3).collect();
    let n = commits(&report);
    assert!(frames.len() as u64 >= n.min(999) && n > 0, "{n} commits, {} frames", frames.len());
    for (k, frame) in frames.iter().enumerate().take(999) {
        let at = 32 + k as u64 * (24 + 4096);
        assert_eq!((frame[0].name.as_str(), frame[0].back_arg(1), frame[0].back_arg(0)), ("pwrite64", 24, at));
        assert_eq!((frame[1].name.as_str(), frame[1].back_arg(1), frame[1].back_arg(0)), ("pwrite64", 4096, at + 24));
        assert_eq!(frame[2].name, "fdatasync", "{frame:?}");
    }
}

#[test]
fn sqlite_delete_mode_creates_syncs_and_unlinks_a_journal_per_commit() {
    if !strace_or_skip("sqlite_delete_mode_creates_syncs_and_unlinks_a_journal_per_commit") {
        return;
    }
    let dir = scratch();
    let (report, calls) = traced(dir.path(), &["sqlite", "--setting", "delete", "--time", "200ms"]);
    let n = commits(&report);
    // (Calls that succeeded: the clean-up's unlink of the gone journal fails.)
    let count = |name: &str, file: &str| {
        calls.iter().filter(|c| c.name == name && c.file.ends_with(file) && c.ret >= 0).count() as u64
    };
    assert_eq!(count("unlink", "jdbio.db-journal"), n, "{n} commits");
    assert_eq!(count("fdatasync", "jdbio.db-journal"), 2 * n, "the journal twice a commit");
    // The database: its set-up sync, then one a commit.
    assert_eq!(count("fdatasync", "jdbio.db"), n + 1);
    // The first commit: the journal made, written and synced, then page 1
    // and the table page written into the database, then the unlink.
    let created = calls.iter().position(|c| c.name == "openat" && c.file.ends_with("jdbio.db-journal")).unwrap();
    let unlinked = calls.iter().position(|c| c.name == "unlink").unwrap();
    let commit = &calls[created..unlinked];
    let db_writes: Vec<usize> =
        (0..commit.len()).filter(|&i| commit[i].name == "pwrite64" && commit[i].file.ends_with("jdbio.db")).collect();
    assert_eq!(db_writes.len(), 2, "page 1 and the table page: {commit:?}");
    let journal_syncs: Vec<usize> =
        (0..commit.len()).filter(|&i| commit[i].name == "fdatasync" && commit[i].file.ends_with("-journal")).collect();
    assert!(journal_syncs.len() == 2 && journal_syncs[1] < db_writes[0], "journal durable first: {commit:?}");
}

#[test]
fn rocksdb_preallocates_then_appends_each_record_with_one_sync() {
    if !strace_or_skip("rocksdb_preallocates_then_appends_each_record_with_one_sync") {
        return;
    }
    let dir = scratch();
    let (report, calls) = traced(dir.path(), &["rocksdb", "--setting", "use_fsync", "--time", "200ms"]);
    let io = ["fallocate", "pwrite64", "fsync", "fdatasync"];
    let log: Vec<&Call> =
        calls.iter().filter(|c| c.file.ends_with("000004.log") && io.contains(&c.name.as_str())).collect();
    assert!(log[0].name == "fallocate" && log[0].args.contains("FALLOC_FL_KEEP_SIZE"), "{:?}", log[0]);
    let n = commits(&report);
    let mut end = 0;
    for pair in log[1..].chunks(2).filter(|p| p.len() == 2) {
        assert_eq!((pair[0].name.as_str(), pair[1].name.as_str()), ("pwrite64", "fsync"), "{pair:?}");
        assert_eq!(pair[0].back_arg(0), end, "appended");
        end += pair[0].back_arg(1);
    }
    assert!(n > 0 && end >= 138 * n, "138 bytes a record, more across a 32 KiB block: {n} commits, {end} bytes");
}

#[test]
fn a_dry_run_names_the_directory_and_settings_and_makes_nothing() {
    let dir = scratch();
    let out = jdbio(dir.path()).args(["wal", "--profile", "sqlite", "--dry-run", "db"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("directory: db (created, then removed unless --keep)"), "{text}");
    assert!(text.contains("journal_mode=WAL synchronous=FULL; journal_mode=DELETE synchronous=FULL"), "{text}");
    assert!(listing(dir.path()).is_empty(), "nothing made");
}
