//! Reading an ack log ([`super::ack_log`] has the format) for a check:
//! the header names the run, the records the blocks that must be there.
//! Anything that is not an intact log with at least one acknowledged write
//! is refused with the byte offset of the damage, so a check can never pass
//! on a log it could not read. Only a torn last record is tolerated.

use std::{
    fs,
    io::{BufReader, Read},
    path::{Path, PathBuf},
};

use super::ack_log::{FIXED, LogHeader, MAGIC, MAX_PATH, RECORD, VERSION, record_crc};
use crate::error::AppError;

/// An ack log, read and checked.
#[derive(Debug)]
pub struct Acked {
    /// The run it belongs to.
    pub header: LogHeader,
    /// Every acknowledged block offset, sorted, each once.
    pub offsets: Vec<u64>,
    /// A torn last record, ignored: (its byte offset in the log, its length).
    pub torn_tail: Option<(u64, usize)>,
}

/// Reads and checks the log at `path`.
pub fn read(path: &Path) -> Result<Acked, AppError> {
    let err = |m: String| AppError::Usage(format!("--ack-log {}: {m}", path.display()));
    let file = fs::File::open(path).map_err(|e| err(e.to_string()))?;
    let mut input = BufReader::with_capacity(1 << 16, file);
    let (header, header_crc, header_len) = read_header(&mut input).map_err(err)?;
    let mut offsets = Vec::new();
    let mut torn_tail = None;
    let mut rec = [0u8; RECORD];
    let mut at = header_len as u64;
    loop {
        let got = fill(&mut input, &mut rec).map_err(|e| err(e.to_string()))?;
        if got == 0 {
            break;
        }
        let intact = got == RECORD && record_crc(header_crc, &rec[..12]).to_le_bytes() == rec[12..];
        if !intact {
            let last = got < RECORD || fill(&mut input, &mut [0u8; 1]).map_err(|e| err(e.to_string()))? == 0;
            if !last {
                return Err(err(format!(
                    "record at byte offset {at} is damaged (CRC mismatch) and is not the last one: the log itself was damaged, so no check can trust it"
                )));
            }
            torn_tail = Some((at, got));
            break;
        }
        let offset = u64::from_le_bytes(rec[..8].try_into().unwrap_or_default());
        let generation = u32::from_le_bytes([rec[8], rec[9], rec[10], rec[11]]);
        let bs = u64::from(header.block_size);
        if generation != header.generation || offset % bs != 0 || offset.saturating_add(bs) > header.size {
            return Err(err(format!(
                "record at byte offset {at} (offset {offset}, generation {generation}) is not a block of this run (generation {}, blocks of {bs} in the first {} bytes)",
                header.generation, header.size
            )));
        }
        offsets.push(offset);
        at += RECORD as u64;
    }
    offsets.sort_unstable();
    if let Some(w) = offsets.windows(2).find(|w| w[0] == w[1]) {
        return Err(err(format!("offset {} is acknowledged twice: the log was damaged", w[0])));
    }
    if offsets.is_empty() {
        let torn = torn_tail
            .map_or(String::new(), |(at, n)| format!(" (only a torn record of {n} bytes at byte offset {at})"));
        return Err(err(format!(
            "no acknowledged write{torn}: the run stopped before its first write was durable, so there is nothing to check"
        )));
    }
    Ok(Acked { header, offsets, torn_tail })
}

