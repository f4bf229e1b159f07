//! Many hosts, one histogram: `jdbio merge`, `--start-at`, rank awareness,
//! driven through the binary as a launcher would.

use crate::common;

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
    // Run one after another, the windows do not overlap: the rates are the
    // hosts' own, summed, and the report says so.
    assert_eq!(merged["fleet"]["rule"], "no_overlap");
    assert!(merged["fleet"]["overlap_s"].is_null());
    for kind in ["read", "write"] {
        let sum: f64 =
            reports.iter().map(|r| read(&dir.path().join(r))["results"][kind]["iops"].as_f64().unwrap()).sum();
        let iops = merged["results"][kind]["iops"].as_f64().unwrap();
        assert!((iops - sum).abs() <= sum * 1e-12, "{kind}: {iops} vs {sum}");
    }
}

#[test]
fn a_merged_report_is_gateable_and_plottable() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    bench(dir.path(), "a.json", &[]);
    bench(dir.path(), "b.json", &[]);
    merge(dir.path(), &["a.json", "b.json"]);
    // A merged report is one run: the gate reads it (exit 3, one run a
    // side decides nothing; not 2, unusable).
    let gate = jdbio(dir.path()).args(["gate", "--baseline", "m.json", "m.json"]).output().unwrap();
    assert_eq!(gate.status.code(), Some(3), "gate: {}", String::from_utf8_lossy(&gate.stdout));
    assert!(String::from_utf8_lossy(&gate.stdout).contains("gate: INCONCLUSIVE: 6 of 6 metrics"));
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
    assert!(err.contains("job.bs_bytes: a.json 4096, b.json 8192"), "{err}");
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

/// Now as Unix nanoseconds.
fn now_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

/// `T` as `--start-at` takes it: Unix seconds with nine decimals.
fn unix_arg(ns: u64) -> String {
    format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
}

#[test]
fn start_at_in_the_future_holds_the_measured_window_until_then() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    let at = now_ns() + 2_000_000_000;
    bench(dir.path(), "s.json", &["--start-at", &unix_arg(at), "--jobs", "2"]);
    let r = read(&dir.path().join("s.json"));
    let start = r["window_start_unix_ns"].as_u64().unwrap();
    assert!(start >= at, "the window starts at {start}, before --start-at {at}");
    assert!(r["window_end_unix_ns"].as_u64().unwrap() > start);
    assert_eq!(r["start_at"]["requested_unix_ns"].as_u64(), Some(at));
    assert_eq!(r["start_at"]["late_ns"].as_u64(), Some(0), "ready before T is not late");
}

