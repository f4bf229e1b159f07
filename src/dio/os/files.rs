//! Linux: the file-management system calls a database makes around its
//! commits, issued on the caller's thread through rustix, as `jdbio wal
//! --profile` replays them: open(2) with the database's flags (O_CREAT,
//! O_EXCL, O_TRUNC, O_DSYNC, O_SYNC, a directory O_RDONLY), rename(2),
//! unlink(2), and fallocate(2) with FALLOC_FL_KEEP_SIZE.

use std::{io, os::fd::OwnedFd, path::Path};

use rustix::fs::{FallocateFlags, Mode, OFlags};

/// How a database opens one of its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenHow {
    /// O_CREAT (mode 0600).
    pub create: bool,
    /// O_EXCL: the file must not exist yet.
    pub exclusive: bool,
    /// O_TRUNC.
    pub truncate: bool,
    /// O_DSYNC: every write is durable (data) before it returns.
    pub dsync: bool,
    /// O_SYNC: every write is durable (data and metadata) before it returns.
    pub sync: bool,
    /// A directory, opened O_RDONLY to be fsynced.
    pub directory: bool,
}

impl OpenHow {
    /// An existing file, read-write, no sync flag.
    pub const EXISTING: OpenHow =
        OpenHow { create: false, exclusive: false, truncate: false, dsync: false, sync: false, directory: false };
    /// Created if missing, read-write.
    pub const CREATE: OpenHow = OpenHow { create: true, ..OpenHow::EXISTING };
    /// A directory, to be fsynced.
    pub const DIRECTORY: OpenHow = OpenHow { directory: true, ..OpenHow::EXISTING };

    fn flags(self) -> OFlags {
        let mut flags = if self.directory { OFlags::RDONLY | OFlags::DIRECTORY } else { OFlags::RDWR };
        for (on, flag) in [
            (self.create, OFlags::CREATE),
            (self.exclusive, OFlags::EXCL),
            (self.truncate, OFlags::TRUNC),
            // Not OFlags::DSYNC: rustix 1.1.6's linux_raw backend defines it
            // as O_SYNC (the full sync), which would make open_datasync
            // an open_sync.
            (self.dsync, OFlags::from_bits_retain(libc::O_DSYNC as u32)),
            (self.sync, OFlags::SYNC),
        ] {
            if on {
                flags |= flag;
            }
        }
        flags | OFlags::CLOEXEC
    }
}

/// open(2) of `path` as `how` says.
pub fn open(path: &Path, how: OpenHow) -> io::Result<OwnedFd> {
    Ok(rustix::fs::open(path, how.flags(), Mode::from_raw_mode(0o600))?)
}

/// unlink(2) of `path`.
pub fn unlink(path: &Path) -> io::Result<()> {
    Ok(rustix::fs::unlink(path)?)
}

/// rename(2) of `from` to `to`.
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    Ok(rustix::fs::rename(from, to)?)
}

/// fallocate(2) of `[offset, offset + len)` with FALLOC_FL_KEEP_SIZE: the
/// blocks are reserved, the file's size does not change.
pub fn fallocate_keep_size(fd: &OwnedFd, offset: u64, len: u64) -> io::Result<()> {
    Ok(rustix::fs::fallocate(fd, FallocateFlags::KEEP_SIZE, offset, len)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_create_rename_unlink() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let exclusive = OpenHow { exclusive: true, ..OpenHow::CREATE };
        let fd = open(&a, exclusive).unwrap();
        assert_eq!(open(&a, exclusive).unwrap_err().raw_os_error(), Some(libc::EEXIST));
        fallocate_keep_size(&fd, 0, 1 << 20).unwrap();
        assert_eq!(std::fs::metadata(&a).unwrap().len(), 0, "KEEP_SIZE keeps the size");
        rename(&a, &b).unwrap();
        open(dir.path(), OpenHow::DIRECTORY).unwrap();
        unlink(&b).unwrap();
        assert!(!b.exists() && !a.exists());
        let dsync = open(&a, OpenHow { dsync: true, ..OpenHow::CREATE }).unwrap();
        let flags = rustix::fs::fcntl_getfl(&dsync).unwrap().bits() as i32;
        assert_eq!(flags & libc::O_SYNC, libc::O_DSYNC, "O_DSYNC alone, not O_SYNC");
    }
}
