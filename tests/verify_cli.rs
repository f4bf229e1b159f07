//! `jdbio verify` through the binary: each kind of damage, made from outside
//! jdbio, is found with the right class at the exact offset.

use crate::common;

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
        .map(|b| (b["offset_bytes"].as_u64().unwrap(), b["class"].as_str().unwrap().to_string()))
        .collect()
}

fn patch(path: &Path, offset: u64, bytes: &[u8]) {
    OpenOptions::new().write(true).open(path).unwrap().write_all_at(bytes, offset).unwrap();
}

/// The ack log's header length (bytes 10..12 of its header).
fn header_len(log: &Path) -> u64 {
    let bytes = read(log, 0, 12);
    u64::from(u16::from_le_bytes([bytes[10], bytes[11]]))
}

/// Whole records in an ack log.
fn records(log: &Path) -> u64 {
    (std::fs::metadata(log).unwrap().len() - header_len(log)) / 16
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
    assert!(text.contains("unwritten 5") && text.contains("2 of 5 listed"), "{text}");
    let (_, report) = verify(dir.path(), &["v.dat", "--max-report", "2"]);
    assert_eq!(bad(&report), vec![(0, "unwritten".to_string()), (2 * BS, "unwritten".to_string())]);
    assert_eq!(report["verify"]["bad_blocks_total"], 5);
    assert_eq!(report["verify"]["counts"]["unwritten"], 5);
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
    while std::fs::metadata(&log).map_or(0, |m| m.len()) < 16 * 230 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let acked = records(&log);
    assert!(acked >= 200, "only {acked} writes were acknowledged");
    let (code, report) = verify(dir.path(), &["c.dat", "--ack-log", "ack.log"]);
    assert_eq!(code, 0, "{}", report["verify"]);
    assert_eq!(report["verify"]["counts"]["lost"], 0);
    assert!(report["verify"]["blocks_checked"].as_u64().unwrap() >= acked - 1);
    // Losing an acknowledged write is found: zero one acknowledged block.
    patch(&dir.path().join("c.dat"), 0, &vec![0u8; BS as usize]);
    let (code, report) = verify(dir.path(), &["c.dat", "--ack-log", "ack.log"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(0, "lost".to_string())]);
}

