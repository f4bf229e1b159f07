//! Probing a target before any I/O: is it a regular file or a block device,
//! how big, what block sizes and Direct I/O alignment it has, what
//! filesystem and disk lie under it, and whether writing to it would destroy
//! data (mounted, in use by a stacked device, or holding a filesystem or
//! partition-table signature). That last answer,
//! [`TargetInfo::holds_data`], is the guard `bench` and `verify` consult
//! before they write.
//!
//! Probing only reads: the target is opened read-only (with O_DIRECT, to
//! learn whether Direct I/O works and what alignment it needs) and its first
//! 128 KiB are read through the page cache for signatures. [`TargetInfo`]
//! is the report's `target` object. On Linux sysfs and the mount table fill
//! in the device details; elsewhere those fields stay unknown.

#[cfg(target_os = "linux")]
pub mod diskstats;
#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
mod loops;
#[cfg(target_os = "linux")]
mod mounts;
mod signature;
#[cfg(target_os = "linux")]
mod sysfs;
mod table;
mod devtmpfs;

pub use devtmpfs::in_devtmpfs;

use std::{
    fs,
    io,
    path::{Path, PathBuf},
};


#[cfg(target_os = "linux")]
use linux::describe;

pub use crate::model::{TargetInfo, TargetKind};
use crate::dio::{AlignedBuf, Alignment, File};

/// Why a target could not be probed. Each message is one line naming the path.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// Nothing exists at the path.
    #[error("{}: no such file or block device", path.display())]
    NotFound { path: PathBuf },
    /// Something that is neither a regular file nor a block device.
    #[error("{} is {what}; jdbio needs a regular file or a block device", path.display())]
    NotSupported { path: PathBuf, what: &'static str },
    /// The Direct I/O library refused a step of the probe (it names the path).
    #[error("{0}")]
    Dio(crate::dio::Error),
    /// The OS refused a step of the probe.
    #[error("{}: {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        /// What was being done, e.g. "open read-only".
        action: &'static str,
        #[source]
        source: io::Error,
    },
}

/// What the Direct I/O library says about a target it opened.
struct Opened {
    align: Alignment,
    size: u64,
    /// A device's logical and physical block sizes; `None` for a file.
    block_sizes: Option<(u32, u32)>,
    /// A device the kernel will not write.
    read_only: bool,
}

/// What the Direct I/O library says about `path`, opened read-only the way
/// an engine opens it. The inner error is the open's (O_DIRECT refused,
/// say); the outer one a failure after it opened.
type LibraryProbe = Result<Opened, crate::dio::Error>;

async fn library_probe(path: &Path) -> Result<LibraryProbe, crate::dio::Error> {
    let file = match File::open(path).await {
        Ok(file) => file,
        Err(refused) => return Ok(Err(refused)),
    };
    Ok(Ok(Opened {
        align: file.alignment(),
        size: file.size().await?,
        block_sizes: file.block_sizes().await?,
        read_only: file.read_only().await?,
    }))
}

/// Probes `path` without writing to it. A target that refuses O_DIRECT is
/// still probed (with `direct_io: false`); one that cannot be opened at all
/// is an error. Its library calls run on this thread's runtime
/// ([`crate::io::rt`]).
pub fn probe(path: &Path) -> Result<TargetInfo, ProbeError> {
    let runtime = crate::io::rt::runtime()
        .map_err(|e| ProbeError::Dio(crate::dio::Error::io(path, "set up an io_uring runtime", None, e)))?;
    runtime.block_on(probe_async(path))
}

