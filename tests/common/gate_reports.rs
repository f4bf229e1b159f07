//! Bench reports with repetitions of known values, for the gate: the
//! fixture tests/fixtures/gate/base.json with one repetition per factor.

use std::path::Path;

use serde_json::Value;

/// Seven repetitions around 1 (within 3%): the baseline's spread.
pub const STEADY: [f64; 7] = [1.00, 0.98, 1.02, 0.99, 1.01, 0.97, 1.03];
/// Seven other draws of the same spread: unchanged code.
pub const STEADY_AGAIN: [f64; 7] = [1.015, 0.985, 1.005, 0.995, 1.025, 0.975, 1.0];
/// Seven repetitions spread +-40%: a device too noisy for a 10% limit.
pub const NOISY: [f64; 7] = [0.6, 1.4, 0.8, 1.2, 0.9, 1.1, 0.7];

/// Writes `name` into `dir`: the fixture base.json (randread, 100k IOPS,
/// p99 220us, 5us CPU per I/O) with one repetition per factor, whose IOPS
/// and bandwidth are the fixture's times `throughput[i]` and whose latency
/// percentiles and CPU per I/O are the fixture's times `latency[i]`.
pub fn with_reps(dir: &Path, name: &str, throughput: &[f64], latency: &[f64]) {
    let mut r: Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gate/base.json")).unwrap(),
    )
    .unwrap();
    let read = r["results"]["read"].clone();
    let cpu = r["bench"]["cpu_per_io_ns"].as_f64().unwrap();
    let reps: Vec<Value> = throughput
        .iter()
        .zip(latency)
        .map(|(t, l)| {
            let mut op = read.clone();
            op["iops"] = (op["iops"].as_f64().unwrap() * t).into();
            op["bw_bytes_per_s"] = (op["bw_bytes_per_s"].as_f64().unwrap() * t).into();
            for p in ["50", "90", "99", "99.9", "99.99"] {
                let v = &mut op["latency_ns"]["percentiles"][p];
                *v = ((v.as_f64().unwrap() * l).round() as u64).into();
            }
            serde_json::json!({ "results": { "read": op }, "cpu_per_io_ns": cpu * l, "duration_s": 1.0 })
        })
        .collect();
    r["repetitions"] = reps.into();
    std::fs::write(dir.join(name), serde_json::to_vec(&r).unwrap()).unwrap();
}

/// `v` times `k`.
pub fn times(v: &[f64], k: f64) -> Vec<f64> {
    v.iter().map(|x| x * k).collect()
}
