//! SQLite 3 with `PRAGMA synchronous=FULL`, one connection committing
//! one-row INSERTs, in WAL mode and in rollback-journal (DELETE) mode.
//!
//! Read from `src/wal.c` (walFrames, walWriteOneFrame, walCheckpoint),
//! `src/pager.c` (pager_write, syncJournal, pager_end_transaction) and
//! `src/os_unix.c` (unixSync: fdatasync on Linux; the directory synced
//! after a new journal's first sync), and checked against `strace -f` of
//! Debian's sqlite3 3.x doing the same on this machine. Pages are 4 KiB
//! (SQLite's default page_size).
//!
//! WAL mode (`journal_mode=WAL`), per commit: the frame's 24-byte header
//! (pwrite), its page (pwrite), fdatasync of `-wal`. The first commit
//! writes the 32-byte WAL header and fdatasyncs it, and syncs the
//! directory. Every 1000 frames (`wal_autocheckpoint`) the committing
//! connection checkpoints: fdatasync of `-wal`, read of the page's last
//! frame, its write into the database file, fdatasync of the database;
//! the next commit then starts the WAL again at its header (pwrite 32
//! bytes, fdatasync). Not replayed: the `-shm` index (a shared mapping,
//! written by stores, not system calls), fcntl locks.
//!
//! DELETE mode (`journal_mode=DELETE`), per commit: create `-journal`;
//! write its 512-byte header, then for each page changed (the table's
//! leaf, then page 1, whose change counter every commit bumps) its
//! number (4 bytes), its old content (4 KiB) and a checksum (4 bytes); read
//! 8 bytes past the end; fdatasync the journal (and the directory: a new
//! journal); write the record count into the header (12 bytes) and
//! fdatasync again; write both pages into the database, fdatasync it;
//! close and unlink the journal; then read the change counter (16 bytes at
//! 24) as the next transaction starts. Not replayed: fcntl locks, fstat.
//!
//! The row always lands on the same table page (a real table splits a page
//! every few hundred rows, which adds a page to that commit).

use super::{
    Calls, Setting,
    step::{FileId, Step},
};
use crate::{
    dio::os::files::OpenHow,
    wal::{method::Method, plan::FileMode},
};

const DB: FileId = 0;
const WAL: FileId = 1;
const JOURNAL: FileId = 2;
const DIR: FileId = 3;
/// The database, its `-wal`, its `-journal`, and their directory.
pub const FILES: usize = 4;

const PAGE: u32 = 4096;
const FRAME_HEADER: u32 = 24;
const WAL_HEADER: u32 = 32;
const JOURNAL_HEADER: u32 = 512;
/// Frames between checkpoints (`PRAGMA wal_autocheckpoint`'s default).
pub const CHECKPOINT_FRAMES: u64 = 1000;
/// The longest write.
pub const MAX_WRITE: usize = PAGE as usize;

/// `synchronous=FULL` in both journal modes.
pub const SETTINGS: &[Setting] = &[
    Setting::new("wal", "journal_mode=WAL synchronous=FULL", Method::BufferedFdatasync, FileMode::Append),
    Setting::new("delete", "journal_mode=DELETE synchronous=FULL", Method::BufferedFdatasync, FileMode::Append),
];

/// A file's name.
pub fn name(file: FileId, _seq: u64) -> String {
    match file {
        DB => "jdbio.db".into(),
        WAL => "jdbio.db-wal".into(),
        JOURNAL => "jdbio.db-journal".into(),
        _ => ".".into(),
    }
}

/// One connection's commits in one journal mode.
pub struct Sqlite {
    wal_mode: bool,
    /// Frames in the WAL since it (re)started; None before the first.
    frames: Option<u64>,
    /// The directory has been synced for the WAL file.
    dir_synced: bool,
}

impl Sqlite {
    /// The connection of `setting` (`wal` or `delete`).
    pub fn new(setting: &Setting) -> Self {
        Self { wal_mode: setting.key == "wal", frames: None, dir_synced: false }
    }

    fn wal_commit(&mut self, s: &mut Vec<Step>) {
        let frames = match self.frames {
            Some(n) => n,
            None => {
                s.extend([Step::write(WAL, 0, WAL_HEADER), Step::Fdatasync(WAL)]);
                if !self.dir_synced {
                    s.extend([Step::Open { file: DIR, seq: 0, how: OpenHow::DIRECTORY }, Step::Fdatasync(DIR), Step::Close(DIR)]);
                    self.dir_synced = true;
                }
                0
            }
        };
        let offset = u64::from(WAL_HEADER) + frames * u64::from(FRAME_HEADER + PAGE);
        s.extend([
            Step::write(WAL, offset, FRAME_HEADER),
            Step::write(WAL, offset + u64::from(FRAME_HEADER), PAGE),
            Step::Fdatasync(WAL),
        ]);
        self.frames = Some(frames + 1);
        if frames + 1 >= CHECKPOINT_FRAMES {
            s.extend([
                Step::Fdatasync(WAL),
                Step::Read { file: WAL, offset: offset + u64::from(FRAME_HEADER), len: PAGE },
                Step::write(DB, u64::from(PAGE), PAGE),
                Step::Fdatasync(DB),
            ]);
            self.frames = None;
        }
    }