/// [`probe`], for a caller already running on the runtime.
pub async fn probe_async(path: &Path) -> Result<TargetInfo, ProbeError> {
    let io_error = |action| move |source| ProbeError::Io { path: path.to_path_buf(), action, source };
    let meta = fs::metadata(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => ProbeError::NotFound { path: path.to_path_buf() },
        _ => io_error("stat")(source),
    })?;
    let kind = kind_of(path, &meta)?;
    let opened = library_probe(path).await.map_err(ProbeError::Dio)?;
    let (direct_io, align, read_only) = match &opened {
        Ok(o) => (true, o.align, o.read_only),
        Err(_) => (false, Alignment::FALLBACK, false),
    };
    let (size_bytes, logical_block_bytes, physical_block_bytes) = match (kind, opened) {
        (TargetKind::Block, Ok(Opened { size, block_sizes: Some((logical, physical)), .. })) => {
            (size, logical, physical)
        }
        (TargetKind::Block, Ok(_)) => {
            return Err(io_error("query block sizes")(io::Error::other("no longer a block device when opened")));
        }
        (TargetKind::Block, Err(refused)) => return Err(ProbeError::Dio(refused)),
        (TargetKind::File, _) => {
            fs::File::open(path).map_err(io_error("open read-only"))?;
            let block = file_block_bytes(&meta, align);
            (meta.len(), block, block)
        }
    };
    let mut info = TargetInfo {
        path: path.display().to_string(),
        kind,
        size_bytes,
        logical_block_bytes,
        physical_block_bytes,
        dio_mem_align: align.mem,
        dio_offset_align: align.offset,
        direct_io,
        filesystem: None,
        device: None,
        rotational: None,
        scheduler: None,
        model: None,
        write_cache: None,
        mounted: Vec::new(),
        holders: Vec::new(),
        loop_devices: Vec::new(),
        signature: None,
        read_only,
    };
    let partitions = describe(&mut info, path, &meta)?;
    info.signature = find_signature(path, &partitions).map_err(io_error("read the first 128 KiB"))?;
    Ok(info)
}

impl TargetInfo {
    /// The destructive-write guard: an error naming what was found, unless
    /// `force`; with `force`, the line naming what will be destroyed, for
    /// the run to print before its first write (a dry run does not). A
    /// read-only device is refused whatever `force` says: no write could land.
    pub fn refuse_write_unless_forced(&self, force: bool) -> Result<Option<String>, String> {
        if let Some(why) = self.refuses_writes() {
            return Err(format!("refusing to write: {why}; nothing was written"));
        }
        match self.holds_data() {
            Some(reason) if !force => Err(format!("refusing to write: {reason}; pass --force to destroy its data")),
            Some(reason) => Ok(Some(format!("--force: writing anyway; this destroys what is there: {reason}"))),
            None => Ok(None),
        }
    }

    /// Why no write to this target can land, `--force` or not: a read-only
    /// block device.
    pub fn refuses_writes(&self) -> Option<String> {
        self.read_only
            .then(|| format!("{} is a read-only device (BLKROGET), so no write can land, --force or not", self.path))
    }

    /// Why writing to this target would destroy data, in one line naming
    /// everything found: a block device that is mounted, in use by a
    /// stacked device or holding a signature; a file that backs a loop
    /// device (and that device's mounts and holders). `None` when it looks
    /// unused, and for any other regular file (the user's own to
    /// overwrite).
    pub fn holds_data(&self) -> Option<String> {
        let mut found = Vec::new();
        if !self.loop_devices.is_empty() {
            found.push(format!("{} backs the loop device {}", self.path, self.loop_devices.join(", ")));
        } else if self.kind != TargetKind::Block {
            return None;
        }
        let what = if self.kind == TargetKind::Block { self.path.clone() } else { self.loop_devices.join(", ") };
        if !self.mounted.is_empty() {
            found.push(format!("{what} is mounted at {}", self.mounted.join(", ")));
        }
        if !self.holders.is_empty() {
            found.push(format!("{what} is in use by {}", self.holders.join(", ")));
        }
        if let Some(signature) = self.signature.as_ref().filter(|_| self.kind == TargetKind::Block) {
            found.push(format!("{} holds data (signature found: {signature})", self.path));
        }
        (!found.is_empty()).then(|| found.join("; "))
    }
}

fn kind_of(path: &Path, meta: &fs::Metadata) -> Result<TargetKind, ProbeError> {
    let t = meta.file_type();
    if t.is_file() {
        Ok(TargetKind::File)
    } else if is_disk(t) {
        Ok(TargetKind::Block)
    } else {
        Err(ProbeError::NotSupported { path: path.to_path_buf(), what: type_name(t) })
    }
}

