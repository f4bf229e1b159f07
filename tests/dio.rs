//! The Direct I/O module through its public API, on real files and (as root)
//! loop devices: every `File` method, the errors, and that no call blocks
//! the runtime's thread.

use crate::common;

use std::{cell::Cell, fs, os::unix::fs::MetadataExt, rc::Rc, sync::mpsc, time::Duration};

use common::{block_on, loop_dev_or_skip, scratch};
use jdbio::{
    compio::buf::IoBuf,
    dio::{AlignedBuf, Error, File, OpenMode, PAGE_SIZE},
};

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[test]
fn every_method_round_trips_data() {
    let dir = scratch();
    let path = dir.path().join("f.dat");
    block_on(async {
        let file = File::create(&path).await.unwrap();
        assert_eq!(file.path(), path);
        assert!(!file.is_block_device());
        assert_eq!(file.block_sizes().await.unwrap(), None, "a regular file has no device block sizes");
        let data = pattern(8192, 7);
        let (res, _) = file.write_at(AlignedBuf::filled_from(8192, &data).unwrap(), 4096).await;
        assert_eq!(res.unwrap(), 8192);
        file.sync_data().await.unwrap();
        file.sync_all().await.unwrap();
        assert_eq!(file.size().await.unwrap(), 4096 + 8192);

        let reader = File::open(&path).await.unwrap();
        let (res, buf) = reader.read_at(AlignedBuf::zeroed(8192).unwrap(), 4096).await;
        assert_eq!(res.unwrap(), 8192);
        assert_eq!(&buf[..], &data[..]);

        // with_cap: an empty buffer; the read fills its capacity.
        let (res, buf) = reader.read_at(AlignedBuf::with_cap(8192).unwrap(), 4096).await;
        assert_eq!(res.unwrap(), 8192);
        assert_eq!(&buf[..], &data[..]);

        let rw = File::open_rw(&path).await.unwrap();
        let (res, buf) = rw.read_at(AlignedBuf::zeroed(4096).unwrap(), 0).await;
        assert_eq!(res.unwrap(), 4096);
        assert!(buf.iter().all(|&b| b == 0), "the hole before the write reads as zeros");

        let wal = File::open_wal(&path).await.unwrap();
        let record = pattern(4096, 99);
        let (res, _) = wal.write_at(AlignedBuf::filled_from(4096, &record).unwrap(), 0).await;
        res.unwrap();
        let dsync = pattern(4096, 42);
        let (res, _) = rw.write_at_dsync(AlignedBuf::filled_from(4096, &dsync).unwrap(), 12288).await;
        assert_eq!(res.unwrap(), 4096);
        rw.preallocate(1 << 20).await.unwrap();
        assert_eq!(rw.size().await.unwrap(), 1 << 20);
        rw.preallocate_keep_size(2 << 20).await.unwrap();
        assert_eq!(rw.size().await.unwrap(), 1 << 20, "keep-size preallocation leaves the size");
        rw.set_len(16384).await.unwrap();
        assert_eq!(rw.size().await.unwrap(), 16384);
    });
    let on_disk = fs::read(&path).unwrap();
    assert_eq!(on_disk.len(), 16384);
    assert_eq!(&on_disk[..4096], &pattern(4096, 99)[..]);
    assert_eq!(&on_disk[4096..12288], &pattern(8192, 7)[..]);
    assert_eq!(&on_disk[12288..], &pattern(4096, 42)[..]);
}

#[test]
fn create_truncates_and_open_rw_keeps() {
    let dir = scratch();
    let path = dir.path().join("t.dat");
    fs::write(&path, vec![1u8; 8192]).unwrap();
    block_on(async {
        File::open_rw(&path).await.unwrap();
        assert_eq!(fs::metadata(&path).unwrap().len(), 8192);
        File::create(&path).await.unwrap();
        assert_eq!(fs::metadata(&path).unwrap().len(), 0);
    });
}

