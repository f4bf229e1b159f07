//! Signature detection: does the start of a device (or image file) hold a
//! filesystem, a partition table or a volume-manager label? A pure function
//! over the first [`HEAD_BYTES`] bytes, so it is tested on synthetic buffers
//! and the caller decides how to read them.
//!
//! Offsets follow util-linux's libblkid. Signatures that live beyond the head
//! (the ZFS uberblocks at 128 KiB, md metadata 0.90/1.0 at the end of the
//! device) are not looked for.

/// How many bytes of a target [`detect`] looks at.
pub const HEAD_BYTES: usize = 128 << 10;

/// The md RAID superblock magic 0xa92b4efc, little-endian.
const MD_MAGIC: &[u8] = &[0xfc, 0x4e, 0x2b, 0xa9];
/// The bcache superblock magic (a UUID).
const BCACHE_MAGIC: &[u8] =
    &[0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a, 0x45, 0xca, 0x82, 0x65, 0xf5, 0x7f, 0x48, 0xba, 0x6d, 0x81];

/// Fixed magic strings: (byte offset, bytes, name).
const MAGICS: &[(usize, &[u8], &str)] = &[
    (0, b"LUKS\xba\xbe", "crypto_LUKS"),
    (0, b"XFSB", "xfs"),
    (0, b"hsqs", "squashfs"),
    (0, MD_MAGIC, "linux_raid_member"),
    (4096, MD_MAGIC, "linux_raid_member"),
    (65536 + 64, b"_BHRfS_M", "btrfs"),
    (1024, &[0x10, 0x20, 0xf5, 0xf2], "f2fs"),
    (3, b"NTFS    ", "ntfs"),
    (3, b"EXFAT   ", "exfat"),
    (54, b"FAT12   ", "vfat"),
    (54, b"FAT16   ", "vfat"),
    (82, b"FAT32   ", "vfat"),
    (4096 + 24, BCACHE_MAGIC, "bcache"),
    (32769, b"CD001", "iso9660"),
];

/// The name of the first signature found in `head` (the first bytes of a
/// device or file; a shorter slice is fine), e.g. "ext4", "gpt",
/// "dos (MBR)". `None` when nothing is recognised.
pub fn detect(head: &[u8]) -> Option<&'static str> {
    if at(head, 512, b"EFI PART") || at(head, 4096, b"EFI PART") {
        return Some("gpt");
    }
    MAGICS
        .iter()
        .find(|(offset, magic, _)| at(head, *offset, magic))
        .map(|(_, _, name)| *name)
        .or_else(|| ext(head))
        .or_else(|| lvm2(head))
        .or_else(|| swap(head))
        .or_else(|| mbr(head))
}

fn at(head: &[u8], offset: usize, magic: &[u8]) -> bool {
    head.get(offset..offset + magic.len()) == Some(magic)
}

fn le32(head: &[u8], offset: usize) -> Option<u32> {
    let bytes = head.get(offset..offset + 4)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// ext2/3/4: the superblock at 1024, magic 0xEF53 at +56. ext4 when a
/// feature ext3 lacks is on (extents, 64bit, flex_bg, ...), ext3 with a
/// journal, else ext2 (libblkid's rule).
fn ext(head: &[u8]) -> Option<&'static str> {
    const SB: usize = 1024;
    const HAS_JOURNAL: u32 = 0x4;
    const JOURNAL_DEV: u32 = 0x8;
    const EXT3_INCOMPAT: u32 = 0x2 | 0x4 | 0x10;
    const EXT3_RO_COMPAT: u32 = 0x1 | 0x2 | 0x4;
    if !at(head, SB + 56, &[0x53, 0xef]) || le32(head, SB + 0x18)? > 6 {
        return None;
    }
    let compat = le32(head, SB + 0x5c)?;
    let incompat = le32(head, SB + 0x60)?;
    let ro_compat = le32(head, SB + 0x64)?;
    Some(if incompat & JOURNAL_DEV != 0 {
        "jbd"
    } else if incompat & !EXT3_INCOMPAT != 0 || ro_compat & !EXT3_RO_COMPAT != 0 {
        "ext4"
    } else if compat & HAS_JOURNAL != 0 {
        "ext3"
    } else {
        "ext2"
    })
}

