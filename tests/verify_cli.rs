//! `jdbio verify` through the binary: each kind of damage, made from outside
//! jdbio, is found with the right class at the exact offset.

mod common;

use std::{
    fs::OpenOptions,
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
};

use common::{jdbio, scratch};
use serde_json::Value;

const BS: u64 = 4096;

fn write_pass(dir: &Path, name: &str, generation: u32) -> PathBuf {
    let out = jdbio(dir)
        .args([
            "verify",
            name,
            "--write",
            "--size",
            "1m",
            "--quiet",
            "--seed",
            "7",
            "--generation",
            &generation.to_string(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir.join(name)
}

/// Runs `jdbio verify ARGS --json -`: (exit code, report).
fn verify(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = jdbio(dir).arg("verify").args(args).args(["--json", "-", "--quiet"]).output().unwrap();
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), report)
}

/// The (offset, class) of every bad block.
fn bad(report: &Value) -> Vec<(u64, String)> {
    report["verify"]["bad_blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["offset"].as_u64().unwrap(), b["class"].as_str().unwrap().to_string()))
        .collect()
}

fn patch(path: &Path, offset: u64, bytes: &[u8]) {
    OpenOptions::new().write(true).open(path).unwrap().write_all_at(bytes, offset).unwrap();
}

fn read(path: &Path, offset: u64, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    std::fs::File::open(path).unwrap().read_exact_at(&mut buf, offset).unwrap();
    buf
}

#[test]
fn a_clean_file_verifies() {
    let dir = scratch();
    write_pass(dir.path(), "v.dat", 1);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 0);
    assert_eq!(report["verify"]["counts"]["good"], 256);
    assert_eq!(report["verify"]["blocks_checked"], 256);
    assert!(report["results"]["read"]["ops"].as_u64().unwrap() == 256);
}

#[test]
fn a_flipped_payload_bit_is_corrupt_with_the_byte() {
    let dir = scratch();
    let path = write_pass(dir.path(), "v.dat", 1);
    let at = 5 * BS + 1234;
    let byte = read(&path, at, 1)[0];
    patch(&path, at, &[byte ^ 0x10]);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(5 * BS, "corrupt".to_string())]);
    let detail = report["verify"]["bad_blocks"][0]["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("offset {at}")) && detail.contains(&format!("{:#04x}", byte ^ 0x10)), "{detail}");
}

#[test]
fn a_flipped_stamp_byte_is_corrupt() {
    let dir = scratch();
    let path = write_pass(dir.path(), "v.dat", 1);
    let at = 9 * BS + 3 * 512 + 5; // the generation field of sector 3's stamp
    patch(&path, at, &[read(&path, at, 1)[0] ^ 0xFF]);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(9 * BS, "corrupt".to_string())]);
}

#[test]
fn swapped_blocks_are_misdirected() {
    let dir = scratch();
    let path = write_pass(dir.path(), "v.dat", 1);
    let (a, b) = (read(&path, 2 * BS, BS as usize), read(&path, 7 * BS, BS as usize));
    patch(&path, 2 * BS, &b);
    patch(&path, 7 * BS, &a);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(2 * BS, "misdirected".to_string()), (7 * BS, "misdirected".to_string())]);
    assert!(report["verify"]["bad_blocks"][0]["detail"].as_str().unwrap().contains(&(7 * BS).to_string()));
}

#[test]
fn half_a_block_from_an_older_generation_is_torn() {
    let dir = scratch();
    let path = write_pass(dir.path(), "v.dat", 1);
    let old_half = read(&path, 12 * BS + BS / 2, (BS / 2) as usize);
    write_pass(dir.path(), "v.dat", 2);
    patch(&path, 12 * BS + BS / 2, &old_half);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(12 * BS, "torn".to_string())]);
}

#[test]
fn an_older_whole_block_is_stale() {
    let dir = scratch();
    let path = write_pass(dir.path(), "v.dat", 1);
    let old = read(&path, 20 * BS, BS as usize);
    write_pass(dir.path(), "v.dat", 2);
    patch(&path, 20 * BS, &old);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(20 * BS, "stale".to_string())]);
    assert_eq!(report["verify"]["expected_generation"], 2);
    // Told to expect generation 1, the old block is fine and the rest is newer.
    let (code, _) = verify(dir.path(), &["v.dat", "--generation", "1"]);
    assert_eq!(code, 0);
}

#[test]
fn a_zeroed_block_is_unwritten() {
    let dir = scratch();
    let path = write_pass(dir.path(), "v.dat", 1);
    patch(&path, 30 * BS, &vec![0u8; BS as usize]);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(30 * BS, "unwritten".to_string())]);
}

#[test]
fn truncation_mid_block_is_found_at_that_block() {
    let dir = scratch();
    let path = write_pass(dir.path(), "v.dat", 1);
    let file = OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(255 * BS + 1000).unwrap();
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(255 * BS, "corrupt".to_string())]);
    assert!(report["verify"]["bad_blocks"][0]["detail"].as_str().unwrap().contains("short"));
}

#[test]
fn max_report_caps_the_list_not_the_count() {
    let dir = scratch();
    let path = write_pass(dir.path(), "v.dat", 1);
    for i in 0..5 {
        patch(&path, i * 2 * BS, &vec![0u8; BS as usize]);
    }
    let out = jdbio(dir.path()).args(["verify", "v.dat", "--max-report", "2", "--quiet"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("unwritten 5") && text.contains("2 of 5 shown"), "{text}");
}

#[test]
fn a_killed_acked_run_loses_no_acknowledged_write() {
    let dir = scratch();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("jdbio"))
        .current_dir(dir.path())
        .args(["verify", "c.dat", "--write", "--size", "64m", "--ack-log", "ack.log", "--quiet", "--qd", "8"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let log = dir.path().join("ack.log");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::metadata(&log).map_or(0, |m| m.len()) < 16 * 200 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let acked = std::fs::metadata(&log).unwrap().len() / 16;
    assert!(acked >= 200, "only {acked} writes were acknowledged");
    let (code, report) = verify(dir.path(), &["c.dat", "--ack-log", "ack.log"]);
    assert_eq!(code, 0, "{}", report["verify"]);
    assert_eq!(report["verify"]["counts"]["lost"], 0);
    assert!(report["verify"]["blocks_checked"].as_u64().unwrap() >= acked.min(16384) - 1);
    // Losing an acknowledged write is found: zero one acknowledged block.
    patch(&dir.path().join("c.dat"), 0, &vec![0u8; BS as usize]);
    let (code, report) = verify(dir.path(), &["c.dat", "--ack-log", "ack.log"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(0, "lost".to_string())]);
}

#[test]
fn bad_input_exits_2() {
    let dir = scratch();
    std::fs::write(dir.path().join("plain.dat"), vec![0u8; 1 << 20]).unwrap();
    for (args, needle) in [
        (&["missing.dat"][..], "missing.dat"),
        (&["plain.dat"][..], "no intact jdbio verify block"),
        (&["plain.dat", "--write", "--bs", "1000"][..], "--bs"),
        (&["plain.dat", "--write", "--ack-log", "plain.dat"][..], "--ack-log"),
        (&["plain.dat", "--qd", "0"][..], "--qd"),
    ] {
        let out = jdbio(dir.path()).arg("verify").args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(dir.path().join("plain.dat")).unwrap(), vec![0u8; 1 << 20], "nothing written");
}
