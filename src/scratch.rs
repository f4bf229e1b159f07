//! Scratch files a command creates (wal's `jdbio-wal.dat`, prealloc's
//! `TARGET.MODE`, align's `jdbio-align.dat`, an output file created before
//! the run and not yet written): removed when dropped unless kept, and removed from the signal handler when a second signal ends the
//! process at once (see [`crate::interrupt`]).

use std::{
    path::{Path, PathBuf},
    ptr,
    sync::atomic::{AtomicPtr, Ordering},
};

/// Paths the signal handler may unlink: leaked C strings, so the handler
/// never reads freed memory. A slot is cleared when its file is dropped.
static LIVE: [AtomicPtr<std::ffi::c_char>; 16] = [const { AtomicPtr::new(ptr::null_mut()) }; 16];

/// A scratch file path, removed when dropped unless `keep`.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
    keep: bool,
    slot: Option<usize>,
}

impl Scratch {
    /// The scratch file at `path`. Nothing is created yet.
    pub fn new(path: impl AsRef<Path>, keep: bool) -> Self {
        let path = path.as_ref().to_path_buf();
        let slot = if keep { None } else { register(&path) };
        Self { path, keep, slot }
    }
}

impl Scratch {
    /// Keeps the file after all (it became a result): no longer removed on
    /// drop or by the signal handler.
    pub fn keep(mut self) {
        self.forget_slot();
        self.keep = true;
    }

    fn forget_slot(&mut self) {
        if let Some(slot) = self.slot.take() {
            LIVE[slot].store(ptr::null_mut(), Ordering::SeqCst);
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.forget_slot();
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Puts `path` (made absolute, since the handler cannot know the working
/// directory) in a free slot; `None` when all are taken or the path holds a
/// NUL byte.
#[cfg(unix)]
fn register(path: &Path) -> Option<usize> {
    use std::{ffi::CString, os::unix::ffi::OsStrExt};
    let absolute = std::path::absolute(path).ok()?;
    let c_path = CString::new(absolute.as_os_str().as_bytes()).ok()?.into_raw();
    for (i, slot) in LIVE.iter().enumerate() {
        if slot.compare_exchange(ptr::null_mut(), c_path, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            return Some(i);
        }
    }
    // SAFETY: c_path came from into_raw above and was never shared.
    drop(unsafe { CString::from_raw(c_path) });
    None
}

/// No signal handler removes files on this OS.
#[cfg(not(unix))]
fn register(_: &Path) -> Option<usize> {
    None
}

/// Unlinks every live scratch file. Async-signal-safe: only atomic loads
/// and unlink(2).
#[cfg(unix)]
pub fn remove_all_now() {
    for slot in &LIVE {
        let p = slot.load(Ordering::SeqCst);
        if !p.is_null() {
            // SAFETY: p is a leaked, NUL-terminated C string, never freed
            // while registered.
            crate::dio::os::unix::unlink_now(unsafe { std::ffi::CStr::from_ptr(p) });
        }
    }
}
