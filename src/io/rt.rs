//! One compio runtime per thread. A command runs inside the runtime its
//! thread entered ([`enter`]: the main thread for the whole run, each
//! worker thread for its job), and every library call it makes outside its
//! I/O loops (opens, probes, preallocation), every `dio` engine loop, runs
//! on that one, the way an engine that is not itself async would call the
//! Direct I/O library. compio keeps the entered runtime per thread; nothing
//! here keeps state of its own.
//!
//! [`block_on`] is for synchronous code: an `async` function already on the
//! runtime awaits instead (blocking on the runtime from inside it would
//! nest it).

use std::{future::Future, io};

use compio::runtime::Runtime;

use crate::error::AppError;

/// Runs `run` with a new compio runtime entered on this thread, so every
/// [`block_on`] and [`runtime`] below it uses that one.
pub fn enter<T>(run: impl FnOnce() -> T) -> Result<T, AppError> {
    Ok(Runtime::new().map_err(setup_error)?.enter(run))
}

/// This thread's runtime: the one entered by [`enter`]; a thread that
/// entered none (a unit test calling a plan directly) gets one for the
/// caller to use and drop.
pub fn runtime() -> io::Result<Runtime> {
    Runtime::try_current().map_or_else(Runtime::new, Ok)
}

/// Runs `future` to completion on this thread's [`runtime`].
pub fn block_on<F: Future>(future: F) -> Result<F::Output, AppError> {
    Ok(runtime().map_err(setup_error)?.block_on(future))
}

/// The error for a runtime that cannot be set up.
fn setup_error(e: io::Error) -> AppError {
    AppError::Io(format!("cannot set up an io_uring runtime: {e}"))
}

#[cfg(test)]
mod tests {
    use std::{cell::Cell, rc::Rc};

    use super::*;

    #[test]
    fn everything_below_enter_runs_on_the_one_runtime() {
        let ran = Rc::new(Cell::new(false));
        let flag = ran.clone();
        enter(|| {
            // A task spawned on the entered runtime runs only when that
            // runtime is driven: by the block_on below, if it is the same.
            compio::runtime::spawn(async move { flag.set(true) }).detach();
            block_on(async {})
        })
        .unwrap()
        .unwrap();
        assert!(ran.get(), "block_on drove the runtime enter set up");
    }
}