#[test]
fn start_at_in_the_past_starts_at_once_and_says_how_late() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    let launched = now_ns();
    let at = launched - 5_000_000_000;
    bench(dir.path(), "p.json", &["--start-at", &unix_arg(at)]);
    let r = read(&dir.path().join("p.json"));
    let late = r["start_at"]["late_ns"].as_u64().unwrap();
    let start = r["window_start_unix_ns"].as_u64().unwrap();
    assert!(late >= 5_000_000_000, "late by {late} ns, but T was 5 s before launch");
    assert!(start >= launched && start >= at + late, "the window starts once ready: {start} vs T {at} + {late}");
    // RFC 3339 is read too, and bad input names the flag.
    bench(dir.path(), "q.json", &["--start-at", "2000-01-01T00:00:00Z"]);
    let late = read(&dir.path().join("q.json"))["start_at"]["late_ns"].as_u64().unwrap();
    assert!(late >= (launched - 946_684_800_000_000_000), "{late}");
    let out = jdbio(dir.path()).args(["bench", "t.dat", "--start-at", "tomorrow"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'--start-at <T>'"));
}

/// The same fleet without MPI: three background processes given `--rank`
/// by hand, started together with `--start-at`.
#[test]
fn merge_aggregates_over_the_overlap_of_runs_started_together() {
    let dir = scratch();
    let at = now_ns() + 2_000_000_000;
    let children: Vec<_> = (0..3)
        .map(|i| {
            std::fs::File::create(dir.path().join(format!("t-{i}.dat"))).unwrap().set_len(16 << 20).unwrap();
            std::process::Command::new(assert_cmd::cargo::cargo_bin("jdbio"))
                .current_dir(dir.path())
                .args(["--rank", &i.to_string(), "--world", "3"])
                .args(["bench", "t-{rank}.dat", "--size", "16m", "--time", "600ms", "--ramp", "0", "--qd", "4", "-q"])
                .args(["--interval", "100ms", "--start-at", &unix_arg(at), "--json", "r{rank}.json"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let reports = ["r0.json", "r1.json", "r2.json"];
    let merged = merge(dir.path(), &reports);
    check_exact_sum(dir.path(), &merged, &reports);
    let fleet = &merged["fleet"];
    assert_eq!(fleet["rule"], "series");
    let hosts: Vec<Value> = reports.iter().map(|r| read(&dir.path().join(r))).collect();
    let starts: Vec<u64> = hosts.iter().map(|h| h["window_start_unix_ns"].as_u64().unwrap()).collect();
    let ends: Vec<u64> = hosts.iter().map(|h| h["window_end_unix_ns"].as_u64().unwrap()).collect();
    let (lo, hi) = (*starts.iter().max().unwrap(), *ends.iter().min().unwrap());
    assert_eq!(fleet["overlap_start_unix_ns"].as_u64(), Some(lo));
    assert_eq!(fleet["overlap_end_unix_ns"].as_u64(), Some(hi));
    assert_eq!(merged["window_start_unix_ns"].as_u64(), Some(lo));
    let spread = starts.iter().max().unwrap() - starts.iter().min().unwrap();
    assert_eq!(fleet["skew"]["start_spread_ns"].as_u64(), Some(spread));
    assert!(starts.iter().all(|&s| s >= at));
    // The aggregate is the ops inside the overlap over its length: at most
    // every op of every host over the overlap, and never more.
    let ops: u64 = hosts.iter().map(|h| h["results"]["read"]["ops"].as_u64().unwrap()).sum();
    let iops = merged["results"]["read"]["iops"].as_f64().unwrap();
    assert!(iops > 0.0 && iops <= ops as f64 / ((hi - lo) as f64 / 1e9) + 1e-6, "{iops}");
    // Recomputed from the hosts' series: each interval's ops, prorated by
    // its share inside the overlap, summed, over the overlap's length.
    let mut inside = 0.0;
    for (h, &ws) in hosts.iter().zip(&starts) {
        for row in h["series"]["read"].as_array().unwrap() {
            let end = ws as f64 + row["t_s"].as_f64().unwrap() * 1e9;
            let len = row["length_s"].as_f64().unwrap() * 1e9;
            let share = ((end.min(hi as f64) - (end - len).max(lo as f64)).max(0.0)) / len;
            inside += row["ops"].as_f64().unwrap() * share;
        }
    }
    let want = inside / ((hi - lo) as f64 / 1e9);
    assert!((iops - want).abs() <= want * 1e-9, "aggregate {iops} IOPS, recomputed {want}");
    // The merged series holds every op of every host, on one grid.
    let series_ops: u64 = merged["series"]["read"].as_array().unwrap().iter().map(|r| r["ops"].as_u64().unwrap()).sum();
    assert_eq!(series_ops, ops);
}

/// Every launcher variable jdbio reads, removed so the test's own
/// environment (a CI job under Slurm) cannot leak in.
const LAUNCHER_VARS: [&str; 7] = [
    "OMPI_COMM_WORLD_RANK",
    "OMPI_COMM_WORLD_SIZE",
    "PMI_RANK",
    "PMI_SIZE",
    "SLURM_PROCID",
    "SLURM_NTASKS",
    "JOB_COMPLETION_INDEX",
];

/// `jdbio bench 't-{rank}.dat' --json 'r-{rank}-{host}.json'` with `env`
/// and `flags`; returns the output.
fn ranked_bench(dir: &Path, env: &[(&str, &str)], flags: &[&str]) -> std::process::Output {
    let mut cmd = jdbio(dir);
    for var in LAUNCHER_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .args(flags)
        .args(["bench", "t-{rank}.dat", "--size", "1m", "--time", "100ms", "--ramp", "0", "--qd", "2", "-q"])
        .args(["--json", "r-{rank}-{host}.json"])
        .output()
        .unwrap()
}

fn hostname() -> String {
    String::from_utf8(std::process::Command::new("hostname").output().unwrap().stdout).unwrap().trim().to_string()
}

#[test]
fn rank_and_host_come_from_each_launcher_and_name_the_paths() {
    let dir = scratch();
    let host = hostname();
    // (environment, flags, rank, world size, where the rank came from)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], u64, Value, &'a str);
    let cases: [Case; 5] = [
        (&[("OMPI_COMM_WORLD_RANK", "2"), ("OMPI_COMM_WORLD_SIZE", "3")], &[], 2, 3.into(), "OMPI_COMM_WORLD_RANK"),
        (&[("PMI_RANK", "1"), ("PMI_SIZE", "4")], &[], 1, 4.into(), "PMI_RANK"),
        (&[("SLURM_PROCID", "3"), ("SLURM_NTASKS", "5")], &[], 3, 5.into(), "SLURM_PROCID"),
        (&[("JOB_COMPLETION_INDEX", "4")], &["--world", "6"], 4, 6.into(), "JOB_COMPLETION_INDEX"),
        (&[("SLURM_PROCID", "0")], &["--rank", "5", "--world", "7"], 5, 7.into(), "--rank"),
    ];
    for (env, flags, rank, world, from) in cases {
        std::fs::File::create(dir.path().join(format!("t-{rank}.dat"))).unwrap().set_len(1 << 20).unwrap();
        let out = ranked_bench(dir.path(), env, flags);
        assert!(out.status.success(), "{env:?}: {}", String::from_utf8_lossy(&out.stderr));
        let r = read(&dir.path().join(format!("r-{rank}-{host}.json")));
        assert_eq!(r["rank"], serde_json::json!({"rank": rank, "world_size": world, "from": from}), "{env:?}");
        assert_eq!(r["host"]["name"], host.as_str());
        assert_eq!(r["job"]["path"], format!("t-{rank}.dat"), "the target names the rank");
    }
}

#[test]
fn a_rank_in_a_path_without_a_rank_is_refused() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t-0.dat")).unwrap().set_len(1 << 20).unwrap();
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    let out = ranked_bench(dir.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("t-{rank}.dat: {rank} needs a rank"), "{err}");
    for (env, want) in [
        (&[("SLURM_PROCID", "4"), ("SLURM_NTASKS", "4")][..], "rank 4 (SLURM_PROCID) is not below the world size 4"),
        (&[("PMI_RANK", "one")][..], "PMI_RANK=\"one\": not a whole number"),
    ] {
        let out = ranked_bench(dir.path(), env, &[]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(want), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before, "nothing was written");
}

/// Merge's input reports are named with `{rank}` and `{host}` like every
/// other path: run as rank 1 of 2, it reads `r-1-HOST.json` and writes
/// `m-1.json`.
#[test]
fn merge_substitutes_rank_and_host_in_its_input_reports() {
    let dir = scratch();
    let host = hostname();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    bench(dir.path(), &format!("r-1-{host}.json"), &[]);
    bench(dir.path(), "b.json", &[]);
    let mut cmd = jdbio(dir.path());
    for var in LAUNCHER_VARS {
        cmd.env_remove(var);
    }
    let out = cmd
        .args(["--rank", "1", "--world", "2", "merge", "r-{rank}-{host}.json", "b.json", "--json", "m-{rank}.json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "merge failed: {}", String::from_utf8_lossy(&out.stderr));
    let merged = read(&dir.path().join("m-1.json"));
    assert_eq!(merged["fleet"]["reports"], 2);
    assert!(merged.get("rank").is_none(), "a fleet report is no one rank's");
}

/// Three ranks under Open MPI's `mpirun`, each on its own file, started
/// together with `--start-at`, then merged: the merged count is the sum of
/// the ranks', the merged p99 is what Python's `hdrhistogram` gives for the
/// ranks' blobs added, and the ranks started together.
#[test]
fn three_mpirun_ranks_start_together_and_merge() {
    let test = "three_mpirun_ranks_start_together_and_merge";
    if std::process::Command::new("mpirun").arg("--version").output().is_err() {
        common::skip(test, "mpirun is not installed (Debian: openmpi-bin; .ci/run installs it)");
        return;
    }
    let dir = scratch();
    for i in 0..3 {
        std::fs::File::create(dir.path().join(format!("t-{i}.dat"))).unwrap().set_len(16 << 20).unwrap();
    }
    // The ranks' start spread is measured: no deliberate load beside it.
    let _quiet = common::quiet_machine();
    let at = now_ns() + 3_000_000_000;
    let mut cmd = std::process::Command::new("mpirun");
    for var in LAUNCHER_VARS {
        cmd.env_remove(var);
    }
    let out = cmd
        .current_dir(dir.path())
        .args(["--oversubscribe", "--allow-run-as-root", "-n", "3"])
        .arg(assert_cmd::cargo::cargo_bin("jdbio"))
        .args(["bench", "t-{rank}.dat", "--size", "16m", "--time", "500ms", "--ramp", "0", "--qd", "4", "-q"])
        .args(["--interval", "100ms", "--json", "r-{rank}.json", "--start-at", &unix_arg(at)])
        .output()
        .unwrap();
    assert!(out.status.success(), "mpirun: {}", String::from_utf8_lossy(&out.stderr));
    let reports = ["r-0.json", "r-1.json", "r-2.json"];
    let hosts: Vec<Value> = reports.iter().map(|r| read(&dir.path().join(r))).collect();
    for (i, h) in hosts.iter().enumerate() {
        let want = serde_json::json!({"rank": i, "world_size": 3, "from": "OMPI_COMM_WORLD_RANK"});
        assert_eq!(h["rank"], want);
        assert_eq!(h["job"]["path"], format!("t-{i}.dat"));
    }
    let merged = merge(dir.path(), &reports);
    check_exact_sum(dir.path(), &merged, &reports);
    let ops: u64 = hosts.iter().map(|h| h["results"]["read"]["ops"].as_u64().unwrap()).sum();
    assert_eq!(merged["results"]["read"]["ops"].as_u64(), Some(ops));
    let ranks: Vec<Value> = merged["fleet"]["hosts"].as_array().unwrap().iter().map(|h| h["rank"].clone()).collect();
    assert_eq!(ranks, [0, 1, 2]);
    // Every rank held its start until T; those ready in time started within
    // 50 ms of each other (a rank late for T says so, and by how much).
    let starts: Vec<u64> = hosts.iter().map(|h| h["window_start_unix_ns"].as_u64().unwrap()).collect();
    let late: Vec<u64> = hosts.iter().map(|h| h["start_at"]["late_ns"].as_u64().unwrap()).collect();
    assert!(starts.iter().zip(&late).all(|(&s, &l)| s >= at + l), "{starts:?} vs T {at}, late {late:?}");
    if late.iter().all(|&l| l == 0) {
        let spread = starts.iter().max().unwrap() - starts.iter().min().unwrap();
        assert!(spread <= 50_000_000, "ranks started {spread} ns apart");
        assert_eq!(merged["fleet"]["skew"]["start_spread_ns"].as_u64(), Some(spread));
    }
    let has_hdrh =
        std::process::Command::new("python3").args(["-c", "import hdrh"]).status().is_ok_and(|s| s.success());
    if !has_hdrh {
        common::skip(test, "the Python hdrhistogram package is not installed (.ci/run installs it)");
        return;
    }
    let script = r#"
import json
from hdrh.histogram import HdrHistogram
total = HdrHistogram(1, 3600 * 10**9, 3)
for name in ['r-0.json', 'r-1.json', 'r-2.json']:
    total.add(HdrHistogram.decode(json.load(open(name))['results']['read']['latency_ns']['hdr']))
m = json.load(open('m.json'))['results']['read']['latency_ns']
assert total.get_total_count() == m['count'], (total.get_total_count(), m['count'])
for key in ['50', '99', '99.9']:
    assert total.get_value_at_percentile(float(key)) == m['percentiles'][key], (key, total.get_value_at_percentile(float(key)), m['percentiles'][key])
print('ok')
"#;
    let py = std::process::Command::new("python3").arg("-c").arg(script).current_dir(dir.path()).output().unwrap();
    assert!(py.status.success(), "{}{}", String::from_utf8_lossy(&py.stdout), String::from_utf8_lossy(&py.stderr));
}

#[test]
fn a_repeated_or_interrupted_report_is_refused() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("t.dat")).unwrap().set_len(16 << 20).unwrap();
    bench(dir.path(), "a.json", &[]);
    let refused = |args: &[&str]| {
        let out = jdbio(dir.path()).arg("merge").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = refused(&["a.json", "./a.json"]);
    assert!(err.contains("./a.json: the same report as a.json"), "{err}");
    let mut cut = read(&dir.path().join("a.json"));
    cut["interrupted"] = true.into();
    cut["signal"] = "SIGTERM".into();
    std::fs::write(dir.path().join("cut.json"), cut.to_string()).unwrap();
    let err = refused(&["a.json", "cut.json"]);
    assert!(err.contains("cut.json: the run was interrupted by SIGTERM"), "{err}");
}
