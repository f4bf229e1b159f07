//! The align report's typed parts: its `job` ([`AlignJob`]) and the
//! `align` section ([`Section`]), and the cases it lists.

use serde::{Deserialize, Serialize};

/// An align report's `command`-specific part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlignBody {
    /// Every effective setting.
    pub job: AlignJob,
    /// What the kernel and the library answered.
    pub align: Section,
}

/// An align run's `job`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlignJob {
    /// The target.
    pub path: String,
    /// Writes were tried too.
    pub write: bool,
    /// `--force`.
    pub force: bool,
    /// The target is jdbio's own scratch file.
    pub scratch: bool,
}

/// How the library's answer compares with the kernel's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Both accept, or the kernel rejects and the library refuses.
    Match,
    /// The library refuses what the kernel accepts: stricter, allowed.
    Superset,
    /// The library lets through what the kernel rejects (or what then
    /// fails): a bug.
    Violation,
}

/// One case with both answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseResult {
    /// The request.
    #[serde(flatten)]
    pub case: Case,
    /// "ok", "short N", or the errno name ("EINVAL").
    pub kernel: String,
    /// "ok", "alignment" (refused before submitting), or what failed.
    pub library: String,
    /// How the two answers compare.
    pub verdict: Verdict,
}

/// What the target says it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reported {
    /// Required alignment of a buffer's address, bytes.
    #[serde(rename = "dio_mem_align_bytes")]
    pub dio_mem_align: u32,
    /// Required alignment of an offset and length, bytes.
    #[serde(rename = "dio_offset_align_bytes")]
    pub dio_offset_align: u32,
    /// Logical block size.
    pub logical_block_bytes: u32,
    /// Physical block size.
    pub physical_block_bytes: u32,
}

/// The alignment the Direct I/O library checks requests against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LibraryAlignment {
    /// Of a buffer's address, bytes.
    pub mem_bytes: u32,
    /// Of an offset and length, bytes.
    pub offset_bytes: u32,
}

/// The smallest non-zero value accepted in each dimension (the other two
/// aligned), for every op tried; `null` when none was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Minimum {
    /// Smallest offset, bytes.
    #[serde(rename = "offset_bytes")]
    pub offset: Option<u64>,
    /// Smallest length, bytes.
    #[serde(rename = "length_bytes")]
    pub length: Option<u64>,
    /// Smallest buffer address offset, bytes.
    #[serde(rename = "addr_bytes")]
    pub addr: Option<u64>,
}

/// The `align` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Section {
    /// What the target says it needs.
    pub reported: Reported,
    /// What `dio::File` checks requests against.
    pub library_alignment: LibraryAlignment,
    /// The smallest values the kernel accepted.
    pub kernel_min: Minimum,
    /// The smallest values the library let through.
    pub library_min: Minimum,
    /// Aligned length used while the offset or the address varies, bytes.
    #[serde(rename = "base_len_bytes")]
    pub base_len: usize,
    /// Writes were tried too.
    pub writes_tested: bool,
    /// Every request with both answers.
    pub cases: Vec<CaseResult>,
    /// Cases where both agree.
    pub matches: usize,
    /// Cases the library lets through although the kernel rejects them.
    pub violations: usize,
    /// Cases the library refuses although the kernel accepts them.
    pub superset: usize,
    /// Bytes from offset 0 saved before the write matrix and restored after
    /// it (`null`: nothing needed restoring).
    pub restored_bytes: Option<u64>,
}

/// Which dimension a case varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// The file offset.
    Offset,
    /// The length.
    Length,
    /// The buffer's address.
    Addr,
    /// Several at once.
    Mixed,
}

/// A read or a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// A pread.
    Read,
    /// A pwrite.
    Write,
}

/// One request: `len` bytes at file `offset`, from a buffer starting
/// `addr_offset` bytes past a page boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Case {
    /// Which dimension it varies.
    pub dimension: Dimension,
    /// Read or write.
    pub op: Op,
    /// The file offset, bytes.
    #[serde(rename = "offset_bytes")]
    pub offset: u64,
    /// The length, bytes.
    #[serde(rename = "len_bytes")]
    pub len: usize,
    /// The buffer's distance past a page boundary, bytes.
    #[serde(rename = "addr_offset_bytes")]
    pub addr_offset: usize,
}
