//! `jdbio merge`: the reports of one bench job run on many hosts (each a
//! rank, see [`crate::hosts`]) added into one fleet report, histograms
//! exactly.

pub mod merge;
