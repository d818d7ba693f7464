//! The graded exercises in `scenarios/exercises/`: every solution passes, every
//! exercise as handed out fails, and an exercise and its solution are graded by
//! the same `expect` lines, each of which has a hint.

use std::path::{Path, PathBuf};

mod common;
use common::Out;

fn herald(args: &[&str]) -> Out {
    common::herald_plain(args, None)
}

const EXERCISES: &str = "scenarios/exercises";
const SOLUTIONS: &str = "scenarios/exercises/solutions";

/// The `.herald` files directly in `dir` (relative to the crate), sorted.
fn herald_files(dir: &str) -> Vec<PathBuf> {
    common::herald_files(dir)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The lines that start with `expect`, trimmed.
fn expect_lines(src: &str) -> Vec<String> {
    src.lines().map(str::trim).filter(|l| l.starts_with("expect")).map(str::to_string).collect()
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn there_are_at_least_eight_exercises_each_with_its_solution() {
    let exercises: Vec<String> = herald_files(EXERCISES).iter().map(|p| name(p)).collect();
    let solutions: Vec<String> = herald_files(SOLUTIONS).iter().map(|p| name(p)).collect();
    assert!(exercises.len() >= 8, "{exercises:?}");
    assert_eq!(exercises, solutions, "each exercise has a solution of the same name, and no other");
}

#[test]
fn every_solution_passes() {
    let out = herald(&["test", SOLUTIONS]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let n: usize = herald_files(SOLUTIONS).iter().map(|p| expect_lines(&read(p)).len()).sum();
    let last = out.stdout.trim_end().lines().last().unwrap_or("");
    assert_eq!(last, format!("{n} passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn every_exercise_as_handed_out_fails() {
    for path in herald_files(EXERCISES) {
        let file = path.to_str().unwrap();
        let out = herald(&["test", file]);
        assert_eq!(out.code, 1, "{file} should fail at least one expectation:\n{}\n{}", out.stdout, out.stderr);
        // It loads and runs: what fails is an expectation, reported with its hint.
        assert!(out.stdout.contains("✗ expect"), "{file}:\n{}", out.stdout);
        assert!(!out.stdout.contains("does not load"), "{file}:\n{}\n{}", out.stdout, out.stderr);
        assert!(out.stderr.contains("herald::test::failed"), "{file}:\n{}", out.stderr);
        assert!(out.stderr.contains("help: "), "{file}: no hint shown:\n{}", out.stderr);
        // ... and the placeholder protocol is marked for the student.
        assert!(read(&path).contains("# your protocol here"), "{file}");
    }
}

#[test]
fn each_exercise_and_its_solution_carry_the_same_expectations() {
    for path in herald_files(EXERCISES) {
        let solution = Path::new(SOLUTIONS).join(name(&path));
        let ours = expect_lines(&read(&path));
        assert!(!ours.is_empty(), "{}: no expectations", path.display());
        assert_eq!(ours, expect_lines(&read(&solution)), "{} and its solution", path.display());
    }
}

#[test]
fn every_expectation_of_an_exercise_has_a_hint() {
    for path in herald_files(EXERCISES) {
        for line in expect_lines(&read(&path)) {
            let hint = line.split_once(" hint \"").map(|(_, h)| h);
            assert!(
                hint.is_some_and(|h| h.trim_end().ends_with('"') && h.len() > 10),
                "{}: no hint on `{line}`",
                path.display()
            );
        }
    }
}

#[test]
fn exercises_are_quick_to_grade() {
    // Exact analysis and the adversary settle every solution: no trials, and
    // nothing gives up at a state limit.
    let out = herald(&["test", SOLUTIONS]);
    assert!(!out.stdout.contains("trials"), "{}", out.stdout);
    assert!(!out.stdout.contains("cannot tell"), "{}", out.stdout);
}
