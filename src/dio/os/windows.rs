//! Windows: FILE_FLAG_NO_BUFFERING | FILE_FLAG_OVERLAPPED (plus
//! FILE_FLAG_WRITE_THROUGH for a WAL), and SetFileInformationByHandle with
//! FileAllocationInfo for preallocation. Not built or tested in this
//! project's CI; written to the documented Win32 interfaces.

use std::{
    fs::{File, OpenOptions},
    io,
    os::windows::{fs::OpenOptionsExt, io::AsRawHandle},
    path::Path,
};

use super::OpenMode;
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

/// Opens `path` unbuffered in `mode`.
pub fn open(path: &Path, mode: OpenMode) -> io::Result<File> {
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
    }
    options.custom_flags(flags).open(path)
}

/// The message for an open refused because the volume lacks unbuffered I/O.
pub const NO_DIRECT_IO: &str = "the volume refuses FILE_FLAG_NO_BUFFERING (unbuffered I/O is not supported here)";

/// True when an open error means "no unbuffered I/O here".
pub fn is_direct_io_refusal(err: &io::Error) -> bool {
    err.raw_os_error() == Some(ERROR_INVALID_PARAMETER)
}

/// Raw volumes are not probed on Windows yet: everything is a file.
pub fn is_block_device(_file: &File) -> io::Result<bool> {
    Ok(false)
}

/// NO_BUFFERING requires sector alignment; 4096 covers 512e and 4Kn drives.
pub fn alignment(_file: &File) -> io::Result<Alignment> {
    Ok(Alignment::FALLBACK)
}

/// Not queried on Windows: 4096 is assumed.
pub fn logical_block_size(_file: &File) -> io::Result<u32> {
    Ok(4096)
}

/// Not queried on Windows: 4096 is assumed.
pub fn physical_block_size(_file: &File) -> io::Result<u32> {
    Ok(4096)
}

/// Devices are not supported on Windows: the file length.
pub fn block_device_size(file: &File) -> io::Result<u64> {
    Ok(file.metadata()?.len())
}

/// Reserves `len` bytes with FileAllocationInfo and extends the size if it
/// grew. Never shrinks.
pub fn preallocate(file: &File, len: u64) -> io::Result<()> {
    if len <= file.metadata()?.len() {
        return Ok(());
    }
    let info = FileAllocationInfo { allocation_size: len as i64 };
    // SAFETY: valid handle and a correctly sized FILE_ALLOCATION_INFO.
    let ok = unsafe {
        SetFileInformationByHandle(
            file.as_raw_handle(),
            FILE_ALLOCATION_INFO_CLASS,
            (&info as *const FileAllocationInfo).cast(),
            std::mem::size_of::<FileAllocationInfo>() as u32,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    file.set_len(len)
}

/// Preallocation that keeps the file size: not offered on this OS.
pub fn preallocate_keep_size(_file: &File, _len: u64) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "preallocation that keeps the file size is only implemented on Linux",
    ))
}
