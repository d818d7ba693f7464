//! Work split with `--shard K/M` and merged with `herald merge`: the merged report is the
//! whole run's, byte for byte, in every format and for any number of slices; merge
//! refuses missing, doubled, foreign and edited parts; and the README's GNU parallel
//! recipe runs as written.

mod common;

use std::path::Path;

use herald::cli::{Env, Memory, Output, run_args};

/// Runs herald in this process over files in memory (`files`: path and bytes).
fn herald(args: &[&str], files: &[(String, Vec<u8>)]) -> Output {
    let mut mem = Memory::new("");
    for (p, b) in files {
        mem = mem.with(p, b.clone());
    }
    let env = Env::plain(&mem);
    run_args(std::iter::once("herald").chain(args.iter().copied()), &env)
}

/// A bundled file, by its path from the crate's root.
fn bundled(path: &Path) -> (String, Vec<u8>) {
    let name = path.to_string_lossy().into_owned();
    (name, std::fs::read(common::root().join(path)).unwrap())
}

/// The parts of `args` (a `run --trials` or `sweep` command) cut into `m` slices, as
/// files `part-K.json` / `part-K.yaml` (odd slices YAML), added to `files`.
fn shards(args: &[&str], m: u64, files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let mut out = files.to_vec();
    for k in 0..m {
        let shard = format!("{k}/{m}");
        let format = if k % 2 == 1 { "yaml" } else { "json" };
        let mut a = args.to_vec();
        a.extend(["--shard", &shard, "--format", format]);
        let o = herald(&a, files);
        assert_eq!(o.code, 0, "{a:?}: {}", o.stderr());
        out.push((format!("part-{k}.{format}"), o.stdout().into_bytes()));
    }
    out
}

/// `herald merge` of every part in `files`, in the given format (parts named backwards:
/// the order does not matter).
fn merge(files: &[(String, Vec<u8>)], format: &str) -> Output {
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).filter(|n| n.starts_with("part-")).collect();
    names.reverse();
    let mut a = vec!["merge", "--format", format];
    a.extend(names);
    herald(&a, files)
}

