//! Many hosts, one histogram: `jdbio merge`, `--start-at`, rank awareness,
//! driven through the binary as a launcher would.

mod common;

use std::path::Path;

use base64::Engine;
use common::{jdbio, scratch};
use hdrhistogram::{Histogram, serialization::Deserializer};
use serde_json::Value;

/// Runs `jdbio bench` on a 16 MiB file `t.dat` in `dir`, writing `json`.
fn bench(dir: &Path, json: &str, extra: &[&str]) {
    let out = jdbio(dir)
        .args(["bench", "t.dat", "--size", "16m", "--time", "300ms", "--ramp", "0", "--qd", "4", "-q"])
        .args(["--json", json])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "bench failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn decode(blob: &Value) -> Histogram<u64> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(blob.as_str().unwrap()).unwrap();
    Deserializer::new().deserialize(&mut &bytes[..]).unwrap()
}

/// HdrHistogram's reference percentile (Java, Python): rank rounded half
/// up, the highest equivalent value of the bucket that reaches it.
fn percentile(h: &Histogram<u64>, p: f64) -> u64 {
    let rank = ((p * h.len() as f64 / 100.0 + 0.5) as u64).max(1);
    let mut seen = 0;
    for v in h.iter_recorded() {
        seen += v.count_at_value();
        if seen >= rank {
            return v.value_iterated_to();
        }
    }
    h.max()
}

/// Merges `reports` in `dir` into `m.json`; returns the merged report.
fn merge(dir: &Path, reports: &[&str]) -> Value {
    let out = jdbio(dir).arg("merge").args(reports).args(["--json", "m.json"]).output().unwrap();
    assert!(out.status.success(), "merge failed: {}", String::from_utf8_lossy(&out.stderr));
    read(&dir.join("m.json"))
}

/// Checks that `merged` adds the hosts' `reports` exactly, per op kind.
fn check_exact_sum(dir: &Path, merged: &Value, reports: &[&str]) {
    let hosts: Vec<Value> = reports.iter().map(|r| read(&dir.join(r))).collect();
    for (kind, r) in merged["results"].as_object().unwrap() {
        let mut sum = Histogram::<u64>::new(3).unwrap();
        let mut ops = 0;
        for h in &hosts {
            sum.add(decode(&h["results"][kind]["latency_ns"]["hdr"])).unwrap();
            ops += h["results"][kind]["ops"].as_u64().unwrap();
        }
        assert_eq!(r["ops"].as_u64(), Some(ops), "{kind}: ops are the sum of the hosts'");
        let lat = &r["latency_ns"];
        assert_eq!(lat["count"].as_u64(), Some(sum.len()));
        let counts = |h: &Histogram<u64>| {
            h.iter_recorded().map(|v| (v.value_iterated_to(), v.count_at_value())).collect::<Vec<_>>()
        };
        assert!(counts(&decode(&lat["hdr"])) == counts(&sum), "{kind}: the merged hdr is the hosts' added");
        for (key, p) in [("50", 50.0), ("90", 90.0), ("99", 99.0), ("99.9", 99.9), ("99.99", 99.99)] {
            assert_eq!(lat["percentiles"][key].as_u64(), Some(percentile(&sum, p)), "{kind} p{key}");
        }
        assert_eq!((lat["min"].as_u64(), lat["max"].as_u64()), (Some(sum.min()), Some(sum.max())));
    }
}

#[test]
fn merge_adds_the_histograms_exactly() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    let reports = ["r0.json", "r1.json", "r2.json"];
    for (i, r) in reports.iter().enumerate() {
        bench(dir.path(), r, &["--mode", "randrw", "--seed", &i.to_string()]);
    }
    let merged = merge(dir.path(), &reports);
    check_exact_sum(dir.path(), &merged, &reports);
    assert_eq!(merged["command"], "bench");
    assert_eq!(merged["fleet"]["reports"], 3);
    assert_eq!(merged["fleet"]["hosts"].as_array().unwrap().len(), 3);
    assert_eq!(merged["job"]["qd"], 4, "settings all hosts share are kept");
    assert!(merged["job"].get("seed").is_none(), "a setting that differs between hosts is left out");
}

#[test]
fn a_merged_report_is_gateable_and_plottable() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    bench(dir.path(), "a.json", &[]);
    bench(dir.path(), "b.json", &[]);
    merge(dir.path(), &["a.json", "b.json"]);
    let gate = jdbio(dir.path()).args(["gate", "--baseline", "m.json", "m.json"]).output().unwrap();
    assert!(gate.status.success(), "gate: {}", String::from_utf8_lossy(&gate.stdout));
    assert!(String::from_utf8_lossy(&gate.stdout).contains("gate: PASS"));
    jdbio(dir.path()).args(["plot", "m.json", "-o", "m.svg"]).assert().success();
    assert!(std::fs::read_to_string(dir.path().join("m.svg")).unwrap().contains("<svg"));
}

#[test]
fn different_jobs_are_refused_naming_each_difference() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    bench(dir.path(), "a.json", &[]);
    bench(dir.path(), "b.json", &["--bs", "8k", "--dist", "zipf:0.9"]);
    let out = jdbio(dir.path()).args(["merge", "a.json", "b.json", "--json", "m.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("job.bs: a.json 4096, b.json 8192"), "{err}");
    assert!(err.contains("job.dist: a.json uniform, b.json zipf:0.9"), "{err}");
    assert!(!dir.path().join("m.json").exists(), "no fleet report from a refused merge");
    let wal = jdbio(dir.path())
        .args(["wal", "w.dat", "--method", "none", "--time", "200ms", "--size", "1m", "-q", "--json", "w.json"])
        .output()
        .unwrap();
    assert!(wal.status.success(), "{}", String::from_utf8_lossy(&wal.stderr));
    let out = jdbio(dir.path()).args(["merge", "a.json", "w.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("command: a.json bench, w.json wal"), "{err}");
}
