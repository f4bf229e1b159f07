//! A target that does not exist yet (bench, wal, verify --write): a regular
//! file whose directory exists is created (bench then lays it out, as fio
//! does, in every mode). Under
//! /dev a missing path is a mistyped device name, never a file to create in
//! devtmpfs: the error names the closest block devices there.

use std::path::{Path, PathBuf};

use crate::{error::AppError, target::in_devtmpfs};

/// How many device names a "did you mean" lists.
const SUGGESTIONS: usize = 3;

/// Checks that the missing `path` may be created as a regular file.
pub fn check_creatable(path: &Path) -> Result<(), AppError> {
    let parent = parent(path);
    if !parent.is_dir() {
        return Err(AppError::Usage(format!("{}: directory {} does not exist", path.display(), parent.display())));
    }
    if in_devtmpfs(parent) {
        let names = closest_devices(parent, path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default().as_ref());
        let hint = match names.as_slice() {
            [] => format!("no block device in {}", parent.display()),
            found => format!(
                "did you mean {}?",
                found.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
        };
        return Err(AppError::Usage(format!(
            "{}: no such block device (jdbio never creates files under /dev); {hint}",
            path.display()
        )));
    }
    Ok(())
}

/// The directory `path` would be created in ("." for a bare name).
pub fn parent(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// The block devices in `dir` whose names are closest to `name` (edit
/// distance, then name), at most [`SUGGESTIONS`].
fn closest_devices(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found: Vec<(usize, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| is_block_device(&e.path()))
        .map(|e| (edit_distance(name, &e.file_name().to_string_lossy()), e.path()))
        .collect();
    found.sort();
    found.into_iter().take(SUGGESTIONS).map(|(_, p)| p).collect()
}

#[cfg(unix)]
fn is_block_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_block_device())
}

#[cfg(not(unix))]
fn is_block_device(_: &Path) -> bool {
    false
}

/// Levenshtein distance between two names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("nvme0n1p", "nvme0n1p1"), 1);
        assert_eq!(edit_distance("sdb", "sda"), 1);
        assert_eq!(edit_distance("", "vda"), 3);
        assert_eq!(edit_distance("lop3", "loop3"), 1);
    }
}
