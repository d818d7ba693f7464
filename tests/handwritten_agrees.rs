//! The hand-written simulators of the trials benchmark (`benches/handwritten/`) are
//! faithful to herald: same random draws in the same order, same semantics. With the
//! same streams they must reach the same decisions, trial for trial, and so the same
//! tallies; otherwise the benchmark would compare different work.

#![allow(clippy::print_stderr, reason = "the test shows each scenario's tallies")]

#[path = "../benches/handwritten/mod.rs"]
mod handwritten;

use herald::analysis::trials::{self, BLOCK, Config, OUTCOMES};
use herald::sim::{Decided, Seeded, Sim};

const TRIALS: u64 = 20_000;
const SEED: u64 = 7;

fn load(s: &handwritten::Scenario) -> herald::Loaded {
    let path = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), s.file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let params: Vec<String> = s.params.iter().map(|p| p.to_string()).collect();
    herald::load(s.file, &bytes, &params).unwrap_or_else(|f| panic!("{}: {:?}", s.file, f.diags))
}

/// Same tallies as `herald::analysis::trials::run`, the engine the benchmark times.
#[test]
fn same_tallies_as_herald_trials() {
    for s in &handwritten::SCENARIOS {
        let loaded = load(s);
        assert_eq!(loaded.model.victory_at_least, s.victory_at_least as usize, "{}: victory", s.name);
        let cfg = Config {
            trials: TRIALS,
            seed: SEED,
            jobs: Some(1),
            explain: 0,
            max_events: herald::sim::DEFAULT_MAX_EVENTS,
            progress: None,
        };
        let tally = trials::run(&loaded.model, &loaded.source.text, &cfg).expect("the trials run");
        let ours = (s.tally)(TRIALS, SEED);
        let named = |c: &[u64; 6]| -> Vec<String> {
            OUTCOMES.iter().zip(c).filter(|(_, n)| **n > 0).map(|(o, n)| format!("{}: {n}", o.word())).collect()
        };
        eprintln!("{:<24} herald {:?}", s.name, named(&tally.outcomes));
        assert_eq!(tally.trials, TRIALS);
        assert_eq!(
            tally.outcomes,
            ours,
            "{}: herald {:?}, hand-written {:?}",
            s.name,
            named(&tally.outcomes),
            named(&ours)
        );
        // Not a vacuous agreement: chance matters in every one of them.
        assert!(tally.outcomes.iter().filter(|n| **n > 0).count() >= 2, "{}: one outcome only", s.name);
    }
}

/// Trial for trial, each general's decision, against herald's interpreter on the same
/// streams (a stronger check than tallies: errors cannot compensate).
#[test]
fn same_decisions_trial_by_trial() {
    for s in &handwritten::SCENARIOS {
        let loaded = load(s);
        let mut sim = Sim::new(&loaded.model, herald::sim::Mode::Plain);
        for b in 0..TRIALS.div_ceil(BLOCK) {
            let mut theirs = Seeded::stream(SEED, b);
            let mut ours = Seeded::stream(SEED, b);
            for k in b * BLOCK..((b + 1) * BLOCK).min(TRIALS) {
                sim.run(&mut theirs).expect("the run");
                let attacked = (s.trial)(&mut ours);
                for (g, d) in sim.state().decisions.iter().enumerate() {
                    let expect = match (d.map(|d| d.what), s.values) {
                        (Some(Decided::Attack), None) => true,
                        (Some(Decided::Wait), None) => false,
                        (Some(Decided::Commit(v)), Some(value)) => v == value,
                        (other, _) => panic!("{}: trial {k}: general {g} decided {other:?}", s.name),
                    };
                    assert_eq!(
                        attacked & (1 << g) != 0,
                        expect,
                        "{}: trial {k}: general {} (herald: attack {expect})",
                        s.name,
                        loaded.model.generals[g].name
                    );
                }
                if s.values.is_none() {
                    assert_eq!(
                        sim.outcome(),
                        handwritten::outcome(attacked, s.victory_at_least),
                        "{}: trial {k}",
                        s.name
                    );
                }
            }
        }
    }
}

/// The simulators' probabilities have herald's thresholds.
#[test]
fn same_thresholds() {
    for (n, d) in [(1, 2), (1, 5), (1, 3), (2, 4), (0, 1), (1, 1)] {
        assert_eq!(handwritten::prob(n, d).threshold, herald::check::Prob::new(n, d).threshold, "{n}/{d}");
    }
}
