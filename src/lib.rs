//! jdbio: storage benchmarking and verification for database engineers.
//!
//! The library holds everything; `main.rs` only parses the command line and
//! maps the outcome to an exit code. [`dio`] is the Direct I/O module that
//! other programs can use on their own.

pub mod dio;
