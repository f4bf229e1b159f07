//! The Direct I/O module: a small library any Rust storage engine can use on
//! its own (depend on jdbio with `default-features = false` to get only
//! this module, over compio, jdb_alloc, thiserror and the OS bindings).
//!
//! The jdb_fs example, migrated (the only changes: the crate paths, and
//! the buffer that comes back with each read and write result):
//!
//! ```
//! use jdbio::dio::{AlignedBuf, PAGE_SIZE};
//! use jdbio::dio::File;
//!
//! async fn example() -> jdbio::dio::Result<()> {
//!   // Create file
//!   let file = File::create("/tmp/jdbio-doctest.dat").await?;
//!
//!   // Write page-aligned data
//!   let mut buf = AlignedBuf::zeroed(PAGE_SIZE)?;
//!   buf[0..5].copy_from_slice(b"hello");
//!   let (res, _buf) = file.write_at(buf, 0).await;
//!   res?;
//!   file.sync_data().await?;
//!
//!   // Read back
//!   let buf = AlignedBuf::with_cap(PAGE_SIZE)?;
//!   let (res, buf) = file.read_at(buf, 0).await;
//!   res?;
//!   assert_eq!(&buf[0..5], b"hello");
//!
//!   Ok(())
//! }
//!
//! jdbio::compio::runtime::Runtime::new()?.block_on(example())?;
//! # std::fs::remove_file("/tmp/jdbio-doctest.dat")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every method is async and runs on the current compio runtime
//! ([`crate::compio`], the version this library is built on); none blocks
//! the runtime's thread. Per-OS code lives only in the private `os` module:
//! Linux (io_uring, O_DIRECT) is built and tested; macOS (F_NOCACHE) and
//! Windows (FILE_FLAG_NO_BUFFERING) are written, not built or tested.

#![warn(missing_docs)]

mod align;
mod buffer;
mod error;
mod file;
pub(crate) mod os;

pub use align::Alignment;
pub use buffer::AlignedBuf;
pub use error::{Error, Result};
pub use file::File;
pub use jdb_alloc::PAGE_SIZE;
pub use os::OpenMode;

/// What [`File::read_at`] and [`File::write_at`] return: compio's
/// `BufResult` shape (the outcome, and the buffer, which always comes back)
/// with this library's [`Error`], so `let (res, buf) = ...; res?;` keeps
/// every error variant.
pub type BufResult<T, B> = (Result<T>, B);
