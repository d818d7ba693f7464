//! `herald test`: expectations and golden files, as a user meets them.

use std::path::{Path, PathBuf};

mod common;
use common::Out;

fn herald(args: &[&str], dir: &Path) -> Out {
    common::herald_at(dir, args, None, &[("NO_COLOR", "1")])
}

fn root() -> PathBuf {
    common::root()
}

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("testing", name)
}

const ACK: &str = "scenarios/attempt2-acknowledgment.herald";

/// The bundled scenarios at the top of `scenarios/`, not the exercises in its
/// subfolders (`herald test scenarios` would search those too, and an exercise
/// as handed out fails on purpose).
fn bundled_scenarios() -> Vec<String> {
    let files: Vec<String> =
        common::herald_files("scenarios").iter().map(|p| p.to_str().unwrap().to_string()).collect();
    assert!(files.len() >= 10, "{files:?}");
    files
}

#[test]
fn every_bundled_expectation_holds() {
    let files = bundled_scenarios();
    let mut args = vec!["test"];
    args.extend(files.iter().map(String::as_str));
    let out = herald(&args, &root());
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.trim_end().ends_with(" passed, 0 failed"), "{}", out.stdout);
    // Each kind of check is exercised by the bundled scenarios, with its method stated.
    for said in ["exact: P(victory) = 75% = 3/4", "proved over", "witness: 1 capture", "ended in victory"] {
        assert!(out.stdout.contains(said), "missing {said:?} in\n{}", out.stdout);
    }
}

#[test]
fn a_failing_expectation_is_reported_at_its_line_with_its_hint_and_the_run() {
    let dir = temp_dir("failing");
    let mut src = std::fs::read_to_string(root().join(ACK)).unwrap();
    let lines = src.lines().count();
    src.push_str("expect victory hint \"A must not wait for an ack that can be captured\"\n");
    src.push_str("expect never defeat\n");
    src.push_str("expect probability victory = 30% ± 1%\n");
    src.push_str("expect seed 9: A attacks hint \"look at what A received\"\n");
    std::fs::write(dir.join("ack.herald"), src).unwrap();
    let out = herald(&["test", "ack.herald"], &dir);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 passed, 4 failed"), "{}", out.stdout);
    // The seed run (seed 9) ends in defeat: the first one fails, at its line, with its hint.
    let at = |n: usize| format!("ack.herald:{}:1", lines + n);
    assert!(out.stderr.contains("herald::test::failed"), "{}", out.stderr);
    assert!(out.stderr.contains(&at(1)), "{}", out.stderr);
    assert!(out.stderr.contains("the run with seed 9 ended in defeat"), "{}", out.stderr);
    assert!(out.stderr.contains("A must not wait for an ack that can be captured"), "{}", out.stderr);
    // ... with the run that contradicts it, explained.
    assert!(out.stderr.contains("captured: ack from B to A"), "{}", out.stderr);
    // `never defeat` fails with the adversary's witness.
    assert!(out.stderr.contains(&at(2)), "{}", out.stderr);
    assert!(out.stderr.contains("defeat is possible: the adversary reaches it with 1 capture"), "{}", out.stderr);
    // The probability, exactly: 1/4.
    assert!(out.stderr.contains(&at(3)), "{}", out.stderr);
    assert!(out.stdout.contains("exact: P(victory) = 25% = 1/4"), "{}", out.stdout);
    assert!(out.stderr.contains(&at(4)), "{}", out.stderr);
    assert!(out.stderr.contains("look at what A received"), "{}", out.stderr);
    assert!(out.stdout.contains("✓ expect possible defeat"), "{}", out.stdout);
}

#[test]
fn probabilities_beyond_enumeration_are_judged_by_trials_within_their_error() {
    let dir = temp_dir("trials");
    // Nine voters: more states than `herald test` enumerates (604,064).
    let src = std::fs::read_to_string(root().join("scenarios/majority-3-of-5.herald")).unwrap();
    let base: String = src
        .lines()
        .filter(|l| !l.starts_with("expect"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace("generals G1..G5", "generals G1..G9")
        .replace("at least 3 attack", "at least 5 attack")
        .replace("+ 1 >= 3", "+ 1 >= 5");
    assert!(base.contains("G1..G9") && base.contains("at least 5") && base.contains(">= 5"));
    // Each voter attacks with probability P(4 or more of 8 votes heard) = 0.9896, and the
    // city falls with more than 99.9%; trials must accept that and reject 90%.
    std::fs::write(dir.join("m.herald"), format!("{base}expect probability victory >= 99.9%\n")).unwrap();
    let out = herald(&["test", "m.herald"], &dir);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("by 200000 trials"), "{}", out.stdout);
    std::fs::write(dir.join("m.herald"), format!("{base}expect probability victory < 90%\n")).unwrap();
    let out = herald(&["test", "m.herald"], &dir);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
}

/// Trials count committed values (issue 16, item 11): `probability B commits V` beyond
/// enumeration is judged by trials (it used to fail: "trials do not count committed values
/// yet").
#[test]
fn committed_values_beyond_enumeration_are_judged_by_trials() {
    let dir = temp_dir("commit-trials");
    // B commits the later of two arrivals, each 1..1000 ticks: a million pairs of delays.
    let src = "scenario \"two pings\"\nhorizon 3000\nchannel A1 -> B { delay 1..1000 }\n\
               channel A2 -> B { delay 1..1000 }\n\
               general A1 { on start { send ping to B }\n decide at 0: commit 1 }\n\
               general A2 { on start { send ping to B }\n decide at 0: commit 1 }\n\
               general B { var t = 0\n on receive ping { set t = now }\n decide at 2000: commit t }\n";
    // P(B commits 1000) = 1 - (999/1000)^2, about 0.2%.
    let expects = "expect probability B commits 1000 < 1%\nexpect probability B commits 1 = 0%\n\
                   expect probability A1 commits 1 = 100%\n";
    std::fs::write(dir.join("t.herald"), format!("{src}{expects}")).unwrap();
    let out = herald(&["test", "t.herald"], &dir);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("P(B commits 1000) ≈ 0.22%"), "{}", out.stdout);
    std::fs::write(dir.join("t.herald"), format!("{src}expect probability B commits 1000 > 5%\n")).unwrap();
    let out = herald(&["test", "t.herald"], &dir);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
}

