//! The destructive-write guard through the binary: a file that backs a loop
//! device is refused for writing without `--force` (by any path to it),
//! naming the loop device and its mount; a block device mounted in another
//! mount namespace is caught by the O_EXCL open; `--force` says on stderr
//! what it destroys before the first write. Bytes are compared before and
//! after.

use crate::common;

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
};

use common::{Mount, jdbio, loop_dev_or_skip, md5, scratch};

/// The write commands, each ending with the target.
fn writers(target: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).chain([target.to_string()]).collect::<Vec<_>>();
    vec![
        v(&["verify", "--write", "--size", "1m"]),
        v(&["bench", "--mode", "randwrite", "--time", "200ms", "--ramp", "0s", "--size", "1m"]),
        v(&["wal", "--method", "fdatasync", "--file-mode", "overwrite", "--time", "200ms", "--size", "1m"]),
    ]
}

#[test]
fn a_file_backing_a_loop_device_is_not_written_without_force() {
    let Some(dev) = loop_dev_or_skip("a_file_backing_a_loop_device_is_not_written_without_force", 16 << 20) else {
        return;
    };
    dev.mkfs_ext4();
    let dir = scratch();
    let backing = dev.backing().display().to_string();
    let link = dev.backing().with_extension("link");
    std::fs::hard_link(dev.backing(), &link).unwrap();
    let _unlink = Unlink(&link);
    let before = md5(dev.backing());
    for target in [backing.clone(), link.display().to_string()] {
        for args in writers(&target) {
            let out = jdbio(dir.path()).args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(&dev.dev.display().to_string()) && err.contains("--force"), "{args:?}: {err}");
            assert_eq!(md5(dev.backing()), before, "{args:?} wrote to the backing file");
        }
    }
    // Mounted: the message names the mount point too.
    let mounted = Mount::new(&dev.dev);
    let before = md5(dev.backing());
    let out = jdbio(dir.path()).args(&writers(&backing)[0]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&mounted.path().display().to_string()), "names the mount: {err}");
    assert_eq!(md5(dev.backing()), before);
}

#[test]
fn a_read_only_device_is_refused_before_any_write_force_or_not() {
    let Some(dev) = loop_dev_or_skip("a_read_only_device_is_refused_before_any_write_force_or_not", 16 << 20) else {
        return;
    };
    let pattern: Vec<u8> = (0..16u32 << 20).map(|i| (i % 251) as u8).collect();
    std::fs::write(dev.backing(), &pattern).unwrap();
    // A read-only view of the same bytes: `losetup -r`.
    let out = Command::new("losetup").args(["-r", "-f", "--show"]).arg(dev.backing()).output().unwrap();
    assert!(out.status.success(), "losetup -r: {}", String::from_utf8_lossy(&out.stderr));
    let ro = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let _detach = Detach(ro.clone());
    let before = md5(dev.backing());
    let dir = scratch();
    for mut args in writers(&ro) {
        for force in [false, true] {
            if force {
                args.insert(1, "--force".into());
            }
            let out = jdbio(dir.path()).args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert_eq!(err.trim().lines().count(), 1, "{args:?}: one line: {err}");
            assert!(
                err.contains(&ro) && err.contains("read-only") && err.contains("nothing was written"),
                "{args:?}: {err}"
            );
            assert_eq!(md5(dev.backing()), before, "{args:?} wrote to the device");
        }
    }
}

/// Detaches a loop device on drop.
struct Detach(String);

impl Drop for Detach {
    fn drop(&mut self) {
        let _ = Command::new("losetup").arg("-d").arg(&self.0).status();
    }
}

#[test]
fn force_names_what_it_destroys_before_the_first_write() {
    let Some(dev) = loop_dev_or_skip("force_names_what_it_destroys_before_the_first_write", 16 << 20) else {
        return;
    };
    dev.mkfs_ext4();
    let dir = scratch();
    let name = dev.dev.display().to_string();
    let out = jdbio(dir.path())
        .args(["bench", "--mode", "write", "--force", "--time", "200ms", "--ramp", "0s", "--size", "1m", &name])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(first.contains("--force") && first.contains(&name) && first.contains("ext4"), "first line: {err}");
    // The file behind a loop device: the line names the loop device.
    let before = dev.contents();
    let backing = dev.backing().display().to_string();
    let out = jdbio(dir.path()).args(["verify", "--write", "--size", "1m", "--force", &backing]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.lines().next().unwrap_or_default().contains(&format!("backs the loop device {name}")), "{err}");
    assert!(dev.contents() != before, "--force wrote");
}

#[test]
fn a_device_mounted_in_another_mount_namespace_is_caught_by_o_excl() {
    let Some(dev) = loop_dev_or_skip("a_device_mounted_in_another_mount_namespace_is_caught_by_o_excl", 16 << 20)
    else {
        return;
    };
    dev.mkfs_ext4();
    let mnt = scratch();
    // A private mount namespace: this process's mount table never shows it.
    let script = format!("mount {} {} && echo mounted && exec sleep 120", dev.dev.display(), mnt.path().display());
    let mut ns = KillOnDrop(
        Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c", &script])
            .stdout(Stdio::piped())
            .spawn()
            .expect("unshare"),
    );
    let mut line = String::new();
    BufReader::new(ns.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "mounted", "the other namespace mounted the device");
    let before = dev.contents();
    let name = dev.dev.display().to_string();
    for args in writers(&name) {
        let out = jdbio(mnt.path()).args(&args).arg("--force").output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("O_EXCL") && err.contains("in use") && err.contains(&name), "{args:?}: {err}");
        assert!(dev.contents()[..1 << 20] == before[..1 << 20], "{args:?} wrote to a mounted device");
    }
}

/// Ends the namespace's process (and so its mount) on drop.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Removes a path on drop.
struct Unlink<'a>(&'a Path);

impl Drop for Unlink<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}
