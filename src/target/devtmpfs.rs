//! Whether a directory is /dev's own filesystem (devtmpfs), where a missing
//! path is a mistyped device name: jdbio creates no file there, neither a
//! target nor an output.

use std::path::Path;

/// True when `dir` is on the same filesystem as /dev (devtmpfs), so
/// /dev/shm, a tmpfs of its own, is not.
#[cfg(unix)]
pub fn in_devtmpfs(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(dir), std::fs::metadata("/dev")) {
        (Ok(d), Ok(dev)) => d.dev() == dev.dev(),
        _ => false,
    }
}

/// No devtmpfs on this OS.
#[cfg(not(unix))]
pub fn in_devtmpfs(_: &Path) -> bool {
    false
}
