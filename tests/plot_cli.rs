//! `jdbio plot` through the binary, on reports made by the real `jdbio bench`
//! and `jdbio wal`: the SVG is well-formed XML with a line per distribution,
//! the legend and the axis titles.

use crate::common;

use std::path::{Path, PathBuf};

use common::{jdbio, scratch};
use serde_json::{Value, json};

/// A short random-read bench on an 8 MiB sparse file; returns its report.
fn bench_report(dir: &Path) -> PathBuf {
    std::fs::File::create(dir.join("data.dat")).unwrap().set_len(8 << 20).unwrap();
    let args = ["bench", "--time", "300ms", "--ramp", "0", "--size", "8m", "--json", "b.json", "--quiet", "data.dat"];
    let out = jdbio(dir).args(args).output().unwrap();
    assert!(out.status.success(), "jdbio bench: {}", String::from_utf8_lossy(&out.stderr));
    dir.join("b.json")
}

/// A short wal run with two sync methods; returns its report.
fn wal_report(dir: &Path) -> PathBuf {
    let args =
        ["wal", "--time", "100ms", "--method", "fdatasync,odsync", "--size", "4m", "--json", "w.json", "--quiet"];
    let out = jdbio(dir).args(args).output().unwrap();
    assert!(out.status.success(), "jdbio wal: {}", String::from_utf8_lossy(&out.stderr));
    dir.join("w.json")
}

/// What a test looks at in a picture.
struct Svg {
    root: String,
    width: String,
    /// Every text element's content, trimmed.
    texts: Vec<String>,
    /// Polylines and paths drawn 2 px wide (data lines and their legend
    /// samples; grid and axes are 1 px).
    thick: usize,
    /// Distinct stroke colours of those.
    colours: usize,
}

impl Svg {
    fn parse(text: &str) -> Svg {
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML: {e}"));
        let root = doc.root_element();
        let thick: Vec<_> = root
            .descendants()
            .filter(|n| matches!(n.tag_name().name(), "polyline" | "path"))
            .filter(|n| n.attribute("stroke-width") == Some("2"))
            .collect();
        let mut colours: Vec<&str> = thick.iter().filter_map(|n| n.attribute("stroke")).collect();
        colours.sort_unstable();
        colours.dedup();
        Svg {
            root: root.tag_name().name().to_string(),
            width: root.attribute("width").unwrap_or_default().to_string(),
            texts: root
                .descendants()
                .filter(|n| n.tag_name().name() == "text")
                .map(|n| n.text().unwrap_or_default().trim().to_string())
                .collect(),
            thick: thick.len(),
            colours: colours.len(),
        }
    }

    fn has(&self, text: &str) -> bool {
        self.texts.iter().any(|t| t == text)
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        self.texts.iter().any(|t| t.starts_with(prefix))
    }
}

/// Runs `jdbio plot REPORTS -o plot.svg` in `dir` and parses the picture.
fn plot(dir: &Path, reports: &[&Path], extra: &[&str]) -> Svg {
    let out = jdbio(dir).arg("plot").args(reports).args(["-o", "plot.svg"]).args(extra).output().unwrap();
    assert!(out.status.success(), "jdbio plot: {}", String::from_utf8_lossy(&out.stderr));
    let svg = Svg::parse(&std::fs::read_to_string(dir.join("plot.svg")).unwrap());
    assert_eq!(svg.root, "svg");
    assert!(svg.has("Latency by percentile") && svg.has("percentile"), "{:?}", svg.texts);
    assert!(svg.has_prefix("latency (") && ["0%", "90%", "99%"].iter().all(|t| svg.has(t)), "{:?}", svg.texts);
    svg
}

#[test]
fn a_bench_report_is_one_line_named_after_its_job() {
    let dir = scratch();
    let b = bench_report(dir.path());
    let svg = plot(dir.path(), &[&b], &[]);
    assert!(svg.has("randread 4k qd32"), "{:?}", svg.texts);
    assert!(svg.has("b.json: bench"), "{:?}", svg.texts);
    assert!(svg.thick >= 2 && svg.colours == 1, "the line and its legend sample: {} {}", svg.thick, svg.colours);
    assert!(!svg.has("IOPS (ops/s)"), "no series, no time panel");
    assert_eq!(svg.width, "1000");
}

#[test]
fn a_wal_report_is_one_line_per_sync_method() {
    let dir = scratch();
    let w = wal_report(dir.path());
    let svg = plot(dir.path(), &[&w], &[]);
    assert!(svg.has("fdatasync overwrite") && svg.has("odsync overwrite"), "{:?}", svg.texts);
    assert!(svg.has("w.json: wal, bs 8k"), "{:?}", svg.texts);
    assert!(svg.thick >= 4 && svg.colours == 2, "{} lines in {} colours", svg.thick, svg.colours);
}

