//! The kernel's own answer: each case as one positional read or write
//! system call on a descriptor the library opened with Direct I/O
//! ([`crate::dio::File::std_file`]), with no library check in between. std's
//! `FileExt::read_at` / `write_at` are exactly one pread(2) / pwrite(2) on
//! Unix (`seek_read` / `seek_write` on Windows), so the errno is the
//! kernel's.

use std::{fs, io};

use super::cases::{Case, Op};
use crate::dio::AlignedBuf;

/// What the kernel did with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted; this many bytes moved.
    Accepted(usize),
    /// Refused with this errno (0 when the OS gave none).
    Rejected(i32),
}

impl Outcome {
    /// "ok", "short N" or the errno name.
    pub fn label(self, want: usize) -> String {
        match self {
            Outcome::Accepted(n) if n == want => "ok".into(),
            Outcome::Accepted(n) => format!("short {n}"),
            Outcome::Rejected(errno) => errno_name(errno),
        }
    }

    /// True when the kernel took the request.
    pub fn accepted(self) -> bool {
        matches!(self, Outcome::Accepted(_))
    }
}

/// Runs every case; `buf` must hold [`super::cases::buffer_len`] bytes
/// (its contents are what a write writes).
pub fn probe(file: &fs::File, cases: &[Case], buf: &mut AlignedBuf) -> Vec<Outcome> {
    cases
        .iter()
        .map(|c| {
            let range = c.addr_offset..c.addr_offset + c.len;
            let res = match c.op {
                Op::Read => pread(file, &mut buf[range], c.offset),
                Op::Write => pwrite(file, &buf[range], c.offset),
            };
            match res {
                Ok(n) => Outcome::Accepted(n),
                Err(e) => Outcome::Rejected(e.raw_os_error().unwrap_or(0)),
            }
        })
        .collect()
}

/// Reads `[0, len)` (a multiple of the target's alignment) with Direct I/O,
/// to put back after the write matrix.
pub fn save(file: &fs::File, len: usize) -> io::Result<AlignedBuf> {
    let mut saved = AlignedBuf::zeroed(len).map_err(io::Error::other)?;
    let mut done = 0;
    while done < len {
        match pread(file, &mut saved[done..], done as u64)? {
            0 => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("ended at byte {done}"))),
            n => done += n,
        }
    }
    Ok(saved)
}

/// Writes `saved` back at offset 0 and makes it durable.
pub fn restore(file: &fs::File, saved: &AlignedBuf) -> io::Result<()> {
    let mut done = 0;
    while done < saved.len() {
        match pwrite(file, &saved[done..], done as u64)? {
            0 => return Err(io::Error::new(io::ErrorKind::WriteZero, format!("stopped at byte {done}"))),
            n => done += n,
        }
    }
    file.sync_all()
}

#[cfg(unix)]
fn pread(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(unix)]
fn pwrite(file: &fs::File, buf: &[u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::write_at(file, buf, offset)
}

#[cfg(windows)]
fn pread(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(windows)]
fn pwrite(file: &fs::File, buf: &[u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_write(file, buf, offset)
}

/// The symbolic name of an errno a Direct I/O request can meet, else
/// "errno N".
pub fn errno_name(errno: i32) -> String {
    crate::dio::os::errno_name(errno).map_or_else(|| format!("errno {errno}"), str::to_owned)
}
