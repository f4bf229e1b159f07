//! What differs between the reports of each subcommand: its `command`, its
//! `job` (every effective setting) and its own sections. [`Body`] is
//! flattened into [`super::Report`], tagged by `command`; each variant's
//! type lives in the model file named after its subcommand.

use serde::{Deserialize, Serialize};

/// A subcommand's part of a report, tagged by `"command"`. (A process holds
/// one or two reports, so the bench variant's size costs nothing worth a box.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "command", rename_all = "lowercase")]
pub enum Body {
    /// `jdbio bench` (and `jdbio merge`, whose fleet report is a bench report).
    Bench(super::bench::BenchBody),
    /// `jdbio wal`.
    Wal(super::wal::WalBody),
    /// `jdbio verify`.
    Verify(super::verify::VerifyBody),
    /// `jdbio prealloc`.
    Prealloc(super::prealloc::PreallocBody),
    /// `jdbio align`.
    Align(super::align::AlignBody),
    /// `jdbio info`.
    Info(super::info::InfoBody),
    /// `jdbio gate`.
    Gate(super::gate::GateBody),
    /// `jdbio run SUITE.toml`.
    Run(super::suite::SuiteBody),
}

impl Body {
    /// The `command` this body is tagged with.
    pub fn command(&self) -> &'static str {
        match self {
            Body::Bench(_) => "bench",
            Body::Wal(_) => "wal",
            Body::Verify(_) => "verify",
            Body::Prealloc(_) => "prealloc",
            Body::Align(_) => "align",
            Body::Info(_) => "info",
            Body::Gate(_) => "gate",
            Body::Run(_) => "run",
        }
    }

    /// The error its own section states stopped the run (wal, prealloc,
    /// verify), if any.
    pub fn error(&self) -> Option<&str> {
        match self {
            Body::Wal(b) => b.wal.error.as_deref(),
            Body::Prealloc(b) => b.prealloc.error.as_deref(),
            Body::Verify(b) => b.verify.error.as_deref(),
            _ => None,
        }
    }
}

/// The `rank` of a report: which of how many processes ran it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RankRecord {
    /// This process's rank, from 0.
    pub rank: u64,
    /// How many processes ran the job; null when nobody said.
    pub world_size: Option<u64>,
    /// Where the rank came from: "--rank" or the launcher variable's name.
    pub from: String,
}
