//! Shared test helpers: scratch directories on a filesystem with O_DIRECT,
//! loop devices over /dev/shm (root only; tests skip with a printed reason
//! otherwise), the jdbio binary, and the lock of the tests that need the
//! machine to themselves ([`quiet_machine`]).

pub mod gate_reports;
mod quiet;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

pub use quiet::quiet_machine;

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

/// Gets a loop device or says why the test is skipped and returns None.
pub fn loop_dev_or_skip(test: &str, size: u64) -> Option<LoopDev> {
    LoopDev::new(size).map_err(|why| skip(test, &why)).ok()
}

/// Says why `test` cannot run. The line goes to the process's real stderr,
/// past the test harness's capture, so it shows in a normal `cargo test`
/// run. Under `.ci/run` (`JDBIO_NO_SKIP` set), where everything a test
/// needs is installed, a skip is a failure instead.
pub fn skip(test: &str, why: &str) {
    use std::io::Write;
    if std::env::var_os("JDBIO_NO_SKIP").is_some() {
        panic!("{test} cannot run, and JDBIO_NO_SKIP forbids skipping: {why}");
    }
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {test}: {why}");
}

/// Runs `fut` on a fresh compio runtime.
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    compio::runtime::Runtime::new().expect("runtime").block_on(fut)
}

/// A FUSE mount of tests/support/faultfs.py over a scratch directory:
/// passthrough, with EIO at chosen byte ranges and optionally no
/// fallocate. Unmounted on drop.
pub struct FaultFs {
    /// Where the faulty view is mounted; files are made here.
    pub mnt: PathBuf,
    child: std::process::Child,
    _dirs: tempfile::TempDir,
}

impl FaultFs {
    /// Mounts with reads and writes touching any `(offset, len)` of `eio`
    /// failing with EIO, and fallocate refused when `no_fallocate`; or
    /// returns why it cannot (not root, no FUSE, no fusepy).
    pub fn mount(eio: &[(u64, u64)], no_fallocate: bool) -> Result<Self, String> {
        let mut options: Vec<String> = eio.iter().flat_map(|(o, l)| ["--eio".into(), format!("{o}:{l}")]).collect();
        if no_fallocate {
            options.push("--no-fallocate".into());
        }
        Self::mount_with(&options)
    }

