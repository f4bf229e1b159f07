//! jdbio: storage benchmarking and verification for database engineers.
//!
//! The library holds everything; `main.rs` only parses the command line and
//! maps the outcome to an exit code. [`dio`] is the Direct I/O module that
//! other programs can use on their own: with `default-features = false` (no
//! `cli` feature) the crate is that module alone, over compio, jdb_alloc,
//! thiserror and the OS bindings.

pub mod dio;

/// The compio this library is built on, so a program that embeds [`dio`]
/// runs it with `jdbio::compio::runtime::Runtime` and no compio line (or
/// version to match) of its own.
pub use compio;

/// Marks every item in it as part of the command line (the `cli` feature).
macro_rules! cli_only {
    ($($item:item)*) => { $( #[cfg(feature = "cli")] $item )* };
}

cli_only! {
    mod app;
    pub use app::cli;
    pub mod align_check;
    pub mod bench;
    pub mod command;
    mod dryrun;
    #[cfg(target_os = "linux")]
    pub mod engine;
    mod error;
    pub mod export;
    pub mod fleet;
    pub mod hosts;
    pub mod gate;
    pub mod info;
    pub mod io;
    pub mod io_engine;
    mod interrupt;
    pub mod model;
    pub mod plot;
    pub mod prealloc;
    mod prologue;
    pub mod progress;
    pub mod report;
    mod schema;
    mod scratch;
    pub mod target;
    pub mod stats;
    pub mod units;
    pub mod verify;
    pub mod wal;

    pub use error::AppError;
    pub use app::run;
}