#[test]
fn bench_and_wal_reports_share_one_picture() {
    let dir = scratch();
    let (b, w) = (bench_report(dir.path()), wal_report(dir.path()));
    let svg = plot(dir.path(), &[&b, &w], &[]);
    for text in ["randread 4k qd32", "fdatasync overwrite", "odsync overwrite", "b.json: bench", "w.json: wal, bs 8k"] {
        assert!(svg.has(text), "{text} missing from {:?}", svg.texts);
    }
    assert!(svg.has_prefix("Latency of b.json (bench) and w.json (wal)"), "{:?}", svg.texts);
    assert!(svg.thick >= 6 && svg.colours == 3, "{} lines in {} colours", svg.thick, svg.colours);
}

#[test]
fn a_series_adds_iops_and_p99_over_time() {
    let dir = scratch();
    let b = bench_report(dir.path());
    let mut report: Value = serde_json::from_slice(&std::fs::read(&b).unwrap()).unwrap();
    let hdr = report["results"]["read"]["latency_ns"]["hdr"].clone();
    let sample = |t: f64, iops: f64, p99: u64| {
        json!({"t_s": t, "length_s": 1.0, "ops": iops as u64, "iops": iops, "bytes": iops as u64 * 4096,
               "latency_ns": {"count": iops as u64, "min": 1, "max": p99 * 2, "mean": 1.0, "stdev": 0.0,
                              "percentiles": {"50": p99 / 2, "99": p99}, "hdr": hdr}})
    };
    report["series"] = json!({"interval_s": 1.0, "read": [
        sample(1.0, 90_000.0, 400_000), sample(2.0, 120_000.0, 300_000), sample(3.0, 60_000.0, 2_000_000)]});
    let s = dir.path().join("s.json");
    std::fs::write(&s, serde_json::to_vec(&report).unwrap()).unwrap();
    let svg = plot(dir.path(), &[&s], &[]);
    for text in ["IOPS over time", "IOPS (ops/s)", "p99 latency over time", "time (s)", "120k"] {
        assert!(svg.has(text), "{text} missing from {:?}", svg.texts);
    }
    assert!(svg.has_prefix("p99 latency ("), "{:?}", svg.texts);
    // Spectrum, IOPS and p99 lines plus the legend sample, all one colour.
    assert!(svg.thick >= 4 && svg.colours == 1, "{} lines in {} colours", svg.thick, svg.colours);
}

