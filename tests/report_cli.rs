//! The report as a reader sees it: every `jdbio.report/1` file results/
//! held (copied into tests/fixtures/report-v1/ before /2) loads through
//! `report::load` into the /2 types; every subcommand's `--json -` parses
//! as the typed report and survives a round trip (serialise, load, same
//! value) with `schema` `jdbio.report/2`; `jdbio gate` judges a /1 baseline
//! against a /2 run of the same job; `jdbio plot` draws a /1 file.

use crate::common;

use std::path::{Path, PathBuf};

use common::{jdbio, scratch};
use jdbio::report::{Body, Report, SCHEMA, load, load_bytes};

fn v1_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report-v1");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

/// `report` serialised and loaded back is `report`.
fn round_trips(report: &Report) {
    let text = serde_json::to_vec(report).unwrap();
    assert_eq!(&load_bytes(&text).unwrap(), report);
}

#[test]
fn every_v1_report_loads_into_the_v2_types() {
    let files = v1_fixtures();
    assert!(files.len() >= 10, "the /1 fixtures are missing: {files:?}");
    for path in files {
        let loaded = load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(loaded.from_v1, "{}", path.display());
        assert_eq!(loaded.report.schema, SCHEMA);
        let raw: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(loaded.report.command(), raw["command"].as_str().unwrap(), "{}", path.display());
        // The /1 names reach the /2 fields.
        if let Body::Bench(b) = &loaded.report.body {
            assert_eq!(b.job.bs_bytes, raw["job"]["bs"].as_u64().unwrap(), "{}", path.display());
            assert_eq!(b.job.size_bytes, raw["job"]["size"].as_u64().unwrap(), "{}", path.display());
        }
        if let (Some(t), Some(align)) = (&loaded.report.target, raw["target"]["dio_offset_align"].as_u64()) {
            assert_eq!(u64::from(t.dio_offset_align), align, "{}", path.display());
        }
        round_trips(&loaded.report);
    }
}

#[test]
fn v1_series_rows_get_the_one_latency_shape() {
    // A /1 series row states p50/p99/max beside its hdr; /2 decodes the hdr
    // into latency_ns, whose percentiles must agree with what /1 stated.
    let v1 = serde_json::json!({
        "schema": "jdbio.report/1", "command": "bench",
        "job": {"mode": "randread", "read_pct": 100, "bs": 4096, "qd": 1, "jobs": 1, "offset": 0,
                "size": 1048576, "stop": {"time": 1.0}, "ramp": 0.0, "dist": {"kind": "uniform"},
                "seed": 1, "data": "random", "verify": false, "submit": "auto", "interval": 1.0},
        "series": {"interval_s": 1.0, "read": []}
    });
    let mut hist = jdbio::report::new_histogram();
    for v in [1000u64, 2000, 3000, 40_000] {
        hist.record(v).unwrap();
    }
    let summary = jdbio::report::LatencySummary::from_histogram(&hist);
    let mut v1 = v1;
    v1["series"]["read"] = serde_json::json!([{
        "t_s": 1.0, "length_s": 1.0, "ops": 4, "iops": 4.0, "bytes": 16384, "latency": "service",
        "count": 4, "p50_ns": summary.percentiles["50"], "p99_ns": summary.percentiles["99"],
        "max_ns": summary.max, "hdr": summary.hdr,
    }]);
    let report = load_bytes(&serde_json::to_vec(&v1).unwrap()).unwrap();
    let Body::Bench(b) = &report.body else { panic!("a bench report") };
    let row = &b.series.as_ref().unwrap().kinds["read"][0];
    assert_eq!(row.latency_ns, summary);
    assert_eq!(b.job.interval_s, Some(1.0));
}

