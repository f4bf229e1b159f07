//! `jdbio info` through the binary.

use crate::common;

use common::{jdbio, loop_dev_or_skip, scratch};
use serde_json::Value;

/// The `target` of `jdbio info PATH --json -`, a `jdbio.report/2` report.
fn info_json(path: &std::path::Path) -> Value {
    let out = jdbio(std::path::Path::new(".")).arg("info").arg(path).args(["--json", "-"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("stdout is only JSON");
    assert_eq!((report["schema"].as_str(), report["command"].as_str()), (Some("jdbio.report/2"), Some("info")));
    assert_eq!(report["job"]["path"], path.to_str().unwrap());
    report["target"].clone()
}

#[test]
fn info_on_a_file() {
    let dir = scratch();
    let path = dir.path().join("f.dat");
    std::fs::write(&path, vec![7u8; 1 << 20]).unwrap();
    let t = info_json(&path);
    assert_eq!(t["kind"], "file");
    assert_eq!(t["size_bytes"], 1 << 20);
    assert!(t["dio_offset_align_bytes"].as_u64().unwrap() >= 512);
    assert!(t["dio_mem_align_bytes"].as_u64().unwrap() >= 1);
    assert!(t["filesystem"].is_string(), "{t}");
    let table = jdbio(dir.path()).arg("info").arg(&path).output().unwrap();
    assert!(table.status.success());
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("file") && text.contains("1048576"), "{text}");
}

#[test]
fn info_on_a_missing_path_exits_2_naming_it() {
    let out = jdbio(std::path::Path::new(".")).args(["info", "/no/such/jdbio-target"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/no/such/jdbio-target"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn info_on_a_loop_device() {
    let Some(dev) = loop_dev_or_skip("info_on_a_loop_device", 48 << 20) else { return };
    let t = info_json(&dev.dev);
    assert_eq!(t["kind"], "block");
    assert_eq!(t["size_bytes"], 48 << 20);
    assert_eq!(t["logical_block_bytes"], 512);
    assert_eq!(t["device"], dev.name());
    assert!(t["signature"].is_null(), "a blank device has no signature: {t}");
}

#[test]
fn info_reports_an_ext4_signature() {
    let Some(dev) = loop_dev_or_skip("info_reports_an_ext4_signature", 32 << 20) else { return };
    dev.mkfs_ext4();
    let t = info_json(&dev.dev);
    assert!(t["signature"].as_str().unwrap_or("").contains("ext"), "{t}");
    let table = jdbio(std::path::Path::new(".")).arg("info").arg(&dev.dev).output().unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("ext4"));
}