/// LVM2 physical volume: "LABELONE" at the start of one of the first four
/// sectors, with "LVM2 001" 24 bytes further.
fn lvm2(head: &[u8]) -> Option<&'static str> {
    (0..4)
        .map(|sector| sector * 512)
        .any(|s| at(head, s, b"LABELONE") && at(head, s + 24, b"LVM2 001"))
        .then_some("LVM2_member")
}

/// Linux swap: the magic ends the first page, whatever the page size.
fn swap(head: &[u8]) -> Option<&'static str> {
    [4096, 8192, 16384, 65536]
        .iter()
        .any(|page| at(head, page - 10, b"SWAPSPACE2") || at(head, page - 10, b"SWAP-SPACE"))
        .then_some("swap")
}

/// A DOS partition table: 0x55AA ends sector 0, every entry's boot flag is
/// 0x00 or 0x80 and at least one entry has a partition type. FAT and NTFS
/// boot sectors also end in 0x55AA; they are recognised earlier.
fn mbr(head: &[u8]) -> Option<&'static str> {
    if !at(head, 510, &[0x55, 0xaa]) {
        return None;
    }
    let entries: Vec<&[u8]> = head.get(446..510)?.chunks(16).collect();
    let flags_ok = entries.iter().all(|e| e[0] == 0x00 || e[0] == 0x80);
    let any_used = entries.iter().any(|e| e[4] != 0);
    (flags_ok && any_used).then_some("dos (MBR)")
}

#[cfg(test)]
mod tests {
    use rand::{RngCore, SeedableRng, rngs::SmallRng};

    use super::*;

    fn head_with(parts: &[(usize, &[u8])]) -> Vec<u8> {
        let mut head = vec![0u8; HEAD_BYTES];
        for (offset, bytes) in parts {
            head[*offset..offset + bytes.len()].copy_from_slice(bytes);
        }
        head
    }

    /// An ext superblock with the given compat / incompat / ro_compat flags.
    fn ext_head(compat: u32, incompat: u32, ro_compat: u32) -> Vec<u8> {
        head_with(&[
            (1024 + 56, &[0x53, 0xef]),
            (1024 + 0x18, &2u32.to_le_bytes()),
            (1024 + 0x5c, &compat.to_le_bytes()),
            (1024 + 0x60, &incompat.to_le_bytes()),
            (1024 + 0x64, &ro_compat.to_le_bytes()),
        ])
    }

    #[test]
    fn nothing_in_zeros_or_noise() {
        assert_eq!(detect(&vec![0u8; HEAD_BYTES]), None);
        assert_eq!(detect(&[]), None);
        let mut rng = SmallRng::seed_from_u64(0x006a_6462_696f);
        for _ in 0..32 {
            let mut noise = vec![0u8; HEAD_BYTES];
            rng.fill_bytes(&mut noise);
            assert_eq!(detect(&noise), None);
        }
    }

    #[test]
    fn ext_family() {
        // mkfs.ext4 defaults: has_journal; filetype, extents, 64bit, flex_bg.
        assert_eq!(detect(&ext_head(0x4, 0x2 | 0x40 | 0x80 | 0x200, 0x1 | 0x2)), Some("ext4"));
        assert_eq!(detect(&ext_head(0x4, 0x2, 0x1 | 0x2)), Some("ext3"));
        assert_eq!(detect(&ext_head(0, 0x2, 0x1)), Some("ext2"));
        assert_eq!(detect(&ext_head(0, 0x8, 0)), Some("jbd"));
    }

    #[test]
    fn ext_magic_with_absurd_block_size_is_ignored() {
        let mut head = ext_head(0x4, 0x2, 0);
        head[1024 + 0x18] = 40;
        assert_eq!(detect(&head), None);
    }

    #[test]
    fn xfs() {
        assert_eq!(detect(&head_with(&[(0, b"XFSB")])), Some("xfs"));
    }

