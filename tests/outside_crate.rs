//! The Direct I/O library as a crate outside jdbio uses it:
//! tests/outside_crate depends on this package by path with
//! `default-features = false` and no compio of its own, and runs the
//! README's jdbio example (the migrated jdb_fs example). It is built
//! offline from a copy in the test's scratch directory, with this
//! package's Cargo.lock as its lock (so the same versions as the tool, and
//! no lock file of its own to keep in step).

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Copies tests/outside_crate into `dir` (its path dependency pointed back
/// at this package, this package's lock beside it) and returns its manifest.
fn copy_outside_crate(dir: &Path) -> PathBuf {
    let from = root().join("tests/outside_crate");
    fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = fs::read_to_string(from.join("Cargo.toml")).unwrap();
    let manifest = manifest.replace(r#"path = "../..""#, &format!("path = {:?}", root().display().to_string()));
    assert!(manifest.contains(&root().display().to_string()), "the path dependency moved in Cargo.toml");
    fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    for file in ["main.rs", "example.rs"] {
        fs::copy(from.join("src").join(file), dir.join("src").join(file)).unwrap();
    }
    fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir.join("Cargo.toml")
}

/// Runs cargo, offline, on a fresh copy of the outside crate (one per
/// test, so tests running at once do not share a lock file). A build loads
/// every CPU: no test that measures time runs meanwhile.
fn cargo(name: &str, args: &[&str]) -> std::process::Output {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("outside_crate").join(name);
    let manifest = copy_outside_crate(&dir);
    let _quiet = crate::common::quiet_machine();
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .args(["--offline", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("cargo runs")
}

/// The README's jdbio column, between its ```rust fence and the closing one.
fn readme_jdbio_block() -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```rust\n").skip(1).map(|b| b.split("```").next().unwrap()).collect();
    let jdbio = blocks.iter().find(|b| b.contains("use jdbio::dio::File;")).expect("the README's jdbio example");
    jdbio.to_string()
}

#[test]
fn the_readme_example_is_the_outside_crates_code() {
    let example = fs::read_to_string(root().join("tests/outside_crate/src/example.rs")).unwrap();
    assert_eq!(
        readme_jdbio_block(),
        example,
        "README.md's jdbio example and tests/outside_crate/src/example.rs differ"
    );
}

#[test]
fn an_outside_crate_runs_the_migrated_jdb_fs_example() {
    // The example writes /tmp/test.dat, as jdb_fs's does: whatever is
    // there is put back afterwards.
    let path = Path::new("/tmp/test.dat");
    let before = fs::read(path).ok();
    let run = cargo("run", &["run", "--quiet"]);
    let after = fs::read(path);
    match before {
        Some(bytes) => fs::write(path, bytes).unwrap(),
        None => fs::remove_file(path).unwrap(),
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the outside crate failed: {stderr}");
    assert_eq!(String::from_utf8_lossy(&run.stdout).trim(), "the migrated jdb_fs example ran");
    let written = after.unwrap();
    assert_eq!((written.len(), &written[..5]), (4096, &b"hello"[..]), "one page starting with hello");
}

#[test]
fn the_library_alone_brings_no_command_line_crates() {
    let tree = cargo("tree", &["tree", "-e", "normal", "--prefix", "none"]);
    assert!(tree.status.success(), "{}", String::from_utf8_lossy(&tree.stderr));
    let tree = String::from_utf8_lossy(&tree.stdout);
    let names: Vec<&str> = tree.lines().filter_map(|l| l.split(' ').next()).collect();
    for tool_only in ["clap", "plotters", "indicatif", "rand", "serde_json", "serde", "hdrhistogram"] {
        assert!(!names.contains(&tool_only), "{tool_only} is built for the library alone:\n{tree}");
    }
    for needed in ["jdbio", "compio", "jdb_alloc", "thiserror"] {
        assert!(names.contains(&needed), "{needed} missing from:\n{tree}");
    }
}