#[test]
fn dash_o_dash_writes_to_stdout_and_the_size_is_settable() {
    let dir = scratch();
    let w = wal_report(dir.path());
    let out =
        jdbio(dir.path()).args(["plot", "w.json", "-o", "-", "--width", "1400", "--height", "700"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let svg = Svg::parse(std::str::from_utf8(&out.stdout).unwrap());
    assert_eq!((svg.root.as_str(), svg.width.as_str()), ("svg", "1400"));
    assert!(w.exists() && !dir.path().join("-").exists());
}

#[test]
fn reports_that_cannot_be_plotted_exit_2_naming_the_file() {
    let dir = scratch();
    let out =
        jdbio(dir.path()).args(["verify", "v.dat", "--write", "--size", "1m", "--quiet", "--json", "v.json"]).output();
    assert!(out.unwrap().status.success());
    std::fs::write(dir.path().join("junk.json"), "not json").unwrap();
    std::fs::write(dir.path().join("future.json"), r#"{"schema":"jdbio.report/3","command":"bench"}"#).unwrap();
    for (file, why) in [
        ("v.json", "a jdbio verify report"),
        ("missing.json", "cannot read"),
        ("junk.json", "not JSON"),
        ("future.json", "schema jdbio.report/3"),
    ] {
        let out = jdbio(dir.path()).args(["plot", file, "-o", "out.svg"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(&format!("{file}: {why}")), "{file}: {err}");
        assert!(!dir.path().join("out.svg").exists(), "{file}: nothing is written");
    }
    let out = jdbio(dir.path()).args(["plot", "v.json", "-o", "out.svg"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("jdbio plot draws jdbio bench and jdbio wal reports"));
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let dir = scratch();
    std::fs::write(dir.path().join("r.json"), "{}").unwrap();
    for (args, needle) in [
        (&["plot", "r.json", "-o", "x.svg", "--width", "10"][..], "--width 10"),
        (&["plot", "r.json"][..], "--output"),
        (&["plot", "r.json", "-o", "r.json"][..], "-o r.json"),
        (&["plot", "r.json", "-o", "x.svg", "--y-scale", "sideways"][..], "--y-scale"),
    ] {
        let out = jdbio(dir.path()).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("r.json")).unwrap(), "{}", "-o never overwrites a report");
}

/// A bench report of about 2.5 KB whose one `hdr` blob is well formed but
/// declares a 2 GB payload it does not have.
fn report_claiming_a_2gb_histogram(dir: &Path) -> PathBuf {
    use std::io::Write;
    let mut v2 = (0x1c84_9303u32 | 0x10).to_be_bytes().to_vec();
    v2.extend(2_000_000_000u32.to_be_bytes()); // payload length: the lie
    v2.extend(0u32.to_be_bytes()); // normalizing offset
    v2.extend(3u32.to_be_bytes()); // significant digits
    v2.extend(1u64.to_be_bytes()); // lowest
    v2.extend(3_600_000_000_000u64.to_be_bytes()); // highest
    v2.extend(1.0f64.to_be_bytes()); // integer to double ratio
    v2.extend([2u8; 1500]); // a real payload of 1500 bytes
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::none());
    z.write_all(&v2).unwrap();
    let body = z.finish().unwrap();
    let mut blob = (0x1c84_9304u32 | 0x10).to_be_bytes().to_vec();
    blob.extend((body.len() as u32).to_be_bytes());
    blob.extend(body);
    use base64::Engine;
    let hdr = base64::engine::general_purpose::STANDARD.encode(blob);
    let report = json!({"schema": "jdbio.report/1", "command": "bench",
        "job": {"mode": "randread", "read_pct": 100, "bs": 4096, "qd": 32, "jobs": 1, "offset": 0, "size": 1 << 20,
                "stop": {"time": 1.0}, "ramp": 0.0, "dist": {"kind": "uniform"}, "seed": 1, "data": "random",
                "verify": false, "submit": "auto"},
        "results": {"read": {"ops": 10, "bytes": 40960, "errors": 0, "iops": 10.0, "bw_bytes_per_s": 40960.0,
                             "latency_ns": {"percentiles": {"50": 100}, "hdr": hdr}}}});
    let path = dir.join("claims-2gb.json");
    std::fs::write(&path, serde_json::to_vec(&report).unwrap()).unwrap();
    path
}

/// `jdbio plot ARGS` in `dir`, with the child's own peak RSS.
fn plot_measured(dir: &Path, args: &[&str]) -> common::Measured {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jdbio"));
    cmd.arg("plot").args(args).current_dir(dir);
    common::run_with_peak_rss(cmd)
}

#[test]
fn a_histogram_claiming_2gb_is_refused_without_allocating_it() {
    let dir = scratch();
    let report = report_claiming_a_2gb_histogram(dir.path());
    let len = std::fs::metadata(&report).unwrap().len();
    assert!(len < 4096, "a small report: {len} bytes");
    let m = plot_measured(dir.path(), &["claims-2gb.json", "-o", "out.svg"]);
    assert_eq!(m.code, Some(2), "{}", m.stderr);
    assert!(
        m.stderr
            .contains("claims-2gb.json: results.read.latency_ns.hdr: its header declares a 2000000000-byte payload"),
        "{}",
        m.stderr
    );
    assert_eq!(m.stderr.lines().count(), 1, "{}", m.stderr);
    assert!(m.peak_rss_bytes < 100 << 20, "peak RSS {} MiB", m.peak_rss_bytes >> 20);
    assert!(!dir.path().join("out.svg").exists());
}

#[test]
fn a_report_over_64_mib_is_refused_before_it_is_read() {
    let dir = scratch();
    // 1 GiB of junk (sparse: costs no disk).
    std::fs::File::create(dir.path().join("junk.json")).unwrap().set_len(1 << 30).unwrap();
    let m = plot_measured(dir.path(), &["junk.json", "-o", "out.svg"]);
    assert_eq!(m.code, Some(2), "{}", m.stderr);
    assert_eq!(
        m.stderr,
        "jdbio: error: junk.json: too large for a jdbio report (at most 67108864 bytes, 64 MiB; this is 1073741824 bytes; not read)\n"
    );
    assert!(m.peak_rss_bytes < 100 << 20, "peak RSS {} MiB", m.peak_rss_bytes >> 20);
    // Not a regular file: read no further than the limit.
    let m = plot_measured(dir.path(), &["/dev/zero", "-o", "out.svg"]);
    assert_eq!(m.code, Some(2), "{}", m.stderr);
    assert!(m.stderr.contains("/dev/zero: too large for a jdbio report (at most 67108864 bytes, 64 MiB; this is more than that; stopped reading there)"), "{}", m.stderr);
    assert!(m.peak_rss_bytes < 100 << 20, "peak RSS {} MiB", m.peak_rss_bytes >> 20);
}
