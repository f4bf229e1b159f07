//! Windows: FILE_FLAG_NO_BUFFERING | FILE_FLAG_OVERLAPPED (plus
//! FILE_FLAG_WRITE_THROUGH for a WAL), and SetFileInformationByHandle with
//! FileAllocationInfo for preallocation. CreateFileW and the file
//! information calls can block, so they run on compio's blocking pool; the
//! handle is attached to the runtime's completion port for reads, writes
//! and syncs. Not built or tested in this project's CI; written to the
//! documented Win32 interfaces.

use std::{
    fs::{File, OpenOptions},
    io,
    os::windows::{fs::OpenOptionsExt, io::AsRawHandle},
    path::Path,
};

use compio::driver::SharedFd;

use super::{OpenMode, Probe, unblock};
use crate::dio::Alignment;

const FILE_FLAG_NO_BUFFERING: u32 = 0x2000_0000;
const FILE_FLAG_OVERLAPPED: u32 = 0x4000_0000;
const FILE_FLAG_WRITE_THROUGH: u32 = 0x8000_0000;
const FILE_ALLOCATION_INFO_CLASS: i32 = 5;
const ERROR_INVALID_PARAMETER: i32 = 87;

#[repr(C)]
struct FileAllocationInfo {
    allocation_size: i64,
}

#[link(name = "kernel32")]
unsafe extern "system" {
    fn SetFileInformationByHandle(
        handle: *mut core::ffi::c_void,
        class: i32,
        info: *const core::ffi::c_void,
        size: u32,
    ) -> i32;
}

/// Opens `path` unbuffered in `mode` on the blocking pool, then attaches it
/// to the runtime's completion port.
pub async fn open(path: &Path, mode: OpenMode) -> io::Result<File> {
    let path = path.to_path_buf();
    let file = unblock(move || open_now(&path, mode)).await?;
    compio::runtime::Runtime::with_current(|r| r.attach(file.as_raw_handle() as _))?;
    Ok(file)
}

fn open_now(path: &Path, mode: OpenMode) -> io::Result<File> {
    let mut options = OpenOptions::new();
    let mut flags = FILE_FLAG_NO_BUFFERING | FILE_FLAG_OVERLAPPED;
    match mode {
        OpenMode::Read => {
            options.read(true);
        }
        OpenMode::Create => {
            options.read(true).write(true).create(true).truncate(true);
        }
        OpenMode::ReadWrite => {
            options.read(true).write(true).create(true);
        }
        OpenMode::Wal | OpenMode::WalFullSync => {
            options.read(true).write(true).create(true);
            flags |= FILE_FLAG_WRITE_THROUGH;
        }
        OpenMode::Buffered => {
            options.read(true).write(true).create(true);
            flags = FILE_FLAG_OVERLAPPED;
        }
        OpenMode::BufferedRead => {
            options.read(true);
            flags = FILE_FLAG_OVERLAPPED;
        }
    }
    options.custom_flags(flags).open(path)
}

/// The message for an open refused because the volume lacks unbuffered I/O.
pub const NO_DIRECT_IO: &str = "the volume refuses FILE_FLAG_NO_BUFFERING (unbuffered I/O is not supported here)";

/// True when an open error means "no unbuffered I/O here".
pub fn is_direct_io_refusal(err: &io::Error) -> bool {
    err.raw_os_error() == Some(ERROR_INVALID_PARAMETER)
}

/// Raw volumes are not probed on Windows yet: everything is a file, and
/// NO_BUFFERING's sector alignment is taken as 4096 (covers 512e and 4Kn).
pub async fn probe(_fd: &SharedFd<File>) -> io::Result<Probe> {
    Ok(Probe { is_block: false, align: Alignment::FALLBACK, device: None })
}

/// Never called (no block devices on Windows); 4096 for both.
pub async fn block_sizes(_fd: &SharedFd<File>) -> io::Result<(u32, u32)> {
    Ok((4096, 4096))
}

/// Never called (no block devices on Windows): not read-only.
pub async fn read_only(_fd: &SharedFd<File>) -> io::Result<bool> {
    Ok(false)
}

/// The file length, on the blocking pool.
pub async fn size(fd: &SharedFd<File>, _is_block: bool) -> io::Result<u64> {
    let dup = fd.try_clone()?;
    unblock(move || Ok(dup.metadata()?.len())).await
}

/// Sets the file size (SetFileInformationByHandle), on the blocking pool.
pub async fn set_len(fd: &SharedFd<File>, len: u64) -> io::Result<()> {
    let dup = fd.try_clone()?;
    unblock(move || dup.set_len(len)).await
}

/// Reserves `len` bytes with FileAllocationInfo and extends the size if it
/// grew. Never shrinks. On the blocking pool.
pub async fn preallocate(fd: &SharedFd<File>, len: u64) -> io::Result<()> {
    let dup = fd.try_clone()?;
    unblock(move || {
        if len <= dup.metadata()?.len() {
            return Ok(());
        }
        let info = FileAllocationInfo { allocation_size: len as i64 };
        // SAFETY: valid handle and a correctly sized FILE_ALLOCATION_INFO.
        let ok = unsafe {
            SetFileInformationByHandle(
                dup.as_raw_handle(),
                FILE_ALLOCATION_INFO_CLASS,
                (&info as *const FileAllocationInfo).cast(),
                std::mem::size_of::<FileAllocationInfo>() as u32,
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        dup.set_len(len)
    })
    .await
}

/// Preallocation that keeps the file size: not offered on this OS.
pub async fn preallocate_keep_size(_fd: &SharedFd<File>, _len: u64) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "preallocation that keeps the file size is only implemented on Linux",
    ))
}
