//! A compio runtime for a command's one-off library calls (opens, probes,
//! preallocation) made outside its I/O loops, the way an engine that is not
//! itself async would call the Direct I/O library.

use std::future::Future;

use crate::error::AppError;

/// Runs `future` to completion on a fresh compio runtime on this thread.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, AppError> {
    let runtime = compio::runtime::Runtime::new()
        .map_err(|e| AppError::Io(format!("cannot set up an io_uring runtime: {e}")))?;
    Ok(runtime.block_on(future))
}