#[test]
fn bless_writes_golden_files_and_test_then_compares_them() {
    let dir = temp_dir("golden");
    let src = std::fs::read_to_string(root().join("scenarios/flooding.herald")).unwrap();
    std::fs::write(dir.join("flooding.herald"), &src).unwrap();
    // No golden files yet: only the expectations are checked.
    let out = herald(&["test", "."], &dir);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("golden"));
    let out = herald(&["test", "--bless", "."], &dir);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("golden flooding.golden.txt written"), "{}", out.stdout);
    let txt = std::fs::read_to_string(dir.join("flooding.golden.txt")).unwrap();
    let yaml = std::fs::read_to_string(dir.join("flooding.golden.yaml")).unwrap();
    // They hold what `herald run` prints (the scenario named by its file name).
    let run = herald(&["run", "flooding.herald", "--color", "never"], &dir);
    assert_eq!(run.stdout, txt);
    let run = herald(&["run", "flooding.herald", "--format", "yaml"], &dir);
    assert_eq!(run.stdout, yaml);
    let out = herald(&["test", "."], &dir);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("5 passed, 0 failed"), "{}", out.stdout);
    let mmd = std::fs::read_to_string(dir.join("flooding.golden.mmd")).unwrap();
    let run = herald(&["run", "flooding.herald", "--format", "mermaid"], &dir);
    assert_eq!(run.stdout, mmd);
    // The scenario changes: the golden files no longer match, and the diff shows how.
    std::fs::write(dir.join("flooding.herald"), src.replace("seed 0", "seed 1")).unwrap();
    let out = herald(&["test", "."], &dir);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("golden flooding.golden.txt differs"), "{}", out.stdout);
    assert!(out.stdout.contains("-flooding.herald · seed 0"), "{}", out.stdout);
    assert!(out.stdout.contains("+flooding.herald · seed 1"), "{}", out.stdout);
    assert!(out.stdout.contains("2 passed, 3 failed"), "{}", out.stdout);
    // Blessed again, it passes again.
    assert_eq!(herald(&["test", "--bless", "."], &dir).code, 0);
    assert_eq!(herald(&["test", "."], &dir).code, 0);
}

#[test]
fn a_scenario_that_does_not_load_fails_and_nothing_to_test_is_a_usage_error() {
    let dir = temp_dir("broken");
    std::fs::write(dir.join("bad.herald"), "general A {\n  decide at dawn: attack\n}\n").unwrap();
    let out = herald(&["test", "."], &dir);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("bad.herald:2"), "{}", out.stderr);
    assert!(out.stdout.contains("0 passed, 1 failed"), "{}", out.stdout);
    let empty = temp_dir("empty");
    assert_eq!(herald(&["test", "."], &empty).code, 2);
    assert_eq!(herald(&["test", "no-such-file.herald"], &empty).code, 2);
}

