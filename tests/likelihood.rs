//! How likely: exact answers against closed forms derived by hand, trials against exact
//! answers, and results that do not depend on the number of threads.

use herald::analysis::exact::{self, Exact};
use herald::analysis::trials::{self, OUTCOMES, Tally, outcome_index};
use herald::check::Model;
use herald::syntax::ast::Outcome;
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

mod common;

fn load(src: &str, params: &[&str]) -> herald::Loaded {
    let params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
    herald::load("test.herald", src.as_bytes(), &params).unwrap_or_else(|f| panic!("does not load: {:#?}", f.diags))
}

fn bundled(name: &str) -> String {
    std::fs::read_to_string(format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn exact(m: &Model) -> Exact {
    exact::analyze(m, 1_000_000, None).expect("enumerable")
}

fn p(e: &Exact, o: Outcome) -> BigRational {
    e.outcomes[outcome_index(o)].clone()
}

fn r(num: i64, den: i64) -> BigRational {
    BigRational::new(BigInt::from(num), BigInt::from(den))
}

fn pow(x: &BigRational, k: u32) -> BigRational {
    (0..k).fold(r(1, 1), |acc, _| acc * x)
}

fn choose(n: u32, k: u32) -> BigRational {
    let mut c = r(1, 1);
    for i in 0..k {
        c *= r((n - i) as i64, (i + 1) as i64);
    }
    c
}

// ---------------------------------------------------------------- closed forms

const FLOOD: &str = "param copies = 1
    param loss = 1 in 2
    time dawn = 5
    channel A -> B { delay 1  lose loss }
    general A { on start { send plan to B copies times } decide at dawn: attack }
    general B { decide at dawn: attack if received plan from A }";

#[test]
fn flooding_is_one_minus_p_to_the_k() {
    for (loss, pn, pd) in [("1 in 2", 1, 2), ("1 in 3", 1, 3), ("90%", 9, 10)] {
        for k in 1..=6u32 {
            let l = load(FLOOD, &[&format!("copies={k}"), &format!("loss={loss}")]);
            let e = exact(&l.model);
            let lost = pow(&r(pn, pd), k);
            assert_eq!(p(&e, Outcome::Victory), r(1, 1) - &lost, "loss {loss}, {k} copies");
            assert_eq!(p(&e, Outcome::Defeat), lost);
        }
    }
    // The bundled file says the same.
    let e = exact(&load(&bundled("flooding.herald"), &["copies=3"]).model);
    assert_eq!(p(&e, Outcome::Victory), r(7, 8));
}

#[test]
fn one_acknowledgment() {
    // A attacks iff the plan and the ack arrive; B iff the plan arrives.
    for (loss, pn, pd) in [("50%", 1, 2), ("1 in 3", 1, 3), ("0.1", 1, 10)] {
        let e = exact(&load(&bundled("attempt2-acknowledgment.herald"), &[&format!("loss={loss}")]).model);
        let lost = r(pn, pd);
        let kept = r(1, 1) - &lost;
        assert_eq!(p(&e, Outcome::Victory), &kept * &kept, "loss {loss}");
        assert_eq!(p(&e, Outcome::Defeat), &kept * &lost);
        assert_eq!(p(&e, Outcome::NoAttack), lost);
    }
}

#[test]
fn the_ack_chain_of_depth_d() {
    // Acks 1..d go back and forth; K, the number delivered before the first capture, has
    // P(K = k) = q^k p (k < d) and P(K = d) = q^d. Each general attacks once it has the
    // last or the one before last of the acks it receives: victory iff K = d, defeat iff
    // K = d - 1, no attack otherwise.
    let q = r(1, 2);
    for d in 2..=7u32 {
        let e = exact(&load(&bundled("regress.herald"), &[&format!("depth={d}")]).model);
        assert_eq!(p(&e, Outcome::Victory), pow(&q, d), "depth {d}");
        assert_eq!(p(&e, Outcome::Defeat), pow(&q, d - 1) * (r(1, 1) - &q), "depth {d}");
        assert_eq!(p(&e, Outcome::NoAttack), r(1, 1) - pow(&q, d - 1), "depth {d}");
    }
}

/// The closed form of the bundled 3-of-5 majority: each general hears each of the 4
/// others with probability 4/5, independently, and attacks with 2 or more votes heard
/// (3 with its own). Victory: 3 or more attack; defeat: 1 or 2.
fn majority_closed_form() -> [BigRational; 3] {
    let q = r(4, 5);
    let a: BigRational = (2..=4).map(|j| choose(4, j) * pow(&q, j) * pow(&(r(1, 1) - &q), 4 - j)).sum();
    let b = r(1, 1) - &a;
    let between =
        |lo: u32, hi: u32| -> BigRational { (lo..=hi).map(|j| choose(5, j) * pow(&a, j) * pow(&b, 5 - j)).sum() };
    [between(3, 5), between(1, 2), between(0, 0)]
}

#[test]
fn three_of_five_majority_exactly() {
    // 20 messengers in one tick, each captured or delayed 1 or 2 ticks: enumerable only
    // because the analysis merges states between messengers, forgets which voter a vote
    // came from, and treats the five voters as interchangeable (tens of thousands of
    // states instead of 3^20 runs).
    let l = load(&bundled("majority-3-of-5.herald"), &[]);
    let e = exact(&l.model);
    let [victory, defeat, none] = majority_closed_form();
    assert_eq!(p(&e, Outcome::Victory), victory);
    assert_eq!(p(&e, Outcome::Defeat), defeat);
    assert_eq!(p(&e, Outcome::NoAttack), none);
    // Each voter attacks when it hears 2 of the 4 others.
    let q = r(4, 5);
    let a: BigRational = (2..=4).map(|j| choose(4, j) * pow(&q, j) * pow(&(r(1, 1) - &q), 4 - j)).sum();
    for g in 0..5 {
        assert_eq!(e.fates[g][0], a, "G{}", g + 1);
    }
}

#[test]
fn three_of_five_majority_by_trials() {
    // Trials must land within 4 standard errors of the closed form.
    let l = load(&bundled("majority-3-of-5.herald"), &[]);
    let [victory, defeat, none] = majority_closed_form();
    let t = run_trials(&l.model, 200_000, 17, 2);
    let n = t.trials as f64;
    for (o, p) in [(Outcome::Victory, victory), (Outcome::Defeat, defeat), (Outcome::NoAttack, none)] {
        let p = exact::to_f64(&p);
        let f = t.outcomes[outcome_index(o)] as f64 / n;
        let se = (p * (1.0 - p) / n).sqrt().max(1.0 / n);
        assert!((f - p).abs() <= 4.0 * se, "{}: trials {f}, closed form {p}", o.word());
    }
}

#[test]
fn an_unenumerable_scenario_stops_at_the_bound() {
    let l = load(&bundled("majority-3-of-5.herald"), &[]);
    let err = exact::analyze(&l.model, 500, None).unwrap_err();
    assert!(matches!(err, exact::ExactError::Stopped(herald::analysis::budget::Stop::States(500))));
}

#[test]
fn retries_with_a_deadline_as_the_design_says() {
    let e = exact(&load(&bundled("retries-midnight.herald"), &[]).model);
    assert_eq!(p(&e, Outcome::Victory), r(175, 256));
}

#[test]
fn the_most_likely_runs_replay_to_their_outcome() {
    let l = load(&bundled("attempt2-acknowledgment.herald"), &[]);
    let e = exact(&l.model);
    let mut sim = herald::sim::Sim::new(&l.model, herald::sim::Mode::Plain);
    for (i, best) in e.most_likely.iter().enumerate() {
        let Some((prob, choices)) = best else { continue };
        sim.run(&mut herald::sim::Script::new(choices)).unwrap();
        assert_eq!(sim.outcome(), OUTCOMES[i]);
        assert!(*prob > r(0, 1));
    }
    // A defeat needs the plan through (its delay 1/3, kept 1/2) and the ack captured
    // (its delay is drawn before its loss roll: 1/3, then captured 1/2): one path is 1/36.
    let (best, _) = e.most_likely[outcome_index(Outcome::Defeat)].as_ref().unwrap();
    assert_eq!(*best, r(1, 36));
}

// ---------------------------------------------------------------- trials against exact

fn run_trials(m: &Model, n: u64, seed: u64, jobs: usize) -> Tally {
    let cfg = trials::Config {
        trials: n,
        seed,
        jobs: Some(jobs),
        explain: 50,
        max_events: herald::sim::DEFAULT_MAX_EVENTS,
        progress: None,
    };
    trials::run(m, "", &cfg).expect("trials run")
}

/// Every outcome's frequency is within `k` standard errors of its exact probability.
fn agrees(e: &Exact, t: &Tally, k: f64) -> Result<(), String> {
    let n = t.trials as f64;
    for (i, o) in OUTCOMES.iter().enumerate() {
        let p = exact::to_f64(&e.outcomes[i]);
        let f = t.outcomes[i] as f64 / n;
        let se = (p * (1.0 - p) / n).sqrt();
        if (f - p).abs() > k * se + 1e-12 {
            return Err(format!(
                "{}: trials {f:.5}, exact {p:.5}, {:.1} standard errors apart",
                o.word(),
                (f - p).abs() / se
            ));
        }
    }
    Ok(())
}

#[test]
fn trials_agree_with_exact_on_the_bundled_scenarios() {
    for name in [
        "attempt1-single-message.herald",
        "attempt2-acknowledgment.herald",
        "attempt3-ack-of-ack.herald",
        "flooding.herald",
        "regress.herald",
        "retries-midnight.herald",
        "partition.herald",
        "two-phase-commit.herald",
        "two-phase-commit-crash.herald",
    ] {
        let l = load(&bundled(name), &[]);
        let e = exact(&l.model);
        let t = run_trials(&l.model, 40_000, 11, 2);
        agrees(&e, &t, 4.0).unwrap_or_else(|m| panic!("{name}: {m}"));
    }
}

#[test]
fn trials_do_not_depend_on_the_number_of_threads() {
    let l = load(&bundled("retries-midnight.herald"), &[]);
    let src = &l.source.text;
    let cfg = |jobs| trials::Config {
        trials: 10_000,
        seed: 3,
        jobs: Some(jobs),
        explain: 200,
        max_events: herald::sim::DEFAULT_MAX_EVENTS,
        progress: None,
    };
    let one = trials::run(&l.model, src, &cfg(1)).unwrap();
    let two = trials::run(&l.model, src, &cfg(2)).unwrap();
    let three = trials::run(&l.model, src, &cfg(3)).unwrap();
    assert_eq!(one, two);
    assert_eq!(one, three);
    // A different seed gives a different batch.
    let other = trials::run(&l.model, src, &trials::Config { seed: 4, ..cfg(2) }).unwrap();
    assert_ne!(one.outcomes, other.outcomes);
}

#[test]
fn a_trial_can_be_found_again_from_its_block() {
    // Trial k draws from stream k / 256, after the trials before it in that stream.
    let l = load(&bundled("attempt2-acknowledgment.herald"), &[]);
    let all = run_trials(&l.model, 512, 5, 2);
    let mut sim = herald::sim::Sim::new(&l.model, herald::sim::Mode::Plain);
    let mut counts = [0u64; 6];
    for b in 0..2 {
        let mut rng = herald::sim::Seeded::stream(5, b);
        for _ in 0..256 {
            sim.run(&mut rng).unwrap();
            counts[outcome_index(sim.outcome())] += 1;
        }
    }
    assert_eq!(all.outcomes, counts);
}

// ---------------------------------------------------------------- generated scenarios

/// A small random scenario: 2 or 3 generals, lossy channels with delay ranges, and
/// protocols made of sends, relays and guarded decisions.
fn scenario() -> impl Strategy<Value = String> {
    let prob = prop_oneof![Just("10%"), Just("1 in 3"), Just("50%"), Just("0.75")];
    (
        2usize..=3,
        prob.clone(),
        prob,
        1u32..=2,
        0u32..=2,
        proptest::collection::vec((0usize..3, 0usize..3, 0usize..3), 1..4),
        proptest::collection::vec(0usize..4, 3),
        0u32..=1,
    )
        .prop_map(|(n, p1, p2, lo, spread, relays, conds, dup)| {
            let names = ["A", "B", "C"];
            let kinds = ["plan", "ack", "go"];
            let mut s = format!(
                "time dawn = 9\nchannel * <-> * {{ delay {lo}..{}  lose {p1}{} }}\nchannel A <-> B {{ delay {lo}  lose {p2} }}\n",
                lo + spread,
                if dup == 1 { "  duplicate 1 in 4" } else { "" }
            );
            for (i, name) in names.iter().take(n).enumerate() {
                let other = names[(i + 1) % n];
                let mut rules = String::new();
                if i == 0 {
                    rules.push_str(&format!("  on start {{ send plan to {other} }}\n"));
                }
                for (j, (who, k_in, k_out)) in relays.iter().enumerate() {
                    if who % n == i {
                        let to = names[(i + 1 + j) % n];
                        if to != *name {
                            rules.push_str(&format!(
                                "  on receive {} {{ send {} to {to} }}\n",
                                kinds[*k_in],
                                kinds[*k_out]
                            ));
                        }
                    }
                }
                let cond = match conds[i] {
                    0 => "received plan".to_string(),
                    1 => "received ack or received go".to_string(),
                    2 => "count received plan + count received go >= 1".to_string(),
                    _ => "not received ack".to_string(),
                };
                rules.push_str(&format!("  decide at dawn: attack if {cond}\n"));
                s.push_str(&format!("general {name} {{\n{rules}}}\n"));
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261123),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn exact_and_trials_agree_on_generated_scenarios(src in scenario()) {
        let l = match herald::load("generated.herald", src.as_bytes(), &[]) {
            Ok(l) => l,
            Err(f) => panic!("a generated scenario does not load:\n{src}\n{:#?}", f.diags),
        };
        let e = exact(&l.model);
        let total: BigRational = e.outcomes.iter().sum();
        prop_assert_eq!(total, r(1, 1), "probabilities add up to 1\n{}", src);
        let t = run_trials(&l.model, 20_000, 99, 2);
        if let Err(m) = agrees(&e, &t, 5.0) {
            prop_assert!(false, "{}\n{}", m, src);
        }
    }
}

// ---------------------------------------------------------------- values

#[test]
fn the_price_replicas_agree_with_one_minus_p_to_the_k() {
    // A never lowers its price (nothing is below 1000), so the replicas agree exactly
    // when some copy of A's proposal reaches B: 1 - p^k; otherwise B keeps 2000.
    let src = bundled("price-flooding.herald");
    for (loss, pn, pd) in [("1 in 2", 1, 2), ("10%", 1, 10)] {
        for k in 1..=4u32 {
            let l = load(&src, &[&format!("copies={k}"), &format!("loss={loss}")]);
            let e = exact(&l.model);
            let lost = pow(&r(pn, pd), k);
            assert_eq!(p(&e, Outcome::Agreement), r(1, 1) - &lost, "loss {loss}, {k} copies");
            assert_eq!(p(&e, Outcome::Disagreement), lost, "loss {loss}, {k} copies");
            assert_eq!(p(&e, Outcome::Undecided), r(0, 1));
        }
    }
}

#[test]
fn waiting_for_every_proposal_agrees_only_when_all_six_arrive() {
    // Three replicas, six proposals: a replica commits once it has heard from both others,
    // so all commit (the lowest price) exactly when all six arrive: (1 - p)^6; otherwise
    // someone waits forever. Never a disagreement.
    let src = bundled("consensus-wait-for-all.herald");
    for (loss, pn, pd) in [("10%", 1, 10), ("1 in 3", 1, 3)] {
        let l = load(&src.replace("lose 10%", &format!("lose {loss}")), &[]);
        let e = exact(&l.model);
        let all = pow(&(r(1, 1) - r(pn, pd)), 6);
        assert_eq!(p(&e, Outcome::Agreement), all.clone(), "loss {loss}");
        assert_eq!(p(&e, Outcome::Undecided), r(1, 1) - all, "loss {loss}");
        assert_eq!(p(&e, Outcome::Disagreement), r(0, 1));
    }
}

#[test]
fn a_deadline_agrees_when_the_lowest_price_reaches_both_others() {
    // At the deadline each commits the lowest price it has seen. R1 holds the lowest
    // (1000) and keeps it; the others agree with it exactly when R1's proposal reaches
    // each of them: (1 - p)^2. Everyone always decides.
    let src = bundled("consensus-timeout.herald");
    for (loss, pn, pd) in [("10%", 1, 10), ("1 in 3", 1, 3)] {
        let l = load(&src.replace("lose 10%", &format!("lose {loss}")), &[]);
        let e = exact(&l.model);
        let both = pow(&(r(1, 1) - r(pn, pd)), 2);
        assert_eq!(p(&e, Outcome::Agreement), both.clone(), "loss {loss}");
        assert_eq!(p(&e, Outcome::Disagreement), r(1, 1) - both, "loss {loss}");
        assert_eq!(p(&e, Outcome::Undecided), r(0, 1));
    }
}

#[test]
fn one_crash_at_the_worst_moment_blocks_the_waiting_replicas() {
    // Window 0..W-1 (W ticks): each replica still up crashes with probability 1/(W+1) at
    // each tick, until one has. The replicas all decide exactly when nobody crashes at
    // tick 0 (a crash later still lets every proposal leave): (W/(W+1))^3.
    let src = bundled("consensus-one-crash.herald");
    for w in [1u32, 4, 9] {
        let l = load(&src.replace("from 0 to 3", &format!("from 0 to {}", w - 1)), &[]);
        let e = exact(&l.model);
        let none = pow(&r(w as i64, w as i64 + 1), 3);
        assert_eq!(p(&e, Outcome::Agreement), none.clone(), "window of {w}");
        assert_eq!(p(&e, Outcome::Undecided), r(1, 1) - none, "window of {w}");
        assert_eq!(p(&e, Outcome::Disagreement), r(0, 1));
    }
}

#[test]
fn lazy_delays_give_the_same_exact_probabilities() {
    use herald::sim::{Script, Sim};
    for path in common::herald_files("scenarios") {
        let name = path.display().to_string();
        let path = common::root().join(path);
        let l = herald::load(&name, &std::fs::read(&path).unwrap(), &[]).unwrap();
        let (Ok(lazy), Ok(eager)) = (
            exact::analyze_with(&l.model, herald::analysis::budget::Limits::states(200_000), None, true, true),
            exact::analyze_with(&l.model, herald::analysis::budget::Limits::states(200_000), None, false, true),
        ) else {
            continue;
        };
        assert_eq!(lazy.outcomes, eager.outcomes, "{name}");
        assert_eq!(lazy.fates, eager.fates, "{name}");
        assert_eq!(lazy.commits, eager.commits, "{name}");
        for (i, a) in lazy.most_likely.iter().enumerate() {
            // The lazy run, turned into ordinary choices, ends in its outcome.
            if let Some((_, choices)) = a {
                let mut sim = Sim::new(&l.model, herald::sim::Mode::Plain);
                sim.run(&mut Script::new(choices)).unwrap();
                assert_eq!(herald::analysis::trials::outcome_index(sim.outcome()), i, "{name}");
            }
        }
    }
}

/// Forgetting senders and using symmetry (the state key's reductions) changes no exact
/// probability, nor the probability of the most likely run of each outcome, and each such
/// run replays to its outcome — on every bundled scenario and exercise.
#[test]
fn the_state_reductions_change_no_exact_answer() {
    use herald::sim::{Script, Sim};
    let files = common::every_bundled();
    let mut compared = 0;
    for path in files {
        let name = path.display().to_string();
        let l = herald::load(&name, &std::fs::read(common::root().join(&path)).unwrap(), &[]).unwrap();
        let (Ok(plain), Ok(reduced)) = (
            exact::analyze_with(&l.model, herald::analysis::budget::Limits::states(200_000), None, false, false),
            exact::analyze_with(&l.model, herald::analysis::budget::Limits::states(200_000), None, false, true),
        ) else {
            continue;
        };
        compared += 1;
        assert_eq!(plain.outcomes, reduced.outcomes, "{name}");
        assert_eq!(plain.fates, reduced.fates, "{name}");
        assert_eq!(plain.commits, reduced.commits, "{name}");
        assert!(reduced.states <= plain.states, "{name}");
        for (i, (a, b)) in plain.most_likely.iter().zip(&reduced.most_likely).enumerate() {
            assert_eq!(a.as_ref().map(|x| &x.0), b.as_ref().map(|x| &x.0), "{name}: outcome {i}");
            if let Some((_, choices)) = b {
                let mut sim = Sim::new(&l.model, herald::sim::Mode::Plain);
                sim.run(&mut Script::new(choices)).unwrap();
                assert_eq!(outcome_index(sim.outcome()), i, "{name}");
            }
        }
    }
    assert!(compared >= 15, "only {compared} analyses compared");
}

/// `--explain N` explains N trials spread over the batch (and 0 explains none: not
/// even the first), and the tally does not depend on it.
#[test]
fn explained_trials_are_as_many_as_asked() {
    let l = load(&bundled("attempt2-acknowledgment.herald"), &[]);
    let with = |explain: u64| {
        let cfg = trials::Config {
            trials: 1000,
            seed: 3,
            jobs: Some(2),
            explain,
            max_events: herald::sim::DEFAULT_MAX_EVENTS,
            progress: None,
        };
        trials::run(&l.model, "", &cfg).expect("trials run")
    };
    let (none, some) = (with(0), with(40));
    assert!(none.explained.is_empty(), "{:?}", none.explained.keys());
    // Each explained trial counts once per general.
    let per_general: u64 = some.explained.iter().filter(|((g, _, _), _)| *g == 0).map(|(_, (n, _))| n).sum();
    assert_eq!(per_general, 40);
    assert_eq!((none.outcomes, none.fates), (some.outcomes, some.fates));
}
