//! The preallocation modes, and how each one prepares a fresh, empty file
//! and makes that starting state durable.

use crate::dio::{AlignedBuf, Error, File, Result};

/// Zero-fill writes in chunks of this size.
const ZERO_CHUNK: u64 = 1 << 20;

pub use crate::model::prealloc::Mode;

impl Mode {
    /// Every mode, in report order.
    pub const ALL: [Mode; 4] = [Mode::None, Mode::Fallocate, Mode::FallocateKeepSize, Mode::ZeroFill];

    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            Mode::None => "none",
            Mode::Fallocate => "fallocate",
            Mode::FallocateKeepSize => "fallocate-keep-size",
            Mode::ZeroFill => "zero-fill",
        }
    }

    /// Gives `file` (fresh and empty) its space for `size` bytes, then makes
    /// that durable: fdatasync after zero-fill (the data is the point), fsync
    /// after the others (their change is metadata only, which fdatasync may
    /// leave behind for FALLOC_FL_KEEP_SIZE).
    pub async fn prepare(self, file: &File, size: u64) -> Result<()> {
        match self {
            Mode::None => {
                file.set_len(size).await?;
                file.sync_all().await
            }
            Mode::Fallocate => {
                file.preallocate(size).await?;
                file.sync_all().await
            }
            Mode::FallocateKeepSize => {
                file.preallocate_keep_size(size).await?;
                file.sync_all().await
            }
            Mode::ZeroFill => {
                let mut buf = AlignedBuf::zeroed(ZERO_CHUNK.min(size) as usize)?;
                let mut offset = 0;
                while offset < size && !crate::interrupt::requested() {
                    let chunk = ZERO_CHUNK.min(size - offset);
                    buf.set_io_len(chunk as usize);
                    let (res, back) = file.write_at(buf, offset).await;
                    buf = back;
                    res?;
                    offset += chunk;
                }
                file.sync_data().await
            }
        }
    }
}

/// True when `e` means "this OS or filesystem does not offer that"
/// (EOPNOTSUPP from fallocate, or an OS layer without the call).
pub fn is_unsupported(e: &Error) -> bool {
    match e {
        Error::Io { source, .. } => {
            source.kind() == std::io::ErrorKind::Unsupported || source.raw_os_error() == Some(libc::EOPNOTSUPP)
        }
        _ => false,
    }
}
