//! `jdbio align` driven through the binary, as a user would.

use crate::common;

use std::path::Path;

use common::{LoopDev, jdbio, scratch};
use serde_json::Value;

/// Runs `jdbio align ARGS --json -` in `dir` and returns the parsed report.
fn align_json(dir: &Path, args: &[&str]) -> Value {
    let out = jdbio(dir).arg("align").args(args).args(["--json", "-"]).output().unwrap();
    assert!(out.status.success(), "jdbio align {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not only JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// The kernel's answer for one case.
fn kernel(report: &Value, op: &str, dimension: &str, offset: u64, len: u64, addr: u64) -> String {
    let cases = report["align"]["cases"].as_array().expect("align.cases");
    let found = cases.iter().find(|c| {
        c["op"] == op
            && c["dimension"] == dimension
            && c["offset_bytes"] == offset
            && c["len_bytes"] == len
            && c["addr_offset_bytes"] == addr
    });
    found.unwrap_or_else(|| panic!("no {op} {dimension} case {offset}/{len}/+{addr}"))["kernel"]
        .as_str()
        .unwrap()
        .to_string()
}

fn assert_no_violations(report: &Value) {
    let a = &report["align"];
    assert_eq!(a["violations"], 0, "violations: {a}");
    let cases = a["cases"].as_array().unwrap();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    assert!(cases.iter().all(|c| c["verdict"] != "violation"));
    let counted = ["matches", "superset", "violations"].iter().map(|k| a[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(counted, cases.len() as u64);
}

/// Sets up a loop device with `sector`-byte sectors, or prints why the test is skipped.
fn loop_dev(test: &str, sector: u32) -> Option<LoopDev> {
    LoopDev::with_sector_size(16 << 20, sector).map_err(|why| common::skip(test, &why)).ok()
}

#[test]
fn scratch_file_reads_and_writes_match_the_kernel() {
    let dir = scratch();
    let report = align_json(dir.path(), &["--write"]);
    assert_eq!(report["schema"], "jdbio.report/2");
    assert_eq!(report["command"], "align");
    assert_no_violations(&report);
    let a = &report["align"];
    assert_eq!(a["writes_tested"], true);
    let offset_align = a["reported"]["dio_offset_align_bytes"].as_u64().unwrap();
    assert!(offset_align >= 512, "{a}");
    assert!(a["kernel_min"]["offset_bytes"].as_u64().unwrap() <= offset_align, "{a}");
    for op in ["read", "write"] {
        assert_eq!(kernel(&report, op, "offset", 0, 4096, 0), "ok", "{op}: the aligned request");
        assert_eq!(kernel(&report, op, "offset", 1, 4096, 0), "EINVAL", "{op}: offset 1");
        assert_eq!(kernel(&report, op, "length", 0, 4097, 0), "EINVAL", "{op}: length 4097");
        assert_eq!(kernel(&report, op, "addr", 0, 4096, 1), "EINVAL", "{op}: address +1");
    }
    assert!(!dir.path().join("jdbio-align.dat").exists(), "scratch file removed");
}

#[test]
fn human_output_shows_the_matrix_and_the_verdict() {
    let dir = scratch();
    let out = jdbio(dir.path()).arg("align").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in
        ["reported", "smallest accepted", "by offset", "by length", "by buffer address", "EINVAL", "verdict: ok"]
    {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    assert!(!text.contains("write kernel"), "no write matrix without --write:\n{text}");
}

#[test]
fn write_on_a_named_file_needs_force_and_restores_it() {
    let dir = scratch();
    let data: Vec<u8> = (0..1u32 << 20).map(|i| (i * 7 % 253) as u8).collect();
    std::fs::write(dir.path().join("mine.dat"), &data).unwrap();
    let out = jdbio(dir.path()).args(["align", "--write", "mine.dat"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let report = align_json(dir.path(), &["--write", "--force", "mine.dat"]);
    assert_no_violations(&report);
    assert!(report["align"]["restored_bytes"].as_u64().unwrap() >= 8192);
    assert!(std::fs::read(dir.path().join("mine.dat")).unwrap() == data, "the file's bytes are back");
}

#[test]
fn a_missing_target_is_refused_naming_it() {
    let dir = scratch();
    let out = jdbio(dir.path()).args(["align", "nope.dat"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.dat"));
}

#[test]
fn loop_devices_with_512_and_4096_byte_sectors_differ() {
    let test = "loop_devices_with_512_and_4096_byte_sectors_differ";
    let Some(small) = loop_dev(test, 512) else { return };
    let Some(large) = loop_dev(test, 4096) else { return };
    let dir = scratch();
    let r512 = align_json(dir.path(), &["--write", small.dev.to_str().unwrap()]);
    let r4k = align_json(dir.path(), &["--write", large.dev.to_str().unwrap()]);
    for r in [&r512, &r4k] {
        assert_no_violations(r);
        assert_eq!(r["target"]["kind"], "block");
    }
    let reported = |r: &Value, k: &str| r["align"]["reported"][k].as_u64().unwrap();
    assert_eq!((reported(&r512, "logical_block_bytes"), reported(&r512, "dio_offset_align_bytes")), (512, 512));
    assert_eq!((reported(&r4k, "logical_block_bytes"), reported(&r4k, "dio_offset_align_bytes")), (4096, 4096));
    assert_eq!(r512["align"]["kernel_min"]["offset_bytes"], 512);
    assert_eq!(r4k["align"]["kernel_min"]["offset_bytes"], 4096);
    assert_eq!(r512["align"]["kernel_min"]["length_bytes"], 512);
    assert_eq!(r4k["align"]["kernel_min"]["length_bytes"], 4096);
    for op in ["read", "write"] {
        assert_eq!(kernel(&r512, op, "offset", 512, 4096, 0), "ok", "{op} at 512 on 512-byte sectors");
        assert_eq!(kernel(&r4k, op, "offset", 512, 4096, 0), "EINVAL", "{op} at 512 on 4096-byte sectors");
        assert_eq!(kernel(&r4k, op, "length", 0, 512, 0), "EINVAL", "{op} of 512 bytes on 4096-byte sectors");
    }
    assert!(small.contents().iter().all(|&b| b == 0), "the 512 device's bytes were restored");
    assert!(large.contents().iter().all(|&b| b == 0), "the 4096 device's bytes were restored");
}

#[test]
fn write_on_a_device_holding_a_filesystem_needs_force() {
    let Some(dev) = loop_dev("write_on_a_device_holding_a_filesystem_needs_force", 512) else { return };
    dev.mkfs_ext4();
    let dir = scratch();
    let out = jdbio(dir.path()).args(["align", "--write"]).arg(&dev.dev).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&*dev.dev.to_string_lossy()) && err.contains("--force"), "{err}");
    let report = align_json(dir.path(), &[dev.dev.to_str().unwrap()]);
    assert_no_violations(&report);
}

#[test]
fn write_on_a_read_only_device_is_refused_without_claiming_a_restore() {
    let Some(dev) = loop_dev("write_on_a_read_only_device_is_refused_without_claiming_a_restore", 512) else {
        return;
    };
    let pattern: Vec<u8> = (0..1u32 << 20).map(|i| (i % 253) as u8).collect();
    std::io::Write::write_all(&mut std::fs::OpenOptions::new().write(true).open(dev.backing()).unwrap(), &pattern)
        .unwrap();
    // A read-only view of the same bytes: `losetup -r`.
    let out = std::process::Command::new("losetup").args(["-r", "-f", "--show"]).arg(dev.backing()).output().unwrap();
    assert!(out.status.success(), "losetup -r: {}", String::from_utf8_lossy(&out.stderr));
    let ro = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let _detach = Detach(ro.clone());
    let before = dev.contents();
    let dir = scratch();
    let out = jdbio(dir.path()).args(["align", "--write", "--force", &ro]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&ro) && err.contains("read-only") && err.contains("--write"), "{err}");
    assert!(!err.contains("restore"), "nothing was overwritten, so nothing is restored: {err}");
    assert!(dev.contents() == before, "the bytes are unchanged");
}

/// Detaches a loop device on drop.
struct Detach(String);

impl Drop for Detach {
    fn drop(&mut self) {
        let _ = std::process::Command::new("losetup").arg("-d").arg(&self.0).status();
    }
}
