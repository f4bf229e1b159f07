//! scripts/ci-gate.sh end to end: a baseline made here, the script run
//! against it (a pass), and against a baseline edited to be 10x faster (a
//! forced failure).

mod common;

use std::process::Command;

use common::{jdbio, scratch};
use serde_json::Value;

/// Limits wide enough that run-to-run noise on a shared machine never trips
/// them; the forced failure is far beyond them.
const WIDE: [&str; 12] = [
    "--max-drop",
    "iops=50%",
    "--max-drop",
    "bw=50%",
    "--max-rise",
    "p50=200%",
    "--max-rise",
    "p99=400%",
    "--max-rise",
    "p99.9=2000%",
    "--max-rise",
    "cpu_per_io=300%",
];

fn ci_gate(dir: &std::path::Path, baseline: &str) -> std::process::Output {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/ci-gate.sh");
    Command::new("bash")
        .arg(script)
        .args([
            "--baseline",
            baseline,
            "--repeat",
            "3",
            "--jdbio",
            env!("CARGO_BIN_EXE_jdbio"),
            "--out",
            "current.json",
        ])
        .arg("g.dat")
        .arg("--")
        .args(WIDE)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn ci_gate_passes_on_the_same_job_and_fails_against_a_10x_faster_baseline() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("g.dat")).unwrap().set_len(8 << 20).unwrap();
    let made = jdbio(dir.path())
        .args([
            "bench",
            "--repeat",
            "3",
            "--ops",
            "3000",
            "--ramp",
            "0",
            "--qd",
            "8",
            "--size",
            "8m",
            "--quiet",
            "--json",
            "base.json",
            "g.dat",
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));

    let pass = ci_gate(dir.path(), "base.json");
    let table = String::from_utf8_lossy(&pass.stdout);
    assert_eq!(pass.status.code(), Some(0), "{table}{}", String::from_utf8_lossy(&pass.stderr));
    assert!(table.contains("| metric |") && table.contains("PASS"), "{table}");
    let current: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("current.json")).unwrap()).unwrap();
    assert_eq!(current["job"]["qd"], 8, "the baseline's job was run");
    assert_eq!(current["repetitions"].as_array().unwrap().len(), 3);

    // A baseline 10x faster than anything this machine does.
    let mut fast: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("base.json")).unwrap()).unwrap();
    let speed_up = |r: &mut Value| {
        for key in ["iops", "bw_bytes_per_s"] {
            r[key] = Value::from(r[key].as_f64().unwrap() * 10.0);
        }
    };
    speed_up(&mut fast["results"]["read"]);
    for rep in fast["repetitions"].as_array_mut().unwrap() {
        speed_up(&mut rep["results"]["read"]);
    }
    std::fs::write(dir.path().join("fast.json"), serde_json::to_string(&fast).unwrap()).unwrap();
    let fail = ci_gate(dir.path(), "fast.json");
    let table = String::from_utf8_lossy(&fail.stdout);
    assert_eq!(fail.status.code(), Some(1), "{table}{}", String::from_utf8_lossy(&fail.stderr));
    assert!(table.contains("FAIL") && table.contains("read iops"), "{table}");
}
