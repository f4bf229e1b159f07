//! PostgreSQL 15's WAL as one committing session writes and syncs it.
//!
//! Read from `src/backend/access/transam/xlog.c` (XLogWrite,
//! issue_xlog_fsync, get_sync_bit, XLogFileInitInternal),
//! `src/backend/storage/file/fd.c` (durable_rename) and
//! `src/include/access/xlog_internal.h` (page headers), and checked against
//! `strace -f` of a PostgreSQL 15 backend committing one-row INSERTs on this
//! machine:
//!
//! - WAL lives in 16 MiB segments of 8 KiB pages; each page starts with a
//!   24-byte header (40 bytes on a segment's first page).
//! - A segment is made before use: unlink `xlogtemp.PID`, create it
//!   (O_CREAT|O_EXCL), write 16 MiB of zeros (PostgreSQL: pwritev of 32
//!   zero pages, 256 KiB a call; here one pwrite of 256 KiB), fsync, close,
//!   then durable_rename (open + fsync + close the temporary file, rename,
//!   open + fsync + close the segment, open + fsync + close `pg_wal`), then
//!   open it with the sync bit of `wal_sync_method` (O_DSYNC for
//!   open_datasync, O_SYNC for open_sync; no O_DIRECT at the default
//!   `wal_level=replica`).
//! - A commit writes from the start of the page its record begins on to
//!   the end of the page it ends on, in one pwrite: a small commit rewrites
//!   the current 8 KiB page in place until it is full, then the next one.
//!   Then `fdatasync` or `fsync` (nothing more with open_datasync/open_sync).
//! - When a commit fills a segment, the segment's tail is written and
//!   synced (issue_xlog_fsync of the finished segment), it is closed, and
//!   the next one is made and opened as above. A running server often has
//!   the next segment ready (recycled at a checkpoint); the profile makes
//!   it, the cost a fresh cluster pays.
//! - `wal_sync_method=fsync_writethrough` exists only where fsync can
//!   write through a drive cache on request (macOS F_FULLFSYNC, Windows):
//!   not on Linux.
//!
//! A one-row INSERT commit puts 176 bytes of WAL in the log: measured with
//! pgbench (one client) on PostgreSQL 15 here, 129,488 bytes of WAL over
//! 750 transactions (172.6 a commit, rounded up to 8-byte alignment).

use super::{
    Calls, Setting,
    step::{FileId, Step},
};
use crate::{
    dio::os::files::OpenHow,
    wal::{method::Method, plan::FileMode},
};

const SEGMENT: FileId = 0;
const TEMP: FileId = 1;
const DIR: FileId = 2;
/// The files: the current segment, the temporary file a segment is made
/// as, and the WAL directory.
pub const FILES: usize = 3;

const PAGE: u64 = 8192;
const PAGES_PER_SEGMENT: u64 = (16 << 20) / PAGE;
const SHORT_HEADER: u64 = 24;
const LONG_HEADER: u64 = 40;
/// WAL bytes of a one-row INSERT's commit (see the module doc).
pub const RECORD: u64 = 176;
/// Bytes of zeros per write while a segment is made.
const ZERO_CHUNK: u32 = 32 * PAGE as u32;
/// The longest write.
pub const MAX_WRITE: usize = ZERO_CHUNK as usize;

/// Every `wal_sync_method` (fdatasync is Linux's default).
pub const SETTINGS: &[Setting] = &[
    Setting::new("fdatasync", "wal_sync_method=fdatasync", Method::BufferedFdatasync, FileMode::Overwrite),
    Setting::new("fsync", "wal_sync_method=fsync", Method::BufferedFsync, FileMode::Overwrite),
    Setting::new("open_datasync", "wal_sync_method=open_datasync", Method::BufferedOdsync, FileMode::Overwrite),
    Setting::new("open_sync", "wal_sync_method=open_sync", Method::BufferedOsync, FileMode::Overwrite),
    Setting::unsupported(
        "fsync_writethrough",
        "wal_sync_method=fsync_writethrough",
        Method::BufferedFsync,
        "PostgreSQL offers it only where fsync can write through the drive cache on request (macOS, Windows), not on Linux",
    ),
];