#[test]
fn an_acknowledged_block_with_a_flipped_bit_is_corrupt_and_one_put_back_a_generation_is_lost() {
    let dir = scratch();
    let path = write_pass(dir.path(), "c.dat", 1);
    let generation_1 = read(&path, 3 * BS, BS as usize);
    let out =
        jdbio(dir.path()).args(["verify", "c.dat", "--write", "--ack-log", "ack.log", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Block 5's payload gets a flipped bit; block 3 gets its generation 1 bytes back.
    let at = 5 * BS + 1234;
    let byte = read(&path, at, 1)[0];
    patch(&path, at, &[byte ^ 0x10]);
    patch(&path, 3 * BS, &generation_1);
    let (code, report) = verify(dir.path(), &["c.dat", "--ack-log", "ack.log"]);
    let v = &report["verify"];
    assert_eq!(code, 1, "{v}");
    assert_eq!(bad(&report), vec![(3 * BS, "lost".to_string()), (5 * BS, "corrupt".to_string())]);
    assert_eq!((v["counts"]["lost"].as_u64(), v["counts"]["corrupt"].as_u64()), (Some(1), Some(1)));
    let lost = v["bad_blocks"][0]["detail"].as_str().unwrap();
    assert!(lost.contains("acknowledged generation 2 is gone") && lost.contains("holds generation 1"), "{lost}");
    let corrupt = v["bad_blocks"][1]["detail"].as_str().unwrap();
    assert!(corrupt.starts_with("CRC mismatch") && corrupt.contains(&format!("offset {at}")), "{corrupt}");
    assert!(corrupt.contains("generation 2 was acknowledged there"), "{corrupt}");
    assert!(!corrupt.contains("lost") && !corrupt.contains("gone"), "one class, one story: {corrupt}");
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

// ---- Crash verification: the ack log is the authority, and a damaged one is refused ----

/// A completed crash-verification run: `c.dat` (`size`) and `ack.log`.
fn acked_run(dir: &Path, size: &str) -> PathBuf {
    let out = jdbio(dir)
        .args(["verify", "c.dat", "--write", "--size", size, "--ack-log", "ack.log", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir.join("ack.log")
}

/// Runs `jdbio verify c.dat --ack-log ack.log`: (exit code, stdout, stderr).
fn check_log(dir: &Path) -> (i32, String, String) {
    let out = jdbio(dir).args(["verify", "c.dat", "--ack-log", "ack.log", "--quiet"]).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn an_empty_or_garbage_ack_log_is_no_pass() {
    let dir = scratch();
    let log = acked_run(dir.path(), "1m");
    std::fs::write(&log, b"").unwrap();
    let (code, stdout, err) = check_log(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ack.log") && err.contains("empty"), "{err}");
    assert!(!stdout.contains("checked"), "nothing was checked, so nothing is reported as checked: {stdout}");
    let garbage: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&log, garbage).unwrap();
    let (code, _, err) = check_log(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a jdbio ack log") && err.contains("byte offset 0"), "{err}");
}

#[test]
fn an_ack_log_with_no_acknowledged_write_is_no_pass() {
    let dir = scratch();
    let log = acked_run(dir.path(), "1m");
    let header = read(&log, 0, header_len(&log) as usize);
    std::fs::write(&log, &header).unwrap();
    let (code, _, err) = check_log(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no acknowledged write"), "{err}");
}

#[test]
fn a_byte_inserted_in_the_ack_log_is_refused_at_its_offset() {
    let dir = scratch();
    let log = acked_run(dir.path(), "1m");
    let intact = std::fs::read(&log).unwrap();
    let h = header_len(&log) as usize;
    let mut front = intact.clone();
    front.insert(0, b'x');
    std::fs::write(&log, &front).unwrap();
    let (code, _, err) = check_log(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("byte offset 0"), "{err}");
    // In the middle: record 100 is the first that no longer checks.
    let mut middle = intact.clone();
    middle.insert(h + 100 * 16 + 5, b'x');
    std::fs::write(&log, &middle).unwrap();
    let (code, _, err) = check_log(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("record at byte offset {}", h + 100 * 16)) && err.contains("damaged"), "{err}");
    // Intact again, it passes: the refusals were about the damage.
    std::fs::write(&log, &intact).unwrap();
    assert_eq!(check_log(dir.path()).0, 0);
}

#[test]
fn a_torn_last_ack_record_is_reported_and_tolerated() {
    let dir = scratch();
    let log = acked_run(dir.path(), "1m");
    let len = std::fs::metadata(&log).unwrap().len();
    std::fs::File::options().write(true).open(&log).unwrap().set_len(len - 7).unwrap();
    let (code, report) = verify(dir.path(), &["c.dat", "--ack-log", "ack.log"]);
    assert_eq!(code, 0, "{}", report["verify"]);
    let ack = &report["verify"]["ack_log"];
    assert_eq!(ack["acknowledged"], 255);
    assert_eq!(ack["torn_last_record"]["offset_bytes"], len - 16);
    assert_eq!(ack["torn_last_record"]["bytes"], 9);
    assert_eq!(report["verify"]["blocks_checked"], 255);
    let (_, stdout, _) = check_log(dir.path());
    // The summary wraps at 100 columns: compare words, not line breaks.
    let words = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(&format!("a torn last record (9 bytes at byte offset {})", len - 16)), "{stdout}");
}

#[test]
fn a_target_whose_first_mib_is_gone_is_checked_from_the_log_alone() {
    let dir = scratch();
    acked_run(dir.path(), "4m");
    let target = dir.path().join("c.dat");
    patch(&target, 0, &vec![0u8; 1 << 20]);
    // Without the log there is nothing to learn the run from...
    let out = jdbio(dir.path()).args(["verify", "c.dat", "--quiet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // ...with it, every acknowledged block of that MiB is lost, the rest good.
    let (code, report) = verify(dir.path(), &["c.dat", "--ack-log", "ack.log", "--max-report", "1000"]);
    assert_eq!(code, 1);
    let v = &report["verify"];
    assert_eq!((v["counts"]["lost"].as_u64(), v["counts"]["good"].as_u64()), (Some(256), Some(768)));
    let lost = bad(&report);
    assert_eq!(lost, (0..256).map(|i| (i * BS, "lost".to_string())).collect::<Vec<_>>());
    assert_eq!(v["seed_from"], "ack-log");
}

#[test]
fn a_target_other_than_the_one_logged_is_checked_with_a_warning() {
    let dir = scratch();
    acked_run(dir.path(), "1m");
    std::fs::copy(dir.path().join("c.dat"), dir.path().join("copy.dat")).unwrap();
    let (code, report) = verify(dir.path(), &["copy.dat", "--ack-log", "ack.log"]);
    assert_eq!(code, 0, "a faithful copy passes");
    let warnings = report["verify"]["warnings"].to_string();
    assert!(warnings.contains("was written for") && warnings.contains("c.dat"), "{warnings}");
    assert_eq!(
        report["verify"]["ack_log"]["written_for"],
        dir.path().canonicalize().unwrap().join("c.dat").to_str().unwrap()
    );
}

// ---- A later --write continues the run in the target ----

/// Runs `jdbio verify ARGS` (summary on stdout): (exit code, stdout).
fn verify_text(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = jdbio(dir).arg("verify").args(args).arg("--quiet").output().unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn generation_2_adopts_the_run_so_old_blocks_are_stale_or_torn() {
    let dir = scratch();
    let path = dir.path().join("v.dat");
    let (code, _) = verify_text(dir.path(), &["v.dat", "--write", "--size", "1m"]);
    assert_eq!(code, 0);
    let (old_block, old_half) = (read(&path, 20 * BS, BS as usize), read(&path, 12 * BS + BS / 2, (BS / 2) as usize));
    let (_, first) = verify(dir.path(), &["v.dat"]);
    let (code, text) = verify_text(dir.path(), &["v.dat", "--write", "--generation", "2", "--json", "w2.json"]);
    assert_eq!(code, 0, "{text}");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("adopted from the blocks already in the target"), "{text}");
    let w2: Value = serde_json::from_slice(&std::fs::read(dir.path().join("w2.json")).unwrap()).unwrap();
    assert_eq!(
        (w2["verify"]["seed_from"].as_str(), w2["verify"]["bs_from"].as_str()),
        (Some("target"), Some("target"))
    );
    let (_, second) = verify(dir.path(), &["v.dat"]);
    assert_eq!(second["verify"]["seed"], first["verify"]["seed"], "the seed was kept");
    assert_eq!(second["verify"]["expected_generation"], 2);
    // A block of another run (another seed), put at the right offset.
    std::fs::copy(&path, dir.path().join("keep.dat")).unwrap();
    let (code, _) = verify_text(dir.path(), &["other.dat", "--write", "--size", "1m", "--seed", "99"]);
    assert_eq!(code, 0);
    let foreign = read(&dir.path().join("other.dat"), 30 * BS, BS as usize);
    patch(&path, 20 * BS, &old_block);
    patch(&path, 12 * BS + BS / 2, &old_half);
    patch(&path, 30 * BS, &foreign);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1);
    assert_eq!(bad(&report), vec![(12 * BS, "torn".into()), (20 * BS, "stale".into()), (30 * BS, "corrupt".into())]);
    let details: Vec<&str> =
        report["verify"]["bad_blocks"].as_array().unwrap().iter().map(|b| b["detail"].as_str().unwrap()).collect();
    assert!(details[0].contains("generation 2") && details[0].contains("generation 1"), "{}", details[0]);
    assert_eq!(details[1], "generation 1, expected 2");
    assert!(details[2].contains("a valid block of another run (seed 99"), "{}", details[2]);
}

#[test]
fn a_second_write_is_the_next_generation_so_a_write_that_does_not_land_is_stale() {
    let dir = scratch();
    let path = dir.path().join("v.dat");
    assert_eq!(verify_text(dir.path(), &["v.dat", "--write", "--size", "1m"]).0, 0);
    let first_write = read(&path, 5 * BS, BS as usize);
    let (code, text) = verify_text(dir.path(), &["v.dat", "--write"]);
    assert_eq!(code, 0, "{text}");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("writes : generation 2, one past the 1 found in the target"), "{text}");
    assert_ne!(read(&path, 5 * BS, BS as usize), first_write, "generation 2 rewrote block 5 with other bytes");
    // The device "drops" the second write of block 5: the first one's bytes stay.
    patch(&path, 5 * BS, &first_write);
    let (code, report) = verify(dir.path(), &["v.dat"]);
    assert_eq!(code, 1, "{}", report["verify"]);
    assert_eq!(bad(&report), vec![(5 * BS, "stale".into())]);
    // With an ack log too: a third write (generation 3) whose block 7 did not land.
    let second_write = read(&path, 7 * BS, BS as usize);
    let out =
        jdbio(dir.path()).args(["verify", "v.dat", "--write", "--ack-log", "ack.log", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    patch(&path, 7 * BS, &second_write);
    let out =
        jdbio(dir.path()).args(["verify", "v.dat", "--ack-log", "ack.log", "--json", "-", "--quiet"]).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", report["verify"]);
    assert_eq!(report["verify"]["expected_generation"], 3);
    // The third write rewrote block 5; block 7 was acknowledged and is not there.
    assert_eq!(bad(&report), vec![(7 * BS, "lost".into())]);
    // --generation still decides when given, and a new seed starts at 1.
    let (_, report) = verify(dir.path(), &["v.dat", "--write", "--generation", "9"]);
    assert_eq!(report["verify"]["expected_generation"], 9);
    let (_, report) = verify(dir.path(), &["v.dat", "--write", "--seed", "1234"]);
    assert_eq!(report["verify"]["expected_generation"], 1);
}

#[test]
fn a_write_with_another_block_size_starts_a_new_run() {
    let dir = scratch();
    verify_text(dir.path(), &["v.dat", "--write", "--size", "1m", "--seed", "5"]);
    let (code, report) = verify(dir.path(), &["v.dat", "--write", "--bs", "8k"]);
    assert_eq!(code, 0, "{}", report["verify"]);
    assert_eq!(
        (report["verify"]["seed_from"].as_str(), report["verify"]["bs_bytes"].as_u64()),
        (Some("new"), Some(8192))
    );
    assert_eq!(report["job"]["run"]["bs_bytes"], 8192);
    assert_ne!(report["verify"]["seed"], 5);
}

// ---- A failed read is unreadable, not corrupt, and not checked ----

#[test]
fn an_eio_block_is_unreadable_with_its_errno_and_not_counted_as_checked() {
    const AT: u64 = 300 * BS; // past the first MiB, where the run is detected
    let fs = match common::FaultFs::mount(&[(AT + 512, 512)], false) {
        Ok(fs) => fs,
        Err(why) => return common::skip("an_eio_block_is_unreadable_with_its_errno_and_not_counted_as_checked", &why),
    };
    let dir = scratch();
    let out = jdbio(dir.path())
        .args(["verify", "v.dat", "--write", "--size", "2m", "--seed", "7", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // Placed through the source directory: writes through the mount would hit the EIO range.
    let source = fs.mnt.parent().unwrap().join("source");
    std::fs::copy(dir.path().join("v.dat"), source.join("v.dat")).unwrap();
    let (code, report) = verify(&fs.mnt, &["v.dat"]);
    assert_eq!(code, 1, "{}", report["verify"]);
    assert_eq!(bad(&report), vec![(AT, "unreadable".to_string())]);
    let v = &report["verify"];
    assert!(v["bad_blocks"][0]["detail"].as_str().unwrap().contains("errno 5"), "{}", v["bad_blocks"][0]);
    assert_eq!((v["counts"]["corrupt"].as_u64(), v["counts"]["good"].as_u64()), (Some(0), Some(511)));
    assert_eq!(v["blocks_checked"], 511);
    assert_eq!(v["bytes_checked"], 511 * BS);
    assert_eq!(report["results"]["read"]["errors"], 1);
    assert_eq!(report["results"]["read"]["bytes"], 511 * BS);
}

#[test]
fn a_write_error_ends_the_run_with_a_report_of_what_was_written() {
    const AT: u64 = 100 * BS;
    let fs = match common::FaultFs::mount(&[(AT, 512)], false) {
        Ok(fs) => fs,
        Err(why) => return common::skip("a_write_error_ends_the_run_with_a_report_of_what_was_written", &why),
    };
    let (code, report) = verify(&fs.mnt, &["v.dat", "--write", "--size", "1m", "--qd", "1"]);
    assert_eq!(code, 2);
    assert_eq!(report["results"]["write"]["ops"], 100, "the blocks before the bad one");
    let error = report["verify"]["error"].as_str().unwrap();
    assert!(error.contains(&format!("offset {AT}")), "{error}");
    assert!(report["results"].get("read").is_none(), "no check after a failed write");
    assert_eq!(report["verify"]["blocks_checked"], 0);
}

// ---- Memory does not grow with the target ----

/// Runs jdbio with `args` in `dir`; returns (exit code, peak RSS in KiB).
/// The child is forked from a small Python process, not from this test
/// process: Linux carries the RSS of the process that calls exec into the
/// child's `ru_maxrss`, and this test binary is far larger than jdbio.
fn peak_rss(dir: &Path, args: &[&str]) -> (i32, u64) {
    const MEASURE: &str = "import os, sys\n\
        pid = os.fork()\n\
        if pid == 0:\n    null = os.open(os.devnull, os.O_WRONLY)\n    os.dup2(null, 1)\n    os.dup2(null, 2)\n    os.execv(sys.argv[1], sys.argv[1:])\n\
        _, status, usage = os.wait4(pid, 0)\n\
        print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)";
    let out = std::process::Command::new("python3")
        .current_dir(dir)
        .args(["-S", "-c", MEASURE])
        .arg(assert_cmd::cargo::cargo_bin("jdbio"))
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace().map(|f| f.parse::<i64>().unwrap());
    let (code, rss) = (fields.next().unwrap(), fields.next().unwrap());
    (code as i32, rss as u64)
}

#[test]
fn memory_does_not_grow_with_the_target() {
    let dir = scratch();
    for (name, size) in [("big.dat", 4u64 << 30), ("small.dat", 256 << 20)] {
        std::fs::File::create(dir.path().join(name)).unwrap().set_len(size).unwrap();
    }
    let args = |name: &'static str, json: &'static str| {
        ["verify", name, "--seed", "1", "--bs", "4k", "--qd", "32", "--json", json]
    };
    let (code, big) = peak_rss(dir.path(), &args("big.dat", "big.json"));
    assert_eq!(code, 1);
    let (_, small) = peak_rss(dir.path(), &args("small.dat", "small.json"));
    assert!(big < 64 << 10, "{big} KiB peak RSS to verify 4 GiB");
    assert!(big < small + (8 << 10), "4 GiB took {big} KiB, 256 MiB {small} KiB");
    // The counts stay exact while the list is bounded by --max-report.
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("big.json")).unwrap()).unwrap();
    let v = &report["verify"];
    assert_eq!((v["counts"]["unwritten"].as_u64(), v["bad_blocks_total"].as_u64()), (Some(1 << 20), Some(1 << 20)));
    assert_eq!(v["bad_blocks"].as_array().unwrap().len(), 20);
    assert_eq!(v["blocks_checked"], 1 << 20);
}

// ---- Paths first, and nothing checked is no pass ----

#[test]
fn a_bad_ack_log_path_creates_no_target() {
    let dir = scratch();
    std::fs::create_dir(dir.path().join("a-dir")).unwrap();
    for log in ["no-such-dir/ack.log", "a-dir"] {
        let out = jdbio(dir.path()).args(["verify", "new.dat", "--write", "--ack-log", log]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{log}: {err}");
        assert!(err.contains("--ack-log") && err.contains(log), "{err}");
        assert!(!dir.path().join("new.dat").exists(), "{log}: the target was created");
    }
}

#[test]
fn checking_nothing_is_no_pass() {
    let dir = scratch();
    std::fs::File::create(dir.path().join("empty.dat")).unwrap();
    let out = jdbio(dir.path()).args(["verify", "empty.dat", "--seed", "1", "--bs", "4k"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("checked nothing"), "{err}");
}

// ---- Ctrl-C: stop issuing, write the partial report ----

/// Waits until `pid` has a SIGINT handler installed.
fn wait_for_sigint_handler(pid: u32) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status.lines().find_map(|l| l.strip_prefix("SigCgt:")).map(|m| m.trim().to_string());
        if caught.and_then(|m| u64::from_str_radix(&m, 16).ok()).is_some_and(|m| m & (1 << (libc::SIGINT - 1)) != 0) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "no SIGINT handler after 20 s");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn sigint(child: &std::process::Child) {
    // SAFETY: kill(2) on our own child.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
}

#[test]
fn ctrl_c_during_the_write_pass_keeps_every_acknowledged_write_and_reports() {
    let dir = scratch();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("jdbio"))
        .current_dir(dir.path())
        .args(["verify", "c.dat", "--write", "--size", "256m", "--ack-log", "ack.log", "--json", "r.json", "--quiet"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let log = dir.path().join("ack.log");
    while std::fs::metadata(&log).map_or(0, |m| m.len()) < 16 * 230 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    sigint(&child);
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    let wrote = report["results"]["write"]["ops"].as_u64().unwrap();
    assert!((200..65536).contains(&wrote), "{wrote} blocks written");
    assert_eq!(report["verify"]["ack_log"]["acknowledged"], wrote);
    assert!(report["results"].get("read").is_none(), "no read pass after Ctrl-C");
    assert_eq!(records(&log), wrote);
    let (code, report) = verify(dir.path(), &["c.dat", "--ack-log", "ack.log"]);
    assert_eq!(code, 0, "{}", report["verify"]);
    assert_eq!(report["verify"]["blocks_checked"], wrote);
}

#[test]
fn ctrl_c_during_the_read_pass_stops_it_and_reports() {
    let dir = scratch();
    // 1 TiB of holes: never read to the end within the test.
    std::fs::File::create(dir.path().join("huge.dat")).unwrap().set_len(1 << 40).unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("jdbio"))
        .current_dir(dir.path())
        .args(["verify", "huge.dat", "--seed", "1", "--bs", "4k", "--json", "r.json", "--quiet"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_sigint_handler(child.id());
    std::thread::sleep(std::time::Duration::from_millis(300));
    sigint(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    let v = &report["verify"];
    let checked = v["blocks_checked"].as_u64().unwrap();
    assert!(checked < 1 << 28, "{checked}");
    assert_eq!(v["counts"]["unwritten"], checked, "every block read was counted");
}
