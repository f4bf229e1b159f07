//! The acknowledgement log of crash verification: one 16-byte record per
//! durable write, appended only after the write completed with O_DSYNC, and
//! fdatasynced before the next write is acknowledged.
//!
//! Record: offset u64 LE, generation u32 LE, CRC32C of those 12 bytes u32
//! LE. A record torn by the crash fails its CRC and is ignored (it was never
//! acknowledged).

use std::{
    collections::BTreeMap,
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use crate::error::AppError;

const RECORD: usize = 16;

/// An open acknowledgement log.
pub struct AckLog {
    file: fs::File,
    path: PathBuf,
    record: Vec<u8>,
}

impl AckLog {
    /// Creates (truncates) the log at `path`.
    pub fn create(path: &Path) -> Result<Self, AppError> {
        let file = fs::File::create(path).map_err(|e| AppError::Io(format!("--ack-log {}: {e}", path.display())))?;
        Ok(Self { file, path: path.to_path_buf(), record: Vec::with_capacity(RECORD) })
    }

    /// Appends one acknowledgement and makes it durable.
    pub fn ack(&mut self, offset: u64, generation: u32) -> Result<(), AppError> {
        self.record.clear();
        self.record.extend_from_slice(&offset.to_le_bytes());
        self.record.extend_from_slice(&generation.to_le_bytes());
        let crc = crc32c::crc32c(&self.record);
        self.record.extend_from_slice(&crc.to_le_bytes());
        self.file
            .write_all(&self.record)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| AppError::Io(format!("--ack-log {}: {e}", self.path.display())))
    }
}

/// Reads a log: the newest acknowledged generation per offset.
pub fn read(path: &Path) -> Result<BTreeMap<u64, u32>, AppError> {
    let bytes = fs::read(path).map_err(|e| AppError::Usage(format!("--ack-log {}: {e}", path.display())))?;
    let mut acked = BTreeMap::new();
    for rec in bytes.chunks_exact(RECORD) {
        let crc = u32::from_le_bytes([rec[12], rec[13], rec[14], rec[15]]);
        if crc32c::crc32c(&rec[..12]) != crc {
            continue;
        }
        let offset = u64::from_le_bytes(rec[..8].try_into().unwrap_or_default());
        let generation = u32::from_le_bytes([rec[8], rec[9], rec[10], rec[11]]);
        let entry = acked.entry(offset).or_insert(generation);
        *entry = (*entry).max(generation);
    }
    Ok(acked)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ack");
        let mut log = super::AckLog::create(&path).unwrap();
        log.ack(4096, 1).unwrap();
        log.ack(0, 1).unwrap();
        log.ack(4096, 2).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0]);
        std::fs::write(&path, bytes).unwrap();
        let acked = super::read(&path).unwrap();
        assert_eq!(acked.into_iter().collect::<Vec<_>>(), vec![(0, 1), (4096, 2)]);
    }
}