    fn delete_commit(s: &mut Vec<Step>) {
        s.push(Step::Open { file: JOURNAL, seq: 0, how: OpenHow::CREATE });
        s.push(Step::write(JOURNAL, 0, JOURNAL_HEADER));
        let record = 4 + PAGE + 4;
        for (i, _page) in [2, 1].iter().enumerate() {
            let at = u64::from(JOURNAL_HEADER) + i as u64 * u64::from(record);
            s.extend([
                Step::write(JOURNAL, at, 4),
                Step::write(JOURNAL, at + 4, PAGE),
                Step::write(JOURNAL, at + 4 + u64::from(PAGE), 4),
            ]);
        }
        let end = u64::from(JOURNAL_HEADER) + 2 * u64::from(record);
        // The read past the end rounds up to the next 512-byte boundary.
        s.push(Step::Read { file: JOURNAL, offset: end.div_ceil(512) * 512, len: 8 });
        s.push(Step::Fdatasync(JOURNAL));
        s.extend([Step::Open { file: DIR, seq: 0, how: OpenHow::DIRECTORY }, Step::Fdatasync(DIR), Step::Close(DIR)]);
        s.extend([Step::write(JOURNAL, 0, 12), Step::Fdatasync(JOURNAL)]);
        s.extend([Step::write(DB, 0, PAGE), Step::write(DB, u64::from(PAGE), PAGE), Step::Fdatasync(DB)]);
        s.extend([Step::Close(JOURNAL), Step::Unlink { file: JOURNAL, seq: 0 }]);
        s.push(Step::Read { file: DB, offset: 24, len: 16 });
    }
}

impl Calls for Sqlite {
    fn setup(&mut self, s: &mut Vec<Step>) {
        // The database: page 1 (schema) and page 2 (the table), durable.
        s.push(Step::Open { file: DB, seq: 0, how: OpenHow { truncate: true, ..OpenHow::CREATE } });
        s.extend([Step::write(DB, 0, PAGE), Step::write(DB, u64::from(PAGE), PAGE), Step::Fdatasync(DB)]);
        if self.wal_mode {
            s.push(Step::Open { file: WAL, seq: 0, how: OpenHow { truncate: true, ..OpenHow::CREATE } });
        }
    }

    fn commit(&mut self, s: &mut Vec<Step>) {
        if self.wal_mode { self.wal_commit(s) } else { Self::delete_commit(s) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_mode_appends_a_header_and_a_page_per_commit_and_checkpoints_every_1000() {
        let mut q = Sqlite::new(&SETTINGS[0]);
        let mut s = Vec::new();
        q.commit(&mut s);
        assert_eq!(&s[..2], [Step::write(WAL, 0, 32), Step::Fdatasync(WAL)]);
        assert_eq!(&s[s.len() - 3..], [Step::write(WAL, 32, 24), Step::write(WAL, 56, 4096), Step::Fdatasync(WAL)]);
        s.clear();
        q.commit(&mut s);
        assert_eq!(s, [Step::write(WAL, 4152, 24), Step::write(WAL, 4176, 4096), Step::Fdatasync(WAL)]);
        for _ in 2..CHECKPOINT_FRAMES {
            s.clear();
            q.commit(&mut s);
        }
        assert_eq!(s.last(), Some(&Step::Fdatasync(DB)), "the 1000th frame checkpoints");
        s.clear();
        q.commit(&mut s);
        assert_eq!(s[..2], [Step::write(WAL, 0, 32), Step::Fdatasync(WAL)], "the WAL starts again");
        assert_eq!(s[2], Step::write(WAL, 32, 24));
    }

    #[test]
    fn delete_mode_journals_syncs_writes_and_unlinks() {
        let mut q = Sqlite::new(&SETTINGS[1]);
        let mut s = Vec::new();
        q.commit(&mut s);
        let syncs: Vec<_> = s.iter().filter(|x| matches!(x, Step::Fdatasync(_))).copied().collect();
        assert_eq!(syncs, [Step::Fdatasync(JOURNAL), Step::Fdatasync(DIR), Step::Fdatasync(JOURNAL), Step::Fdatasync(DB)]);
        assert!(s.contains(&Step::Read { file: JOURNAL, offset: 9216, len: 8 }), "as sqlite3 reads past the journal");
        assert!(s.contains(&Step::write(JOURNAL, 4620, 4096)));
        assert_eq!(s[s.len() - 2], Step::Unlink { file: JOURNAL, seq: 0 });
    }
}
