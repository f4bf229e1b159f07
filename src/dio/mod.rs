//! The Direct I/O module: a small library any Rust storage engine can use on
//! its own.
//!
//! ```no_run
//! use jdbio::dio::{AlignedBuffer, File};
//! compio::runtime::Runtime::new().unwrap().block_on(async {
//!     let file = File::open_rw("data.db").unwrap();
//!     let buf = AlignedBuffer::filled_from(4096, b"page").unwrap();
//!     let (res, _buf) = file.write_at(buf, 0).await;
//!     res.unwrap();
//!     file.sync_data().await.unwrap();
//! });
//! ```
//!
//! Opening is synchronous; reads, writes and syncs are async and run on the
//! current compio runtime. Per-OS code lives only in [`os`].

mod align;
mod buffer;
mod error;
mod file;
pub mod os;

pub use align::Alignment;
pub use buffer::AlignedBuffer;
pub use error::{Error, Result};
pub use file::File;
pub use jdb_alloc::PAGE_SIZE;
pub use os::OpenMode;
