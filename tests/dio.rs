//! The Direct I/O module through its public API, on real files and (as root)
//! loop devices.

mod common;

use std::{fs, os::unix::fs::MetadataExt};

use common::{block_on, loop_dev_or_skip, scratch};
use compio::buf::IoBuf;
use jdbio::dio::{AlignedBuffer, Error, File, PAGE_SIZE};

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[test]
fn every_method_round_trips_data() {
    let dir = scratch();
    let path = dir.path().join("f.dat");
    block_on(async {
        let file = File::create(&path).unwrap();
        let data = pattern(8192, 7);
        let (res, _) = file.write_at(AlignedBuffer::filled_from(8192, &data).unwrap(), 4096).await;
        assert_eq!(res.unwrap(), 8192);
        file.sync_data().await.unwrap();
        file.sync_all().await.unwrap();
        assert_eq!(file.size().unwrap(), 4096 + 8192);

        let reader = File::open(&path).unwrap();
        let (res, buf) = reader.read_at(AlignedBuffer::zeroed(8192).unwrap(), 4096).await;
        assert_eq!(res.unwrap(), 8192);
        assert_eq!(&buf[..], &data[..]);

        let rw = File::open_rw(&path).unwrap();
        let (res, buf) = rw.read_at(AlignedBuffer::zeroed(4096).unwrap(), 0).await;
        assert_eq!(res.unwrap(), 4096);
        assert!(buf.iter().all(|&b| b == 0), "the hole before the write reads as zeros");

        let wal = File::open_wal(&path).unwrap();
        let record = pattern(4096, 99);
        let (res, _) = wal.write_at(AlignedBuffer::filled_from(4096, &record).unwrap(), 0).await;
        res.unwrap();
        rw.preallocate(1 << 20).unwrap();
        assert_eq!(rw.size().unwrap(), 1 << 20);
    });
    let on_disk = fs::read(&path).unwrap();
    assert_eq!(&on_disk[..4096], &pattern(4096, 99)[..]);
    assert_eq!(&on_disk[4096..12288], &pattern(8192, 7)[..]);
}

#[test]
fn create_truncates_and_open_rw_keeps() {
    let dir = scratch();
    let path = dir.path().join("t.dat");
    fs::write(&path, vec![1u8; 8192]).unwrap();
    File::open_rw(&path).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().len(), 8192);
    File::create(&path).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().len(), 0);
}

fn assert_alignment_error(err: &Error) {
    assert!(matches!(err, Error::Alignment { .. }), "expected Alignment, got {err:?}");
}

#[test]
fn misaligned_requests_are_refused_before_any_io() {
    let dir = scratch();
    let path = dir.path().join("a.dat");
    fs::write(&path, vec![0u8; 16384]).unwrap();
    block_on(async {
        let file = File::open_rw(&path).unwrap();
        let need = file.alignment();
        assert!(need.offset >= 512 && need.mem >= 1, "{need:?}");

        // Misaligned offset.
        let (res, _) = file.write_at(AlignedBuffer::filled_from(4096, &[0xAB]).unwrap(), 100).await;
        assert_alignment_error(&res.unwrap_err());
        // Misaligned length.
        let (res, _) = file.write_at(AlignedBuffer::filled_from(1000, &[0xAB]).unwrap(), 0).await;
        assert_alignment_error(&res.unwrap_err());
        // Misaligned buffer address: a slice starting one byte in.
        let buf = AlignedBuffer::filled_from(2 * PAGE_SIZE, &[0xAB]).unwrap();
        let (res, _) = file.write_at(buf.slice(1..1 + 4096), 0).await;
        let err = res.unwrap_err();
        assert_alignment_error(&err);
        assert!(err.to_string().contains("a.dat"), "{err}");
        // Reads are checked the same way.
        let (res, _) = file.read_at(AlignedBuffer::zeroed(4096).unwrap(), 4095).await;
        assert_alignment_error(&res.unwrap_err());
    });
    let after = fs::read(&path).unwrap();
    assert_eq!(after.len(), 16384, "size unchanged");
    assert!(after.iter().all(|&b| b == 0), "no byte was written");
}

