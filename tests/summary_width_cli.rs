//! Every subcommand's summary fits 100 columns, run the way a user runs it,
//! on paths long enough that a header naming them would not.

use crate::common;

use std::path::Path;

use common::{
    gate_reports::{STEADY, STEADY_AGAIN, with_reps},
    jdbio, scratch,
};

/// A directory name long enough to push any line naming it past 100 columns.
const LONG: &str = "a-directory-with-a-name-long-enough-to-push-the-summary-header-past-one-hundred-columns";

/// Runs `jdbio args` in `dir`, expects success, and checks that every line
/// it printed, on stdout and on stderr, is at most 100 columns wide.
fn assert_fits(dir: &Path, args: &[&str]) -> String {
    let out = jdbio(dir).args(args).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "jdbio {}: {stderr}", args.join(" "));
    for line in stdout.lines().chain(stderr.lines()) {
        let width = line.chars().count();
        assert!(width <= 100, "jdbio {}: a line of {width} columns:\n{line}\n\n{stdout}", args.join(" "));
    }
    assert!(!stdout.trim().is_empty(), "jdbio {}: no summary", args.join(" "));
    stdout.into_owned()
}

fn long_dir() -> tempfile::TempDir {
    let dir = scratch();
    std::fs::create_dir(dir.path().join(LONG)).unwrap();
    dir
}

#[test]
fn bench_summary_fits_with_repetitions_and_a_mixed_workload() {
    let dir = long_dir();
    let target = format!("{LONG}/b.dat");
    let args = ["bench", "--mode", "randrw", "--size", "4m", "--ops", "2000", "--ramp", "0s", "--repeat", "2", &target];
    let out = assert_fits(dir.path(), &args);
    for needle in ["lat p50", "min", "stdev", "rep 2:", "write:"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
}

#[test]
fn bench_rate_summary_fits() {
    let dir = long_dir();
    let target = format!("{LONG}/r.dat");
    let out = assert_fits(dir.path(), &["bench", "--size", "4m", "--ops", "400", "--rate", "4000", &target]);
    assert!(out.contains("rate : open loop at 4000 IOPS") && out.contains("never started"), "{out}");
}

#[test]
fn wal_table_fits_with_every_method() {
    let dir = long_dir();
    let target = format!("{LONG}/w.log");
    let out = assert_fits(dir.path(), &["wal", "--time", "200ms", "--size", "4m", &target]);
    for needle in ["commits/s", "p99.9", "sync p50", "fdatasync", "buffered-fdatasync"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
}

#[test]
fn prealloc_table_fits() {
    let dir = long_dir();
    let target = format!("{LONG}/p.dat");
    let out = assert_fits(dir.path(), &["prealloc", "--size", "1m", "--writes", "10", "--bs", "4k", &target]);
    assert!(out.contains("fallocate-keep-size") && out.contains("conclusion:"), "{out}");
}

#[test]
fn align_summary_fits() {
    let dir = long_dir();
    let target = format!("{LONG}/a.dat");
    std::fs::write(dir.path().join(&target), vec![7u8; 1 << 20]).unwrap();
    let out = assert_fits(dir.path(), &["align", "--write", "--force", &target]);
    assert!(out.contains("verdict:"), "{out}");
}

#[test]
fn verify_summary_fits() {
    let dir = long_dir();
    let target = format!("{LONG}/v.dat");
    let out = assert_fits(dir.path(), &["verify", "--write", "--size", "1m", &target]);
    assert!(out.contains("good 256"), "{out}");
}

#[test]
fn gate_and_merge_summaries_fit() {
    let dir = long_dir();
    let target = format!("{LONG}/g.dat");
    for rank in ["0", "1"] {
        let json = format!("{LONG}/r{rank}.json");
        let args =
            ["bench", "--size", "4m", "--ops", "1000", "--rank", rank, "--world", "2", "-q", "--json", &json, &target];
        assert_fits(dir.path(), &args);
    }
    let (r0, r1) = (format!("{LONG}/r0.json"), format!("{LONG}/r1.json"));
    // Seven repetitions a side, so the gate decides (exit 0).
    let reps = dir.path().join(LONG);
    with_reps(&reps, "g0.json", &STEADY, &STEADY);
    with_reps(&reps, "g1.json", &STEADY_AGAIN, &STEADY_AGAIN);
    let (g0, g1) = (format!("{LONG}/g0.json"), format!("{LONG}/g1.json"));
    let gate = assert_fits(dir.path(), &["gate", "--baseline", &g0, &g1]);
    assert!(gate.contains("verdict"), "{gate}");
    let merged = assert_fits(dir.path(), &["merge", &r0, &r1]);
    assert!(merged.contains("jdbio merge: 2 reports") && merged.contains("lat p50"), "{merged}");
}

#[test]
fn run_summary_fits_and_names_the_columns_it_left_out() {
    let dir = long_dir();
    let suite = format!(
        "[defaults]\ntarget = \"{LONG}/s.dat\"\nsize = \"4m\"\n\n\
         [[job]]\nname = \"randread-4k-qd32-a-long-job-name\"\ncommand = \"bench\"\nops = 1000\n\n\
         [[job]]\nname = \"wal-8k-fdatasync\"\ncommand = \"wal\"\nmethod = \"fdatasync\"\ntime = \"200ms\"\n"
    );
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let out = assert_fits(dir.path(), &["run", "s.toml", "--rounds", "1", "--csv", "s.csv"]);
    assert!(out.contains("jdbio run: s.toml (2 of 2 jobs ran"), "{out}");
    // A long job name makes the full table too wide: the rightmost numbers
    // go, the note names them, and the CSV still has them.
    let note = out.lines().find(|l| l.contains("left out to fit")).expect(&out);
    assert!(note.contains("max [µs]") && !out.lines().any(|l| l.starts_with("  job") && l.contains("max")), "{out}");
    let csv = std::fs::read_to_string(dir.path().join("s.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains("max"), "{csv}");
}
