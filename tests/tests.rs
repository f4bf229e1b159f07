//! jdbio's integration tests, one crate linked once (as ripgrep's
//! tests/tests.rs): each file of tests/ is a module of it, run alone with
//! `cargo test --test integration MODULE::` (e.g. `schema_cli::`).
//!
//! Tests of different modules run at the same time, as threads of one
//! process, so none may depend on what another does meanwhile. Each makes
//! its own loop devices, mounts, FUSE mounts, cgroups, tmux servers and
//! scratch directories under names of its own (the one fixed path,
//! /tmp/test.dat, which the README's example writes, is outside_crate's
//! alone and put back as it was), and puts back what it changes on its own
//! device (a loop device's queue/write_cache); none sets the process's
//! environment or current directory (a child gets its own); and a test that
//! measures time, or loads the machine on purpose, holds
//! [`common::quiet_machine`] while it does.

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
mod import_layers;
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