#[test]
fn outcome_expectations_may_follow_one_another() {
    // A regression: `expect defeat` followed by another statement did not parse.
    let dir = temp_dir("outcomes");
    let src = "general A {\n  decide at 1: attack\n}\nexpect no-attack\nexpect never defeat\nexpect possible no-attack\nexpect victory\n";
    std::fs::write(dir.join("o.herald"), src).unwrap();
    let out = herald(&["check", "o.herald"], &dir);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The outcomes of a scenario that commits values (an attack scenario has none of them).
    let src = "general A {\n  decide at 1: commit 1\n}\nexpect agreement\nexpect never disagreement\nexpect possible undecided\nexpect agreement\n";
    std::fs::write(dir.join("v.herald"), src).unwrap();
    let out = herald(&["check", "v.herald"], &dir);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Folders reached through symbolic links are searched once and each file is tested once,
/// around a loop of links too (it used to test a file 41 times with one link back up, and
/// to run on forever with two).
#[test]
#[cfg(unix)]
fn links_to_folders_are_followed_once_and_never_around_a_loop() {
    use std::os::unix::fs::symlink;
    let dir = temp_dir("links");
    let src = std::fs::read_to_string(root().join("scenarios/flooding.herald")).unwrap();
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("a/flooding.herald"), &src).unwrap();
    // One link back up: a/up -> the folder itself.
    symlink("..", dir.join("a/up")).unwrap();
    let once = |out: &Out| {
        assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
        assert_eq!(out.stdout.matches("flooding.herald\n").count(), 1, "{}", out.stdout);
        assert!(out.stdout.contains("2 passed, 0 failed"), "{}", out.stdout);
    };
    once(&herald(&["test", "."], &dir));
    // Two folders linked to each other, and the file named twice: still once.
    std::fs::create_dir_all(dir.join("c")).unwrap();
    symlink("../a", dir.join("c/to-a")).unwrap();
    symlink("../c", dir.join("a/to-c")).unwrap();
    once(&herald(&["test", ".", "a", "c/to-a/flooding.herald"], &dir));
    // A file reached only through a link is tested, under the path that found it.
    let other = temp_dir("links-elsewhere");
    symlink(dir.join("a"), other.join("linked")).unwrap();
    let out = herald(&["test", "."], &other);
    once(&out);
    assert!(out.stdout.contains("linked/flooding.herald"), "{}", out.stdout);
}

/// A scenario with no `expect` and no golden file has nothing to test (issue 16, item
/// 15: it passed, exit 0): alone, or with only such scenarios, `herald test` is a usage
/// error (exit 2) saying so; among scenarios that are tested, it is listed and counted,
/// and the others decide the exit code.
#[test]
fn a_scenario_with_nothing_to_test_is_not_a_pass() {
    let dir = temp_dir("nothing");
    let bare = "general A {\n  decide at 1: attack\n}\n";
    std::fs::write(dir.join("bare.herald"), bare).unwrap();
    let out = herald(&["test", "bare.herald"], &dir);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("bare.herald\n  - nothing to test: no `expect` and no golden file\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("0 passed, 0 failed, 1 scenario with nothing to test\n"), "{}", out.stdout);
    assert!(
        out.stderr.contains("error: nothing to test: bare.herald has no `expect` and no golden file"),
        "{}",
        out.stderr
    );
    // A folder of such scenarios: the same.
    std::fs::create_dir_all(dir.join("only")).unwrap();
    std::fs::write(dir.join("only/a.herald"), bare).unwrap();
    std::fs::write(dir.join("only/b.herald"), bare).unwrap();
    let out = herald(&["test", "only"], &dir);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("none of the 2 scenarios has an `expect` or a golden file"), "{}", out.stderr);
    // Beside a scenario that is tested: listed and counted, not a failure.
    std::fs::write(dir.join("only/c.herald"), format!("{bare}expect victory\n")).unwrap();
    let out = herald(&["test", "only"], &dir);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.ends_with("1 passed, 0 failed, 2 scenarios with nothing to test\n"), "{}", out.stdout);
    // Golden files are something to test.
    assert_eq!(herald(&["test", "--bless", "bare.herald"], &dir).code, 0);
    let out = herald(&["test", "bare.herald"], &dir);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.ends_with("3 passed, 0 failed\n"), "{}", out.stdout);
}

/// An expectation that meets a run stopped by an error says what stopped it, as
/// `analyze` and `run` do (issue 16, item 15: "the trials stopped at a limit").
#[test]
fn an_expectation_that_meets_a_run_error_says_its_cause() {
    let dir = temp_dir("run-error");
    let src = "general A {\n  var x = 0\n  at 2 { set x = 10 / x }\n  decide at 3: attack\n}\n\
               expect probability victory = 100%\nexpect possible victory\n";
    std::fs::write(dir.join("div.herald"), src).unwrap();
    let out = herald(&["test", "div.herald"], &dir);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let said = "cannot tell: a run stopped: division by zero at tick 2 (in 'at 2', line 3)";
    assert_eq!(out.stdout.matches(said).count(), 2, "{}", out.stdout);
    // Beyond enumeration, by trials: which trial, and why.
    let src = "scenario \"two pings\"\nhorizon 3000\nchannel A1 -> B { delay 1..1000 }\n\
               channel A2 -> B { delay 1..1000 }\n\
               general A1 { on start { send ping to B }\n decide at 0: commit 1 }\n\
               general A2 { on start { send ping to B }\n decide at 0: commit 1 }\n\
               general B { var t = 0\n var z = 0\n on receive ping { set t = now }\n at 2500 { set t = t / z }\n\
               decide at 2600: commit t }\nexpect probability B commits 1000 < 1%\n";
    std::fs::write(dir.join("pings.herald"), src).unwrap();
    let out = herald(&["test", "pings.herald"], &dir);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("cannot tell: trial 0 stopped: division by zero at tick 2500 (in 'at 2500', line 12)"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("stopped at a limit"), "{}", out.stdout);
}