/// Reads the header: (header, its CRC, its length).
fn read_header(input: &mut impl Read) -> Result<(LogHeader, u32, usize), String> {
    let mut fixed = [0u8; FIXED];
    let got = fill(input, &mut fixed).map_err(|e| e.to_string())?;
    if got == 0 {
        return Err(
            "empty (0 bytes): no header, so no write was ever acknowledged and there is nothing to check".into()
        );
    }
    if got < MAGIC.len() || fixed[..8] != MAGIC {
        return Err("not a jdbio ack log: no JDBIOACK magic at byte offset 0".into());
    }
    let u16_at = |i: usize| u16::from_le_bytes([fixed[i], fixed[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes(fixed[i..i + 4].try_into().unwrap_or_default());
    let u64_at = |i: usize| u64::from_le_bytes(fixed[i..i + 8].try_into().unwrap_or_default());
    if got < FIXED {
        return Err(format!("the header is cut short at byte offset {got}"));
    }
    if u16_at(8) != VERSION {
        return Err(format!(
            "ack log format version {} at byte offset 8; this jdbio reads version {VERSION}",
            u16_at(8)
        ));
    }
    let (len, path_len) = (usize::from(u16_at(10)), usize::from(u16_at(48)));
    if path_len > MAX_PATH || len != FIXED + path_len + 4 {
        return Err(format!(
            "the header is damaged: length {len} at byte offset 10 does not fit path length {path_len}"
        ));
    }
    let mut rest = vec![0u8; path_len + 4];
    if fill(input, &mut rest).map_err(|e| e.to_string())? < rest.len() {
        return Err(format!("the header is cut short: it is {len} bytes long"));
    }
    let crc = u32::from_le_bytes(rest[path_len..].try_into().unwrap_or_default());
    if crc32c::crc32c_append(crc32c::crc32c(&fixed), &rest[..path_len]) != crc {
        return Err(format!("the header is damaged: CRC mismatch over bytes 0..{}", len - 4));
    }
    let header = LogHeader {
        block_size: u32_at(12),
        seed: u64_at(16),
        generation: u32_at(24),
        size: u64_at(32),
        target_bytes: u64_at(40),
        target: PathBuf::from(String::from_utf8_lossy(&rest[..path_len]).into_owned()),
    };
    if header.block_size < 512 || !header.block_size.is_multiple_of(512) || header.generation == 0 {
        return Err(format!(
            "the header is intact but impossible: block size {}, generation {}",
            header.block_size, header.generation
        ));
    }
    Ok((header, crc, len))
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn fill(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::ack_log::{AckLog, LogHeader};

    fn header() -> LogHeader {
        LogHeader {
            block_size: 4096,
            seed: 7,
            generation: 2,
            size: 1 << 20,
            target_bytes: 1 << 20,
            target: PathBuf::from("/data/t.dat"),
        }
    }

    /// A log of `n` records; returns (its bytes, the header's length).
    fn log(n: u64) -> (Vec<u8>, usize) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ack");
        let file = std::fs::File::create(&path).unwrap();
        let mut log = AckLog::start(file, &path, &header()).unwrap();
        for i in 0..n {
            log.ack((n - 1 - i) * 4096, 2).unwrap();
        }
        (std::fs::read(&path).unwrap(), header().encode().unwrap().len())
    }

    fn read(bytes: &[u8]) -> Result<super::Acked, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ack");
        std::fs::write(&path, bytes).unwrap();
        super::read(&path).map_err(|e| e.to_string())
    }

    #[test]
    fn round_trip() {
        let (bytes, _) = log(5);
        let acked = read(&bytes).unwrap();
        assert_eq!(acked.header, header());
        assert_eq!(acked.offsets, vec![0, 4096, 8192, 12288, 16384]);
        assert_eq!(acked.torn_tail, None);
    }

    #[test]
    fn a_torn_last_record_is_tolerated_whole_or_cut() {
        let (mut bytes, h) = log(3);
        let last = bytes.len() - 16;
        bytes[last + 3] ^= 1;
        let acked = read(&bytes).unwrap();
        assert_eq!((acked.offsets.len(), acked.torn_tail), (2, Some((last as u64, 16))));
        bytes.truncate(last + 5);
        assert_eq!(read(&bytes).unwrap().torn_tail, Some((last as u64, 5)));
        assert_eq!(h + 32, last);
    }

    #[test]
    fn damage_before_the_end_is_refused_with_its_offset() {
        let (mut bytes, h) = log(4);
        bytes[h + 16 + 2] ^= 1;
        let e = read(&bytes).unwrap_err();
        assert!(e.contains(&format!("byte offset {}", h + 16)), "{e}");
        let (mut bytes, h) = log(4);
        bytes.insert(h + 20, 0xAA);
        let e = read(&bytes).unwrap_err();
        assert!(e.contains(&format!("byte offset {}", h + 16)), "{e}");
        let (mut bytes, _) = log(4);
        bytes.insert(0, 0);
        assert!(read(&bytes).unwrap_err().contains("byte offset 0"));
        let (mut bytes, _) = log(4);
        bytes[30] ^= 1;
        assert!(read(&bytes).unwrap_err().contains("CRC mismatch over bytes 0.."));
    }

    #[test]
    fn nothing_acknowledged_is_refused() {
        assert!(read(&[]).unwrap_err().contains("empty"));
        assert!(read(&[0x5A; 1000]).unwrap_err().contains("not a jdbio ack log"));
        let (bytes, h) = log(0);
        assert!(read(&bytes).unwrap_err().contains("no acknowledged write"));
        let (bytes, _) = log(1);
        assert!(read(&bytes[..h + 9]).unwrap_err().contains("only a torn record of 9 bytes"));
    }

    #[test]
    fn a_record_of_another_shape_is_refused() {
        let (mut bytes, h) = log(2);
        let other = super::super::ack_log::record_crc(0, &bytes[h..h + 12]);
        bytes[h + 12..h + 16].copy_from_slice(&other.to_le_bytes());
        assert!(read(&bytes).unwrap_err().contains(&format!("byte offset {h}")), "spliced from another log");
    }
}