/// A file's name: segments as PostgreSQL names them (timeline 1).
pub fn name(file: FileId, seq: u64) -> String {
    match file {
        SEGMENT => format!("{:08X}{:08X}{:08X}", 1, seq / 256, seq % 256),
        TEMP => "xlogtemp.jdbio".into(),
        _ => ".".into(),
    }
}

/// One session's WAL under one `wal_sync_method`.
pub struct Postgres {
    /// The setting's key: fdatasync, fsync, open_datasync, open_sync.
    key: &'static str,
    segment: u64,
    /// The page the insert position is on, in the segment.
    page: u64,
    /// Bytes used on that page, its header included.
    used: u64,
}

impl Postgres {
    /// The WAL of `setting`, starting at the first page of segment 1.
    pub fn new(setting: &Setting) -> Self {
        Self { key: setting.key, segment: 1, page: 0, used: LONG_HEADER }
    }

    fn open_how(&self) -> OpenHow {
        OpenHow { dsync: self.key == "open_datasync", sync: self.key == "open_sync", ..OpenHow::EXISTING }
    }

    /// XLogFileInitInternal + durable_rename of segment `seq`, then its open.
    fn make_segment(&self, s: &mut Vec<Step>) {
        let seq = self.segment;
        s.push(Step::Unlink { file: TEMP, seq: 0 });
        s.push(Step::Open { file: TEMP, seq: 0, how: OpenHow { exclusive: true, ..OpenHow::CREATE } });
        for chunk in 0..(PAGES_PER_SEGMENT * PAGE) / u64::from(ZERO_CHUNK) {
            s.push(Step::Write { file: TEMP, offset: chunk * u64::from(ZERO_CHUNK), len: ZERO_CHUNK, zeros: true });
        }
        s.extend([Step::Fsync(TEMP), Step::Close(TEMP)]);
        s.extend([Step::Open { file: TEMP, seq: 0, how: OpenHow::EXISTING }, Step::Fsync(TEMP), Step::Close(TEMP)]);
        s.push(Step::Rename { from: TEMP, from_seq: 0, to: SEGMENT, to_seq: seq });
        s.extend([Step::Open { file: SEGMENT, seq, how: OpenHow::EXISTING }, Step::Fsync(SEGMENT), Step::Close(SEGMENT)]);
        s.extend([Step::Open { file: DIR, seq: 0, how: OpenHow::DIRECTORY }, Step::Fsync(DIR), Step::Close(DIR)]);
        s.push(Step::Open { file: SEGMENT, seq, how: self.open_how() });
    }

    /// issue_xlog_fsync: nothing for the open_* methods.
    fn sync(&self, s: &mut Vec<Step>) {
        match self.key {
            "fdatasync" => s.push(Step::Fdatasync(SEGMENT)),
            "fsync" => s.push(Step::Fsync(SEGMENT)),
            _ => {}
        }
    }

    /// One pwrite of pages `first..=last` of the segment.
    fn write_pages(s: &mut Vec<Step>, first: u64, last: u64) {
        s.push(Step::write(SEGMENT, first * PAGE, ((last - first + 1) * PAGE) as u32));
    }

    /// Moves the insert position to the next page; when the segment is
    /// full, writes and syncs its tail from `first` and starts the next.
    fn next_page(&mut self, s: &mut Vec<Step>, first: &mut u64) {
        if self.page + 1 < PAGES_PER_SEGMENT {
            self.page += 1;
            self.used = SHORT_HEADER;
            return;
        }
        Self::write_pages(s, *first, self.page);
        self.sync(s);
        s.push(Step::Close(SEGMENT));
        self.segment += 1;
        self.make_segment(s);
        (self.page, self.used, *first) = (0, LONG_HEADER, 0);
    }
}

