//! Tests of `probe` on real files and of the destructive-write guard and the
//! table on synthetic probes.

use std::io::Write;

use super::*;

fn block_device(mounted: &[&str], holders: &[&str], signature: Option<&str>) -> TargetInfo {
    TargetInfo {
        path: "/dev/loop3".into(),
        kind: TargetKind::Block,
        size_bytes: 1 << 30,
        logical_block_bytes: 512,
        physical_block_bytes: 4096,
        dio_mem_align: 512,
        dio_offset_align: 512,
        direct_io: true,
        filesystem: None,
        device: Some("loop3".into()),
        rotational: Some(false),
        scheduler: Some("none".into()),
        model: None,
        write_cache: Some("write through".into()),
        mounted: mounted.iter().map(|s| s.to_string()).collect(),
        holders: holders.iter().map(|s| s.to_string()).collect(),
        loop_devices: Vec::new(),
        signature: signature.map(str::to_owned),
        read_only: false,
    }
}

#[test]
fn probes_a_regular_file() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&[7u8; 12288]).unwrap();
    let info = probe(file.path()).unwrap();
    assert_eq!(info.kind, TargetKind::File);
    assert_eq!(info.size_bytes, 12288);
    assert_eq!(info.path, file.path().display().to_string());
    assert!(info.dio_mem_align > 0 && info.dio_offset_align > 0);
    assert!(info.logical_block_bytes > 0 && info.physical_block_bytes > 0);
    assert!(info.mounted.is_empty() && info.holders.is_empty());
    assert_eq!(info.signature, None);
    assert_eq!(info.holds_data(), None);
    #[cfg(target_os = "linux")]
    assert!(info.filesystem.is_some(), "the mount table names the filesystem of {info:?}");
}

#[test]
fn a_file_holding_an_image_shows_its_signature_but_is_not_guarded() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let mut image = vec![0u8; 8192];
    image[0..4].copy_from_slice(b"XFSB");
    file.write_all(&image).unwrap();
    let info = probe(file.path()).unwrap();
    assert_eq!(info.signature.as_deref(), Some("xfs"));
    assert_eq!(info.holds_data(), None);
}

#[test]
fn an_empty_file_probes() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let info = probe(file.path()).unwrap();
    assert_eq!((info.size_bytes, info.signature), (0, None));
}

#[test]
fn a_missing_path_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = probe(&missing).unwrap_err();
    assert!(matches!(err, ProbeError::NotFound { .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("{}: no such file or block device", missing.display()));
}

#[test]
fn a_directory_is_not_supported() {
    let dir = tempfile::tempdir().unwrap();
    let err = probe(dir.path()).unwrap_err();
    assert!(matches!(err, ProbeError::NotSupported { what: "a directory", .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with(&dir.path().display().to_string()), "{message}");
    assert!(message.contains("needs a regular file or a block device"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_character_device_is_not_supported() {
    let err = probe(Path::new("/dev/null")).unwrap_err();
    assert!(matches!(err, ProbeError::NotSupported { what: "a character device", .. }), "{err:?}");
}

#[test]
fn serializes_as_the_report_target_object() {
    let value = serde_json::to_value(block_device(&[], &[], Some("ext4"))).unwrap();
    assert_eq!(value["kind"], "block");
    assert_eq!(value["size_bytes"], 1u64 << 30);
    assert_eq!(value["filesystem"], serde_json::Value::Null);
    for key in [
        "path",
        "logical_block_bytes",
        "physical_block_bytes",
        "dio_mem_align_bytes",
        "dio_offset_align_bytes",
        "direct_io",
        "rotational",
        "scheduler",
        "model",
        "write_cache",
        "mounted",
        "holders",
        "signature",
    ] {
        assert!(value.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn guard_names_the_mount_the_holder_and_the_signature() {
    let info = block_device(&["/mnt/x", "/mnt/y"], &["dm-0"], Some("ext4"));
    assert_eq!(
        info.holds_data().as_deref(),
        Some(
            "/dev/loop3 is mounted at /mnt/x, /mnt/y; /dev/loop3 is in use by dm-0; /dev/loop3 holds data (signature found: ext4)"
        )
    );
}

#[test]
fn guard_refuses_a_device_in_use_or_with_a_signature() {
    let held = block_device(&[], &["dm-0"], None);
    assert_eq!(held.holds_data().as_deref(), Some("/dev/loop3 is in use by dm-0"));
    let formatted = block_device(&[], &[], Some("ext4 on loop3p1"));
    assert_eq!(formatted.holds_data().as_deref(), Some("/dev/loop3 holds data (signature found: ext4 on loop3p1)"));
}

#[test]
fn guard_passes_a_blank_device_and_any_file() {
    assert_eq!(block_device(&[], &[], None).holds_data(), None);
    let mut file = block_device(&["/"], &[], Some("ext4"));
    file.kind = TargetKind::File;
    assert_eq!(file.holds_data(), None);
}

#[test]
fn table_is_aligned_with_dashes_for_unknowns() {
    let table = block_device(&[], &[], None).human_table();
    assert!(table.ends_with('\n'));
    // The longest key ("dio memory align") is 16 characters; values start at 18.
    for line in table.lines() {
        assert!(line[16..18] == *"  " && !line[18..].starts_with(' '), "{table}");
    }
    let row = |key: &str, value: &str| format!("{key:<16}  {value}");
    let lines: Vec<&str> = table.lines().collect();
    for expected in
        [row("size", "1073741824 (1.00 GiB)"), row("model", "-"), row("mounted", "no"), row("signature", "none found")]
    {
        assert!(lines.contains(&expected.as_str()), "{expected:?} in\n{table}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_opening_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let (fifo_type, mode) = (rustix::fs::FileType::Fifo, rustix::fs::Mode::from_raw_mode(0o600));
    rustix::fs::mknodat(rustix::fs::CWD, &fifo, fifo_type, mode, 0).unwrap();
    // Opening a FIFO for reading would block until a writer came.
    let err = probe(&fifo).unwrap_err();
    assert!(matches!(err, ProbeError::NotSupported { what: "a FIFO", .. }), "{err:?}");
}

#[test]
fn a_file_backing_a_loop_device_is_guarded_with_everything_named() {
    let mut file = block_device(&["/mnt/x"], &["dm-1"], Some("ext4"));
    file.kind = TargetKind::File;
    file.path = "/srv/disk.img".into();
    file.loop_devices = vec!["/dev/loop7".into()];
    assert_eq!(
        file.holds_data().as_deref(),
        Some(
            "/srv/disk.img backs the loop device /dev/loop7; /dev/loop7 is mounted at /mnt/x; /dev/loop7 is in use by dm-1"
        )
    );
    let refused = file.refuse_write_unless_forced(false).unwrap_err();
    assert!(refused.starts_with("refusing to write: /srv/disk.img backs the loop device /dev/loop7;"), "{refused}");
}

#[test]
fn guard_refuses_a_read_only_device_even_with_force() {
    let mut ro = block_device(&[], &[], None);
    ro.read_only = true;
    for force in [false, true] {
        let refused = ro.refuse_write_unless_forced(force).unwrap_err();
        assert!(
            refused.contains("/dev/loop3 is a read-only device") && refused.contains("nothing was written"),
            "{refused}"
        );
    }
}
