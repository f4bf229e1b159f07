//! Linux: what sysfs and the mount table add to a probe. For a file: its
//! filesystem and the disk under it (block sizes, queue settings). For a
//! block device: its queue settings, where it or its partitions are mounted,
//! what is stacked on it, and which partitions to check for signatures. A
//! file that backs a loop device gets that device's mounts and holders.

use std::{
    fs::{self, Metadata},
    iter,
    os::unix::fs::MetadataExt,
    path::Path,
};

use super::{
    ProbeError, TargetInfo, TargetKind, loops, mounts,
    sysfs::{DevId, Node, Queue},
};

/// A partition to check for a signature: its name and where it starts.
pub type PartitionStart = (String, u64);

/// Fills in the Linux-only fields of `info`; returns the partitions whose
/// start should also be checked for a signature.
pub fn describe(info: &mut TargetInfo, path: &Path, meta: &Metadata) -> Result<Vec<PartitionStart>, ProbeError> {
    match info.kind {
        TargetKind::File => {
            describe_file(info, path, meta);
            Ok(Vec::new())
        }
        TargetKind::Block => describe_block(info, path, meta),
    }
}

/// A file: the mount that holds it names the filesystem; the device is
/// `st_dev`, or the mount's source when `st_dev` is anonymous (btrfs).
/// Without a mount table or sysfs entry these stay unknown.
fn describe_file(info: &mut TargetInfo, path: &Path, meta: &Metadata) {
    let table = mounts::read().unwrap_or_default();
    let mount = fs::canonicalize(path).ok().and_then(|p| mounts::containing(&table, &p).cloned());
    info.filesystem = mount.as_ref().map(|m| m.fstype.clone());
    for used in loops::backed_by(meta, &table) {
        info.loop_devices.push(used.device);
        info.mounted.extend(used.mounted);
        info.holders.extend(used.holders);
    }
    if let Some(node) = disk_of(meta, mount.as_ref()) {
        let queue = node.queue();
        info.logical_block_bytes = queue.logical_block_bytes.unwrap_or(info.logical_block_bytes);
        info.physical_block_bytes = queue.physical_block_bytes.unwrap_or(info.physical_block_bytes);
        set_queue(info, &node, queue);
    }
}

/// The disk a file or directory lives on: `st_dev`, or the mount's source
/// when `st_dev` is anonymous (btrfs).
pub(super) fn disk_of(meta: &Metadata, mount: Option<&mounts::Mount>) -> Option<Node> {
    Node::of(DevId::from_raw(meta.dev())).or_else(|| mount.and_then(|m| mounts::source_device(&m.source)).and_then(Node::of))
}

/// The logical block size of the disk holding directory `dir`, from sysfs:
/// the smallest Direct I/O alignment a file created there can have. `None`
/// when `dir` is on no disk sysfs knows (tmpfs, FUSE, NFS).
pub fn dir_logical_block_bytes(dir: &Path) -> Option<u32> {
    let meta = fs::metadata(dir).ok()?;
    let table = mounts::read().unwrap_or_default();
    let mount = fs::canonicalize(dir).ok().and_then(|p| mounts::containing(&table, &p).cloned());
    disk_of(&meta, mount.as_ref())?.queue().logical_block_bytes
}

/// A block device: block sizes came from ioctls already. The mount table is
/// required here, since "not mounted" must not be a guess.
fn describe_block(info: &mut TargetInfo, path: &Path, meta: &Metadata) -> Result<Vec<PartitionStart>, ProbeError> {
    let table = mounts::read().map_err(|source| ProbeError::Io {
        path: path.to_path_buf(),
        action: "read /proc/self/mountinfo",
        source,
    })?;
    let dev = DevId::from_raw(meta.rdev());
    let Some(node) = Node::of(dev) else {
        info.mounted = mounts::mount_points_of(&table, &[dev]);
        return Ok(Vec::new());
    };
    let partitions = node.partitions();
    let devs: Vec<DevId> = iter::once(dev).chain(partitions.iter().map(|p| p.dev)).collect();
    info.mounted = mounts::mount_points_of(&table, &devs);
    info.holders = node.holders();
    info.holders.extend(partitions.iter().flat_map(|p| p.holders.iter().cloned()));
    set_queue(info, &node, node.queue());
    Ok(partitions.into_iter().map(|p| (p.name, p.start_bytes)).collect())
}

/// The disk's name and queue settings.
fn set_queue(info: &mut TargetInfo, node: &Node, queue: Queue) {
    info.device = node.disk().name();
    info.rotational = queue.rotational;
    info.scheduler = queue.scheduler;
    info.write_cache = queue.write_cache;
    info.model = queue.model;
}
