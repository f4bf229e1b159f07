//! One system call of a database's commit, on one of its files: what a
//! profile's generator ([`super::Calls`]) writes into a commit's script and
//! [`super::replay`] carries out. I/O steps (write, read, fdatasync, fsync)
//! go through the psync engine; file steps (open, close, rename, unlink,
//! fallocate) through [`super::files::Files`].

use crate::dio::os::files::OpenHow;

/// Which of a profile's files a step is on: an index into its
/// [`super::Calls::file_name`] table.
pub type FileId = usize;

/// One system call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// pwrite(2) of `len` bytes at `offset`: zeros (a segment being
    /// initialised) or the record's bytes.
    Write { file: FileId, offset: u64, len: u32, zeros: bool },
    /// pread(2) of `len` bytes at `offset`.
    Read { file: FileId, offset: u64, len: u32 },
    /// fdatasync(2).
    Fdatasync(FileId),
    /// fsync(2).
    Fsync(FileId),
    /// open(2) of the file's name for `seq` (a segment number).
    Open { file: FileId, seq: u64, how: OpenHow },
    /// close(2).
    Close(FileId),
    /// rename(2) of `from` (for `from_seq`) to `to` (for `to_seq`).
    Rename { from: FileId, from_seq: u64, to: FileId, to_seq: u64 },
    /// unlink(2); ENOENT is not an error (PostgreSQL unlinks a stale
    /// temporary file that is usually not there).
    Unlink { file: FileId, seq: u64 },
    /// fallocate(2) with FALLOC_FL_KEEP_SIZE.
    FallocateKeepSize { file: FileId, offset: u64, len: u64 },
}

impl Step {
    /// The zero-filled or record write of `len` bytes at `offset`.
    pub fn write(file: FileId, offset: u64, len: u32) -> Step {
        Step::Write { file, offset, len, zeros: false }
    }

    /// The file of an I/O step (write, read, sync); None for a file step.
    pub fn io_file(self) -> Option<FileId> {
        match self {
            Step::Write { file, .. } | Step::Read { file, .. } | Step::Fdatasync(file) | Step::Fsync(file) => {
                Some(file)
            }
            _ => None,
        }
    }
}