#[test]
fn a_clone_shares_the_descriptor() {
    let dir = scratch();
    let path = dir.path().join("c.dat");
    fs::write(&path, pattern(4096, 5)).unwrap();
    block_on(async {
        let file = File::open(&path).await.unwrap();
        let copy = file.clone();
        use std::os::fd::AsRawFd;
        assert_eq!(copy.as_raw_fd(), file.as_raw_fd(), "one descriptor, not a dup");
        drop(file);
        let (res, buf) = copy.read_at(AlignedBuf::zeroed(4096).unwrap(), 0).await;
        res.unwrap();
        assert_eq!(&buf[..], &pattern(4096, 5)[..], "the clone outlives the original");
    });
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
        let file = File::open_rw(&path).await.unwrap();
        let need = file.alignment();
        assert!(need.offset >= 512 && need.mem >= 1, "{need:?}");

        // Misaligned offset.
        let (res, _) = file.write_at(AlignedBuf::filled_from(4096, &[0xAB]).unwrap(), 100).await;
        assert_alignment_error(&res.unwrap_err());
        // Misaligned length.
        let (res, _) = file.write_at(AlignedBuf::filled_from(1000, &[0xAB]).unwrap(), 0).await;
        assert_alignment_error(&res.unwrap_err());
        // Misaligned buffer address: a slice starting one byte in.
        let buf = AlignedBuf::filled_from(2 * PAGE_SIZE, &[0xAB]).unwrap();
        let (res, _) = file.write_at(buf.slice(1..1 + 4096), 0).await;
        let err = res.unwrap_err();
        assert_alignment_error(&err);
        assert!(err.to_string().contains("a.dat"), "{err}");
        // Reads are checked the same way.
        let (res, _) = file.read_at(AlignedBuf::zeroed(4096).unwrap(), 4095).await;
        assert_alignment_error(&res.unwrap_err());
    });
    let after = fs::read(&path).unwrap();
    assert_eq!(after.len(), 16384, "size unchanged");
    assert!(after.iter().all(|&b| b == 0), "no byte was written");
}

#[test]
fn buffered_mode_is_not_held_to_direct_io_alignment() {
    let dir = scratch();
    let path = dir.path().join("b.dat");
    block_on(async {
        let file = File::open_mode(&path, OpenMode::Buffered).await.unwrap();
        let (res, _) = file.write_at(b"hello, page cache".to_vec(), 100).await;
        assert_eq!(res.unwrap(), 17);
        let (res, buf) = file.read_at(Vec::with_capacity(5), 107).await;
        assert_eq!(res.unwrap(), 5);
        assert_eq!(&buf[..], b"page ");
    });
    let on_disk = fs::read(&path).unwrap();
    assert_eq!(&on_disk[100..], b"hello, page cache");
}

