//! A bad block as reports list it, and the classes of bad (checking a
//! block lives in `crate::blockcheck`).

use serde::{Deserialize, Serialize};

/// What is wrong with a block, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// An acknowledged durable write is missing (crash verification).
    Lost,
    /// Bytes differ from what was written (CRC mismatch).
    Corrupt,
    /// The read failed (the errno is in the detail); its bytes were never seen.
    Unreadable,
    /// A valid block written for another offset.
    Misdirected,
    /// Sectors from different generations, each intact.
    Torn,
    /// A valid block older than the expected generation.
    Stale,
    /// All zeros, or no magic anywhere.
    Unwritten,
}

impl Class {
    /// Every class, most serious first.
    pub const ALL: [Class; 7] = [
        Class::Lost,
        Class::Corrupt,
        Class::Unreadable,
        Class::Misdirected,
        Class::Torn,
        Class::Stale,
        Class::Unwritten,
    ];

    /// The position in [`Class::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Class::Lost => "lost",
            Class::Corrupt => "corrupt",
            Class::Unreadable => "unreadable",
            Class::Misdirected => "misdirected",
            Class::Torn => "torn",
            Class::Stale => "stale",
            Class::Unwritten => "unwritten",
        }
    }
}

/// One bad block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BadBlock {
    /// Byte offset of the block in the target.
    #[serde(rename = "offset_bytes")]
    pub offset: u64,
    /// What is wrong with it.
    pub class: Class,
    /// One line saying where and how.
    pub detail: String,
}
