//! The library's answer: each case through [`crate::dio::File`]'s
//! `read_at` / `write_at` with a compio slice of one aligned buffer that
//! starts at the case's address offset, so the library sees exactly the
//! address, offset and length the kernel saw.

use compio::buf::{IntoInner, IoBuf};

use super::cases::{Case, Op};
use crate::dio::{AlignedBuf, Error, File};

/// What the library did with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Submitted and done.
    Done,
    /// Refused before submitting ([`Error::Alignment`]).
    Refused,
    /// Submitted, and the OS or the transfer failed: the errno name, or
    /// what else went wrong.
    Failed(String),
}

impl Outcome {
    /// "ok", "alignment", or what failed.
    pub fn label(&self) -> String {
        match self {
            Outcome::Done => "ok".into(),
            Outcome::Refused => "alignment".into(),
            Outcome::Failed(what) => what.clone(),
        }
    }
}

/// Runs every case on the current compio runtime. `buf` must hold
/// [`super::cases::buffer_len`] bytes; it comes back.
pub async fn probe(file: &File, cases: &[Case], mut buf: AlignedBuf) -> (Vec<Outcome>, AlignedBuf) {
    let full = buf.capacity();
    let mut outcomes = Vec::with_capacity(cases.len());
    for c in cases {
        buf.set_io_len(full);
        let slice = buf.slice(c.addr_offset..c.addr_offset + c.len);
        let (res, slice) = match c.op {
            Op::Read => file.read_at(slice, c.offset).await,
            Op::Write => file.write_at(slice, c.offset).await,
        };
        buf = slice.into_inner();
        outcomes.push(match res {
            Ok(_) => Outcome::Done,
            Err(Error::Alignment { .. }) => Outcome::Refused,
            Err(e) => Outcome::Failed(describe(&e)),
        });
    }
    buf.set_io_len(full);
    (outcomes, buf)
}

/// A short name for an error after submission.
fn describe(e: &Error) -> String {
    match e {
        Error::ShortRead { actual, .. } | Error::ShortWrite { actual, .. } => format!("short {actual}"),
        Error::Overflow { .. } => "overflow".into(),
        other => other.raw_os_error().map_or_else(|| other.to_string(), super::kernel::errno_name),
    }
}
