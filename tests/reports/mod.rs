//! Runs every subcommand that writes a JSON report, the way a user would,
//! with `--json -` on small files, and keeps what each printed: the report
//! (stdout) and the human summary (stderr, since stdout holds the JSON).
//! The runs are made once per test binary ([`shared`]) on a fresh ext4 on a
//! loop device with 512-byte sectors where root can set one up (so the
//! filesystem, the alignments and what the disk says are the same on every
//! machine), else in a scratch directory. Nothing is left behind.

pub mod redact;

use std::{path::Path, sync::OnceLock};

use serde_json::Value;

use crate::common::{
    LoopDev, Mount,
    gate_reports::{STEADY, STEADY_AGAIN, with_reps},
    jdbio, scratch,
};

/// One subcommand's run.
#[derive(Debug, Clone)]
pub struct Captured {
    /// A name for the run ("bench", "bench-rate", "wal", ...).
    pub name: &'static str,
    /// The report `--json -` printed.
    pub report: Value,
    /// What went to stderr: the human summary (and any warning).
    pub summary: String,
}

/// A two-job suite for `jdbio run`, in two rounds.
const SUITE: &str = r#"rounds = 2

[defaults]
size = "1m"
ramp = "0"
seed = 7

[[job]]
name = "read"
command = "bench"
target = "suite.dat"
ops = 200

[[job]]
name = "wal"
command = "wal"
target = "suite.wal"
method = ["none"]
time = "100ms"
"#;

/// The runs: a name and the arguments before `--json -`. Later runs read
/// reports the setup runs wrote (gate, merge).
const RUNS: &[(&str, &[&str])] = &[
    ("info", &["info", "t.dat"]),
    (
        "bench",
        &["bench", "t.dat", "--mode", "randread", "--size", "1m", "--ops", "300", "--ramp", "0", "--seed", "1", "-q"],
    ),
    (
        "bench-rate",
        &[
            "bench",
            "t.dat",
            "--mode",
            "randrw",
            "--size",
            "1m",
            "--ops",
            "300",
            "--ramp",
            "0",
            "--seed",
            "2",
            "--rate",
            "3000",
            "--interval",
            "50ms",
            "--repeat",
            "2",
            "-q",
        ],
    ),
    (
        "bench-verify",
        &[
            "bench",
            "v.dat",
            "--mode",
            "randwrite",
            "--verify",
            "--size",
            "1m",
            "--ops",
            "200",
            "--ramp",
            "0",
            "--seed",
            "3",
            "-q",
        ],
    ),
    ("wal", &["wal", "w.log", "--method", "none,fdatasync", "--size", "1m", "--time", "100ms", "-q"]),
    ("prealloc", &["prealloc", "p.dat", "--size", "1m", "--writes", "64", "-q"]),
    ("align", &["align", "t.dat"]),
    ("verify", &["verify", "c.dat", "--write", "--size", "256k", "--seed", "4", "-q"]),
    ("gate", &["gate", "--baseline", "base.json", "cur.json"]),
    ("merge", &["merge", "r0.json", "r1.json"]),
    ("run", &["run", "suite.toml", "-q"]),
];

/// Reports the later runs read: (file, arguments).
const SETUP: &[(&str, &[&str])] = &[
    (
        "r0.json",
        &[
            "--rank", "0", "--world", "2", "bench", "m.dat", "--size", "1m", "--ops", "200", "--ramp", "0", "--seed",
            "6", "-q",
        ],
    ),
    (
        "r1.json",
        &[
            "--rank", "1", "--world", "2", "bench", "m.dat", "--size", "1m", "--ops", "200", "--ramp", "0", "--seed",
            "6", "-q",
        ],
    ),
];

/// The names of every run, in order.
pub fn names() -> Vec<&'static str> {
    RUNS.iter().map(|(name, _)| *name).collect()
}

/// Every run, and why they were not made on a loop device (`Some`) when
/// they were not.
pub struct Runs {
    /// One per entry of [`names`], in order.
    pub runs: Vec<Captured>,
    /// Why the runs are in a scratch directory of this machine's own
    /// filesystem (no root, no losetup); `None` on the loop device.
    pub not_on_loop: Option<String>,
}

/// Every run, made once for this test binary.
pub fn shared() -> &'static Runs {
    static RUNS_DONE: OnceLock<Runs> = OnceLock::new();
    RUNS_DONE.get_or_init(|| match LoopDev::with_sector_size(64 << 20, 512) {
        Ok(dev) => {
            dev.mkfs_ext4();
            let mount = Mount::new(&dev.dev);
            let runs = every_report(mount.path());
            // Leave the directory empty, for the unmount.
            for entry in std::fs::read_dir(mount.path()).unwrap().flatten() {
                let _ = std::fs::remove_file(entry.path());
            }
            Runs { runs, not_on_loop: None }
        }
        Err(why) => {
            let dir = scratch();
            Runs { runs: every_report(dir.path()), not_on_loop: Some(why) }
        }
    })
}

/// Runs every subcommand in `d`.
fn every_report(d: &Path) -> Vec<Captured> {
    std::fs::write(d.join("t.dat"), pattern(1 << 20)).unwrap();
    std::fs::write(d.join("suite.toml"), SUITE).unwrap();
    for (file, args) in SETUP {
        succeed(d, args, &["--json", file]);
    }
    // The gate compares two reports of seven repetitions of known values
    // (unchanged code): a pass whatever the machine's noise, so the run and
    // its snapshot are deterministic.
    with_reps(d, "base.json", &STEADY, &STEADY);
    with_reps(d, "cur.json", &STEADY_AGAIN, &STEADY_AGAIN);
    RUNS.iter()
        .map(|(name, args)| {
            let out = succeed(d, args, &["--json", "-"]);
            let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!("{name}: stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
            });
            Captured { name, report, summary: String::from_utf8_lossy(&out.stderr).into_owned() }
        })
        .collect()
}

/// Runs jdbio with `args` then `tail` in `dir`; panics unless it exits 0.
fn succeed(dir: &Path, args: &[&str], tail: &[&str]) -> std::process::Output {
    let out = jdbio(dir).args(args).args(tail).output().unwrap();
    assert!(out.status.success(), "jdbio {args:?} {tail:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// `len` bytes that are not all zeros (so nothing reads as a hole).
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 131 % 251) as u8).collect()
}