/// On every bundled scenario, exercise and solution, the trials cut into 1, 2, 3, 7 and 9
/// slices (more than the 4 blocks of 1000 trials) and merged give the whole run's report,
/// byte for byte, in text, YAML and JSON, reasons included.
#[test]
fn merged_trials_are_the_whole_run_on_every_bundled_scenario() {
    let mut compared = 0;
    for path in common::every_bundled() {
        let file = bundled(&path);
        let name = file.0.clone();
        let files = [file];
        let args = ["run", name.as_str(), "--trials", "1000", "--explain", "40"];
        let whole: Vec<Output> = ["text", "yaml", "json"]
            .iter()
            .map(|f| {
                let mut a = args.to_vec();
                a.extend(["--format", f]);
                herald(&a, &files)
            })
            .collect();
        assert_eq!(whole[0].code, 0, "{name}: {}", whole[0].stderr());
        for m in [1, 2, 3, 7, 9] {
            let parts = shards(&args, m, &files);
            for (w, format) in whole.iter().zip(["text", "yaml", "json"]) {
                let merged = merge(&parts, format);
                assert_eq!(merged.code, 0, "{name}, {m} slices: {}", merged.stderr());
                assert_eq!(merged.stdout(), w.stdout(), "{name}, {m} slices, {format}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 30 * 15, "{compared} merged reports compared");
}

/// When the explanations' budget cuts how many trials are explained, every slice cuts it
/// alike (estimated over the whole batch): the merged reasons are the whole run's.
#[test]
fn merged_trials_explain_what_the_whole_run_explains_under_the_budget() {
    let files = [bundled(Path::new("scenarios/flooding.herald"))];
    let args = ["run", "scenarios/flooding.herald", "--trials", "700", "--explain", "5000000", "--seed", "3"];
    let whole = herald(&args, &files);
    assert_eq!(whole.code, 0, "{}", whole.stderr());
    assert!(whole.stdout().contains("(fewer than the 5,000,000 asked"), "{}", whole.stdout());
    for m in [2, 5] {
        let merged = merge(&shards(&args, m, &files), "text");
        assert_eq!(merged.stdout(), whole.stdout(), "{m} slices");
    }
}

/// A sweep cut into slices of its points (1, 2, 3, 7, and 20 for 11 points), exact and by
/// trials, merges into the whole sweep's table, YAML, JSON and chart.
#[test]
fn merged_sweeps_are_the_whole_sweep() {
    for (file, range, trials) in [
        ("scenarios/attempt2-acknowledgment.herald", "loss=10%..90%", None),
        ("scenarios/flooding.herald", "copies=1..4", Some("300")),
    ] {
        let files = [bundled(Path::new(file))];
        let mut args = vec!["sweep", file, "--param", range];
        if let Some(n) = trials {
            args.extend(["--trials", n]);
        }
        let mut with_chart = args.clone();
        with_chart.extend(["--chart", "whole.svg"]);
        let mem = Memory::new("").with(file, files[0].1.clone());
        let whole = run_args(std::iter::once("herald").chain(with_chart.iter().copied()), &Env::plain(&mem));
        assert_eq!(whole.code, 0, "{}", whole.stderr());
        let svg = mem.file("whole.svg").expect("the chart");
        let yaml = herald(&[args.as_slice(), &["--format", "yaml"]].concat(), &files);
        let json = herald(&[args.as_slice(), &["--format", "json"]].concat(), &files);
        for m in [1, 2, 3, 7, 20] {
            let parts = shards(&args, m, &files);
            assert_eq!(merge(&parts, "text").stdout(), whole.stdout(), "{file}, {m} slices");
            assert_eq!(merge(&parts, "yaml").stdout(), yaml.stdout(), "{file}, {m} slices");
            assert_eq!(merge(&parts, "json").stdout(), json.stdout(), "{file}, {m} slices");
            let mut mem = Memory::new("");
            for (p, b) in &parts {
                mem = mem.with(p, b.clone());
            }
            let mut a = vec!["herald", "merge", "--chart", "merged.svg"];
            a.extend(parts.iter().map(|(n, _)| n.as_str()).filter(|n| n.starts_with("part-")));
            let o = run_args(a, &Env::plain(&mem));
            assert_eq!(o.stderr(), "chart written to merged.svg\n");
            assert!(mem.file("merged.svg").unwrap() == svg, "{file}, {m} slices: the chart differs");
        }
    }
}

const ACK: &str = "scenarios/attempt2-acknowledgment.herald";

/// The parts of 1000 trials of ACK in `m` slices, with `extra` arguments.
fn ack_parts(m: u64, extra: &[&str]) -> Vec<(String, Vec<u8>)> {
    let files = [bundled(Path::new(ACK))];
    let mut args = vec!["run", ACK, "--trials", "1000"];
    args.extend(extra);
    shards(&args, m, &files)
}

/// `herald merge` of the named parts among `files`: its standard error and exit code.
fn merge_named(files: &[(String, Vec<u8>)], names: &[&str]) -> (String, i32) {
    let mut a = vec!["merge"];
    a.extend(names);
    let o = herald(&a, files);
    assert!(o.stdout().is_empty(), "nothing written when merge refuses");
    (o.stderr(), o.code)
}

#[test]
fn merge_refuses_a_missing_slice() {
    let parts = ack_parts(4, &[]);
    let (err, code) = merge_named(&parts, &["part-0.json", "part-1.yaml", "part-3.yaml"]);
    assert_eq!(code, 3);
    assert!(err.contains("herald::merge::slices") && err.contains("1 of the 4 slices is missing: 2/4"), "{err}");
}

#[test]
fn merge_refuses_a_doubled_slice() {
    let mut parts = ack_parts(2, &[]);
    parts.push(("copy.json".to_string(), parts[1].1.clone()));
    let (err, code) = merge_named(&parts, &["part-0.json", "part-1.yaml", "copy.json"]);
    assert_eq!(code, 3);
    assert!(err.contains("copy.json: slice 0/2 is given twice: here and in part-0.json"), "{err}");
}

/// Parts of another seed, another number of trials, other params, another number of
/// slices, another scenario, another command: each refused, naming the part.
#[test]
fn merge_refuses_foreign_parts() {
    let ours = ack_parts(2, &[]);
    let foreign = |extra: &[&str], m: u64, what: &str| {
        let theirs = ack_parts(m, extra);
        let mut files = ours.clone();
        files.push(("theirs.json".to_string(), theirs[1].1.clone()));
        let (err, code) = merge_named(&files, &["part-0.json", "theirs.json"]);
        assert_eq!(code, 3, "{what}");
        assert!(err.contains("herald::merge::mismatch") && err.contains("theirs.json: "), "{what}: {err}");
        assert!(err.contains(what), "{what}: {err}");
    };
    foreign(&["--seed", "4"], 2, "seed 4, where part-0.json has seed 9");
    foreign(&["--param", "loss=10%"], 2, "params loss=10%, where part-0.json has params (none)");
    foreign(&["--explain", "7"], 2, "--explain 7");
    foreign(&[], 3, "slice 0/3 of 3 slices, where part-0.json has 2 slices");
    // Another number of trials.
    let files = [bundled(Path::new(ACK))];
    let other = shards(&["run", ACK, "--trials", "999"], 2, &files);
    let mut all = ours.clone();
    all.push(("theirs.json".to_string(), other[1].1.clone()));
    let (err, _) = merge_named(&all, &["part-0.json", "theirs.json"]);
    assert!(err.contains("999 trials, where part-0.json has 1000 trials"), "{err}");
    // Another scenario; a sweep's part.
    let one = bundled(Path::new("scenarios/attempt1-single-message.herald"));
    let other = shards(&["run", &one.0, "--trials", "1000"], 2, std::slice::from_ref(&one));
    all.push(("other.json".to_string(), other[1].1.clone()));
    let (err, _) = merge_named(&all, &["part-0.json", "other.json"]);
    assert!(err.contains("other.json: a part of the scenario scenarios/attempt1-single-message.herald"), "{err}");
    let sweep = shards(&["sweep", ACK, "--param", "loss=10%..30%"], 2, &files);
    all.push(("sweep.json".to_string(), sweep[1].1.clone()));
    let (err, _) = merge_named(&all, &["part-0.json", "sweep.json"]);
    assert!(err.contains("sweep.json: a part of herald sweep, where part-0.json has herald run --trials"), "{err}");
}

/// A part changed by hand (a count, the scenario's text, the seed) is refused, as is a
/// file that is no part; a part of another herald version is refused as such.
#[test]
fn merge_refuses_edited_parts() {
    let parts = ack_parts(2, &[]);
    let edit = |from: &str, to: &str| {
        let mut files = parts.clone();
        // (files[0] is the scenario, then part-0.json, part-1.yaml.)
        let text = String::from_utf8(files[2].1.clone()).unwrap();
        assert!(text.contains(from), "{from} in\n{text}");
        files[2].1 = text.replacen(from, to, 1).into_bytes();
        merge_named(&files, &["part-0.json", "part-1.yaml"])
    };
    for (from, to) in [("trials: 488", "trials: 487"), ("seed: 9", "seed: 10"), ("Attempt 2", "Attempt 3")] {
        let (err, code) = edit(from, to);
        assert_eq!(code, 3);
        assert!(err.contains("herald::merge::edited") && err.contains("part-1.yaml: its checksum"), "{from}: {err}");
    }
    let (err, code) = edit("version: 0.1.0", "version: 0.0.9");
    assert_eq!(code, 3);
    assert!(err.contains("part-1.yaml: written by herald 0.0.9"), "{err}");
    let (err, _) = edit("herald_part: 2", "herald_part: 3");
    assert!(err.contains("a part of schema version 3"), "{err}");
    let mut files = parts.clone();
    files.push(("notes.txt".to_string(), b"hello".to_vec()));
    let (err, code) = merge_named(&files, &["part-0.json", "notes.txt"]);
    assert_eq!(code, 3);
    assert!(err.contains("herald::merge::unreadable") && err.contains("notes.txt: not a part"), "{err}");
}

/// Counts that do not fit the scenario, in a part whose checksum was made to match, are
/// refused without a panic.
#[test]
fn merge_refuses_forged_counts_that_do_not_fit() {
    let parts = ack_parts(2, &[]);
    let text = String::from_utf8(parts[1].1.clone()).unwrap();
    let mut part: herald::shard::Part = serde_json::from_str(&text).unwrap();
    let herald::shard::Work::Trials(t) = &mut part.work else { panic!("a trials part") };
    t.tally.fates.push(vec![0; 5]);
    let source = t.source.clone();
    let forged = herald::shard::Part::new(&part.scenario, &source, part.shard, part.work.clone());
    let mut files = parts.clone();
    files[1].1 = forged.to_text(true).into_bytes();
    let (err, code) = merge_named(&files, &["part-0.json", "part-1.yaml"]);
    assert_eq!(code, 3);
    assert!(err.contains("its counts do not fit the scenario (fates of 3 generals; the scenario has 2)"), "{err}");
}

#[test]
fn a_shard_is_written_as_json_or_yaml_and_names_an_existing_slice() {
    let files = [bundled(Path::new(ACK))];
    let text = herald(&["run", ACK, "--trials", "10", "--shard", "0/2"], &files);
    assert_eq!(text.code, 2);
    assert!(text.stderr().contains("add --format json"), "{}", text.stderr());
    let past = herald(&["run", ACK, "--trials", "10", "--shard", "2/2", "--format", "json"], &files);
    assert_eq!(past.code, 2);
    assert!(past.stderr().contains("slices are numbered from 0 to 1"), "{}", past.stderr());
}

/// The README's GNU parallel recipe, run as written (in a scratch folder holding the
/// scenario), gives the report of the whole run. Without `parallel` installed the test
/// passes with a note, unless HERALD_REQUIRE_PARALLEL=1 (as `.ci/run` sets).
#[test]
fn the_readme_gnu_parallel_recipe_runs_as_written() {
    // (Debian's moreutils has a `parallel` of its own, with other arguments.)
    let found = std::process::Command::new("parallel")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("GNU parallel"));
    if !found {
        assert!(
            std::env::var("HERALD_REQUIRE_PARALLEL").as_deref() != Ok("1"),
            "GNU parallel is not installed, or `parallel` is not GNU parallel (HERALD_REQUIRE_PARALLEL=1): \
             apt-get install parallel"
        );
        #[allow(clippy::print_stderr, reason = "a skipped test says so in the test's output")]
        {
            eprintln!("note: GNU parallel is not installed; the README's recipe was not run");
        }
        return;
    }
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let recipe = readme
        .split_once("<!-- recipe: gnu-parallel -->\n```sh\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("README.md has the GNU parallel recipe")
        .0;
    let dir = common::temp_dir("shard", "parallel");
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    std::fs::copy(common::root().join(ACK), dir.join(ACK)).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_herald")).parent().unwrap().to_owned();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let run = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", recipe])
        .current_dir(&dir)
        .env("PATH", &path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(run.status.success(), "the recipe failed:\n{}", String::from_utf8_lossy(&run.stderr));
    // The whole run, on one machine, with the recipe's FILE and N.
    let var = |name: &str| {
        recipe
            .split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("the recipe sets {name}"))
            .to_string()
    };
    let (file, n) = (var("FILE"), var("N"));
    let whole = common::herald_at(&dir, &["run", &file, "--trials", &n], None, &[("NO_COLOR", "1")]);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let merged = std::fs::read_to_string(dir.join("report.txt")).expect("the recipe writes report.txt");
    assert_eq!(merged, whole.stdout);
    let parts = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("part-"))
        .count();
    assert_eq!(parts.to_string(), var("M"), "one part per slice");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A possible outcome, with its fewest captures, crashes and ticks.
type Possible = (String, u64, u64, u64);

/// What an exploration's JSON report says: each possible outcome with its fewest
/// captures, crashes and ticks; the impossible outcomes.
fn verdicts(json: &str) -> (Vec<Possible>, Vec<String>) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let possible = v["possible"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let n = |k: &str| p[k].as_u64().unwrap_or(0);
            (p["outcome"].as_str().unwrap().to_string(), n("captures"), n("crashes"), n("ticks"))
        })
        .collect();
    let never = v["impossible"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
    (possible, never)
}

/// The report without its count of states (a merged search counts each part's).
fn without_states(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v.as_object_mut().unwrap().remove("states");
    v
}

/// The text report without its header's count of states.
fn text_without_states(text: &str) -> String {
    text.lines().filter(|l| !l.contains("distinct states")).collect::<Vec<_>>().join("\n")
}

/// On every bundled scenario, exercise and solution, the adversary's search cut into 1,
/// 2, 3 and 7 parts of its first choices and merged gives the whole search's verdicts,
/// each possible outcome at the whole search's fewest captures (and ticks), and, among
/// equally cheap witnesses, the whole search's: the merged report is the whole one's, in
/// JSON and in text, but for the count of states.
#[test]
fn merged_explorations_give_the_whole_search_s_verdicts_on_every_bundled_scenario() {
    let mut compared = 0;
    for path in common::every_bundled() {
        let file = bundled(&path);
        let name = file.0.clone();
        let files = [file];
        let args = ["explore", name.as_str()];
        let whole = herald(&[args.as_slice(), &["--format", "json"]].concat(), &files);
        assert_eq!(whole.code, 0, "{name}: {}", whole.stderr());
        let expected = verdicts(&whole.stdout());
        let whole_text = herald(&args, &files);
        for m in [1, 2, 3, 7] {
            let parts = shards(&args, m, &files);
            let merged = merge(&parts, "json");
            assert_eq!(merged.code, 0, "{name}, {m} parts: {}", merged.stderr());
            assert_eq!(verdicts(&merged.stdout()), expected, "{name}, {m} parts");
            assert_eq!(without_states(&merged.stdout()), without_states(&whole.stdout()), "{name}, {m} parts");
            let text = merge(&parts, "text");
            assert_eq!(
                text_without_states(&text.stdout()),
                text_without_states(&whole_text.stdout()),
                "{name}, {m} parts: the text report"
            );
            compared += 1;
        }
    }
    assert!(compared >= 30 * 4, "{compared} merged explorations compared");
}

/// A part that stops at its bound is written, says so, and the merge says what is
/// possible (found by the parts that finished) and what is unknown, never "never".
#[test]
fn merged_explorations_with_an_unfinished_part_say_what_is_unknown() {
    let file = "scenarios/majority-3-of-5.herald";
    let files = [bundled(Path::new(file))];
    let mut found_unknown = false;
    for max in ["50", "200", "1000", "5000"] {
        let parts = shards(&["explore", file, "--max-states", max], 3, &files);
        let merged = merge(&parts, "text");
        if merged.code == 0 {
            assert!(!merged.stdout().contains("unknown"));
            continue;
        }
        assert_eq!(merged.code, 4, "{}", merged.stderr());
        let out = merged.stdout();
        assert!(out.contains("not all finished") && out.contains("unfinished parts:"), "{out}");
        assert!(out.contains("  unknown "), "{out}");
        found_unknown = true;
    }
    assert!(found_unknown, "some bound stops a part");
}
