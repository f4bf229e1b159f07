//! Linux loop devices: which of them a regular file backes. A file behind
//! a loop device has a life of its own (a filesystem may be mounted on it),
//! so writing to it is as dangerous as writing to the device.
//!
//! Every bound loop device has /sys/block/loopN/loop/; LOOP_GET_STATUS64 on
//! /dev/loopN gives the backing file's device and inode (`lo_device`,
//! `lo_inode`), which match whatever path the file is reached by. Where the
//! device node cannot be opened, the path in `loop/backing_file` is
//! stat'ed instead.

use std::{
    fs::{self, Metadata},
    os::unix::fs::MetadataExt,
    path::Path,
};

use super::{
    mounts::{self, Mount},
    sysfs::{DevId, Node},
};

/// A loop device backed by the probed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopUse {
    /// "/dev/loop3".
    pub device: String,
    /// Where it or its partitions are mounted.
    pub mounted: Vec<String>,
    /// Devices stacked on it or its partitions.
    pub holders: Vec<String>,
}

/// The loop devices whose backing file is the file `meta` describes.
pub fn backed_by(meta: &Metadata, table: &[Mount]) -> Vec<LoopUse> {
    let Ok(entries) = fs::read_dir("/sys/block") else { return Vec::new() };
    let mut found: Vec<LoopUse> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|name| name.starts_with("loop") && Path::new("/sys/block").join(name).join("loop").is_dir())
        .filter(|name| backing_identity(name) == Some((meta.dev(), meta.ino())))
        .map(|name| describe(&name, table))
        .collect();
    found.sort_by(|a, b| a.device.cmp(&b.device));
    found
}

/// The backing file's (device, inode) of bound loop device `name`.
fn backing_identity(name: &str) -> Option<(u64, u64)> {
    let node = format!("/dev/{name}");
    if let Ok(found) = fs::File::open(&node).and_then(crate::dio::os::ioctls::loop_backing_file) {
        return Some(found);
    }
    let text = fs::read_to_string(format!("/sys/block/{name}/loop/backing_file")).ok()?;
    let path = text.trim_end_matches('\n').trim_end_matches(" (deleted)");
    fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Where loop device `name` (and its partitions) is mounted and what is
/// stacked on it.
fn describe(name: &str, table: &[Mount]) -> LoopUse {
    let device = format!("/dev/{name}");
    let dev = fs::read_to_string(format!("/sys/block/{name}/dev")).ok().and_then(|t| DevId::parse(&t));
    let (mut devs, mut holders) = (Vec::new(), Vec::new());
    if let Some(dev) = dev {
        devs.push(dev);
        if let Some(node) = Node::of(dev) {
            holders = node.holders();
            for p in node.partitions() {
                devs.push(p.dev);
                holders.extend(p.holders);
            }
        }
    }
    LoopUse { mounted: mounts::mount_points_of(table, &devs), device, holders }
}
