//! Time and truth through the binary: open-loop rate mode without
//! coordinated omission, interval histograms and HdrHistogram's file
//! formats, and Ctrl-C.

use crate::common;

use std::{path::Path, process::Command, time::Duration};

use common::{jdbio, scratch};
use serde_json::Value;

fn sparse(dir: &Path, name: &str, size: u64) {
    std::fs::File::create(dir.join(name)).unwrap().set_len(size).unwrap();
}

fn bench_json(dir: &Path, args: &[&str]) -> Value {
    let out = jdbio(dir).arg("bench").args(args).args(["--json", "-", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "jdbio bench {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn p99(lat: &Value) -> f64 {
    lat["percentiles"]["99"].as_f64().unwrap()
}

/// Runs `jdbio bench ARGS --json - --quiet` on `dev` inside `limit`.
fn throttled_bench(limit: &common::IopsLimit, dev: &Path, args: &[&str]) -> Value {
    let out = limit
        .command(&assert_cmd::cargo::cargo_bin("jdbio"))
        .arg("bench")
        .args(args)
        .args(["--json", "-", "--quiet"])
        .arg(dev)
        .output()
        .unwrap();
    assert!(out.status.success(), "jdbio bench {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn open_loop_shows_what_coordinated_omission_hides() {
    const TEST: &str = "open_loop_shows_what_coordinated_omission_hides";
    let Some(dev) = common::loop_dev_or_skip(TEST, 64 << 20) else { return };
    // A device that does exactly 500 reads a second, however busy the CPU.
    let limit = match common::IopsLimit::new(&dev.dev, 500) {
        Ok(limit) => limit,
        Err(why) => return common::skip(TEST, &why),
    };
    let _serial = common::quiet_machine();
    // Four times what the device can do: I/Os queue behind their schedule
    // and most never start.
    let over = throttled_bench(&limit, &dev.dev, &["--rate", "2000", "--qd", "4", "--time", "3s", "--ramp", "0"]);
    let read = &over["results"]["read"];
    let achieved = over["rate"]["achieved_iops"].as_f64().unwrap();
    // The throttle caps the device at 500 IOPS (a busy CPU can only slow it
    // further, which overloads it more).
    assert!(achieved < 700.0, "the throttled device did {achieved} IOPS, more than its 500");
    let (service, over_response) = (p99(&read["latency_ns"]), p99(&read["response_latency_ns"]));
    assert!(over_response > 10.0 * service, "response p99 {over_response} vs service p99 {service}");
    assert!(over["rate"]["late_ios"].as_u64().unwrap() > 0);
    assert!(over["rate"]["unstarted_ios"].as_u64().unwrap() > 0);
    assert_eq!(over["rate"]["sustained"], false);
    // A fifth of what the device can do: the two latencies agree. Response
    // time adds only the wake-up of the issuing thread (milliseconds, tens
    // at worst on a busy CPU), where the overloaded run is seconds behind.
    let modest = throttled_bench(&limit, &dev.dev, &["--rate", "100", "--qd", "4", "--time", "2s", "--ramp", "0"]);
    let read = &modest["results"]["read"];
    let p50 = |lat: &Value| lat["percentiles"]["50"].as_f64().unwrap();
    let (service, response) = (p50(&read["latency_ns"]), p50(&read["response_latency_ns"]));
    assert!(response < 2.0 * service + 20e6, "response p50 {response} vs service p50 {service}");
    let response = p99(&read["response_latency_ns"]);
    assert!(response < over_response / 10.0, "response p99 {response} at 100 IOPS vs {over_response} overloaded");
    let rate = &modest["rate"];
    assert_eq!(rate["scheduled_ios"], 200, "2 s at 100 IOPS");
    assert!(rate["unstarted_ios"].as_u64().unwrap() <= 1, "{rate}");
}

#[test]
fn overload_ends_on_the_clock_and_reports_what_never_started() {
    let _serial = common::quiet_machine();
    let dir = scratch();
    sparse(dir.path(), "o.dat", 64 << 20);
    // Lay the file out first, so the timed run below is the bench alone.
    bench_json(dir.path(), &["--ops", "10", "--ramp", "0", "--size", "64m", "o.dat"]);
    let started = std::time::Instant::now();
    let out = jdbio(dir.path())
        .args(["bench", "--mode", "randread", "--size", "64M", "--time", "1s", "--qd", "4", "--rate", "10000000"])
        .args(["o.dat", "--json", "-", "--quiet"])
        .output()
        .unwrap();
    let wall = started.elapsed();
    // Nominal 2 s (1 s default ramp + 1 s); before the fix, 220-300 s.
    assert!(wall < Duration::from_secs(22), "took {wall:?}");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let read = &r["results"]["read"];
    let ops = read["ops"].as_u64().unwrap();
    assert!(ops > 0 && r["duration_s"].as_f64().unwrap() >= 1.0, "{read}");
    let rate = &r["rate"];
    let unstarted = rate["unstarted_ios"].as_u64().unwrap();
    assert!(unstarted > 0, "{rate}");
    assert_eq!(rate["sustained"], false);
    assert_eq!(rate["scheduled_ios"].as_u64().unwrap(), rate["issued_ios"].as_u64().unwrap() + unstarted);
    // The I/Os that never started are in the response times, censored.
    let response = &read["response_latency_ns"];
    assert_eq!(response["count"].as_u64().unwrap(), ops + unstarted);
    assert!(p99(response) > 0.5e9, "response p99 {} after a 1 s window", p99(response));
}

#[test]
fn interval_memory_stays_flat() {
    let _serial = common::quiet_machine();
    let dir = scratch();
    sparse(dir.path(), "m.dat", 16 << 20);
    // Started by a small process (common::run_with_peak_rss): jdbio's own
    // peak RSS would otherwise start from this process's, which Linux
    // keeps across exec.
    let rss = |time: &str| {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("jdbio"));
        cmd.args(["bench", "--interval", "10ms", "--time", time, "--ramp", "0", "--size", "16m", "m.dat"])
            .args(["--json", "-", "--quiet"])
            .current_dir(dir.path());
        let out = common::run_with_peak_rss(cmd);
        assert_eq!(out.code, Some(0), "jdbio bench --time {time}: {}", out.stderr);
        let r: Value = serde_json::from_str(&out.stdout).unwrap();
        assert!(r["series"]["read"].as_array().unwrap().len() >= 100);
        r["cpu"]["max_rss_bytes"].as_u64().unwrap()
    };
    let (short, long) = (rss("2s"), rss("5s"));
    assert!(long < 64 << 20, "peak RSS {long} bytes for --interval 10ms --time 5s");
    assert!(long < short + (8 << 20), "peak RSS grew from {short} to {long} bytes between 2 s and 5 s");
}

#[test]
fn interval_series_adds_up_and_files_are_written() {
    let _serial = common::quiet_machine();
    let dir = scratch();
    sparse(dir.path(), "s.dat", 16 << 20);
    let report = bench_json(
        dir.path(),
        &[
            "--time",
            "1s",
            "--ramp",
            "0",
            "--interval",
            "250ms",
            "--size",
            "16m",
            "--hlog",
            "run.hlog",
            "--hgrm",
            "run.hgrm",
            "s.dat",
        ],
    );
    let series = report["series"]["read"].as_array().unwrap();
    assert!(series.len() >= 4, "{} intervals", series.len());
    let total: u64 = series.iter().map(|s| s["ops"].as_u64().unwrap()).sum();
    assert_eq!(total, report["results"]["read"]["ops"].as_u64().unwrap());
    assert!(series.iter().all(|s| s["latency_ns"]["count"] == s["ops"] && s.get("response_latency_ns").is_none()));
    assert!(series.iter().all(|s| s.get("p99_ns").is_none()), "one latency shape: latency_ns");
    let hlog = std::fs::read_to_string(dir.path().join("run.hlog")).unwrap();
    assert!(hlog.starts_with("#[Histogram log format version 1.3]"));
    let lines: Vec<&str> = hlog.lines().filter(|l| !l.starts_with('#') && !l.starts_with('"')).collect();
    assert_eq!(lines.len(), series.len());
    assert!(lines.iter().all(|l| l.starts_with("Tag=read.service,")), "{hlog}");
    let hgrm = std::fs::read_to_string(dir.path().join("run.read.service.hgrm")).unwrap();
    assert!(hgrm.contains("Percentile") && hgrm.contains(&format!("Total count    = {:>12}", total)), "{hgrm}");
    assert!(!dir.path().join("run.hgrm").exists() && !dir.path().join("run.read.response.hgrm").exists());
}

#[test]
fn open_loop_exports_name_both_latencies() {
    let _serial = common::quiet_machine();
    let dir = scratch();
    sparse(dir.path(), "e.dat", 16 << 20);
    let args = ["--rate", "1000", "--qd", "4", "--time", "1s", "--ramp", "0", "--interval", "250ms", "--size", "16m"];
    let out = jdbio(dir.path())
        .arg("bench")
        .args(args)
        .args(["--hlog", "o.hlog", "--hgrm", "o.hgrm", "--json", "o.json", "--quiet", "e.dat"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("o.json")).unwrap()).unwrap();
    let read = &report["results"]["read"];
    let series = report["series"]["read"].as_array().unwrap();
    for row in series {
        assert_eq!(row["ops"], row["latency_ns"]["count"], "{row}");
        assert_eq!(row["ops"], row["response_latency_ns"]["count"], "{row}");
    }
    let hgrm = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let total =
        |text: &str| text.split("Total count    =").nth(1).unwrap().split(']').next().unwrap().trim().to_string();
    assert_eq!(total(&hgrm("o.read.service.hgrm")), read["latency_ns"]["count"].to_string());
    assert_eq!(total(&hgrm("o.read.response.hgrm")), read["response_latency_ns"]["count"].to_string());
    let hlog = hgrm("o.hlog");
    for tag in ["Tag=read.service,", "Tag=read.response,"] {
        assert_eq!(hlog.lines().filter(|l| l.starts_with(tag)).count(), series.len(), "{tag}: {hlog}");
    }
    // plot draws the response p99 over time beside the service p99.
    let plot = jdbio(dir.path()).args(["plot", "o.json", "-o", "o.svg"]).output().unwrap();
    assert!(plot.status.success(), "{}", String::from_utf8_lossy(&plot.stderr));
    let svg = std::fs::read_to_string(dir.path().join("o.svg")).unwrap();
    assert!(svg.contains("p99 latency over time") && svg.contains("read response"));
}

/// Python's `hdrhistogram` package, or the reason it is missing.
fn python_hdrh() -> Result<(), String> {
    let has = Command::new("python3").args(["-c", "import hdrh"]).status().is_ok_and(|s| s.success());
    if has { Ok(()) } else { Err("the Python hdrhistogram package is not installed (.ci/run installs it)".into()) }
}

#[test]
fn python_hdrhistogram_decodes_the_blobs_and_the_log() {
    if let Err(why) = python_hdrh() {
        common::skip("python_hdrhistogram_decodes_the_blobs_and_the_log", &why);
        return;
    }
    let _serial = common::quiet_machine();
    let dir = scratch();
    sparse(dir.path(), "p.dat", 16 << 20);
    let out = jdbio(dir.path())
        .args(["bench", "--time", "1s", "--ramp", "0", "--interval", "250ms", "--size", "16m", "--quiet"])
        .args(["--json", "r.json", "--hlog", "r.hlog", "p.dat"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = r#"
import json
from hdrh.histogram import HdrHistogram
from hdrh.log import HistogramLogReader
r = json.load(open('r.json'))
lat = r['results']['read']['latency_ns']
h = HdrHistogram.decode(lat['hdr'])
assert h.get_total_count() == r['results']['read']['ops'], (h.get_total_count(), r['results']['read']['ops'])
for key, q in [('50', 50.0), ('90', 90.0), ('99', 99.0), ('99.9', 99.9), ('99.99', 99.99)]:
    assert h.get_value_at_percentile(q) == lat['percentiles'][key], (key, h.get_value_at_percentile(q), lat['percentiles'][key])
reader = HistogramLogReader('r.hlog', HdrHistogram(1, 3600 * 10**9, 3))
seen = []
while True:
    interval = reader.get_next_interval_histogram()
    if interval is None:
        break
    assert interval.get_tag() == 'read.service', interval.get_tag()
    seen.append(interval)
series = r['series']['read']
assert len(seen) == len(series), (len(seen), len(series))
for got, want in zip(seen, series):
    assert got.get_total_count() == want['ops']
    if want['ops']:
        p99 = want['latency_ns']['percentiles']['99']
        assert got.get_value_at_percentile(99.0) == p99, (got.get_value_at_percentile(99.0), p99)
print('ok', len(seen))
"#;
    let py = Command::new("python3").arg("-c").arg(script).current_dir(dir.path()).output().unwrap();
    assert!(py.status.success(), "{}{}", String::from_utf8_lossy(&py.stdout), String::from_utf8_lossy(&py.stderr));
}

/// Checks, with Python's `hdrhistogram`, every count, percentile, min and
/// max in the report at `path` against the `hdr` beside it; prints how many
/// blobs it checked.
const CHECK_EVERY_BLOB: &str = r#"
import json, sys
from hdrh.histogram import HdrHistogram
checked = 0
def check(node, path):
    global checked
    h = HdrHistogram.decode(node['hdr'])
    n = h.get_total_count()
    want = {'count': n}
    for key, got in (node.get('percentiles') or {}).items():
        want['percentiles.' + key] = h.get_value_at_percentile(float(key))
    want['min'] = h.get_min_value() if n else 0
    want['max'] = h.get_max_value() if n else 0
    for key, value in want.items():
        parts = key.split('.', 1)
        have = node.get(parts[0])
        if len(parts) == 2 and isinstance(have, dict):
            have = have.get(parts[1])
        if have is not None and not isinstance(have, dict):
            assert have == value, (path, key, have, value)
    checked += 1
    return n
def walk(node, path):
    if isinstance(node, dict):
        if isinstance(node.get('hdr'), str):
            n = check(node, path)
            if 'ops' in node:
                assert node['ops'] == n, (path, 'ops', node['ops'], n)
        lat = node.get('latency_ns')
        if isinstance(lat, dict) and 'ops' in node:
            assert node['ops'] == HdrHistogram.decode(lat['hdr']).get_total_count(), (path, 'ops')
        for k, v in node.items():
            walk(v, path + '.' + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, '%s[%d]' % (path, i))
walk(json.load(open(sys.argv[1])), '')
print(checked)
"#;

/// Runs [`CHECK_EVERY_BLOB`] on `dir/name`; the number of blobs checked.
fn python_check_blobs(dir: &Path, name: &str) -> u64 {
    let py = Command::new("python3").arg("-c").arg(CHECK_EVERY_BLOB).arg(name).current_dir(dir).output().unwrap();
    assert!(py.status.success(), "{}{}", String::from_utf8_lossy(&py.stdout), String::from_utf8_lossy(&py.stderr));
    String::from_utf8_lossy(&py.stdout).trim().parse().unwrap()
}

#[test]
fn repeat_numbers_are_what_their_blobs_say() {
    if let Err(why) = python_hdrh() {
        common::skip("repeat_numbers_are_what_their_blobs_say", &why);
        return;
    }
    let _serial = common::quiet_machine();
    let dir = scratch();
    sparse(dir.path(), "r.dat", 16 << 20);
    let runs: [&[&str]; 2] = [
        &["--repeat", "3", "--time", "0.3s", "--ramp", "0"],
        &["--repeat", "2", "--time", "0.5s", "--ramp", "0", "--rate", "2000", "--qd", "4", "--interval", "100ms"],
    ];
    for (i, args) in runs.into_iter().enumerate() {
        let name = format!("r{i}.json");
        let out = jdbio(dir.path())
            .arg("bench")
            .args(args)
            .args(["--size", "16m", "--quiet", "--json", &name, "r.dat"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join(&name)).unwrap()).unwrap();
        let reps = report["repetitions"].as_array().unwrap();
        let per_rep: u64 = reps.iter().map(|r| r["results"]["read"]["ops"].as_u64().unwrap()).sum();
        assert_eq!(report["results"]["read"]["ops"].as_u64(), Some(per_rep), "ops merge the repetitions");
        let medians = &report["repetition_medians"]["read"];
        assert!(medians["ops"].as_f64().unwrap() > 0.0 && medians["latency_percentiles_ns"]["99"].is_number());
        let checked = python_check_blobs(dir.path(), &name);
        assert!(checked as usize > reps.len(), "{checked} blobs checked in {name}");
    }
}

#[test]
fn ctrl_c_writes_a_partial_report_and_exits_130() {
    let _serial = common::quiet_machine();
    let dir = scratch();
    sparse(dir.path(), "c.dat", 16 << 20);
    // Lay the file out first so the interrupt lands in the measured run.
    bench_json(dir.path(), &["--ops", "10", "--ramp", "0", "--size", "16m", "c.dat"]);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("jdbio"))
        .current_dir(dir.path())
        .args(["bench", "--time", "30s", "--ramp", "0", "--size", "16m", "--quiet", "--json", "out.json", "c.dat"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // SAFETY: sending SIGINT to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    assert!(report["results"]["read"]["ops"].as_u64().unwrap() > 0);
    assert!(report["duration_s"].as_f64().unwrap() < 10.0);
}

/// Checks every latency object (one with an `hdr`) under `node` against its
/// decoded blob, and every `ops` beside a `latency_ns` against that blob's
/// count; returns the number of blobs checked. `at` names the place.
fn check_blobs(node: &Value, at: &str) -> usize {
    use base64::Engine;
    use hdrhistogram::serialization::Deserializer;
    let mut checked = 0;
    match node {
        Value::Object(map) => {
            if let Some(hdr) = map.get("hdr").and_then(Value::as_str) {
                let bytes = base64::engine::general_purpose::STANDARD.decode(hdr).unwrap();
                let h: hdrhistogram::Histogram<u64> = Deserializer::new().deserialize(&mut &bytes[..]).unwrap();
                let n = h.len();
                let want =
                    [("count", n), ("min", if n > 0 { h.min() } else { 0 }), ("max", if n > 0 { h.max() } else { 0 })];
                for (key, value) in want {
                    if let Some(have) = map.get(key) {
                        assert_eq!(have.as_u64(), Some(value), "{at}.{key}");
                    }
                }
                assert!(map.contains_key("count"), "{at}: no count beside the hdr");
                for (key, have) in map.get("percentiles").and_then(Value::as_object).into_iter().flatten() {
                    let want = jdbio::report::value_at_percentile(&h, key.parse().unwrap());
                    assert_eq!(have.as_u64(), Some(want), "{at}.percentiles.{key}");
                }
                checked += 1;
            }
            if let (Some(ops), Some(lat)) = (map.get("ops"), map.get("latency_ns")) {
                assert_eq!(ops, &lat["count"], "{at}.ops");
            }
            for (key, value) in map {
                checked += check_blobs(value, &format!("{at}.{key}"));
            }
        }
        Value::Array(list) => {
            for (i, value) in list.iter().enumerate() {
                checked += check_blobs(value, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
    checked
}

#[test]
fn shipped_results_agree_with_their_blobs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let report: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(check_blobs(&report, &name) > 0, "{name} has no hdr blob");
            files += 1;
        }
    }
    assert!(files >= 9, "{files} JSON files in results/");
}
