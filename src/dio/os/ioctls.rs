//! Linux: the block and loop device ioctls, each one getter through
//! rustix. Their request numbers are computed from the kernel's encoding
//! (`_IO`/`_IOR` in linux/fs.h and linux/loop.h, by
//! [`rustix::ioctl::opcode`]), never typed in: the encoding differs between
//! architectures (powerpc, mips and sparc put the direction bits elsewhere).

use std::{io, os::fd::AsFd};

use rustix::ioctl::{Getter, Opcode, ioctl, opcode};

/// BLKROGET, `_IO(0x12, 94)`: whether the device refuses writes (an int).
const BLKROGET: Opcode = opcode::none(0x12, 94);
/// BLKSSZGET, `_IO(0x12, 104)`: the logical block size (an int).
const BLKSSZGET: Opcode = opcode::none(0x12, 104);
/// BLKGETSIZE64, `_IOR(0x12, 114, size_t)`: the size in bytes (a u64; the
/// kernel's header says size_t, which is why 32-bit encodings differ).
const BLKGETSIZE64: Opcode = opcode::read::<usize>(0x12, 114);
/// BLKPBSZGET, `_IO(0x12, 123)`: the physical block size (an int).
const BLKPBSZGET: Opcode = opcode::none(0x12, 123);
/// LOOP_GET_STATUS64, `_IO('L', 5)`: a loop device's `loop_info64`.
#[cfg(feature = "cli")]
const LOOP_GET_STATUS64: Opcode = opcode::none(b'L', 5);

/// `struct loop_info64` (linux/loop.h).
#[cfg(feature = "cli")]
#[repr(C)]
struct LoopInfo64 {
    lo_device: u64,
    lo_inode: u64,
    lo_rdevice: u64,
    lo_offset: u64,
    lo_sizelimit: u64,
    lo_number: u32,
    lo_encrypt_type: u32,
    lo_encrypt_key_size: u32,
    lo_flags: u32,
    lo_file_name: [u8; 64],
    lo_crypt_name: [u8; 64],
    lo_encrypt_key: [u8; 32],
    lo_init: [u64; 2],
}

/// An int-valued block device getter.
fn get_int<const OPCODE: Opcode>(fd: impl AsFd) -> io::Result<u32> {
    // SAFETY: each opcode passed here makes the kernel write one int.
    let value: libc::c_int = unsafe { ioctl(fd, Getter::<OPCODE, libc::c_int>::new())? };
    Ok(value as u32)
}

/// A block device's logical block size (BLKSSZGET).
pub fn logical_block_size(fd: impl AsFd) -> io::Result<u32> {
    get_int::<BLKSSZGET>(fd)
}

/// A block device's physical block size (BLKPBSZGET).
pub fn physical_block_size(fd: impl AsFd) -> io::Result<u32> {
    get_int::<BLKPBSZGET>(fd)
}

/// Whether the kernel refuses writes to a block device (BLKROGET).
pub fn read_only(fd: impl AsFd) -> io::Result<bool> {
    get_int::<BLKROGET>(fd).map(|ro| ro != 0)
}

/// A block device's size in bytes (BLKGETSIZE64).
pub fn block_device_size(fd: impl AsFd) -> io::Result<u64> {
    // SAFETY: BLKGETSIZE64 makes the kernel write one u64.
    Ok(unsafe { ioctl(fd, Getter::<BLKGETSIZE64, u64>::new())? })
}

/// The (device, inode) of the file behind a bound loop device
/// (LOOP_GET_STATUS64's `lo_device`, `lo_inode`).
#[cfg(feature = "cli")]
pub fn loop_backing_file(fd: impl AsFd) -> io::Result<(u64, u64)> {
    // SAFETY: LOOP_GET_STATUS64 makes the kernel write one loop_info64.
    let info = unsafe { ioctl(fd, Getter::<LOOP_GET_STATUS64, LoopInfo64>::new())? };
    Ok((info.lo_device, info.lo_inode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "cli")]
    #[test]
    fn the_request_numbers_are_the_kernels() {
        // The values linux/fs.h and linux/loop.h give on x86-64 and arm64,
        // where the generic encoding applies.
        if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
            assert_eq!(
                [BLKSSZGET, BLKPBSZGET, BLKGETSIZE64, BLKROGET, LOOP_GET_STATUS64].map(|o| o as u64),
                [0x1268, 0x127b, 0x8008_1272, 0x125e, 0x4C05]
            );
        }
    }

    #[test]
    fn a_regular_file_is_not_a_block_device() {
        let file = tempfile::tempfile().unwrap();
        assert!(logical_block_size(&file).is_err());
        assert!(block_device_size(&file).is_err());
    }
}