/// Runs `jdbio ARGS --json -` in `dir` and gives the typed report; the
/// exit code must be `code`.
fn json_of(dir: &Path, args: &[&str], code: i32) -> Report {
    let out = jdbio(dir).args(args).args(["--json", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let report = load_bytes(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert_eq!(report.schema, SCHEMA);
    round_trips(&report);
    report
}

#[test]
fn every_subcommand_writes_a_typed_v2_report() {
    let dir = scratch();
    let d = dir.path();
    let bench = json_of(
        d,
        &["bench", "--size", "4m", "--time", "300ms", "--ramp", "0", "--interval", "100ms", "-q", "b.dat"],
        0,
    );
    let Body::Bench(b) = &bench.body else { panic!("bench wrote {}", bench.command()) };
    assert_eq!((b.job.bs_bytes, b.job.size_bytes), (4096, 4 << 20));
    let series = b.series.as_ref().expect("--interval gives a series");
    assert!(series.kinds["read"].iter().any(|row| row.latency_ns.count > 0));
    assert!(matches!(
        json_of(d, &["wal", "--time", "200ms", "--method", "fdatasync", "-q", "w.dat"], 0).body,
        Body::Wal(_)
    ));
    let verify = json_of(d, &["verify", "--write", "--size", "1m", "-q", "v.dat"], 0);
    let Body::Verify(v) = &verify.body else { panic!("verify wrote {}", verify.command()) };
    assert_eq!(v.verify.bs_bytes, v.job.run.bs_bytes);
    let prealloc = json_of(d, &["prealloc", "--size", "1m", "--writes", "4", "-q", "p.dat"], 0);
    let Body::Prealloc(p) = &prealloc.body else { panic!("prealloc wrote {}", prealloc.command()) };
    assert!(p.prealloc.entries.iter().all(|e| e.size_after >= e.size_before));
    assert!(matches!(json_of(d, &["align", "b.dat"], 0).body, Body::Align(_)));
    let info = json_of(d, &["info", "b.dat"], 0);
    assert!(matches!(info.body, Body::Info(_)) && info.target.as_ref().is_some_and(|t| t.size_bytes == 4 << 20));
    std::fs::write(d.join("b.json"), serde_json::to_vec(&bench).unwrap()).unwrap();
    // One run a side: inconclusive (exit 3), the report written all the same.
    let gate = json_of(d, &["gate", "--baseline", "b.json", "b.json"], 3);
    let Body::Gate(g) = &gate.body else { panic!("gate wrote {}", gate.command()) };
    assert!(!g.gate.passed && g.gate.rows.iter().all(|r| r.unit == r.metric.unit()));
    // Open loop and repetitions: the rate, repetitions and medians sections.
    let open = json_of(
        d,
        &["bench", "--size", "4m", "--time", "200ms", "--ramp", "0", "--rate", "500", "--repeat", "2", "-q", "b.dat"],
        0,
    );
    let Body::Bench(o) = &open.body else { panic!("bench wrote {}", open.command()) };
    assert!(o.rate.is_some() && o.repetitions.as_ref().is_some_and(|r| r.len() == 2) && o.repetition_medians.is_some());
    assert_eq!(o.job.rate_iops, Some(500.0));
    std::fs::copy(d.join("b.json"), d.join("b2.json")).unwrap();
    let merged = json_of(d, &["merge", "b.json", "b2.json"], 0);
    let Body::Bench(m) = &merged.body else { panic!("merge wrote {}", merged.command()) };
    let fleet = m.fleet.as_ref().expect("a fleet section");
    assert_eq!(fleet.hosts.len(), 2);
    assert!(fleet.hosts.iter().all(|h| h.results["read"].latency_ns.count > 0));
    let suite = "rounds = 1\n[[job]]\nname = \"r\"\ncommand = \"bench\"\ntarget = \"b.dat\"\nsize = \"4m\"\nops = 100\nramp = \"0\"\n";
    std::fs::write(d.join("s.toml"), suite).unwrap();
    let run = json_of(d, &["run", "s.toml", "-q"], 0);
    let Body::Run(s) = &run.body else { panic!("run wrote {}", run.command()) };
    let job = s.suite.jobs[0].report.as_deref().expect("the job's report");
    assert!(matches!(job.body, Body::Bench(_)) && job.results["read"].ops > 0);
}

#[test]
fn gate_judges_a_v1_baseline_against_a_v2_run_of_the_same_job() {
    let dir = scratch();
    let d = dir.path();
    // The committed /1 report of a randread 4k qd16 job, its region made
    // small enough to run here (in /1 names: that is what a /1 file holds).
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report-v1/bench-randread-4k-qd16-file.json");
    let mut v1: serde_json::Value = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    assert_eq!(v1["schema"], "jdbio.report/1");
    v1["job"]["size"] = (4u64 << 20).into();
    std::fs::write(d.join("base.json"), serde_json::to_vec(&v1).unwrap()).unwrap();
    let run = ["bench", "--mode", "randread", "--bs", "4k", "--qd", "16", "--size", "4m", "--time", "300ms"];
    let out = jdbio(d).args(run).args(["--ramp", "0", "--json", "cur.json", "-q", "b.dat"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Single runs: every metric inconclusive (exit 3); only a refusal
    // (exit 2) or a broken mapping can fail. The machines differ (allowed),
    // the job does not.
    let args = ["--allow-other-host", "--json", "gate.json"];
    let out = jdbio(d).args(["gate", "--baseline", "base.json", "cur.json"]).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let gate = load(&d.join("gate.json")).unwrap().report;
    let Body::Gate(g) = &gate.body else { panic!("gate wrote {}", gate.command()) };
    assert!(g.gate.mismatches.is_empty(), "{:?}", g.gate.mismatches);
    assert!(g.gate.other_host.iter().any(|d| d.key == "target.path"), "{:?}", g.gate.other_host);
    let metrics: Vec<String> = g.gate.rows.iter().map(|r| r.label()).collect();
    assert!(metrics.contains(&"read iops".to_string()) && metrics.contains(&"read p99".to_string()), "{metrics:?}");
}

#[test]
fn plot_draws_a_v1_report() {
    let dir = scratch();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report-v1/bench-randread-4k-qd32-file.json");
    let out = jdbio(dir.path()).arg("plot").arg(&fixture).args(["-o", "p.svg"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let svg = std::fs::read_to_string(dir.path().join("p.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("randread 4k qd32"), "{}", &svg[..200.min(svg.len())]);
}