    #[test]
    fn btrfs() {
        assert_eq!(detect(&head_with(&[(65600, b"_BHRfS_M")])), Some("btrfs"));
        // A device shorter than the btrfs superblock just gives a short slice.
        assert_eq!(detect(&head_with(&[(65600, b"_BHRfS_M")])[..65536]), None);
    }

    #[test]
    fn gpt_512_and_4kn() {
        assert_eq!(detect(&head_with(&[(512, b"EFI PART")])), Some("gpt"));
        assert_eq!(detect(&head_with(&[(4096, b"EFI PART")])), Some("gpt"));
        // The protective MBR in front of a GPT still reads as GPT.
        let protective = head_with(&[(446 + 4, &[0xee]), (510, &[0x55, 0xaa]), (512, b"EFI PART")]);
        assert_eq!(detect(&protective), Some("gpt"));
    }

    #[test]
    fn dos_partition_table() {
        let one_linux_partition = head_with(&[(446, &[0x80]), (446 + 4, &[0x83]), (510, &[0x55, 0xaa])]);
        assert_eq!(detect(&one_linux_partition), Some("dos (MBR)"));
        // 0x55AA with four empty entries, or a bad boot flag, is not a table.
        assert_eq!(detect(&head_with(&[(510, &[0x55, 0xaa])])), None);
        let bad_flag = head_with(&[(446, &[0x12]), (446 + 4, &[0x83]), (510, &[0x55, 0xaa])]);
        assert_eq!(detect(&bad_flag), None);
    }

    #[test]
    fn fat_boot_sector_is_vfat_not_mbr() {
        // Boot code bytes at 446.. look like partition entries.
        let fat32 = head_with(&[(82, b"FAT32   "), (446 + 4, &[0x0b]), (510, &[0x55, 0xaa])]);
        assert_eq!(detect(&fat32), Some("vfat"));
        assert_eq!(detect(&head_with(&[(54, b"FAT16   "), (510, &[0x55, 0xaa])])), Some("vfat"));
        assert_eq!(detect(&head_with(&[(54, b"FAT12   ")])), Some("vfat"));
    }

    #[test]
    fn lvm2_label_in_any_of_the_first_four_sectors() {
        for sector in 0..4 {
            let s = sector * 512;
            let head = head_with(&[(s, b"LABELONE"), (s + 24, b"LVM2 001")]);
            assert_eq!(detect(&head), Some("LVM2_member"), "sector {sector}");
        }
        assert_eq!(detect(&head_with(&[(2048, b"LABELONE"), (2072, b"LVM2 001")])), None);
    }

    #[test]
    fn swap_at_each_page_size() {
        assert_eq!(detect(&head_with(&[(4086, b"SWAPSPACE2")])), Some("swap"));
        assert_eq!(detect(&head_with(&[(4086, b"SWAP-SPACE")])), Some("swap"));
        assert_eq!(detect(&head_with(&[(65526, b"SWAPSPACE2")])), Some("swap"));
    }

    #[test]
    fn luks() {
        assert_eq!(detect(&head_with(&[(0, b"LUKS\xba\xbe")])), Some("crypto_LUKS"));
    }

    #[test]
    fn ntfs_and_exfat() {
        assert_eq!(detect(&head_with(&[(3, b"NTFS    "), (510, &[0x55, 0xaa])])), Some("ntfs"));
        assert_eq!(detect(&head_with(&[(3, b"EXFAT   "), (510, &[0x55, 0xaa])])), Some("exfat"));
    }

    #[test]
    fn f2fs_squashfs_iso_bcache_md() {
        assert_eq!(detect(&head_with(&[(1024, &0xf2f5_2010u32.to_le_bytes())])), Some("f2fs"));
        assert_eq!(detect(&head_with(&[(0, b"hsqs")])), Some("squashfs"));
        assert_eq!(detect(&head_with(&[(32769, b"CD001")])), Some("iso9660"));
        assert_eq!(detect(&head_with(&[(4096 + 24, BCACHE_MAGIC)])), Some("bcache"));
        let md = 0xa92b_4efcu32.to_le_bytes();
        assert_eq!(detect(&head_with(&[(4096, &md)])), Some("linux_raid_member"));
    }
}
