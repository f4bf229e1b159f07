//! `jdbio bench` driven through the binary, as a user would.

use crate::common;

use std::path::Path;

use base64::Engine;
use common::{jdbio, loop_dev_or_skip, scratch};
use hdrhistogram::{Histogram, serialization::Deserializer};
use serde_json::Value;

/// Runs `jdbio bench ARGS --json -` in `dir` and returns the parsed report.
fn bench_json(dir: &Path, args: &[&str]) -> Value {
    let out = jdbio(dir).arg("bench").args(args).args(["--json", "-", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "jdbio bench {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not only JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Creates `name` in `dir` as a sparse file of `size` bytes (bench lays it out).
fn sparse(dir: &Path, name: &str, size: u64) {
    std::fs::File::create(dir.join(name)).unwrap().set_len(size).unwrap();
}

fn decode_hdr(blob: &str) -> Histogram<u64> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(blob).unwrap();
    Deserializer::new().deserialize(&mut &bytes[..]).unwrap()
}

fn check_op(report: &Value, kind: &str) {
    let r = &report["results"][kind];
    let ops = r["ops"].as_u64().unwrap();
    assert!(ops > 0, "{kind}: no ops in {r}");
    let lat = &r["latency_ns"];
    let p = |k: &str| lat["percentiles"][k].as_u64().unwrap();
    let max = lat["max"].as_u64().unwrap();
    assert!(lat["min"].as_u64().unwrap() <= p("50") && p("50") <= p("99") && p("99") <= max, "{lat}");
    let duration = report["duration_s"].as_f64().unwrap();
    let iops = r["iops"].as_f64().unwrap();
    assert!((iops - ops as f64 / duration).abs() <= iops * 0.001 + 1e-9, "iops {iops} vs {ops}/{duration}");
    assert_eq!(r["bytes"].as_u64().unwrap(), ops * report["job"]["bs_bytes"].as_u64().unwrap());
}

#[test]
fn every_mode_reports_consistent_numbers() {
    let dir = scratch();
    sparse(dir.path(), "t.dat", 16 << 20);
    for mode in ["randread", "read", "randwrite", "write", "randrw"] {
        let report = bench_json(
            dir.path(),
            &["--mode", mode, "--size", "16m", "--time", "300ms", "--ramp", "100ms", "--qd", "8", "t.dat"],
        );
        assert_eq!(report["schema"], "jdbio.report/2");
        assert_eq!(report["job"]["mode"], mode);
        match mode {
            "randrw" => {
                check_op(&report, "read");
                check_op(&report, "write");
            }
            "randwrite" | "write" => check_op(&report, "write"),
            _ => check_op(&report, "read"),
        }
        let total = report["bench"]["total_ops_including_ramp"].as_u64().unwrap();
        let measured: u64 = report["results"].as_object().unwrap().values().map(|r| r["ops"].as_u64().unwrap()).sum();
        assert!(total >= measured, "{total} < {measured}");
    }
}

#[test]
fn ops_flag_does_exactly_n_measured_ops() {
    let dir = scratch();
    sparse(dir.path(), "o.dat", 8 << 20);
    for jobs in ["1", "3"] {
        let report = bench_json(
            dir.path(),
            &["--ops", "1000", "--jobs", jobs, "--qd", "16", "--size", "8m", "--ramp", "0", "o.dat"],
        );
        assert_eq!(report["results"]["read"]["ops"], 1000, "jobs {jobs}");
    }
}

#[test]
fn hdr_blob_decodes_to_the_stated_numbers() {
    let dir = scratch();
    sparse(dir.path(), "h.dat", 8 << 20);
    let report = bench_json(dir.path(), &["--ops", "5000", "--qd", "4", "--size", "8m", "h.dat"]);
    let lat = &report["results"]["read"]["latency_ns"];
    let hist = decode_hdr(lat["hdr"].as_str().unwrap());
    assert_eq!(hist.len(), 5000);
    assert_eq!(hist.max(), lat["max"].as_u64().unwrap());
    assert_eq!(hist.min(), lat["min"].as_u64().unwrap());
    for (key, q) in [("50", 50.0), ("90", 90.0), ("99", 99.0), ("99.9", 99.9), ("99.99", 99.99)] {
        assert_eq!(jdbio::report::value_at_percentile(&hist, q), lat["percentiles"][key].as_u64().unwrap(), "p{key}");
    }
}

#[test]
fn sparse_file_is_laid_out_and_reported() {
    let dir = scratch();
    sparse(dir.path(), "l.dat", 4 << 20);
    let report = bench_json(dir.path(), &["--ops", "10", "--size", "4m", "l.dat"]);
    assert_eq!(report["bench"]["laid_out"], true);
    let data = std::fs::read(dir.path().join("l.dat")).unwrap();
    assert_eq!(data.len(), 4 << 20);
    assert!(data.iter().filter(|&&b| b == 0).count() < data.len() / 100, "laid out with random bytes");
    let again = bench_json(dir.path(), &["--ops", "10", "--size", "4m", "l.dat"]);
    assert_eq!(again["bench"]["laid_out"], false, "kept for reuse");
}

#[test]
fn default_target_is_a_scratch_file_in_the_current_directory() {
    let dir = scratch();
    let out = jdbio(dir.path()).args(["bench", "--ops", "100", "--size", "4m", "--ramp", "0"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("randread") && text.contains("IOPS") && text.contains("p99"), "{text}");
    assert_eq!(std::fs::metadata(dir.path().join("jdbio-bench.dat")).unwrap().len(), 4 << 20);
}

fn read_completed(dev: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/sys/block/{dev}/stat")).unwrap();
    stat.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn device_counters_match_total_ops_on_a_loop_device() {
    let Some(dev) = loop_dev_or_skip("device_counters_match_total_ops_on_a_loop_device", 64 << 20) else { return };
    let _ = std::process::Command::new("udevadm").arg("settle").status();
    let before = read_completed(&dev.name());
    let dir = scratch();
    let report =
        bench_json(dir.path(), &["--time", "500ms", "--ramp", "200ms", "--qd", "16", dev.dev.to_str().unwrap()]);
    let after = read_completed(&dev.name());
    let total = report["bench"]["total_ops_including_ramp"].as_u64().unwrap();
    let device = after - before;
    assert!(total > 100, "{total}");
    let diff = device.abs_diff(total) as f64;
    assert!(diff <= total as f64 * 0.01, "device completed {device} reads, jdbio says {total}");
    assert_eq!(report["target"]["kind"], "block");
}

#[test]
fn writes_to_a_device_holding_ext4_are_refused_without_force() {
    let Some(dev) = loop_dev_or_skip("writes_to_a_device_holding_ext4_are_refused_without_force", 32 << 20) else {
        return;
    };
    dev.mkfs_ext4();
    let before = dev.contents();
    let dir = scratch();
    let out = jdbio(dir.path()).args(["bench", "--mode", "randwrite", "--ops", "100"]).arg(&dev.dev).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ext4") && err.contains("--force"), "{err}");
    assert!(before == dev.contents(), "the device was modified");
    // Reads never need --force.
    bench_json(dir.path(), &["--ops", "100", "--ramp", "0", dev.dev.to_str().unwrap()]);
    // With --force the write runs.
    let forced = jdbio(dir.path())
        .args(["bench", "--mode", "randwrite", "--ops", "100", "--ramp", "0", "--force", "--quiet"])
        .arg(&dev.dev)
        .output()
        .unwrap();
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert!(before != dev.contents());
}

#[test]
fn bad_input_exits_2_naming_the_flag_or_path() {
    let dir = scratch();
    std::fs::write(dir.path().join("small.dat"), vec![0u8; 1 << 20]).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--qd", "0", "small.dat"], "--qd"),
        (&["--bs", "1000", "small.dat"], "--bs 1000"),
        (&["--size", "4k", "--bs", "8k", "small.dat"], "--size"),
        (&["--rwmix", "150", "--mode", "randrw", "small.dat"], "--rwmix"),
        (&["--dist", "zipf:x", "small.dat"], "--dist"),
        (&["--bs", "4x", "small.dat"], "--bs"),
        (&["--warm", "small.dat"], "--warm"),
        (&["--io", "buffered", "--engine", "nop", "small.dat"], "--io buffered: --engine nop"),
        (&["--io", "buffered", "--hipri", "small.dat"], "--hipri"),
        (&["--io", "buffered", "--engine", "libaio", "small.dat"], "--io buffered with --engine libaio"),
        (&["."], "directory"),
        (&["nodir/missing.dat"], "nodir/missing.dat"),
    ];
    for (args, needle) in cases {
        let out = jdbio(dir.path()).arg("bench").args(*args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: message should name {needle}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: one line: {err}");
    }
    assert!(!dir.path().join("nodir").exists(), "no directory is created");
    assert_eq!(std::fs::read(dir.path().join("small.dat")).unwrap(), vec![0u8; 1 << 20], "nothing touched");
}

#[test]
fn a_rate_out_of_range_is_refused_with_the_real_rule() {
    let dir = scratch();
    std::fs::write(dir.path().join("small.dat"), vec![0u8; 1 << 20]).unwrap();
    for rate in ["1e19", "100000001", "0", "-5", "inf", "NaN"] {
        let out = jdbio(dir.path()).args(["bench", &format!("--rate={rate}"), "small.dat"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--rate {rate}: {err}");
        assert!(
            err.contains("--rate") && err.contains("above 0") && err.contains("at most 100000000"),
            "--rate {rate}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "--rate {rate}: one line: {err}");
    }
    assert_eq!(std::fs::read(dir.path().join("small.dat")).unwrap(), vec![0u8; 1 << 20], "nothing touched");
}

#[test]
fn verify_flag_writes_blocks_that_reads_check() {
    let dir = scratch();
    let report = bench_json(
        dir.path(),
        &["--mode", "write", "--verify", "--size", "4m", "--ops", "1024", "--ramp", "0", "v.dat"],
    );
    assert_eq!(report["verify"]["checked"], 0);
    // The standalone verifier agrees with what bench wrote.
    let out = jdbio(dir.path()).args(["verify", "v.dat", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let clean = bench_json(
        dir.path(),
        &["--mode", "read", "--verify", "--size", "4m", "--ops", "1024", "--ramp", "0", "v.dat"],
    );
    assert_eq!(clean["verify"]["checked"], 1024);
    assert_eq!(clean["verify"]["bad"], serde_json::json!({}));
    // One damaged block: every sequential pass over it counts it, exit 1.
    let path = dir.path().join("v.dat");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[40960 + 100] ^= 0xFF;
    std::fs::write(&path, bytes).unwrap();
    let out = jdbio(dir.path())
        .args([
            "bench", "--mode", "read", "--verify", "--size", "4m", "--ops", "1024", "--ramp", "0", "--quiet", "--json",
            "-", "v.dat",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verify"]["bad"]["corrupt"], 1);
    assert_eq!(report["verify"]["bad_blocks"][0]["offset_bytes"], 40960);
}

#[test]
fn repeat_reports_every_repetition_and_the_medians() {
    let dir = scratch();
    sparse(dir.path(), "r.dat", 8 << 20);
    let report = bench_json(dir.path(), &["--repeat", "3", "--ops", "500", "--ramp", "0", "--size", "8m", "r.dat"]);
    assert_eq!(report["job"]["repeat"], 3);
    let reps = report["repetitions"].as_array().unwrap();
    assert_eq!(reps.len(), 3);
    let mut iops: Vec<f64> = reps.iter().map(|r| r["results"]["read"]["iops"].as_f64().unwrap()).collect();
    iops.sort_by(f64::total_cmp);
    assert_eq!(report["repetition_medians"]["read"]["iops"].as_f64().unwrap(), iops[1], "the median");
    assert_eq!(report["results"]["read"]["ops"], 1500, "results merge the repetitions, as their hdr does");
    assert_eq!(report["bench"]["total_ops_including_ramp"], 1500);
    let hist = decode_hdr(report["results"]["read"]["latency_ns"]["hdr"].as_str().unwrap());
    assert_eq!(hist.len(), 1500, "hdr merges every repetition");
}

/// A target whose name is not UTF-8 (paths are bytes on Unix) is measured,
/// probed and checked like any other: the report is written, with the
/// name shown lossily in `argv`, and nothing panics (`bench`, `info`,
/// `align` used to, after the whole run, leaving a 0-byte report).
#[test]
fn a_target_name_that_is_not_utf8_is_kept_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch();
    let name = std::ffi::OsStr::from_bytes(b"\xff\xfe-bad.dat");
    std::fs::write(dir.path().join(name), vec![1u8; 1 << 20]).unwrap();
    for command in [&["bench", "--ops", "100", "--ramp", "0", "-q"][..], &["info"], &["align"]] {
        let out = jdbio(dir.path()).args(command).arg(name).args(["--json", "out.json"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{command:?}: {err}");
        let r: Value = serde_json::from_slice(&std::fs::read(dir.path().join("out.json")).unwrap()).unwrap();
        assert!(r["argv"].as_array().unwrap().iter().any(|a| a == "\u{fffd}\u{fffd}-bad.dat"), "{r}");
        assert_eq!(r["ended"]["status"], "completed", "{r}");
    }
}

/// The page cache's part of a buffered report: (start, end, region) bytes.
fn residency(report: &Value) -> (u64, u64, u64) {
    let cache = &report["bench"]["page_cache"];
    let bytes = |k: &str| cache[k].as_u64().unwrap_or_else(|| panic!("page_cache.{k} in {cache}"));
    (bytes("resident_at_start_bytes"), bytes("resident_at_end_bytes"), bytes("region_bytes"))
}

#[test]
fn buffered_reads_start_evicted_and_say_what_memory_held_and_direct_reads_cache_nothing() {
    let dir = scratch();
    let region = 64u64 << 20;
    let data: Vec<u8> = (0..region).map(|i| ((i * 2_654_435_761) >> 13) as u8).collect();
    std::fs::write(dir.path().join("data.dat"), &data).unwrap();
    let before = common::md5(&dir.path().join("data.dat"));
    // Read whole through the cache: every page of the region is in memory.
    assert_eq!(std::fs::read(dir.path().join("data.dat")).unwrap().len() as u64, region);
    let base = ["--mode", "randread", "--bs", "4k", "--ramp", "0s", "--seed", "7"];
    let few = [&base[..], &["--qd", "1", "--ops", "16"]].concat();

    let warm = bench_json(dir.path(), &[&few[..], &["--io", "buffered", "--warm", "data.dat"]].concat());
    assert_eq!(warm["job"]["io"], "buffered", "{}", warm["job"]);
    assert_eq!(warm["job"]["warm"], true);
    assert_eq!(warm["bench"]["page_cache"]["dropped"], false);
    assert_eq!(residency(&warm), (region, region, region), "--warm keeps what the cache held");

    let cold = bench_json(dir.path(), &[&few[..], &["--io", "buffered", "data.dat"]].concat());
    assert_eq!(cold["bench"]["page_cache"]["dropped"], true);
    let (start, after_cold, _) = residency(&cold);
    assert_eq!(start, 0, "the region was evicted before the run");
    assert!(after_cold >= 4096 && after_cold < region / 2, "16 reads of 4k bring in a few pages, not {after_cold}");

    // Direct reads bypass the cache: a --warm look afterwards finds only
    // what the buffered run left.
    let direct = bench_json(dir.path(), &[&base[..], &["--ops", "4000", "--qd", "8", "data.dat"]].concat());
    assert_eq!(direct["job"]["io"], "direct");
    assert!(direct["bench"].get("page_cache").is_none(), "{}", direct["bench"]);
    let look = bench_json(dir.path(), &[&base[..], &["--ops", "1", "--io", "buffered", "--warm", "data.dat"]].concat());
    assert!(
        residency(&look).0 <= after_cold,
        "4000 Direct I/O reads put pages in the cache: {} > {after_cold}",
        residency(&look).0
    );
    assert_eq!(common::md5(&dir.path().join("data.dat")), before, "read runs leave the bytes as they were");
}

#[test]
fn buffered_writes_reach_the_file_and_read_back_verified_both_ways() {
    let dir = scratch();
    sparse(dir.path(), "w.dat", 8 << 20);
    let common = ["--bs", "8k", "--ramp", "0s", "--verify", "--seed", "11"];
    let wrote = bench_json(
        dir.path(),
        &[&common[..], &["--mode", "write", "--ops", "1024", "--io", "buffered", "--engine", "psync", "w.dat"]]
            .concat(),
    );
    assert_eq!(wrote["results"]["write"]["ops"], 1024);
    assert_eq!((wrote["job"]["engine"].as_str(), wrote["job"]["io"].as_str()), (Some("psync"), Some("buffered")));
    assert_eq!(residency(&wrote).2, 8 << 20);
    for (io, engine) in [("buffered", "uring"), ("buffered", "pvsync2"), ("buffered", "dio"), ("direct", "uring")] {
        let read = bench_json(
            dir.path(),
            &[&common[..], &["--mode", "read", "--ops", "1024", "--io", io, "--engine", engine, "w.dat"]].concat(),
        );
        assert_eq!(read["verify"]["checked"], 1024, "--io {io} --engine {engine}: {}", read["verify"]);
        assert_eq!(read["verify"]["bad"], serde_json::json!({}), "--io {io} --engine {engine}: {}", read["verify"]);
    }
}

#[test]
fn the_reported_peak_rss_is_jdbios_own_not_its_parents() {
    // This test process holds 256 MiB when it starts jdbio: Linux's
    // ru_maxrss would carry that peak across fork and exec into jdbio's.
    let ballast = vec![1u8; 256 << 20];
    let dir = scratch();
    let out = jdbio(dir.path())
        .args(["bench", "t.dat", "--size", "4m", "--ops", "200", "--qd", "4", "-q", "--json", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rss = report["cpu"]["max_rss_bytes"].as_u64().unwrap();
    assert!(rss > 0 && rss < 128 << 20, "jdbio's peak RSS {rss} bytes (the parent held {} MiB)", ballast.len() >> 20);
    drop(ballast);
}

#[test]
fn the_summarys_cpu_per_io_is_the_jsons_with_repetitions() {
    let dir = scratch();
    sparse(dir.path(), "t.dat", 8 << 20);
    let args = ["bench", "--size", "8m", "--ops", "2000", "--ramp", "0", "--repeat", "3", "--json", "r.json", "t.dat"];
    let out = jdbio(dir.path()).args(args).output().unwrap();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{summary}");
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    let cpu = report["bench"]["cpu_per_io_ns"].as_f64().unwrap();
    let reps: Vec<f64> =
        report["repetitions"].as_array().unwrap().iter().map(|r| r["cpu_per_io_ns"].as_f64().unwrap()).collect();
    let mut sorted = reps.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(cpu, sorted[1], "the JSON states the repetitions' median: {reps:?}");
    let want = format!("{} CPU per I/O (repetitions' median)", jdbio::units::human_ns(cpu));
    assert!(summary.contains(&want), "{want:?} in:\n{summary}");
}