#[test]
fn read_across_eof_is_a_short_read_with_the_bytes() {
    let dir = scratch();
    let path = dir.path().join("s.dat");
    let data = pattern(4096, 3);
    fs::write(&path, &data).unwrap();
    block_on(async {
        let file = File::open(&path).unwrap();
        let (res, buf) = file.read_at(AlignedBuffer::zeroed(8192).unwrap(), 0).await;
        match res {
            Err(Error::ShortRead { expected, actual, offset, .. }) => {
                assert_eq!((expected, actual, offset), (8192, 4096, 0));
            }
            other => panic!("expected ShortRead, got {other:?}"),
        }
        assert_eq!(buf.len(), 4096);
        assert_eq!(&buf[..], &data[..]);
    });
}

#[test]
fn errors_name_the_path() {
    let err = File::open("/nonexistent/jdbio/x.dat").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("/nonexistent/jdbio/x.dat") && msg.contains("open"), "{msg}");
}

fn open_flags(file: &File) -> u32 {
    use std::os::fd::AsRawFd;
    let info = fs::read_to_string(format!("/proc/self/fdinfo/{}", file.as_raw_fd())).unwrap();
    let flags = info.lines().find_map(|l| l.strip_prefix("flags:")).unwrap().trim();
    u32::from_str_radix(flags, 8).unwrap()
}

#[test]
fn open_wal_sets_o_dsync_and_o_direct() {
    let dir = scratch();
    let wal = File::open_wal(dir.path().join("wal")).unwrap();
    let flags = open_flags(&wal);
    assert_ne!(flags & libc::O_DIRECT as u32, 0, "O_DIRECT in {flags:o}");
    assert_ne!(flags & libc::O_DSYNC as u32, 0, "O_DSYNC in {flags:o}");
    let plain = File::open_rw(dir.path().join("plain")).unwrap();
    assert_ne!(open_flags(&plain) & libc::O_DIRECT as u32, 0);
    assert_eq!(open_flags(&plain) & libc::O_DSYNC as u32, 0, "only the WAL is O_DSYNC");
}

#[test]
fn preallocate_raises_allocated_blocks_and_never_shrinks() {
    let dir = scratch();
    let path = dir.path().join("p.dat");
    let file = File::create(&path).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().blocks(), 0);
    file.preallocate(4 << 20).unwrap();
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(meta.len(), 4 << 20);
    assert!(meta.blocks() * 512 >= 4 << 20, "allocated {} bytes", meta.blocks() * 512);
    file.preallocate(1 << 20).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().len(), 4 << 20, "a smaller preallocate does not shrink");
}

#[test]
fn block_device_size_and_io() {
    let Some(dev) = loop_dev_or_skip("block_device_size_and_io", 64 << 20) else { return };
    block_on(async {
        let file = File::open_rw(&dev.dev).unwrap();
        assert!(file.is_block_device());
        assert_eq!(file.size().unwrap(), 64 << 20, "BLKGETSIZE64, not 0");
        let need = file.alignment();
        assert_eq!(need.offset, 512, "loop devices have 512-byte logical blocks: {need:?}");
        let data = pattern(4096, 11);
        let (res, _) = file.write_at(AlignedBuffer::filled_from(4096, &data).unwrap(), 1 << 20).await;
        res.unwrap();
        file.sync_all().await.unwrap();
        let (res, buf) = file.read_at(AlignedBuffer::zeroed(4096).unwrap(), 1 << 20).await;
        res.unwrap();
        assert_eq!(&buf[..], &data[..]);
        let (res, _) = file.read_at(AlignedBuffer::zeroed(4096).unwrap(), (64 << 20) - 2048).await;
        assert!(matches!(res, Err(Error::ShortRead { actual: 2048, .. })), "{res:?}");
    });
    assert_eq!(&dev.contents()[1 << 20..(1 << 20) + 4096], &pattern(4096, 11)[..]);
}
