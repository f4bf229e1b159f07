//! A profile's files in its directory: the descriptors it holds open and
//! the file steps ([`Step::Open`], close, rename, unlink, fallocate) done on
//! them through [`crate::dio::os::files`]. Remembers every file it
//! created so the run can remove them (and only them) afterwards.

use std::{
    collections::BTreeSet,
    os::fd::{AsFd, BorrowedFd, OwnedFd},
    path::{Path, PathBuf},
};

use super::step::{FileId, Step};
use crate::dio::{Error, os::files};

/// The name of a profile's file `FileId` for a sequence number (a segment).
pub type Namer = fn(FileId, u64) -> String;

/// The open files of one run of a profile.
pub struct Files {
    dir: PathBuf,
    name: Namer,
    fds: Vec<Option<OwnedFd>>,
    /// Per file: the sequence number its path was made for, and the path
    /// (made again only when the number changes).
    paths: Vec<(u64, PathBuf)>,
    created: BTreeSet<PathBuf>,
}

impl Files {
    /// `count` files named by `name`, in `dir`; none open yet.
    pub fn new(dir: &Path, count: usize, name: Namer) -> Self {
        let paths = (0..count).map(|f| (0, dir.join(name(f, 0)))).collect();
        Self { dir: dir.to_path_buf(), name, fds: (0..count).map(|_| None).collect(), paths, created: BTreeSet::new() }
    }

    /// The open descriptor of `file`.
    pub fn fd(&self, file: FileId) -> Option<BorrowedFd<'_>> {
        self.fds.get(file)?.as_ref().map(AsFd::as_fd)
    }

    /// The path `file` was last opened (or named) with, for messages.
    pub fn path(&self, file: FileId) -> &Path {
        &self.paths[file].1
    }

    fn path_for(&mut self, file: FileId, seq: u64) -> &Path {
        if self.paths[file].0 != seq {
            self.paths[file] = (seq, self.dir.join((self.name)(file, seq)));
        }
        &self.paths[file].1
    }

    fn remember(&mut self, path: PathBuf) {
        if !self.created.contains(&path) {
            self.created.insert(path);
        }
    }

    /// Carries out a file step (an I/O step is the engine's, not this).
    pub fn apply(&mut self, step: Step) -> Result<(), Error> {
        match step {
            Step::Open { file, seq, how } => {
                let path = self.path_for(file, seq).to_path_buf();
                let fd = files::open(&path, how).map_err(|e| Error::io(&path, "open", None, e))?;
                if how.create {
                    self.remember(path);
                }
                self.fds[file] = Some(fd);
            }
            Step::Close(file) => self.fds[file] = None,
            Step::Rename { from, from_seq, to, to_seq } => {
                let from = self.path_for(from, from_seq).to_path_buf();
                let to = self.path_for(to, to_seq).to_path_buf();
                files::rename(&from, &to).map_err(|e| Error::io(&from, "rename", None, e))?;
                self.remember(to);
            }
            Step::Unlink { file, seq } => {
                let path = self.path_for(file, seq);
                match files::unlink(path) {
                    Err(e) if e.raw_os_error() != Some(libc::ENOENT) => {
                        return Err(Error::io(path, "unlink", None, e));
                    }
                    _ => {}
                }
            }
            Step::FallocateKeepSize { file, offset, len } => {
                let path = &self.paths[file].1;
                let fd = self.fds[file].as_ref().ok_or_else(|| not_open(path))?;
                files::fallocate_keep_size(fd, offset, len)
                    .map_err(|e| Error::io(path, "fallocate (FALLOC_FL_KEEP_SIZE)", Some(offset), e))?;
            }
            Step::Write { .. } | Step::Read { .. } | Step::Fdatasync(_) | Step::Fsync(_) => {}
        }
        Ok(())
    }

    /// Closes every file and removes each one this run created.
    pub fn remove_created(&mut self) {
        self.fds.iter_mut().for_each(|fd| *fd = None);
        for path in std::mem::take(&mut self.created) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The error of an I/O step on a file the profile has not opened: a bug in
/// a profile's script, reported rather than panicked on.
pub fn not_open(path: &Path) -> Error {
    Error::io(path, "use", None, std::io::Error::from_raw_os_error(libc::EBADF))
}
