//! A proptest generator of scenario *text*, covering the language of the README broadly:
//! 2 to 6 generals, roles shared by several generals (symmetry) and lone generals, params
//! and times, horizon and seed; channels `* <-> *`, `* -> *`, general, role and mixed
//! endpoints, fixed, ranged, param and `any` delays, duplication and every loss rule form;
//! partitions (with and without a window), scheduled crashes and recoveries, `crash any`;
//! every rule trigger, every action, and expressions over knowledge (`received`, `count
//! received`, `sent`, with `from`, `from all` and `by`), arithmetic, comparisons, `and`,
//! `or`, `not`, `min`, `max`, params, times, variables, payload binders and `now`; attack
//! and wait scenarios as well as value scenarios (`commit`); `expect` lines. Five shapes
//! (`Style`): anything; symmetric (a role whose members nothing singles out: the searches'
//! symmetry reduction); one-round protocols (lean runs' shortcuts); quiet ones (no `on
//! receive`, no `when`, no crash: skipped ticks); counters of heartbeats (only a variable
//! tells their states apart).
//!
//! The text is built from a stream of numbers, each choice taking the next one: a zero is
//! always the simplest choice, and past the end of the stream every choice is zero, so
//! proptest's shrinking (dropping and lowering numbers) leads to simpler scenarios.
//!
//! Scenarios are kept small (horizons of at most 7 ticks, or none, a few messengers per
//! rule) so that an exact analysis or an exploration of most takes milliseconds (about 3
//! in 5 fit in 4,000 states; the others stop there within 0.2 s); what is
//! valid is built by construction (kinds are sent where they are checked, channels cover
//! every pair, no two equally specific channels, one kind of decision per scenario), so
//! nearly every scenario loads (`generated_scenarios_load_and_run` measures it).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};

/// The builder itself: stream of numbers in, scenario text out (std only; the fuzz
/// targets include the same file).
mod text;
pub use text::build;

/// Scenario text (see the module's documentation).
pub fn scenario() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u32>(), 0..1200).prop_map(|stream| build(&stream))
}

/// A proptest configuration that depends on nothing but its arguments (no environment
/// variable changes it): `cases` cases from a fixed seed, no failure files, no fork.
pub fn config(cases: u32, seed: u64) -> Config {
    Config {
        cases,
        max_local_rejects: 65_536,
        max_global_rejects: 1024,
        max_flat_map_regens: 1_000_000,
        failure_persistence: None,
        fork: false,
        timeout: 0,
        max_shrink_time: 0,
        max_shrink_iters: 20_000,
        max_default_size_range: 100,
        verbose: 0,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}

/// `count` scenarios drawn from a fixed seed (the same ones on every machine).
pub fn sample(count: usize, seed: u64) -> Vec<String> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(config(1, seed), TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    let strategy = scenario();
    (0..count).map(|_| strategy.new_tree(&mut runner).expect("a scenario").current()).collect()
}

/// How many generated scenarios use each form (a coverage report; the names are
/// substrings of the text).
pub const FORMS: &[&str] = &[
    "horizon ",
    "seed ",
    "param loss",
    "param k",
    "time late",
    "role ",
    "generals ",
    "..P",
    " is crew",
    "channel * <-> *",
    "channel * -> *",
    "delay any",
    "delay 1..",
    "duplicate",
    "lose 0%",
    "lose 100%",
    "lose loss",
    " of ",
    "lose messenger",
    "lose every",
    "lose first",
    "lose after",
    "lose all",
    "lose from",
    "partition",
    "crash any",
    "recover ",
    "on recover",
    "on receive",
    "if ",
    "every ",
    "until ",
    "when ",
    "at 1 {",
    "at 0 {",
    "on receive beat",
    "+ 1 >= count received",
    "commit ",
    "decide at",
    "count received",
    "from all",
    " by ",
    "sent ",
    "now",
    " times",
    "set ",
    "expect ",
];