impl Calls for Postgres {
    fn setup(&mut self, s: &mut Vec<Step>) {
        self.make_segment(s);
    }

    fn commit(&mut self, s: &mut Vec<Step>) {
        let mut first = self.page;
        if self.used == PAGE {
            self.next_page(s, &mut first);
            first = self.page;
        }
        let mut left = RECORD;
        while left > PAGE - self.used {
            left -= PAGE - self.used;
            self.used = PAGE;
            self.next_page(s, &mut first);
        }
        self.used += left;
        Self::write_pages(s, first, self.page);
        self.sync(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(key: &str) -> Postgres {
        Postgres::new(SETTINGS.iter().find(|s| s.key == key).unwrap())
    }

    #[test]
    fn a_small_commit_rewrites_the_current_page_then_syncs() {
        let mut p = pg("fdatasync");
        let mut s = Vec::new();
        p.commit(&mut s);
        assert_eq!(s, [Step::write(SEGMENT, 0, 8192), Step::Fdatasync(SEGMENT)]);
        s.clear();
        p.commit(&mut s);
        assert_eq!(s[0], Step::write(SEGMENT, 0, 8192), "the same page again");
        let per_page = (PAGE - LONG_HEADER) / RECORD;
        for _ in 2..per_page {
            s.clear();
            p.commit(&mut s);
        }
        s.clear();
        p.commit(&mut s);
        assert_eq!(s[0], Step::write(SEGMENT, 0, 16384), "a record across two pages writes both");
        s.clear();
        p.commit(&mut s);
        assert_eq!(s[0], Step::write(SEGMENT, 8192, 8192));
    }

    #[test]
    fn each_method_syncs_as_postgres_does() {
        for (key, sync) in [
            ("fdatasync", Some(Step::Fdatasync(SEGMENT))),
            ("fsync", Some(Step::Fsync(SEGMENT))),
            ("open_datasync", None),
            ("open_sync", None),
        ] {
            let mut p = pg(key);
            let mut s = Vec::new();
            p.setup(&mut s);
            let opened = s.last().copied();
            let want = OpenHow { dsync: key == "open_datasync", sync: key == "open_sync", ..OpenHow::EXISTING };
            assert_eq!(opened, Some(Step::Open { file: SEGMENT, seq: 1, how: want }), "{key}");
            s.clear();
            p.commit(&mut s);
            assert_eq!(s.get(1).copied(), sync, "{key}");
        }
    }

    #[test]
    fn a_segment_is_zero_filled_synced_and_renamed_before_use_and_the_next_made_when_full() {
        let mut p = pg("fdatasync");
        let mut s = Vec::new();
        p.setup(&mut s);
        let zeros: u64 = s
            .iter()
            .filter_map(|x| match x {
                Step::Write { file: TEMP, len, zeros: true, .. } => Some(u64::from(*len)),
                _ => None,
            })
            .sum();
        assert_eq!(zeros, 16 << 20);
        let rename = s.iter().position(|x| matches!(x, Step::Rename { to_seq: 1, .. })).unwrap();
        assert!(s[..rename].contains(&Step::Fsync(TEMP)), "synced before the rename");
        assert!(s[rename..].contains(&Step::Fsync(DIR)), "the directory synced after it");
        let mut commits = 0;
        loop {
            s.clear();
            p.commit(&mut s);
            commits += 1;
            if p.segment == 2 {
                break;
            }
        }
        assert!(commits > 90_000, "{commits} commits fill 16 MiB");
        let close = s.iter().position(|x| *x == Step::Close(SEGMENT)).unwrap();
        assert_eq!(s[close - 1], Step::Fdatasync(SEGMENT), "the finished segment is synced");
        assert!(s.contains(&Step::Rename { from: TEMP, from_seq: 0, to: SEGMENT, to_seq: 2 }));
        assert_eq!(s[s.len() - 2], Step::write(SEGMENT, 0, 8192), "the rest of the record on the new segment");
        assert_eq!(name(SEGMENT, 2), "000000010000000000000002");
    }
}
