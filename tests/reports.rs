//! Reports pinned: for every bundled scenario and every exercise solution, the real binary's
//! `run --trials 2000`, `analyze` and `explore` reports (text), and for the bundled scenarios
//! the same three in YAML, compared with the snapshots in `tests/snapshots/`
//! (`reports__*.snap`). Trials do not depend on the number of threads: `--jobs 1` and
//! `--jobs 2` print the same bytes as the default.
//!
//! To review changes: `cargo insta review`, or `INSTA_UPDATE=always cargo test --test
//! reports` and read the diff before committing.

use std::path::Path;
use std::process::Command;

/// Runs herald from the crate's root, colour off; its stdout, after checking that it
/// exited with 0 and wrote nothing on stderr.
fn herald(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the herald binary runs");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert_eq!(out.status.code(), Some(0), "herald {args:?} failed:\n{stderr}");
    assert!(stderr.is_empty(), "herald {args:?} wrote on stderr:\n{stderr}");
    assert!(!stdout.is_empty(), "herald {args:?} printed nothing");
    stdout
}

/// The file as the command line names it: relative to the crate's root, with `/`.
fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).expect("under the crate").to_string_lossy().replace('\\', "/")
}

const TRIALS: &str = "2000";

/// Snapshot names: `prefix` tells bundled scenarios ("") from solutions ("solution_").
fn name(prefix: &str, what: &str) -> String {
    format!("{prefix}{what}")
}

fn trials_text(path: &Path, prefix: &str) {
    let file = relative(path);
    let text = herald(&["run", &file, "--trials", TRIALS]);
    insta::assert_snapshot!(name(prefix, "trials"), text);
    // The same bytes whatever the number of threads.
    for jobs in ["1", "2"] {
        let other = herald(&["run", &file, "--trials", TRIALS, "--jobs", jobs]);
        assert!(other == text, "{file}: run --trials {TRIALS} --jobs {jobs} differs from the default");
    }
}

fn analyze_text(path: &Path, prefix: &str) {
    let text = herald(&["analyze", &relative(path)]);
    insta::assert_snapshot!(name(prefix, "analyze"), text);
}

fn explore_text(path: &Path, prefix: &str) {
    let text = herald(&["explore", &relative(path)]);
    insta::assert_snapshot!(name(prefix, "explore"), text);
}

/// YAML of the three; also checked to be YAML that parses.
fn machine(path: &Path) {
    let file = relative(path);
    for (what, args) in [
        ("trials_yaml", vec!["run", &file, "--trials", TRIALS, "--format", "yaml"]),
        ("analyze_yaml", vec!["analyze", &file, "--format", "yaml"]),
        ("explore_yaml", vec!["explore", &file, "--format", "yaml"]),
    ] {
        let yaml = herald(&args);
        let parsed: yaml_serde::Value = yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("{file}: {what}: {e}"));
        assert_eq!(parsed["herald"], yaml_serde::Value::from(1), "{file}: {what}: schema version");
        insta::assert_snapshot!(what, yaml);
    }
}

// One test per command, so that the test harness runs them side by side.

#[test]
fn trials_reports_of_bundled_scenarios() {
    insta::glob!("../scenarios", "*.herald", |path| trials_text(path, ""));
}

#[test]
fn trials_reports_of_solutions() {
    insta::glob!("../scenarios/exercises/solutions", "*.herald", |path| trials_text(path, "solution_"));
}

#[test]
fn analyze_reports_of_bundled_scenarios() {
    insta::glob!("../scenarios", "*.herald", |path| analyze_text(path, ""));
}

#[test]
fn analyze_reports_of_solutions() {
    insta::glob!("../scenarios/exercises/solutions", "*.herald", |path| analyze_text(path, "solution_"));
}

#[test]
fn explore_reports_of_bundled_scenarios() {
    insta::glob!("../scenarios", "*.herald", |path| explore_text(path, ""));
}

#[test]
fn explore_reports_of_solutions() {
    insta::glob!("../scenarios/exercises/solutions", "*.herald", |path| explore_text(path, "solution_"));
}

#[test]
fn yaml_reports_of_bundled_scenarios() {
    insta::glob!("../scenarios", "*.herald", machine);
}
