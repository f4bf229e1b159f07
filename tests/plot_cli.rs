//! `jdbio plot` through the binary, on reports made by the real `jdbio bench`
//! and `jdbio wal`: the SVG is well-formed XML with a line per distribution,
//! the legend and the axis titles.

mod common;

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
        json!({"t_s": t, "ops": iops as u64, "iops": iops, "bytes": iops as u64 * 4096,
               "p50_ns": p99 / 2, "p99_ns": p99, "max_ns": p99 * 2, "hdr": hdr})
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
    std::fs::write(dir.path().join("future.json"), r#"{"schema":"jdbio.report/2","command":"bench"}"#).unwrap();
    for (file, why) in [
        ("v.json", "a jdbio verify report"),
        ("missing.json", "cannot read"),
        ("junk.json", "not JSON"),
        ("future.json", "schema jdbio.report/2"),
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
