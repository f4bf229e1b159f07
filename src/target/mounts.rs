//! Linux mount table: parses /proc/self/mountinfo and answers "which mount
//! holds this path?" and "where is this device mounted?".
//!
//! A mountinfo line (proc(5)):
//! `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw`:
//! field 3 is MAJ:MIN, field 5 the mount point, and after the " - "
//! separator come the filesystem type and the source. Spaces, tabs,
//! newlines and backslashes in paths are escaped as octal (`\040`).

use std::{
    fs, io,
    os::unix::fs::{FileTypeExt, MetadataExt},
    path::Path,
};

use super::sysfs::DevId;

/// One mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// The device number the kernel reports (anonymous, 0:N, for btrfs
    /// subvolumes, tmpfs, overlay...).
    pub dev: DevId,
    pub mount_point: String,
    pub fstype: String,
    /// What was mounted: a device path, or a name such as "tmpfs".
    pub source: String,
}

/// Reads this process's mount table.
pub fn read() -> io::Result<Vec<Mount>> {
    Ok(parse(&fs::read_to_string("/proc/self/mountinfo")?))
}

/// Parses mountinfo text; malformed lines are skipped.
pub fn parse(text: &str) -> Vec<Mount> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Mount> {
    let (left, right) = line.split_once(" - ")?;
    let mut left = left.split(' ');
    let dev = DevId::parse(left.nth(2)?)?;
    let mount_point = unescape(left.nth(1)?);
    let mut right = right.split(' ');
    let fstype = unescape(right.next()?);
    let source = unescape(right.next()?);
    Some(Mount { dev, mount_point, fstype, source })
}

/// Undoes the kernel's octal escapes (`\040` is a space).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match octal {
            Some(d) if bytes[i] == b'\\' => {
                out.push((d[0] - b'0') << 6 | (d[1] - b'0') << 3 | (d[2] - b'0'));
                i += 4;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Mount points of any of `devs`, matched by the device number mountinfo
/// reports or, where that is anonymous (btrfs), by the source device node.
pub fn mount_points_of(mounts: &[Mount], devs: &[DevId]) -> Vec<String> {
    let mut points: Vec<String> = Vec::new();
    for m in mounts.iter().filter(|m| devs.contains(&m.dev) || source_is_one_of(&m.source, devs)) {
        if !points.contains(&m.mount_point) {
            points.push(m.mount_point.clone());
        }
    }
    points
}

fn source_is_one_of(source: &str, devs: &[DevId]) -> bool {
    source_device(source).is_some_and(|dev| devs.contains(&dev))
}

/// The device number of a mount source that is a block device node.
pub fn source_device(source: &str) -> Option<DevId> {
    if !source.starts_with('/') {
        return None;
    }
    let meta = fs::metadata(source).ok()?;
    meta.file_type().is_block_device().then(|| DevId::from_raw(meta.rdev()))
}

/// The mount that holds `path` (absolute, symlinks resolved): the deepest
/// mount point above it; of several at the same point, the last (on top).
pub fn containing<'a>(mounts: &'a [Mount], path: &Path) -> Option<&'a Mount> {
    mounts
        .iter()
        .filter(|m| path.starts_with(&m.mount_point))
        .max_by_key(|m| Path::new(&m.mount_point).components().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
30 27 0:27 / /dev/shm rw,relatime shared:4 - tmpfs tmpfs rw,size=24683656k
31 27 8:1 / /mnt/my\\040disk rw,relatime shared:7 master:2 - xfs /dev/sdb1 rw
32 31 0:44 /sub /mnt/my\\040disk/data rw - btrfs /dev/sdc rw,subvol=/sub
33 27 8:1 / /mnt rw - xfs /dev/sdb1 rw
34 30 0:50 / /dev/shm rw - ramfs ramfs rw
this line is not mountinfo
";

    #[test]
    fn parses_fields_and_unescapes_paths() {
        let mounts = parse(SAMPLE);
        assert_eq!(mounts.len(), 7);
        assert_eq!(
            mounts[1],
            Mount {
                dev: DevId { major: 254, minor: 0 },
                mount_point: "/".into(),
                fstype: "ext4".into(),
                source: "/dev/vda".into(),
            }
        );
        assert_eq!(mounts[3].mount_point, "/mnt/my disk");
        assert_eq!(mounts[3].dev, DevId { major: 8, minor: 1 });
        assert_eq!(mounts[3].fstype, "xfs");
        assert_eq!(mounts[4].source, "/dev/sdc");
    }

    #[test]
    fn mount_points_of_a_device_are_listed_once_each() {
        let mut mounts = parse(SAMPLE);
        mounts.push(mounts[3].clone());
        let sdb1 = [DevId { major: 8, minor: 1 }];
        assert_eq!(mount_points_of(&mounts, &sdb1), ["/mnt/my disk", "/mnt"]);
        assert!(mount_points_of(&mounts, &[DevId { major: 9, minor: 9 }]).is_empty());
    }

    #[test]
    fn unescapes_octal_only() {
        assert_eq!(unescape(r"a\040b\011c\134d"), "a b\tc\\d");
        assert_eq!(unescape(r"trailing\04"), r"trailing\04");
        assert_eq!(unescape(r"not\999octal"), r"not\999octal");
    }

    #[test]
    fn deepest_mount_holds_the_path() {
        let mounts = parse(SAMPLE);
        let fstype = |p: &str| containing(&mounts, Path::new(p)).map(|m| m.fstype.as_str());
        assert_eq!(fstype("/home/me/db"), Some("ext4"));
        // ramfs is mounted over the tmpfs at /dev/shm.
        assert_eq!(fstype("/dev/shm/x"), Some("ramfs"));
        assert_eq!(fstype("/dev/shmx"), Some("ext4"));
        assert_eq!(fstype("/mnt/my disk/a"), Some("xfs"));
        assert_eq!(fstype("/mnt/my disk/data/f"), Some("btrfs"));
        assert_eq!(fstype("/mnt/other"), Some("xfs"));
    }
}
