//! MySQL 8.0's InnoDB redo log with `innodb_flush_log_at_trx_commit=1`:
//! every commit's redo written and made durable before the commit returns.
//!
//! Read from `storage/innobase/log/log0write.cc` (the log writer: whole
//! 512-byte blocks, the last partial block rewritten by the next write, a
//! write that starts a new `innodb_log_write_ahead_size` region (8 KiB)
//! padded to its end; the log flusher: fsync, skipped for O_DSYNC),
//! `storage/innobase/os/os0file.cc` (os_file_create_func: the redo log
//! opened O_SYNC under `innodb_flush_method=O_DSYNC`; O_DIRECT set "only on
//! data files", never on the redo log; os_file_fsync_posix: fdatasync with
//! `innodb_use_fdatasync=ON`, 8.0.26+), `include/log0constants.h` (block
//! header 12 bytes, trailer 4, file header 2 KiB) and
//! `storage/innobase/log/log0files_io.cc` (8.0.30+: 32 files of
//! `innodb_redo_log_capacity`/32 = 3.125 MiB at the default 100 MiB). Not
//! run here: there is no MySQL on this machine to compare with.
//!
//! A one-row INSERT is taken to log 200 bytes of redo (a chosen figure,
//! not measured here). The profile writes one preformatted 3.125 MiB file
//! and wraps to just after its header when full, where InnoDB moves to
//! its next file, formatted the same way.

use super::{
    Calls, Setting,
    step::{FileId, Step},
};
use crate::{
    dio::os::files::OpenHow,
    wal::{method::Method, plan::FileMode},
};

const REDO: FileId = 0;
/// The redo file.
pub const FILES: usize = 1;

const BLOCK: u64 = 512;
const WRITE_AHEAD: u64 = 8192;
const FILE_HEADER: u64 = 2048;
const FILE_SIZE: u64 = (100 << 20) / 32;
/// Redo bytes of a one-row INSERT's commit (see the module doc).
pub const RECORD: u64 = 200;
const ZERO_CHUNK: u32 = 1 << 20;
/// The longest write.
pub const MAX_WRITE: usize = ZERO_CHUNK as usize;

/// `innodb_flush_method` as it applies to the redo log.
pub const SETTINGS: &[Setting] = &[
    Setting::new("fsync", "innodb_flush_method=fsync", Method::BufferedFsync, FileMode::Overwrite),
    Setting::new(
        "fdatasync",
        "innodb_flush_method=fsync innodb_use_fdatasync=ON",
        Method::BufferedFdatasync,
        FileMode::Overwrite,
    ),
    Setting::new("o_dsync", "innodb_flush_method=O_DSYNC", Method::BufferedOsync, FileMode::Overwrite),
    // O_DIRECT is for data files: the redo log stays buffered, fsynced.
    Setting::new("o_direct", "innodb_flush_method=O_DIRECT", Method::BufferedFsync, FileMode::Overwrite),
];

/// A file's name (8.0.30+'s first redo file).
pub fn name(_file: FileId, _seq: u64) -> String {
    "#ib_redo0".into()
}

/// One server's redo log.
pub struct Mysql {
    key: &'static str,
    /// The next byte of redo, as a file offset.
    lsn_offset: u64,
    /// Where the current write-ahead region ends.
    write_ahead_end: u64,
}

impl Mysql {
    /// The redo log of `setting`.
    pub fn new(setting: &Setting) -> Self {
        Self { key: setting.key, lsn_offset: FILE_HEADER + 12, write_ahead_end: FILE_HEADER }
    }
}

impl Calls for Mysql {
    fn setup(&mut self, s: &mut Vec<Step>) {
        s.push(Step::Open { file: REDO, seq: 0, how: OpenHow { truncate: true, ..OpenHow::CREATE } });
        for chunk in 0..FILE_SIZE.div_ceil(u64::from(ZERO_CHUNK)) {
            let offset = chunk * u64::from(ZERO_CHUNK);
            let len = (FILE_SIZE - offset).min(u64::from(ZERO_CHUNK)) as u32;
            s.push(Step::Write { file: REDO, offset, len, zeros: true });
        }
        s.extend([Step::Fsync(REDO), Step::Close(REDO)]);
        s.push(Step::Open { file: REDO, seq: 0, how: OpenHow { sync: self.key == "o_dsync", ..OpenHow::EXISTING } });
    }

    fn commit(&mut self, s: &mut Vec<Step>) {
        let mut start = self.lsn_offset / BLOCK * BLOCK;
        let mut left = RECORD;
        let mut at = self.lsn_offset;
        while left > 0 {
            // A block holds 496 bytes: 12 of header before, 4 of trailer after.
            let room = BLOCK - 4 - at % BLOCK;
            let put = left.min(room);
            (at, left) = (at + put, left - put);
            if at % BLOCK == BLOCK - 4 {
                at += 16; // the trailer, then the next block's header
                if at >= FILE_SIZE {
                    // Wrap: write the tail, go on after the header.
                    s.push(Step::write(REDO, start, (FILE_SIZE - start) as u32));
                    (at, start, self.write_ahead_end) = (FILE_HEADER + 12, FILE_HEADER, FILE_HEADER);
                }
            }
        }
        self.lsn_offset = at;
        let end = at.div_ceil(BLOCK) * BLOCK;
        let mut len = end - start;
        if start >= self.write_ahead_end {
            self.write_ahead_end = start / WRITE_AHEAD * WRITE_AHEAD + WRITE_AHEAD;
            len = len.max(self.write_ahead_end.min(FILE_SIZE) - start);
        }
        s.push(Step::write(REDO, start, len as u32));
        match self.key {
            "fdatasync" => s.push(Step::Fdatasync(REDO)),
            "o_dsync" => {}
            _ => s.push(Step::Fsync(REDO)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_write_whole_blocks_padded_to_the_write_ahead_region_then_sync() {
        let mut m = Mysql::new(&SETTINGS[0]);
        let mut s = Vec::new();
        m.commit(&mut s);
        assert_eq!(s, [Step::write(REDO, 2048, 8192 - 2048), Step::Fsync(REDO)], "a new region is written whole");
        s.clear();
        m.commit(&mut s);
        assert_eq!(s, [Step::write(REDO, 2048, 512), Step::Fsync(REDO)], "the partial block again");
        s.clear();
        m.commit(&mut s);
        assert_eq!(s[0], Step::write(REDO, 2048, 1024), "a record across two blocks");
        for (key, sync) in [("fdatasync", Some(Step::Fdatasync(REDO))), ("o_dsync", None), ("o_direct", Some(Step::Fsync(REDO)))] {
            let mut m = Mysql::new(SETTINGS.iter().find(|x| x.key == key).unwrap());
            let mut s = Vec::new();
            m.commit(&mut s);
            assert_eq!(s.get(1).copied(), sync, "{key}");
        }
    }
}