    /// Mounts with `options` as faultfs.py takes them (`--slow-open 2`).
    pub fn mount_with(options: &[String]) -> Result<Self, String> {
        if !is_root() {
            return Err("not root: mounting FUSE needs root".into());
        }
        if !Path::new("/dev/fuse").exists() {
            return Err("no /dev/fuse".into());
        }
        let fusepy = Command::new("python3").args(["-c", "import fuse"]).output();
        if !fusepy.is_ok_and(|o| o.status.success()) {
            return Err("the Python fusepy package (and libfuse2) is not installed (.ci/run installs them)".into());
        }
        let dirs = scratch();
        let (source, mnt) = (dirs.path().join("source"), dirs.path().join("mnt"));
        std::fs::create_dir(&source).map_err(|e| e.to_string())?;
        std::fs::create_dir(&mnt).map_err(|e| e.to_string())?;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/faultfs.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg(&source).arg(&mnt).args(options);
        let mut child = cmd.spawn().map_err(|e| format!("cannot start faultfs.py: {e}"))?;
        for _ in 0..100 {
            if is_mount_point(&mnt) {
                return Ok(Self { mnt, child, _dirs: dirs });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("faultfs.py exited with {status} before mounting"));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        Err("faultfs.py did not mount within 5 s".into())
    }
}

fn is_mount_point(path: &Path) -> bool {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    let path = path.to_string_lossy();
    mounts.lines().any(|l| l.split(' ').nth(1) == Some(&*path))
}

impl FaultFs {
    /// The directory the mount passes through to: a file written here
    /// appears under `mnt` without going through the faults.
    pub fn source_dir(&self) -> PathBuf {
        self.mnt.with_file_name("source")
    }
}

impl Drop for FaultFs {
    fn drop(&mut self) {
        let unmounted = Command::new("fusermount").arg("-u").arg(&self.mnt).status().is_ok_and(|s| s.success());
        if !unmounted {
            // Still busy (a file left open by a failed test): detach lazily
            // so no mount outlives the test.
            let _ = Command::new("fusermount").args(["-u", "-z"]).arg(&self.mnt).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What [`run_with_peak_rss`] saw of one child.
pub struct Measured {
    /// The exit code (None when killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The child's own peak resident set, in bytes (wait4's ru_maxrss).
    pub peak_rss_bytes: u64,
}

/// Forks and execs `argv[2:]`, waits for it with wait4 and writes its raw
/// wait status and ru_maxrss (KiB) to the file `argv[1]`.
const FORK_WAIT4: &str = r#"
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{status} {usage.ru_maxrss}")
"#;

/// Runs `cmd` to completion and measures that child's own peak RSS (the
/// rusage wait4 returns for it alone, so other tests' children do not
/// count). The child is forked by a small python3 process, not by this
/// one: Linux keeps a process's peak RSS across exec, so a child spawned
/// here would start from this process's peak, which every test of the
/// crate running in it raises.
pub fn run_with_peak_rss(cmd: Command) -> Measured {
    let dir = scratch();
    let usage = dir.path().join("usage");
    let mut wrapped = Command::new("python3");
    wrapped.args(["-c", FORK_WAIT4]).arg(&usage).arg(cmd.get_program()).args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    let out = wrapped.output().expect("python3 runs (.ci/run installs it)");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr));
    let usage = std::fs::read_to_string(&usage).unwrap_or_else(|e| panic!("no rusage ({e}): {stderr}"));
    let (status, maxrss_kib) = usage.split_once(' ').expect("status and maxrss");
    let status: i32 = status.parse().expect("a wait status");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let peak_rss_bytes = maxrss_kib.parse::<u64>().expect("maxrss in KiB") * 1024;
    Measured { code, stdout, stderr: stderr.into_owned(), peak_rss_bytes }
}

/// A cgroup that lets processes in it read a block device at most `iops`
/// times a second (cgroup v1 `blkio.throttle.read_iops_device`, or v2
/// `io.max` riops): a slow device whose speed no busy CPU changes.
/// Removed on drop.
pub struct IopsLimit {
    dir: PathBuf,
}

impl IopsLimit {
    /// Limits reads of `dev` to `iops`, or returns why it cannot (not root,
    /// no blkio/io controller).
    pub fn new(dev: &Path, iops: u32) -> Result<Self, String> {
        use std::os::unix::fs::MetadataExt;
        if !is_root() {
            return Err("not root: cgroups need root".into());
        }
        let rdev = std::fs::metadata(dev).map_err(|e| format!("{}: {e}", dev.display()))?.rdev();
        let (major, minor) = ((rdev >> 8) & 0xfff | (rdev >> 32) & !0xfff, rdev & 0xff | (rdev >> 12) & !0xff);
        let name = format!("jdbio-test-{}-{}", std::process::id(), minor);
        let v1 = Path::new("/sys/fs/cgroup/blkio");
        let (dir, file, line) = if v1.join("blkio.throttle.read_iops_device").exists() {
            (v1.join(name), "blkio.throttle.read_iops_device", format!("{major}:{minor} {iops}"))
        } else {
            let root = Path::new("/sys/fs/cgroup");
            let controllers = std::fs::read_to_string(root.join("cgroup.controllers")).unwrap_or_default();
            if !controllers.split_whitespace().any(|c| c == "io") {
                return Err("no blkio (cgroup v1) or io (cgroup v2) controller".into());
            }
            let _ = std::fs::write(root.join("cgroup.subtree_control"), "+io");
            (root.join(name), "io.max", format!("{major}:{minor} riops={iops}"))
        };
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let limit = Self { dir };
        std::fs::write(limit.dir.join(file), line).map_err(|e| format!("{file}: {e}"))?;
        Ok(limit)
    }

    /// `program` run inside the cgroup (add its arguments to the result).
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new("sh");
        let procs = self.dir.join("cgroup.procs");
        cmd.arg("-c").arg(format!("echo $$ > '{}' && exec \"$0\" \"$@\"", procs.display())).arg(program);
        cmd
    }
}

impl Drop for IopsLimit {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

impl LoopDev {
    /// The file in /dev/shm behind the device.
    pub fn backing(&self) -> &Path {
        &self.backing
    }
}

/// md5 of a file's bytes, as hex (for before/after comparisons).
pub fn md5(path: &Path) -> String {
    let out = Command::new("md5sum").arg(path).output().expect("md5sum");
    assert!(out.status.success(), "md5sum {}", path.display());
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_string()
}

/// A block device's filesystem mounted on a scratch directory, unmounted
/// on drop. Unmounting retries for up to 5 s: io_uring drops a ring's file
/// references in deferred kernel work after its process exits, so the
/// mount can stay busy for a moment after jdbio has exited. A lazy unmount
/// is the last resort, so no mount outlives its test.
pub struct Mount {
    dir: tempfile::TempDir,
}

impl Mount {
    /// Mounts `dev` (which must outlive the mount).
    pub fn new(dev: &Path) -> Self {
        let dir = scratch();
        let ok = Command::new("mount").arg(dev).arg(dir.path()).status().expect("mount").success();
        assert!(ok, "mount {}", dev.display());
        Self { dir }
    }

    /// The mount point.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Bytes free for an unprivileged writer.
    pub fn free_bytes(&self) -> u64 {
        let path = std::ffi::CString::new(self.path().as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: statvfs is plain old data.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: a NUL-terminated path and a valid out-pointer.
        assert_eq!(unsafe { libc::statvfs(path.as_ptr(), &mut st) }, 0);
        st.f_bavail * st.f_frsize
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        for _ in 0..50 {
            if Command::new("umount").arg(self.path()).output().is_ok_and(|o| o.status.success()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = Command::new("umount").arg("-l").arg(self.path()).status();
    }
}
