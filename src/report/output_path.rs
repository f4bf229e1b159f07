//! A validated place to write an output (`--json`, `--hlog`, `--hgrm`,
//! `plot -o`, `--ack-log`): never a file the run reads or writes (the
//! target, an input report; the same inode, whatever the path), never a
//! block device, never a new file under /dev (devtmpfs), never an existing file that is not a regular file (a
//! directory, a character device, a socket), except `/dev/null` and a pipe
//! (`--json >(jq .)`), which only a reader consumes. `-` is stdout.
//!
//! [`OutputPath::open`] checks and creates the file before the run (an
//! existing file is not touched, and a file can be created beside it);
//! [`OutputPath::write`] replaces a regular file's contents whole: the new
//! bytes go to a file beside it, are synced, and are renamed over it, so
//! whatever fails (a full disk, EIO, a second signal) the old file keeps
//! its bytes until a complete new one takes its place. Dropping it removes
//! a file that it created and that was never written.

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
};

use crate::{error::AppError, scratch::Scratch};

/// Where one output goes, checked and ready to write.
#[derive(Debug)]
pub enum OutputPath {
    /// `-`: standard output.
    Stdout,
    /// A regular file, `/dev/null` or a pipe (`regular` is false: opened
    /// only when written, since opening a pipe waits for a reader).
    File {
        /// The flag that named it, for messages ("--json").
        flag: String,
        /// The path as given.
        path: PathBuf,
        /// A regular file, replaced whole by each write.
        regular: bool,
        /// A file this run created and has not written yet: removed on
        /// drop, and by the signal handler if a second signal ends the run.
        created: Option<Scratch>,
    },
}

impl OutputPath {
    /// Checks `value` (given with `flag`) against `inputs`, the paths the
    /// command reads or writes, and creates the file if it is missing, all
    /// before any I/O on the target.
    pub fn open(flag: &str, value: &str, inputs: &[PathBuf]) -> Result<Self, AppError> {
        if value == "-" {
            return Ok(OutputPath::Stdout);
        }
        let path = PathBuf::from(value);
        let existed = check(flag, &path, inputs)?;
        let regular = !existed || is_plain_file(&path);
        if existed && regular {
            let refuse = |what: &str, e: io::Error| AppError::Usage(format!("{flag} {value}: {what}: {e}"));
            fs::OpenOptions::new().write(true).open(&path).map_err(|e| refuse("cannot open it for writing", e))?;
            can_replace(&path).map_err(|e| refuse("cannot write a new file beside it to replace it with", e))?;
        } else if !existed {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|e| AppError::Usage(format!("{flag} {value}: cannot create the file: {e}")))?;
        }
        let created = (!existed).then(|| Scratch::new(&path, false));
        Ok(OutputPath::File { flag: flag.to_string(), path, regular, created })
    }

    /// The checks of [`OutputPath::open`] without touching the file
    /// (`--dry-run`): a missing file's directory must exist, an existing
    /// one must be writable.
    pub fn check_only(flag: &str, value: &str, inputs: &[PathBuf]) -> Result<(), AppError> {
        if value == "-" {
            return Ok(());
        }
        let path = PathBuf::from(value);
        let existed = check(flag, &path, inputs)?;
        let refuse = |what: &str, e: String| Err(AppError::Usage(format!("{flag} {value}: {what}: {e}")));
        if !existed {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !dir.is_dir() {
                return refuse("cannot create the file", format!("no directory {}", dir.display()));
            }
        } else if is_plain_file(&path) && fs::metadata(&path).is_ok_and(|m| m.permissions().readonly()) {
            return refuse("cannot open it for writing", "it is read-only".into());
        }
        Ok(())
    }

    /// The path as given ("-" for stdout).
    pub fn value(&self) -> String {
        match self {
            OutputPath::Stdout => "-".into(),
            OutputPath::File { path, .. } => path.display().to_string(),
        }
    }

    /// Replaces the output's contents with `bytes`. A closed pipe on stdout
    /// is not an error.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), AppError> {
        self.write_with(&mut |w| w.write_all(bytes))
    }

    /// Replaces the output's contents with what `put` writes (buffered:
    /// a large output is never held whole in memory). A closed pipe on
    /// stdout is not an error.
    pub fn write_with(&mut self, put: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> Result<(), AppError> {
        let mut buffered = |w: &mut dyn Write| {
            let mut w = io::BufWriter::new(w);
            put(&mut w).and_then(|()| w.flush())
        };
        match self {
            OutputPath::Stdout => match buffered(&mut io::stdout().lock()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(AppError::Io(format!("writing to stdout: {e}"))),
                _ => Ok(()),
            },
            OutputPath::File { flag, path, regular, created } => {
                let result = match regular {
                    true => replace(path, &mut buffered),
                    false => fs::OpenOptions::new().write(true).open(&*path).and_then(|mut f| buffered(&mut f)),
                };
                // A file created for this run and never completed is removed.
                if result.is_ok()
                    && let Some(created) = created.take()
                {
                    created.keep();
                }
                result.map_err(|e| AppError::Io(format!("{flag} {}: cannot write: {e}", path.display())))
            }
        }
    }
}

