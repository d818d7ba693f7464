//! The adversary (`herald explore`), replay files, knowledge depth and counterfactuals, as a
//! user meets them through the command line.

use serde_json::Value;

mod common;
use common::Out;

fn herald(args: &[&str]) -> Out {
    common::herald_plain(args, None)
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = herald(&all);
    assert_eq!(out.code, 0, "herald {args:?} failed: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON output")
}

fn possible<'a>(report: &'a Value, outcome: &str) -> Option<&'a Value> {
    report["possible"].as_array().unwrap().iter().find(|p| p["outcome"] == outcome)
}

fn impossible(report: &Value) -> Vec<String> {
    report["impossible"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

/// The timeline events of a run report with the given kind.
fn events<'a>(run: &'a Value, kind: &str) -> Vec<&'a Value> {
    run["timeline"].as_array().unwrap().iter().filter(|e| e["event"] == kind).collect()
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    herald::report::trials::thousands(n)
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    common::temp_dir("adversary", name)
}

#[test]
fn regress_at_every_depth_can_be_defeated_by_capturing_only_the_last_messenger() {
    for depth in 1..=8 {
        let param = format!("depth={depth}");
        let r = json(&["explore", "scenarios/regress.herald", "--param", &param]);
        let w = possible(&r, "defeat").unwrap_or_else(|| panic!("depth {depth}: defeat must be possible"));
        assert_eq!(w["captures"], 1, "depth {depth}: the witness captures one messenger");
        let run = &w["run"];
        let sends = events(run, "send");
        let captures = events(run, "capture");
        assert_eq!(captures.len(), 1, "depth {depth}");
        // Every messenger but the last was delivered: the chain ran to its end.
        assert_eq!(sends.len(), depth, "depth {depth}: the whole chain was sent");
        let last = sends.last().unwrap();
        assert_eq!(captures[0]["messenger"], last["messenger"], "depth {depth}");
        assert_eq!(captures[0]["channel"], last["channel"], "depth {depth}");
        assert_eq!(events(run, "deliver").len(), depth - 1, "depth {depth}");
        assert_eq!(run["outcome"]["result"], "defeat");
        // The last messenger, had it arrived, would have given victory.
        let changes = run["what_if"]["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "depth {depth}");
        assert_eq!(changes[0]["outcome"], "victory");
        assert_eq!(changes[0]["messenger"], last["messenger"]);
        // Knowledge: the general that got the last delivered messenger is at depth
        // `depth`, the other one short of it.
        let mut depths: Vec<u64> =
            run["decisions"].as_array().unwrap().iter().map(|d| d["knowledge"]["depth"].as_u64().unwrap()).collect();
        depths.sort();
        let d = depth as u64;
        // (At depth 1 the only messenger is captured: B never learns the plan.)
        assert_eq!(depths, if d == 1 { vec![0, 1] } else { vec![d - 1, d] }, "depth {depth}");
        // And victory is possible too (nothing captured), so defeat is the adversary's doing.
        assert_eq!(possible(&r, "victory").unwrap()["captures"], 0, "depth {depth}");
    }
}

#[test]
fn flooding_with_any_number_of_copies_can_be_defeated() {
    for copies in [1, 2, 3, 5, 8, 12] {
        let param = format!("copies={copies}");
        let r = json(&["explore", "scenarios/flooding.herald", "--param", &param]);
        let w = possible(&r, "defeat").unwrap_or_else(|| panic!("copies {copies}: defeat must be possible"));
        // Every copy must fall: the fewest captures that make a defeat is all of them.
        assert_eq!(w["captures"], copies, "copies {copies}");
        assert!(impossible(&r).contains(&"no-attack".to_string()), "A always attacks");
        assert_eq!(possible(&r, "victory").unwrap()["captures"], 0);
    }
}

#[test]
fn a_protocol_in_which_nobody_attacks_is_proven_never_defeated() {
    let src = "scenario \"Cautious\"\ntime dawn = 5\nchannel A <-> B { delay 1..2\n lose 1 in 2 }\n\
               general A {\n  on start { send plan to B }\n  decide at dawn: wait\n}\n\
               general B {\n  on receive plan from A { send ack to A }\n  decide at dawn: wait\n}\n";
    let dir = temp_dir("cautious");
    let file = dir.join("cautious.herald");
    std::fs::write(&file, src).unwrap();
    let r = json(&["explore", file.to_str().unwrap()]);
    let never = impossible(&r);
    assert!(never.contains(&"defeat".to_string()), "{never:?}");
    assert!(never.contains(&"victory".to_string()), "{never:?}");
    assert!(possible(&r, "no-attack").is_some());
    // The proof says what it covered.
    assert!(r["bound"].as_str().unwrap().contains("horizon"), "{}", r["bound"]);
    assert!(r["states"].as_u64().unwrap() > 1);
    let text = herald(&["explore", file.to_str().unwrap()]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("never"), "{}", text.stdout);
}

#[test]
fn two_phase_commit_with_a_crashed_coordinator_blocks_its_participants() {
    let r = json(&["explore", "scenarios/two-phase-commit-crash.herald"]);
    let w = possible(&r, "blocked").expect("blocked participants are possible");
    let blocked = w["run"]["outcome"]["blocked"].as_array().unwrap();
    assert!(!blocked.is_empty());
    assert!(blocked.iter().all(|g| g.as_str().unwrap().starts_with('P')), "{blocked:?}");
    // The coordinator that recovers and asks again releases them, whatever the delays.
    let r = json(&["explore", "scenarios/two-phase-commit-recovery.herald"]);
    assert!(impossible(&r).contains(&"blocked".to_string()), "{:?}", impossible(&r));
    let v = possible(&r, "victory").expect("victory");
    assert!(events(&v["run"], "recover").len() == 1);
    // Without the crash, the lossless 2PC never blocks and always wins.
    let r = json(&["explore", "scenarios/two-phase-commit.herald"]);
    assert_eq!(impossible(&r), vec!["defeat", "no-attack", "blocked"]);
    assert_eq!(possible(&r, "victory").unwrap()["captures"], 0);
}

#[test]
fn a_seeded_run_and_its_replay_print_the_same_bytes() {
    let dir = temp_dir("seeded");
    for file in common::herald_files("scenarios") {
        let file = file.to_str().unwrap().to_string();
        let replay = dir.join("run.replay.yaml");
        let replay = replay.to_str().unwrap();
        for seed in ["1", "7"] {
            for format in ["text", "yaml", "json"] {
                let first = herald(&["run", &file, "--seed", seed, "--format", format, "--save-replay", replay]);
                assert_eq!(first.code, 0, "{file}: {}", first.stderr);
                let again = herald(&["run", &file, "--replay", replay, "--format", format]);
                assert_eq!(again.code, 0, "{file}: {}", again.stderr);
                assert_eq!(first.stdout, again.stdout, "{file} seed {seed} {format}: the replay differs");
            }
        }
    }
}

#[test]
fn explore_witnesses_and_analyze_runs_replay_as_reported() {
    let dir = temp_dir("witness");
    let d = dir.to_str().unwrap();
    let r = json(&["explore", "scenarios/attempt3-ack-of-ack.herald", "--save-replays", d]);
    for w in r["possible"].as_array().unwrap() {
        let outcome = w["outcome"].as_str().unwrap();
        let replay = dir.join(format!("{outcome}.replay.yaml"));
        let again = json(&["run", "scenarios/attempt3-ack-of-ack.herald", "--replay", replay.to_str().unwrap()]);
        assert_eq!(again, w["run"], "the {outcome} witness replays as explore showed it");
    }
    let adir = temp_dir("analyze");
    let a = json(&["analyze", "scenarios/attempt2-acknowledgment.herald", "--save-replays", adir.to_str().unwrap()]);
    let runs = a["most_likely"].as_array().unwrap();
    assert!(!runs.is_empty());
    for m in runs {
        let outcome = m["outcome"].as_str().unwrap();
        let replay = adir.join(format!("{outcome}.replay.yaml"));
        let again = json(&["run", "scenarios/attempt2-acknowledgment.herald", "--replay", replay.to_str().unwrap()]);
        assert_eq!(again, m["run"], "the most likely {outcome} run replays as analyze showed it");
    }
}

#[test]
fn a_replay_that_no_longer_fits_its_scenario_is_refused() {
    let dir = temp_dir("stale");
    let scenario = dir.join("ack.herald");
    let original =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/attempt2-acknowledgment.herald"))
            .unwrap();
    std::fs::write(&scenario, &original).unwrap();
    let replay = dir.join("ack.replay.yaml");
    let (s, r) = (scenario.to_str().unwrap(), replay.to_str().unwrap());
    assert_eq!(herald(&["run", s, "--save-replay", r]).code, 0);
    assert_eq!(herald(&["run", s, "--replay", r]).code, 0);
    // Edited since: the fingerprint no longer matches.
    std::fs::write(&scenario, original.replace("lose loss", "lose 10%")).unwrap();
    let out = herald(&["run", s, "--replay", r]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("herald::replay::stale"), "{}", out.stderr);
    // The replay carries the params it was made with: no other can be given.
    std::fs::write(&scenario, &original).unwrap();
    let out = herald(&["run", s, "--replay", r, "--param", "loss=10%"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    // A replay file that is not one.
    std::fs::write(&replay, "choices: [1, 2\n").unwrap();
    let out = herald(&["run", s, "--replay", r]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn knowledge_depth_follows_the_chain_of_delivered_messengers() {
    // attempt 2, seed 9: the plan arrives, the ack is captured.
    let r = json(&["run", "scenarios/attempt2-acknowledgment.herald"]);
    let k = |g: usize| &r["decisions"][g]["knowledge"];
    assert_eq!(k(0)["depth"], 1);
    assert_eq!(k(0)["says"], "A knows the plan, but not whether anyone else does");
    assert_eq!(k(1)["depth"], 2);
    assert_eq!(k(1)["says"], "B knows that A knows the plan");
    assert_eq!(k(1)["chain"][0]["arrived"], 1);
    // The regress with nothing captured: the general at the end of a chain of d
    // acknowledgments is at depth d + 1.
    let dir = temp_dir("knowledge");
    let replay = dir.join("none-captured.yaml");
    let witness =
        json(&["explore", "scenarios/regress.herald", "--param", "depth=6", "--save-replays", dir.to_str().unwrap()]);
    let v = possible(&witness, "victory").unwrap();
    std::fs::rename(dir.join("victory.replay.yaml"), &replay).unwrap();
    let mut depths: Vec<u64> =
        v["run"]["decisions"].as_array().unwrap().iter().map(|d| d["knowledge"]["depth"].as_u64().unwrap()).collect();
    depths.sort();
    assert_eq!(depths, vec![6, 7]);
    let text = herald(&["run", "scenarios/regress.herald", "--replay", replay.to_str().unwrap()]);
    assert!(
        text.stdout.contains("knows: A knows that B knows that A knows that … that A knows the plan (depth 7)"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("(6 messengers in all)"), "{}", text.stdout);
}

#[test]
fn counterfactuals_name_the_messenger_that_would_have_changed_the_outcome() {
    let out = herald(&["run", "scenarios/attempt2-acknowledgment.herald"]);
    assert!(out.stdout.contains("What if\n  had ack #1 on B -> A (sent at tick 1) arrived: victory"), "{}", out.stdout);
    // Flooding, seed 1: both copies captured; either one alone would have been enough.
    let r = json(&["run", "scenarios/flooding.herald", "--seed", "1"]);
    assert_eq!(r["outcome"]["result"], "defeat");
    let changes = r["what_if"]["changes"].as_array().unwrap();
    assert_eq!(r["what_if"]["tried"], 2);
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(|c| c["outcome"] == "victory"));
    // Two messengers both needed: delivering either one alone changes nothing.
    let src = "time dawn = 5\nchannel A -> B { delay 1\n lose 1 in 2 }\n\
               general A {\n  on start { send plan to B\n send confirm to B }\n  decide at dawn: attack\n}\n\
               general B {\n  decide at dawn: attack if received plan from A and received confirm from A\n}\n";
    let dir = temp_dir("both");
    let file = dir.join("both.herald");
    std::fs::write(&file, src).unwrap();
    let f = file.to_str().unwrap();
    let seed = (0..64)
        .map(|s| s.to_string())
        .find(|s| {
            json(&["run", f, "--seed", s])["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["event"] == "capture")
                .count()
                == 2
        })
        .expect("a seed under which both are captured");
    let r = json(&["run", f, "--seed", &seed]);
    assert_eq!(r["outcome"]["result"], "defeat");
    assert_eq!(r["what_if"]["tried"], 2);
    assert!(r["what_if"]["changes"].as_array().unwrap().is_empty());
    let text = herald(&["run", f, "--seed", &seed]);
    assert!(
        text.stdout.contains("had any one of the captured messengers arrived, the outcome would have been the same"),
        "{}",
        text.stdout
    );
    // A victory has no counterfactuals.
    let r = json(&["run", "scenarios/flooding.herald", "--seed", "0"]);
    assert_eq!(r["outcome"]["result"], "victory");
    assert!(r.get("what_if").is_none());
}

/// The what-if pass is bounded: at most 64 captured messengers, and its runs together at
/// most 8 times the run's events (at least 250,000, at most 2,000,000). Either bound, when
/// it cuts the pass short, is said in the report; a long run used to get 64 re-runs, 60
/// times its own cost (an `every 2` send at 99% loss, horizon 80,000: 5 s).
#[test]
fn counterfactuals_stop_at_their_bounds_and_say_so() {
    let dir = temp_dir("bounds");
    let captures = |r: &Value| events(r, "capture").len() as u64;
    // A hundred copies at 90% loss, in a small run: 64 of the captured ones are tried.
    let many = dir.join("many.herald");
    std::fs::write(
        &many,
        "channel A -> B { lose 90% }
general A {
  on start { send plan to B 100 times }
  decide at 5: attack
}
         general B {
  decide at 5: attack if count received plan >= 50
}
",
    )
    .unwrap();
    let f = many.to_str().unwrap();
    let r = json(&["run", f]);
    let w = &r["what_if"];
    assert_eq!(w["tried"], 64, "{w}");
    assert_eq!(w["untried"]["count"].as_u64().unwrap() + 64, captures(&r), "{w}");
    assert_eq!(w["untried"]["why"], "at most 64 captured messengers are tried", "{w}");
    let text = herald(&["run", f]).stdout;
    assert!(text.contains("had any one of the 64 captured messengers tried arrived"), "{text}");
    assert!(text.contains(" more captured messengers: at most 64 captured messengers are tried\n"), "{text}");
    // A long run (about 40,000 events): its re-runs stop at 8 times its events.
    let long = dir.join("long.herald");
    std::fs::write(
        &long,
        "horizon 20000\nchannel A -> B { lose 99% }\ngeneral A {\n  every 1 { send ping to B }\n  decide at 20000: wait\n}\n\
         general B {\n  decide at 20000: attack if received ping from A\n}\n",
    )
    .unwrap();
    let f = long.to_str().unwrap();
    let r = json(&["run", f]);
    let w = &r["what_if"];
    let tried = w["tried"].as_u64().unwrap();
    assert!((1..=8).contains(&tried), "{w}");
    // (The timeline leaves out a capture due after the run's last tick.)
    let all = w["untried"]["count"].as_u64().unwrap() + tried;
    assert!((captures(&r)..=captures(&r) + 1).contains(&all), "{w}");
    let why = w["untried"]["why"].as_str().unwrap();
    assert!(
        why.starts_with("the what-if runs together stop at ")
            && why.ends_with(" events (8 times this run's, between 250,000 and 2,000,000)"),
        "{why}"
    );
    let text = herald(&["run", f]).stdout;
    assert!(
        text.contains(&format!("  not tried: {} more captured messengers: the what-if", thousands(all - tried))),
        "{text}"
    );
    // The YAML says the same.
    let yaml = herald(&["run", f, "--format", "yaml"]).stdout;
    assert!(yaml.contains(&format!("  tried: {tried}\n  untried:\n    count: ")), "{yaml}");
}

#[test]
fn flp_waiting_never_disagrees_but_can_block_and_a_deadline_terminates_but_can_disagree() {
    // Waiting for every proposal: safety kept, liveness lost.
    let r = json(&["explore", "scenarios/consensus-wait-for-all.herald"]);
    let never = impossible(&r);
    assert!(never.contains(&"disagreement".to_string()), "{never:?}");
    let w = possible(&r, "undecided").expect("a replica can wait forever");
    assert_eq!(w["captures"], 1);
    let run = &w["run"];
    let captured = events(run, "capture");
    assert_eq!(captured.len(), 1);
    // Step by step: the one captured proposal's receiver is the one left undecided, and
    // every replica that did commit committed the lowest price.
    let blocked = run["outcome"]["blocked"].as_array().unwrap();
    assert_eq!(blocked.len(), 1);
    assert_eq!(blocked[0], captured[0]["to"]);
    for c in run["outcome"]["committed"].as_array().unwrap() {
        assert_eq!(c["value"], "1000");
    }
    assert_eq!(r["flp"]["agreement"]["holds"], true);
    assert_eq!(r["flp"]["termination"]["holds"], false);
    assert_eq!(r["flp"]["termination"]["captures"], 1);
    // Committing at a deadline: liveness kept, safety lost.
    let r = json(&["explore", "scenarios/consensus-timeout.herald"]);
    assert_eq!(r["flp"]["agreement"]["holds"], false);
    assert_eq!(r["flp"]["agreement"]["broken_by"], "disagreement");
    assert_eq!(r["flp"]["termination"]["holds"], true);
    assert!(impossible(&r).contains(&"undecided".to_string()));
    let w = possible(&r, "disagreement").expect("a replica can miss the lowest price");
    assert_eq!(w["captures"], 1);
    let run = &w["run"];
    let captured = events(run, "capture");
    assert_eq!(captured[0]["message"], "propose(1000)");
    let missed = captured[0]["to"].as_str().unwrap();
    let committed = run["outcome"]["committed"].as_array().unwrap();
    let theirs = committed.iter().find(|c| c["general"] == missed).unwrap();
    assert_ne!(theirs["value"], "1000", "the replica that missed 1000 kept a higher price");
    assert!(committed.iter().filter(|c| c["general"] != missed).all(|c| c["value"] == "1000"));
    // And the counterfactual names the captured proposal.
    let changes = run["what_if"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["outcome"], "agreement");
}

#[test]
fn a_majority_stays_undecided_while_the_partition_lasts_and_decides_after() {
    let r = json(&["run", "scenarios/majority-partition-heals.herald"]);
    assert_eq!(r["outcome"]["result"], "victory");
    // Nobody decides before the partition heals at tick 20.
    for d in events(&r, "decide") {
        assert!(d["tick"].as_u64().unwrap() > 20, "{d}");
    }
    let e = json(&["explore", "scenarios/majority-partition-heals.herald"]);
    assert_eq!(impossible(&e), vec!["defeat", "no-attack", "blocked"]);
}

#[test]
fn the_adversary_crashes_the_worst_replica_at_the_worst_moment() {
    let r = json(&["explore", "scenarios/consensus-one-crash.herald"]);
    assert!(impossible(&r).contains(&"disagreement".to_string()));
    let w = possible(&r, "undecided").expect("one crash blocks the others");
    assert_eq!(w["captures"], 0);
    assert_eq!(w["crashes"], 1);
    let crashes = events(&w["run"], "crash");
    assert_eq!(crashes.len(), 1);
    // At tick 0, before its proposal leaves.
    assert_eq!(crashes[0]["tick"], 0);
    assert!(crashes[0]["by"].as_str().unwrap().starts_with("crash any 1 of"));
    assert_eq!(r["flp"]["agreement"]["holds"], true);
    assert_eq!(r["flp"]["termination"]["holds"], false);
    assert_eq!(r["flp"]["termination"]["crashes"], 1);
    assert_eq!(r["flp"]["crash_any"], 1);
}

#[test]
fn lazy_delivery_finds_what_every_combination_of_delays_finds() {
    use herald::analysis::explore::{Reach, explore_with};
    use herald::sim::{Script, Sim};
    for path in common::herald_files("scenarios") {
        let name = path.display().to_string();
        let path = common::root().join(path);
        let l = herald::load(&name, &std::fs::read(&path).unwrap(), &[]).unwrap();
        let (Ok(lazy), Ok(eager)) = (
            explore_with(&l.model, 1_000_000, false, true, true),
            explore_with(&l.model, 1_000_000, false, false, true),
        ) else {
            continue;
        };
        let keys = |e: &herald::analysis::explore::Explored| e.reached.keys().cloned().collect::<Vec<Reach>>();
        assert_eq!(keys(&lazy), keys(&eager), "{name}: the same things are possible");
        for (r, w) in &lazy.reached {
            let e = &eager.reached[r];
            assert_eq!((w.captures, w.ticks), (e.captures, e.ticks), "{name}: {r:?}: the same shortest witness");
            // The lazy witness, turned into ordinary choices, replays to what it reached.
            let mut sim = Sim::new(&l.model, herald::sim::Mode::Plain);
            sim.run(&mut Script::new(&w.choices)).unwrap();
            assert_eq!(sim.state().now, w.ticks, "{name}: {r:?}");
            if let Reach::Outcome(i) = r {
                assert_eq!(herald::analysis::trials::outcome_index(sim.outcome()), *i, "{name}");
            }
        }
    }
}

/// Forgetting senders and using symmetry (the state key's reductions) changes nothing the
/// adversary finds: the same things possible, shortest witnesses of the same cost, each
/// replaying to what it reached — on every bundled scenario and exercise, lazy and eager.
#[test]
fn the_state_reductions_change_nothing_the_adversary_finds() {
    use herald::analysis::explore::{Reach, explore_with};
    use herald::sim::{Script, Sim};
    let files = common::every_bundled();
    let mut compared = 0;
    for path in files {
        let name = path.display().to_string();
        let l = herald::load(&name, &std::fs::read(common::root().join(&path)).unwrap(), &[]).unwrap();
        for lazy in [true, false] {
            let (Ok(plain), Ok(reduced)) = (
                explore_with(&l.model, 300_000, false, lazy, false),
                explore_with(&l.model, 300_000, false, lazy, true),
            ) else {
                continue;
            };
            compared += 1;
            let keys = |e: &herald::analysis::explore::Explored| e.reached.keys().cloned().collect::<Vec<Reach>>();
            assert_eq!(keys(&plain), keys(&reduced), "{name}: the same things are possible");
            assert!(reduced.states <= plain.states, "{name}: {} > {}", reduced.states, plain.states);
            for (r, w) in &reduced.reached {
                let p = &plain.reached[r];
                assert_eq!((w.captures, w.ticks), (p.captures, p.ticks), "{name}: {r:?}: as short a witness");
                let mut sim = Sim::new(&l.model, herald::sim::Mode::Plain);
                sim.run(&mut Script::new(&w.choices)).unwrap();
                assert_eq!(sim.state().now, w.ticks, "{name}: {r:?}");
                match r {
                    Reach::Outcome(i) => {
                        assert_eq!(herald::analysis::trials::outcome_index(sim.outcome()), *i, "{name}")
                    }
                    Reach::Blocked => assert!(sim.blocked(), "{name}"),
                    // A general's own fate, also when its witness is the mirror image of
                    // another's (symmetry).
                    Reach::Fate(g, f) => {
                        assert_eq!(herald::analysis::trials::fate_index(&sim, *g as usize), *f, "{name}: {r:?}")
                    }
                    Reach::Commit(g, v) => assert_eq!(
                        sim.state().decisions[*g as usize].map(|d| d.what),
                        Some(herald::sim::Decided::Commit(*v)),
                        "{name}: {r:?}"
                    ),
                }
            }
        }
    }
    assert!(compared >= 20, "only {compared} searches compared");
}

/// `explore --fixed-delays` says in its header that delays are fixed, not choices (issue
/// 16, item 14: it said every delay was a choice); YAML and JSON say `fixed_delays: true`.
#[test]
fn fixed_delays_are_not_called_choices() {
    let file = "scenarios/attempt2-acknowledgment.herald";
    let fixed = herald(&["explore", file, "--fixed-delays"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    let header = fixed.stdout.lines().nth(1).unwrap();
    assert!(
        header.contains(
            "the adversary's view: every probabilistic loss and `crash any` is a choice, every delay its smallest value"
        ),
        "{header}"
    );
    let chosen = herald(&["explore", file]);
    let header = chosen.stdout.lines().nth(1).unwrap();
    assert!(header.contains("every probabilistic loss, delay and `crash any` is a choice"), "{header}");
    assert_eq!(json(&["explore", file, "--fixed-delays"])["fixed_delays"], true);
    assert!(json(&["explore", file]).get("fixed_delays").is_none());
}
