//! The self-describing block that `verify` and `bench --verify` write and
//! check: its on-disk format ([`format`]), the classifier that names what is
//! wrong with a block read back ([`classify`]), and the findings a pass
//! keeps (exact counts per class and the first bad blocks, [`findings`]),
//! and finding a run already on a target ([`detect`]).
//!
//! Neither command owns it: both import it from here, so the format has one
//! definition and a block written by one is checked the same way by the
//! other. It knows nothing of passes, plans or reports.

pub mod classify;
pub mod detect;
pub mod findings;
pub mod format;
mod lowest;