/// A block device; on macOS also a raw disk (/dev/rdiskN, a character device).
#[cfg(unix)]
fn is_disk(t: fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    t.is_block_device() || (cfg!(target_os = "macos") && t.is_char_device())
}

#[cfg(not(unix))]
fn is_disk(_: fs::FileType) -> bool {
    false
}

/// What an unsupported target is, for the error message.
fn type_name(t: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        } else if t.is_fifo() {
            return "a FIFO";
        } else if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() { "a directory" } else { "an unsupported file type" }
}

/// A file's block size before the OS layer finds its disk: `st_blksize` on
/// Unix, else the Direct I/O granularity.
fn file_block_bytes(meta: &fs::Metadata, align: Alignment) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        u32::try_from(meta.blksize()).unwrap_or(align.offset)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        align.offset
    }
}

/// The Direct I/O alignment a file created in directory `dir` will need,
/// before it exists: the logical block size of the disk under `dir` (the
/// smallest alignment O_DIRECT allows on it, and what STATX_DIOALIGN reports
/// for a file on ext4 or XFS there); `None` when no disk is found (tmpfs,
/// FUSE, another OS).
pub fn new_file_alignment(dir: &Path) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        linux::dir_logical_block_bytes(dir)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        None
    }
}

/// Without sysfs and a mount table there is nothing to add.
#[cfg(not(target_os = "linux"))]
fn describe(_: &mut TargetInfo, _: &Path, _: &fs::Metadata) -> Result<Vec<(String, u64)>, ProbeError> {
    Ok(Vec::new())
}

/// The first signature at the start of the target, else at the start of
/// one of its partitions (named, e.g. "ext4 on sda1"). Read with Direct I/O
/// where the target takes it, so the probe leaves the page cache as it found
/// it (a buffered `bench --warm` counts what the cache held, not this read);
/// through the page cache where it does not (no alignment needed then).
fn find_signature(path: &Path, partitions: &[(String, u64)]) -> io::Result<Option<String>> {
    if let Some(found) = signature::detect(&read_head(path, 0)?) {
        return Ok(Some(found.to_owned()));
    }
    for (name, start) in partitions {
        if let Some(found) = signature::detect(&read_head(path, *start)?) {
            return Ok(Some(format!("{found} on {name}")));
        }
    }
    Ok(None)
}

/// Up to [`signature::HEAD_BYTES`] from `offset`: uncached if the target
/// allows it, else through the page cache.
fn read_head(path: &Path, offset: u64) -> io::Result<Vec<u8>> {
    match open_uncached(path).and_then(|file| read_upto(&file, offset)) {
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => read_upto(&fs::File::open(path)?, offset),
        other => other,
    }
}

/// Opens `path` read-only with O_DIRECT (Linux).
#[cfg(target_os = "linux")]
fn open_uncached(path: &Path) -> io::Result<fs::File> {
    crate::dio::os::open_blocking(path, crate::dio::OpenMode::Read)
}

/// Elsewhere the probe reads through the page cache.
#[cfg(not(target_os = "linux"))]
fn open_uncached(path: &Path) -> io::Result<fs::File> {
    fs::File::open(path)
}

/// Reads into a page-aligned buffer until it is full or the end of the
/// target (a read that stops short of a sector boundary is the end).
fn read_upto(file: &fs::File, offset: u64) -> io::Result<Vec<u8>> {
    let mut buf = AlignedBuf::zeroed(signature::HEAD_BYTES).map_err(io::Error::other)?;
    let mut filled = 0;
    while filled < buf.len() {
        let n = read_at(file, &mut buf[filled..], offset + filled as u64)?;
        filled += n;
        if n == 0 || n % 512 != 0 {
            break;
        }
    }
    Ok(buf[..filled].to_vec())
}

#[cfg(unix)]
fn read_at(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(test)]
mod tests;
