//! The acknowledgement log of crash verification, format version 1: a
//! header that says which run it belongs to, then one record per durable
//! write. Everything a later check needs is in the log, so a target whose
//! first blocks are gone can still be checked ([`super::ack_read`] reads it).
//!
//! Header (little-endian; `H` = 56 + path length):
//!
//! | bytes      | field                                                      |
//! |------------|------------------------------------------------------------|
//! | 0..8       | magic `JDBIOACK`                                           |
//! | 8..10      | format version, u16 (1)                                    |
//! | 10..12     | header length `H`, u16                                     |
//! | 12..16     | block size, u32                                            |
//! | 16..24     | run seed, u64 (also in every block's header: the run's id) |
//! | 24..28     | generation the run writes, u32                             |
//! | 28..32     | reserved, zero                                             |
//! | 32..40     | bytes the run writes, from offset 0, u64                   |
//! | 40..48     | the target's size when the run started, u64                |
//! | 48..50     | path length `P`, u16 (at most 4096)                        |
//! | 50..52     | reserved, zero                                             |
//! | 52..52+P   | the target's absolute path, UTF-8                          |
//! | H-4..H     | CRC32C of bytes 0..H-4                                     |
//!
//! Record (16 bytes each, from byte `H` on), appended only after its write
//! completed with O_DSYNC, and fdatasynced before the next write is
//! acknowledged:
//!
//! | bytes  | field                                                          |
//! |--------|----------------------------------------------------------------|
//! | 0..8   | the block's byte offset, u64                                   |
//! | 8..12  | its generation, u32 (the header's)                             |
//! | 12..16 | CRC32C of bytes 0..12 continued from the header's CRC, u32     |
//!
//! That is `crc32c_append(header_crc, &record[..12])`. Continuing from the
//! header's CRC ties the records to their header: a record spliced in from
//! another log does not check. A crash
//! can tear only the record being appended, so a damaged last record is
//! tolerated (its write was never acknowledged); a damaged record anywhere
//! else means the log itself was damaged, and the check refuses to run.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use crate::error::AppError;

/// The magic at the start of every ack log.
pub const MAGIC: [u8; 8] = *b"JDBIOACK";
/// The format version written in the header.
pub const VERSION: u16 = 1;
/// Bytes of one record.
pub const RECORD: usize = 16;
/// Header bytes before the path.
pub const FIXED: usize = 52;
/// The longest target path a header holds.
pub const MAX_PATH: usize = 4096;

/// Which run an ack log belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogHeader {
    /// Block size of the run.
    pub block_size: u32,
    /// Seed of the run (in every block's header too).
    pub seed: u64,
    /// Generation the run writes.
    pub generation: u32,
    /// Bytes the run writes, from offset 0.
    pub size: u64,
    /// The target's size when the run started.
    pub target_bytes: u64,
    /// The target's absolute path.
    pub target: PathBuf,
}

impl LogHeader {
    /// The header's bytes, CRC included.
    pub fn encode(&self) -> Result<Vec<u8>, AppError> {
        let path = self.target.to_string_lossy();
        if path.len() > MAX_PATH {
            return Err(AppError::Usage(format!(
                "{path}: a path longer than {MAX_PATH} bytes does not fit the ack log's header"
            )));
        }
        let len = FIXED + path.len() + 4;
        let mut h = Vec::with_capacity(len);
        h.extend_from_slice(&MAGIC);
        h.extend_from_slice(&VERSION.to_le_bytes());
        h.extend_from_slice(&(len as u16).to_le_bytes());
        h.extend_from_slice(&self.block_size.to_le_bytes());
        h.extend_from_slice(&self.seed.to_le_bytes());
        h.extend_from_slice(&self.generation.to_le_bytes());
        h.extend_from_slice(&[0; 4]);
        h.extend_from_slice(&self.size.to_le_bytes());
        h.extend_from_slice(&self.target_bytes.to_le_bytes());
        h.extend_from_slice(&(path.len() as u16).to_le_bytes());
        h.extend_from_slice(&[0; 2]);
        h.extend_from_slice(path.as_bytes());
        let crc = crc32c::crc32c(&h);
        h.extend_from_slice(&crc.to_le_bytes());
        Ok(h)
    }
}

/// The CRC of one record's first 12 bytes, tied to its header's CRC.
pub fn record_crc(header_crc: u32, fields: &[u8]) -> u32 {
    crc32c::crc32c_append(header_crc, fields)
}

/// An open acknowledgement log.
pub struct AckLog {
    file: fs::File,
    path: PathBuf,
    header_crc: u32,
    record: [u8; RECORD],
}

impl AckLog {
    /// Starts the log in `file` (opened, not truncated, while the plan was
    /// validated): truncates it, writes `header` and makes it durable,
    /// directory entry included.
    pub fn start(mut file: fs::File, path: &Path, header: &LogHeader) -> Result<Self, AppError> {
        let io = |e: std::io::Error| AppError::Io(format!("--ack-log {}: {e}", path.display()));
        let bytes = header.encode()?;
        file.set_len(0).map_err(io)?;
        file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(io)?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        let header_crc = u32::from_le_bytes(bytes[bytes.len() - 4..].try_into().unwrap_or_default());
        Ok(Self { file, path: path.to_path_buf(), header_crc, record: [0; RECORD] })
    }

    /// Appends one acknowledgement and makes it durable.
    pub fn ack(&mut self, offset: u64, generation: u32) -> Result<(), AppError> {
        self.record[..8].copy_from_slice(&offset.to_le_bytes());
        self.record[8..12].copy_from_slice(&generation.to_le_bytes());
        let crc = record_crc(self.header_crc, &self.record[..12]);
        self.record[12..].copy_from_slice(&crc.to_le_bytes());
        self.file
            .write_all(&self.record)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| AppError::Io(format!("--ack-log {}: {e}", self.path.display())))
    }
}
