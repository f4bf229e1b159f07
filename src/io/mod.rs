//! The I/O that several commands share, below them all: laying out a file
//! before a run ([`layout`], over the hole scan in [`holes`]), the
//! self-describing verify block ([`block`]), the glue that runs a command's
//! workload on an engine ([`glue`]), and the thread's compio runtime
//! ([`rt`]).
//!
//! Commands import it; it imports no command.

pub mod block;
#[cfg(target_os = "linux")]
pub mod glue;
pub mod holes;
pub mod layout;
pub mod rt;