#[test]
fn read_across_eof_is_a_short_read_with_the_bytes() {
    let dir = scratch();
    let path = dir.path().join("s.dat");
    let data = pattern(4096, 3);
    fs::write(&path, &data).unwrap();
    block_on(async {
        let file = File::open(&path).await.unwrap();
        let (res, buf) = file.read_at(AlignedBuf::zeroed(8192).unwrap(), 0).await;
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
    let err = block_on(File::open("/nonexistent/jdbio/x.dat")).unwrap_err();
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
    block_on(async {
        let wal = File::open_wal(dir.path().join("wal")).await.unwrap();
        let flags = open_flags(&wal);
        assert_ne!(flags & libc::O_DIRECT as u32, 0, "O_DIRECT in {flags:o}");
        assert_ne!(flags & libc::O_DSYNC as u32, 0, "O_DSYNC in {flags:o}");
        let plain = File::open_rw(dir.path().join("plain")).await.unwrap();
        assert_ne!(open_flags(&plain) & libc::O_DIRECT as u32, 0);
        assert_eq!(open_flags(&plain) & libc::O_DSYNC as u32, 0, "only the WAL is O_DSYNC");
    });
}

#[test]
fn preallocate_raises_allocated_blocks_and_never_shrinks() {
    let dir = scratch();
    let path = dir.path().join("p.dat");
    block_on(async {
        let file = File::create(&path).await.unwrap();
        assert_eq!(fs::metadata(&path).unwrap().blocks(), 0);
        file.preallocate(4 << 20).await.unwrap();
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(meta.len(), 4 << 20);
        assert!(meta.blocks() * 512 >= 4 << 20, "allocated {} bytes", meta.blocks() * 512);
        file.preallocate(1 << 20).await.unwrap();
        assert_eq!(fs::metadata(&path).unwrap().len(), 4 << 20, "a smaller preallocate does not shrink");
    });
}

#[test]
fn block_device_every_method() {
    let Some(dev) = loop_dev_or_skip("block_device_every_method", 64 << 20) else { return };
    block_on(async {
        let file = File::open_rw(&dev.dev).await.unwrap();
        assert!(file.is_block_device());
        assert_eq!(file.size().await.unwrap(), 64 << 20, "BLKGETSIZE64, not 0");
        let need = file.alignment();
        assert_eq!(need.offset, 512, "loop devices have 512-byte logical blocks: {need:?}");
        assert_eq!(file.block_sizes().await.unwrap(), Some((512, 512)));
        // A device's space is all there: preallocating within it is done,
        // beyond it an error naming the device.
        file.preallocate(64 << 20).await.unwrap();
        let err = file.preallocate(128 << 20).await.unwrap_err();
        assert!(err.to_string().contains(&dev.dev.display().to_string()), "{err}");
        let data = pattern(4096, 11);
        let (res, _) = file.write_at(AlignedBuf::filled_from(4096, &data).unwrap(), 1 << 20).await;
        res.unwrap();
        file.sync_all().await.unwrap();
        file.sync_data().await.unwrap();
        let (res, buf) = file.read_at(AlignedBuf::zeroed(4096).unwrap(), 1 << 20).await;
        res.unwrap();
        assert_eq!(&buf[..], &data[..]);
        let (res, buf) = file.read_at(AlignedBuf::with_cap(4096).unwrap(), (64 << 20) - 2048).await;
        assert!(matches!(res, Err(Error::ShortRead { actual: 2048, .. })), "{res:?}");
        assert_eq!(buf.len(), 2048, "the bytes before the end are in the buffer");
        let reader = File::open(&dev.dev).await.unwrap();
        assert_eq!(reader.size().await.unwrap(), 64 << 20);
    });
    assert_eq!(&dev.contents()[1 << 20..(1 << 20) + 4096], &pattern(4096, 11)[..]);
}

/// Opening a FIFO for reading waits in open(2) until a writer appears. The
/// open runs in one task while a timer task ticks; only the ticker's third
/// tick opens the write end, and at that tick the open must still be
/// waiting (off the thread). Were the open a blocking call on the runtime's
/// thread, the ticker could never tick and only the watchdog (after a
/// minute: a failure) would open the write end.
#[test]
fn a_slow_open_does_not_block_other_tasks() {
    let dir = scratch();
    let fifo = dir.path().join("fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let (tx, rx) = mpsc::channel::<()>();
    let writer_path = fifo.clone();
    let watchdog = std::thread::spawn(move || {
        let by_ticker = rx.recv_timeout(Duration::from_secs(60)).is_ok();
        // O_NONBLOCK: never waits; fails (ENXIO) until the reader is inside
        // open(2). On a loaded machine the io-wq worker that runs the open
        // can get there after the ticks: one try then left it waiting for
        // ever (seen with both CPUs busy), so try until a reader is there.
        use std::os::unix::fs::OpenOptionsExt;
        let give_up = std::time::Instant::now() + Duration::from_secs(60);
        while fs::OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK).open(&writer_path).is_err()
            && std::time::Instant::now() < give_up
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        by_ticker
    });
    let (ticks, open_pending) = (Rc::new(Cell::new(0u32)), Rc::new(Cell::new(true)));
    let (opened, pending_at_third_tick) = block_on(async {
        let ticker = {
            let (ticks, open_pending) = (ticks.clone(), open_pending.clone());
            jdbio::compio::runtime::spawn(async move {
                for _ in 0..3 {
                    jdbio::compio::time::sleep(Duration::from_millis(1)).await;
                    ticks.set(ticks.get() + 1);
                }
                let pending = open_pending.get();
                let _ = tx.send(());
                pending
            })
        };
        let opened = File::open(&fifo).await;
        open_pending.set(false);
        (opened, ticker.await.unwrap())
    });
    assert!(watchdog.join().unwrap(), "the ticker never ran while the open was pending: the open blocked the thread");
    assert_eq!(ticks.get(), 3);
    assert!(pending_at_third_tick, "the open returned before its writer appeared: it did not wait in open(2)");
    // O_DIRECT on a FIFO is refused once the open gets past its wait.
    let err = opened.unwrap_err();
    assert!(err.to_string().contains("fifo"), "{err}");
}

#[test]
fn write_at_keeps_its_buffer_on_error() {
    let dir = scratch();
    block_on(async {
        let file = File::create(dir.path().join("k.dat")).await.unwrap();
        let buf = AlignedBuf::filled_from(4096, b"keep").unwrap();
        let addr = buf.addr();
        let (res, back) = file.write_at(buf, 1).await;
        assert_alignment_error(&res.unwrap_err());
        assert_eq!((back.addr(), back.buf_len(), &back[..4]), (addr, 4096, &b"keep"[..]));
    });
}
