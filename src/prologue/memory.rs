//! The I/O buffers a plan asks for (one per place in the queue, allocated
//! and pinned as registered buffers before the first I/O) must fit in this
//! machine's memory: a `--qd` times `--bs` that cannot is refused in the
//! plan, naming the flags, before any file is created or laid out, rather
//! than failing in a worker after the layout or being killed by the OOM
//! killer.

use crate::{dio::os::unix::physical_memory, error::AppError, units::human_bytes};

/// The share of physical memory the buffers may take: registered buffers
/// are pinned (never swapped), and the kernel and page cache need the rest.
const MAX_SHARE: u64 = 2;

/// Refuses `count` buffers of `each` bytes when they would take more than
/// half of the machine's memory; `flags` names what set them
/// (`"--qd 4096 x --bs 64m"`).
pub fn check_buffers(flags: &str, count: u64, each: u64) -> Result<(), AppError> {
    let Some(memory) = physical_memory() else { return Ok(()) };
    let total = count.saturating_mul(each);
    if total <= memory / MAX_SHARE {
        return Ok(());
    }
    Err(AppError::Usage(format!(
        "{flags}: {} of I/O buffers, more than half of this machine's {} of memory (they are pinned for the whole run)",
        human_bytes(total as f64),
        human_bytes(memory as f64)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_within_half_the_memory_pass_and_beyond_are_refused_naming_the_flags() {
        let memory = physical_memory().expect("Linux states its memory");
        assert!(check_buffers("--qd 1 x --bs 4096", 1, 4096).is_ok());
        assert!(check_buffers("--qd 2 x --bs half", 2, memory / 4).is_ok());
        let err = check_buffers("--qd 4096 x --bs 64m", 4096, 64 << 20).unwrap_err().to_string();
        assert!(err.contains("--qd 4096 x --bs 64m: 256.00 GiB of I/O buffers"), "{err}");
        assert!(check_buffers("--qd 3 x --bs third", 3, memory / 3 + 4096).is_err());
        assert!(check_buffers("overflow", u64::MAX, u64::MAX).is_err());
    }
}
