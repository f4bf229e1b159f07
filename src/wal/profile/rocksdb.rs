//! RocksDB's write-ahead log with `WriteOptions::sync = true`, one writer
//! putting one key (16 bytes) and value (100 bytes, db_bench's defaults)
//! per write batch.
//!
//! Read from `db/log_writer.cc` and `db/log_format.h` (records in 32 KiB
//! blocks, a 7-byte header per fragment, a block's tail under 7 bytes
//! padded with zeros), `db/write_batch.cc` (a batch: 12-byte header, then
//! type, key and value with varint lengths: 131 bytes here),
//! `file/writable_file_writer.cc` (each record flushed with one write,
//! `Sync(use_fsync)`), `env/io_posix.cc` (PosixWritableFile: write(2),
//! fallocate(FALLOC_FL_KEEP_SIZE) a preallocation block ahead, `Sync` =
//! fdatasync, `Fsync` = fsync) and `db/db_impl/db_impl_write.cc` (the
//! WAL directory synced after a new log's first sync; the block is 1.1 x
//! write_buffer_size = 70.4 MiB at the default 64 MiB). Not run here:
//! there is no RocksDB on this machine to compare with.
//!
//! RocksDB appends with write(2) at the file's end; the profile issues
//! pwrite(2) at the same offset (the same bytes, the same place). With
//! `recycle_log_file_num` > 0 (default 0) RocksDB reuses old log files and
//! their records carry 11-byte headers: overwriting, not appending, which
//! this profile does not model.

use super::{
    Calls, Setting,
    step::{FileId, Step},
};
use crate::{
    dio::os::files::OpenHow,
    wal::{method::Method, plan::FileMode},
};

const LOG: FileId = 0;
const DIR: FileId = 1;
/// The log and its directory.
pub const FILES: usize = 2;

const BLOCK: u64 = 32 * 1024;
const HEADER: u64 = 7;
/// A one-put write batch: 12-byte header, type, key and value with lengths.
pub const BATCH: u64 = 12 + 1 + 1 + 16 + 1 + 100;
/// Preallocation block: 1.1 x the default 64 MiB write buffer.
const PREALLOCATE: u64 = (64 << 20) / 10 + (64 << 20);
/// The longest write (a record never spans more than two blocks here).
pub const MAX_WRITE: usize = 4096;

/// `sync=true`, with and without `use_fsync`.
pub const SETTINGS: &[Setting] = &[
    Setting::new("sync", "sync=true", Method::BufferedFdatasync, FileMode::Append),
    Setting::new("use_fsync", "sync=true use_fsync=true", Method::BufferedFsync, FileMode::Append),
];

/// A file's name.
pub fn name(file: FileId, _seq: u64) -> String {
    if file == LOG { "000004.log".into() } else { ".".into() }
}

/// One writer's log.
pub struct Rocksdb {
    use_fsync: bool,
    /// Bytes in the log.
    end: u64,
    /// Bytes fallocated so far (whole preallocation blocks).
    allocated: u64,
    dir_synced: bool,
}

impl Rocksdb {
    /// The log of `setting`.
    pub fn new(setting: &Setting) -> Self {
        Self { use_fsync: setting.key == "use_fsync", end: 0, allocated: 0, dir_synced: false }
    }

    /// Bytes `AddRecord` appends for a `payload`-byte record at `end`:
    /// fragments with their headers, and the zero padding of a block tail
    /// too short for a header.
    fn appended(end: u64, payload: u64) -> u64 {
        let (mut at, mut left) = (end, payload);
        loop {
            let room = BLOCK - at % BLOCK;
            if room < HEADER {
                at += room;
                continue;
            }
            let fragment = left.min(room - HEADER);
            at += HEADER + fragment;
            left -= fragment;
            if left == 0 {
                return at - end;
            }
        }
    }
}

impl Calls for Rocksdb {
    fn setup(&mut self, s: &mut Vec<Step>) {
        s.push(Step::Open { file: LOG, seq: 0, how: OpenHow { truncate: true, ..OpenHow::CREATE } });
    }

    fn commit(&mut self, s: &mut Vec<Step>) {
        let len = Self::appended(self.end, BATCH);
        if self.end + len > self.allocated {
            let blocks = (self.end + len - self.allocated).div_ceil(PREALLOCATE);
            s.push(Step::FallocateKeepSize { file: LOG, offset: self.allocated, len: blocks * PREALLOCATE });
            self.allocated += blocks * PREALLOCATE;
        }
        s.push(Step::write(LOG, self.end, len as u32));
        self.end += len;
        s.push(if self.use_fsync { Step::Fsync(LOG) } else { Step::Fdatasync(LOG) });
        if !self.dir_synced {
            s.extend([Step::Open { file: DIR, seq: 0, how: OpenHow::DIRECTORY }, Step::Fsync(DIR), Step::Close(DIR)]);
            self.dir_synced = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_append_with_headers_and_pad_a_block_tail() {
        assert_eq!(Rocksdb::appended(0, BATCH), 138);
        assert_eq!(Rocksdb::appended(BLOCK - 3, BATCH), 3 + 138, "a 3-byte tail is padded");
        assert_eq!(Rocksdb::appended(BLOCK - 50, BATCH), 50 + 7 + (138 - 50), "a record split in two fragments");
    }

    #[test]
    fn a_commit_preallocates_once_writes_its_record_and_syncs() {
        let mut r = Rocksdb::new(&SETTINGS[0]);
        let mut s = Vec::new();
        r.commit(&mut s);
        assert_eq!(s[0], Step::FallocateKeepSize { file: LOG, offset: 0, len: PREALLOCATE });
        assert_eq!(s[1..3], [Step::write(LOG, 0, 138), Step::Fdatasync(LOG)]);
        s.clear();
        r.commit(&mut s);
        assert_eq!(s, [Step::write(LOG, 138, 138), Step::Fdatasync(LOG)]);
        let mut f = Rocksdb::new(&SETTINGS[1]);
        s.clear();
        f.commit(&mut s);
        assert_eq!(s[2], Step::Fsync(LOG));
    }
}
