//! Shared test helpers: scratch directories on a filesystem with O_DIRECT,
//! loop devices over /dev/shm (root only; tests skip with a printed reason
//! otherwise), and the jdbio binary.
#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// A scratch directory under cargo's target dir (on a disk filesystem, so
/// O_DIRECT works; /tmp may be tmpfs).
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("scratch dir")
}

/// The jdbio binary, run from `dir`.
pub fn jdbio(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("jdbio").expect("binary");
    cmd.current_dir(dir);
    cmd
}

/// True when running as root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A loop device over a file in /dev/shm, detached and removed on drop.
pub struct LoopDev {
    pub dev: PathBuf,
    backing: PathBuf,
}

impl LoopDev {
    /// Sets up a `size`-byte loop device, or returns the reason it cannot.
    pub fn new(size: u64) -> Result<Self, String> {
        Self::setup(size, &[])
    }

    /// Like [`LoopDev::new`], with `sector`-byte logical blocks
    /// (`losetup --sector-size`).
    pub fn with_sector_size(size: u64, sector: u32) -> Result<Self, String> {
        Self::setup(size, &["--sector-size", &sector.to_string()])
    }

    fn setup(size: u64, extra: &[&str]) -> Result<Self, String> {
        if !is_root() {
            return Err("not root: loop devices need root".into());
        }
        let backing = tempfile::Builder::new()
            .prefix("jdbio-loop-")
            .tempfile_in("/dev/shm")
            .map_err(|e| format!("no /dev/shm: {e}"))?
            .into_temp_path()
            .keep()
            .map_err(|e| e.to_string())?;
        std::fs::File::options().write(true).open(&backing).and_then(|f| f.set_len(size)).map_err(|e| e.to_string())?;
        let out = Command::new("losetup")
            .args(["--direct-io=on", "-f", "--show"])
            .args(extra)
            .arg(&backing)
            .output()
            .map_err(|e| format!("losetup not runnable: {e}"))?;
        if !out.status.success() {
            let _ = std::fs::remove_file(&backing);
            return Err(format!("losetup failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        let dev = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        Ok(Self { dev, backing })
    }

    /// The kernel name, e.g. "loop3".
    pub fn name(&self) -> String {
        self.dev.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// Formats the device with ext4.
    pub fn mkfs_ext4(&self) {
        let ok = Command::new("mkfs.ext4").args(["-q", "-F"]).arg(&self.dev).status().expect("mkfs.ext4").success();
        assert!(ok, "mkfs.ext4 failed");
    }

    /// The whole device's bytes (via the backing file).
    pub fn contents(&self) -> Vec<u8> {
        std::fs::read(&self.backing).expect("read backing file")
    }
}

impl Drop for LoopDev {
    fn drop(&mut self) {
        let _ = Command::new("losetup").arg("-d").arg(&self.dev).status();
        let _ = std::fs::remove_file(&self.backing);
    }
}

/// Gets a loop device or prints why the test is skipped and returns None.
pub fn loop_dev_or_skip(test: &str, size: u64) -> Option<LoopDev> {
    match LoopDev::new(size) {
        Ok(dev) => Some(dev),
        Err(why) => {
            eprintln!("SKIPPED {test}: {why}");
            None
        }
    }
}

/// Runs `fut` on a fresh compio runtime.
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    compio::runtime::Runtime::new().expect("runtime").block_on(fut)
}
