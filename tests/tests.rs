//! jdbio's integration tests, one crate linked once (as ripgrep's
//! tests/tests.rs): each former test binary is a module of it, run as
//! `cargo test --test integration MODULE::` (e.g. `schema_cli::`).
//!
//! Tests of different modules now run at the same time, as threads of one
//! process. Whatever one of them changes outside itself (a loop device's
//! /sys settings, a machine-wide timing, the process's environment) is
//! guarded in [`common`] so that no test depends on what another does
//! meanwhile.

mod common;
mod reports;

mod align_cli;
mod bench_cli;
mod bench_matrix_script;
mod ci_gate_script;
mod dio;
mod dryrun_cli;
mod engine_alloc;
mod engine_cli;
mod engines_cli;
mod export_cli;
mod faultfs_selftest;
mod fleet_cli;
mod gate_cli;
mod guard_cli;
mod info_cli;
mod layout_cli;
mod outputs_cli;
mod outside_crate;
mod partial_cli;
mod plot_cli;
mod prealloc_cli;
mod prologue_cli;
mod report_cli;
mod report_mem_cli;
mod run_cli;
mod schema_cli;
mod shell_cli;
mod signals_cli;
mod summary_width_cli;
mod terminal_cli;
mod timeline_cli;
mod verify_cli;
mod wal_cli;
mod wal_flushes_cli;
mod wal_profile_cli;
