//! The fault-injection filesystem the safety tests rely on does what it
//! says: EIO where asked, data elsewhere, fallocate refused on request.

use crate::common;

use std::os::unix::fs::FileExt;

#[test]
fn faultfs_fails_reads_where_asked_and_refuses_fallocate() {
    let fs = match common::FaultFs::mount(&[(1 << 20, 4096)], true) {
        Ok(fs) => fs,
        Err(why) => return common::skip("faultfs_fails_reads_where_asked_and_refuses_fallocate", &why),
    };
    std::fs::write(fs.source_dir().join("f.dat"), vec![7u8; 2 << 20]).unwrap();
    let path = fs.mnt.join("f.dat");
    let file = std::fs::File::open(&path).unwrap();
    let mut buf = vec![0u8; 4096];
    file.read_exact_at(&mut buf, 0).unwrap();
    assert!(buf.iter().all(|&b| b == 7));
    let err = file.read_exact_at(&mut buf, 1 << 20).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EIO));
    let rw = std::fs::File::options().write(true).open(&path).unwrap();
    assert_eq!(rw.write_at(&[1u8; 4096], 1 << 20).unwrap_err().raw_os_error(), Some(libc::EIO));
    // SAFETY: plain fallocate on an open fd.
    let ret = unsafe { libc::fallocate(std::os::fd::AsRawFd::as_raw_fd(&rw), 0, 0, 4 << 20) };
    assert_eq!(ret, -1);
    assert_eq!(std::io::Error::last_os_error().raw_os_error(), Some(libc::EOPNOTSUPP));
}
