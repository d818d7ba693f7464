//! What the integration tests share: running herald's binary, scratch folders, and the
//! bundled scenarios. (Each test file uses part of it.)

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a herald process printed, and its exit code.
pub struct Out {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs herald in `dir` with `args`, `stdin` (if any) and `env` (`NO_COLOR` is cleared
/// first, so that only `env` decides it).
pub fn herald_at(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_herald"));
    cmd.args(args).current_dir(dir).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("herald starts");
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Out {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// The crate's root, where the README's commands run.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs herald from the crate's root, without colour.
pub fn herald_plain(args: &[&str], stdin: Option<&str>) -> Out {
    herald_at(&root(), args, stdin, &[("NO_COLOR", "1")])
}

/// A fresh, empty scratch folder for one test (`suite`: the test file).
pub fn temp_dir(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("herald-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `.herald` files directly in `dir` (relative to the crate's root), sorted, as paths
/// relative to the root.
pub fn herald_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "herald"))
        .map(|p| Path::new(dir).join(p.file_name().unwrap()))
        .collect();
    files.sort();
    files
}

/// Every bundled scenario, exercise and exercise solution (see [`herald_files`]).
pub fn every_bundled() -> Vec<PathBuf> {
    ["scenarios", "scenarios/exercises", "scenarios/exercises/solutions"].into_iter().flat_map(herald_files).collect()
}

pub mod generator;