/// Replaces the regular file at `path` (through a symlink, the file it
/// names) with what `put` writes: written to a new file beside it with its
/// permissions, synced, then renamed over it, and the directory synced.
/// On any failure the new file is removed and the old one is untouched.
fn replace(path: &Path, put: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let real = fs::canonicalize(path)?;
    let (dir, temp) = beside(&real)?;
    let mode = fs::metadata(&real)?.permissions();
    let guard = Scratch::new(&temp, false);
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
    file.set_permissions(mode)?;
    put(&mut file)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, &real)?;
    guard.keep();
    // The rename is durable once the directory is; a directory that cannot
    // be opened or synced (some FUSE and network filesystems) still holds it.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Whether a new file can be made beside the existing `path` (the
/// directory is writable), tried by making and removing it.
fn can_replace(path: &Path) -> io::Result<()> {
    let (_, temp) = beside(&fs::canonicalize(path)?)?;
    fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
    fs::remove_file(&temp)
}

/// The directory of `real` and the name of the new file written beside it
/// (hidden, named after it and this process).
fn beside(real: &Path) -> io::Result<(&Path, PathBuf)> {
    let (Some(dir), Some(name)) = (real.parent(), real.file_name()) else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a file path"));
    };
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(".jdbio-new-{}", std::process::id()));
    Ok((dir, dir.join(temp)))
}

/// Refuses an output path that would destroy data; returns whether it
/// exists. Also used alone for outputs the command creates itself (the
/// ack log).
pub fn check(flag: &str, path: &Path, inputs: &[PathBuf]) -> Result<bool, AppError> {
    let refuse =
        |why: String| Err(AppError::Usage(format!("{flag} {}: {why}; refusing to write there", path.display())));
    if let Some(input) = inputs.iter().find(|i| same_file(path, i)) {
        return refuse(format!("that is {} (the same file), which this run already uses", input.display()));
    }
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if crate::target::in_devtmpfs(dir) {
                return refuse("no such file, and jdbio creates no files under /dev (devtmpfs)".into());
            }
            return Ok(false);
        }
        Err(e) => return refuse(format!("cannot stat it: {e}")),
    };
    if meta.is_file() || is_harmless_special(path, &meta) {
        return Ok(true);
    }
    refuse(format!("it is {}, not a regular file", kind_name(&meta)))
}

/// True for an existing regular file (not /dev/null or a pipe).
fn is_plain_file(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Whether `a` and `b` name the same file: the same device and inode when
/// both exist, else the same absolute path (its directory resolved).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    match (resolved(a), resolved(b)) {
        (Some(ra), Some(rb)) => ra == rb,
        _ => false,
    }
}

/// `path` with its directory canonicalised (the file itself may not exist).
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(fs::canonicalize(dir).ok()?.join(name))
}

/// /dev/null and pipes: writing to them destroys nothing.
fn is_harmless_special(path: &Path, meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let is_null = fs::canonicalize(path).is_ok_and(|p| p == Path::new("/dev/null"));
        meta.file_type().is_fifo() || (meta.file_type().is_char_device() && is_null)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, meta);
        false
    }
}

/// "a block device", "a directory", ...
fn kind_name(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_block_device() {
            return "a block device";
        } else if t.is_char_device() {
            return "a character device";
        } else if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() { "a directory" } else { "not a regular file" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_path_matches_another_spelling_of_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let (a, b) = (dir.path().join("r.json"), dir.path().join("sub/../r.json"));
        assert!(same_file(&a, &b));
        assert!(!same_file(&a, &dir.path().join("s.json")));
    }

    #[test]
    fn a_new_output_is_removed_unless_written_and_an_old_one_keeps_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (new, kept, old) = (dir.path().join("new"), dir.path().join("kept"), dir.path().join("old"));
        std::fs::write(&old, "earlier").unwrap();
        drop(OutputPath::open("--json", new.to_str().unwrap(), &[]).unwrap());
        assert!(!new.exists(), "created before the run, never written: removed");
        OutputPath::open("--json", kept.to_str().unwrap(), &[]).unwrap().write(b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "{}");
        let out = OutputPath::open("--json", old.to_str().unwrap(), &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "earlier", "not truncated before the write");
        drop(out);
        assert!(old.exists(), "a file that existed is never removed");
    }

    #[test]
    fn refusals_name_the_flag_and_what_the_path_is() {
        let dir = tempfile::tempdir().unwrap();
        let err = check("--hgrm", dir.path(), &[]).unwrap_err().to_string();
        assert!(err.starts_with(&format!("--hgrm {}: it is a directory", dir.path().display())), "{err}");
        let target = dir.path().join("t.dat");
        std::fs::write(&target, "x").unwrap();
        let err = check("-o", &target, std::slice::from_ref(&target)).unwrap_err().to_string();
        assert!(err.contains("the same file"), "{err}");
        assert!(check("--json", Path::new("/dev/null"), &[]).unwrap());
    }
}
