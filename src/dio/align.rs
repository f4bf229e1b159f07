//! Alignment: what a Direct I/O target demands and the checks made before any
//! operation is submitted.
//!
//! The requirement is the target's real one, as the private `os` module
//! reads it: STATX_DIOALIGN, else the block device's logical block size, else
//! 4096. A request that breaks it is refused with [`Error::Alignment`] and no
//! I/O is issued, so the kernel never sees a request it would fail with a bare
//! EINVAL.

use std::{fmt, path::Path};

use super::{Error, Result};

/// The alignment a Direct I/O target needs, in bytes (powers of two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(serde::Serialize))]
pub struct Alignment {
    /// Required alignment of the buffer's memory address.
    pub mem: u32,
    /// Required alignment of the file offset and of the length.
    pub offset: u32,
}

impl Alignment {
    /// The conservative default when the OS reports nothing: 4096 for both.
    pub const FALLBACK: Alignment = Alignment { mem: 4096, offset: 4096 };

    /// Checks one request. `addr` is the buffer's memory address.
    pub fn check(&self, path: &Path, offset: u64, len: usize, addr: usize) -> Result<()> {
        let ok = offset.is_multiple_of(u64::from(self.offset))
            && len.is_multiple_of(self.offset as usize)
            && len > 0
            && addr.is_multiple_of(self.mem as usize);
        if ok { Ok(()) } else { Err(Error::Alignment { path: path.to_path_buf(), offset, len, addr, need: *self }) }
    }
}

impl fmt::Display for Alignment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "offset and length must be non-zero multiples of {} bytes, buffer address a multiple of {}",
            self.offset, self.mem
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dimension_is_checked() {
        let need = Alignment { mem: 512, offset: 4096 };
        let p = Path::new("x");
        assert!(need.check(p, 8192, 4096, 512).is_ok());
        assert!(need.check(p, 512, 4096, 512).is_err());
        assert!(need.check(p, 4096, 1000, 512).is_err());
        assert!(need.check(p, 4096, 4096, 100).is_err());
        assert!(need.check(p, 4096, 0, 512).is_err());
    }
}
