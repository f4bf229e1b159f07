//! Stamps the build for `jdbio --version`: the git commit the binary was
//! built from (`git rev-parse --short HEAD`, or "unknown" outside a git
//! checkout, e.g. from a source tarball) and the cargo profile.

use std::{path::Path, process::Command};

fn main() {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=JDBIO_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=JDBIO_BUILD_PROFILE={}", std::env::var("PROFILE").unwrap_or_else(|_| "unknown".into()));
    // Rebuild the stamp when HEAD moves: HEAD itself (a checkout) and the
    // branch it points at (a commit), wherever this checkout keeps them.
    // Only paths that exist: cargo reruns a build script, and rebuilds the
    // package, on every build while a path it watches is missing (a
    // repository whose refs are not packed has no packed-refs). A branch
    // held in packed-refs has no file of its own until its next commit
    // writes one: its folder is watched instead.
    for path in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]).filter(|p| Path::new(p).exists()) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(&["rev-parse", "--git-path", &branch])
        && let Some(existing) = Path::new(&p).ancestors().find(|a| a.exists())
    {
        println!("cargo:rerun-if-changed={}", existing.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
