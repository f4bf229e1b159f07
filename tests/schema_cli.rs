//! `jdbio schema` (the JSON Schema of jdbio.report/2) and the reports it
//! describes: every subcommand's `--json -` validates against it, the
//! committed copy and the README's report section are what it prints, and
//! each subcommand's report and summary are pinned by insta snapshots
//! (tests/snapshots/) with the time, seeds, host, paths and measured numbers
//! redacted.

use crate::common;
use crate::reports;

use std::path::Path;

use common::{jdbio, scratch};
use serde_json::{Value, json};

/// The subcommands whose report is a `command` of the schema.
const COMMANDS: &[&str] = &["align", "bench", "gate", "info", "prealloc", "run", "verify", "wal"];

/// What `jdbio schema ARGS` prints.
fn schema_text(args: &[&str]) -> String {
    let out = jdbio(Path::new(".")).arg("schema").args(args).output().unwrap();
    assert!(out.status.success(), "jdbio schema {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn schema() -> Value {
    serde_json::from_str(&schema_text(&[])).unwrap()
}

/// Every way `report` breaks `schema`, one line each.
fn violations(schema: &Value, report: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    validator.iter_errors(report).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn schema_prints_a_draft_2020_12_schema_of_jdbio_report_2_for_every_command() {
    let schema = schema();
    jsonschema::meta::validate(&schema).expect("a valid JSON Schema");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["title"], "jdbio.report/2");
    assert_eq!(schema["properties"]["schema"]["const"], "jdbio.report/2");
    let mut commands: Vec<&str> = schema["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|branch| branch["properties"]["command"]["const"].as_str().unwrap())
        .collect();
    commands.sort_unstable();
    assert_eq!(commands, COMMANDS);
}

#[test]
fn every_subcommand_report_validates_against_the_schema() {
    let schema = schema();
    let runs = reports::shared();
    let mut seen: Vec<&str> = runs.runs.iter().map(|c| c.report["command"].as_str().unwrap()).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, COMMANDS, "a run of every command");
    for c in &runs.runs {
        assert_eq!(c.report["schema"], "jdbio.report/2", "{}", c.name);
        let broken = violations(&schema, &c.report);
        assert!(broken.is_empty(), "{}'s report breaks the schema:\n{}", c.name, broken.join("\n"));
    }
}

#[test]
fn the_schema_refuses_an_unknown_key_a_missing_key_and_a_wrong_type() {
    let schema = schema();
    let bench = &reports::shared().runs.iter().find(|c| c.name == "bench").unwrap().report;
    assert!(violations(&schema, bench).is_empty());
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut report = bench.clone();
        change(&mut report);
        violations(&schema, &report)
    };
    assert!(!broken(&|r| r["bogus"] = json!(1)).is_empty(), "an unknown top-level key");
    assert!(!broken(&|r| r["job"]["bogus"] = json!(1)).is_empty(), "an unknown job key");
    assert!(!broken(&|r| r["results"]["read"]["latency_ns"]["bogus_ns"] = json!(1)).is_empty(), "deep");
    assert!(!broken(&|r| r["command"] = json!("nonsense")).is_empty(), "an unknown command");
    assert!(!broken(&|r| r["schema"] = json!("jdbio.report/1")).is_empty(), "another schema");
    assert!(
        !broken(&|r| {
            r["results"]["read"].as_object_mut().unwrap().remove("latency_ns");
        })
        .is_empty(),
        "a missing key"
    );
    assert!(!broken(&|r| r["results"]["read"]["ops"] = json!("300")).is_empty(), "a string for a count");
}

#[test]
fn the_committed_schema_is_what_jdbio_schema_prints() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("results/schema/jdbio.report-2.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed == schema_text(&[]),
        "{} is stale: regenerate it with `jdbio schema > results/schema/jdbio.report-2.schema.json`",
        path.display()
    );
}

/// The README between its schema markers.
fn readme_section() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let (begin, end) = ("<!-- jdbio schema --outline: begin -->\n", "<!-- jdbio schema --outline: end -->");
    let start = readme.find(begin).expect("README has the begin marker") + begin.len();
    let stop = readme[start..].find(end).expect("README has the end marker") + start;
    readme[start..stop].to_string()
}

#[test]
fn the_readme_report_section_is_the_schema_outline() {
    let outline = schema_text(&["--outline"]);
    assert!(
        readme_section() == outline,
        "README.md's report section differs from `jdbio schema --outline`: paste its output between the markers"
    );
}

#[test]
fn the_outline_names_every_key_of_the_schema() {
    let outline = schema_text(&["--outline"]);
    let schema = schema();
    let mut keys = Vec::new();
    collect_keys(&schema, &mut keys);
    for key in keys {
        assert!(
            outline.contains(&format!("`{key}`")) || outline.contains(&format!(".{key}`")),
            "{key} not in the outline"
        );
    }
}

/// Every property name anywhere in `schema`.
fn collect_keys(schema: &Value, keys: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                keys.extend(props.keys().cloned());
            }
            map.values().for_each(|v| collect_keys(v, keys));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

#[test]
fn schema_takes_no_target_and_writes_nothing() {
    let dir = scratch();
    let out = jdbio(dir.path()).args(["schema", "extra"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// How snapshots are named: `tests/snapshots/NAME.json.snap` and
/// `NAME.summary.snap`, without the test binary's name.
fn base_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// [`base_settings`] with a summary's filters: measured numbers, and the
/// host's name. (Filters apply to every snapshot's text, so the JSON,
/// redacted by key, is taken without them.)
fn summary_settings(host: &str) -> insta::Settings {
    let mut settings = base_settings();
    let (host, to) = reports::redact::host_filter(host);
    if !host.is_empty() {
        settings.add_filter(&host, to);
    }
    for (from, to) in reports::redact::SUMMARY_FILTERS {
        settings.add_filter(from, *to);
    }
    settings
}

/// Pins `name`'s redacted report and summary; skipped (with the reason)
/// when the runs could not be made on the loop device, whose filesystem
/// and alignments the snapshots hold.
fn snapshot(name: &str) {
    let runs = reports::shared();
    if let Some(why) = &runs.not_on_loop {
        return common::skip(&format!("snapshot {name}"), why);
    }
    let run = runs.runs.iter().find(|c| c.name == name).unwrap();
    // This machine's name (a fleet report has none of its own).
    let host = runs.runs.iter().find_map(|c| c.report["host"]["name"].as_str().filter(|n| !n.is_empty())).unwrap_or("");
    base_settings().bind(|| insta::assert_json_snapshot!(format!("{name}.json"), reports::redact::report(&run.report)));
    summary_settings(host)
        .bind(|| insta::assert_snapshot!(format!("{name}.summary"), reports::redact::summary(&run.summary)));
}

macro_rules! snapshot_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                snapshot($name);
            }
        )*
        #[test]
        fn a_snapshot_test_for_every_run() {
            assert_eq!(vec![$($name),*], reports::names());
        }
    };
}

snapshot_tests! {
    info_snapshot => "info",
    bench_snapshot => "bench",
    bench_rate_snapshot => "bench-rate",
    bench_verify_snapshot => "bench-verify",
    wal_snapshot => "wal",
    prealloc_snapshot => "prealloc",
    align_snapshot => "align",
    verify_snapshot => "verify",
    gate_snapshot => "gate",
    merge_snapshot => "merge",
    run_snapshot => "run",
}
