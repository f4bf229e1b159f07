//! The engine options of a bench plan, checked and decided before any I/O:
//! whether `--hipri` can work on the target, and what `--async auto` means
//! for it.

use std::path::Path;

use super::args::AsyncMode;
use crate::target::{TargetInfo, TargetKind};

/// `--hipri` needs a block device whose queue has poll queues.
pub fn hipri(path: &Path, target: Option<&TargetInfo>) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("--hipri: {} {why}", path.display()));
    if target.is_none_or(|t| t.kind != TargetKind::Block) {
        return refuse("is not a block device (polled I/O needs a device with poll queues, e.g. NVMe)");
    }
    #[cfg(target_os = "linux")]
    {
        let polls = std::fs::metadata(path).is_ok_and(|m| crate::engine::policy::io_poll(&m));
        if !polls {
            return refuse("has no poll queues (its queue/io_poll is not 1; NVMe needs the nvme.poll_queues parameter)");
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    refuse("cannot be polled: io_uring is Linux only")
}

/// Whether reads and writes carry IOSQE_ASYNC, and why.
pub fn force_async(mode: AsyncMode, path: &Path) -> (bool, String) {
    match mode {
        AsyncMode::On => (true, "--async on".into()),
        AsyncMode::Off => (false, "--async off".into()),
        AsyncMode::Auto => auto(path),
    }
}

#[cfg(target_os = "linux")]
fn auto(path: &Path) -> (bool, String) {
    // A target not made yet is a file in the directory's filesystem.
    let meta = std::fs::metadata(path)
        .or_else(|_| std::fs::metadata(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))));
    match meta.ok().as_ref().map(crate::engine::policy::nowait) {
        Some(Some(false)) => (true, "auto: the target's block queue has no NOWAIT support (queue/nowait is 0)".into()),
        Some(Some(true)) => (false, "auto: the target's block queue supports NOWAIT".into()),
        _ => (false, "auto: no block queue under the target".into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn auto(_path: &Path) -> (bool, String) {
    (false, "auto: io_uring is Linux only".into())
}
