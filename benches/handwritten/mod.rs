//! Hand-written simulators of five bundled scenarios, for the trials benchmark
//! (`benches/trials.rs`) and its faithfulness test (`tests/handwritten_agrees.rs`).
//!
//! Each `trial` simulates one run of its scenario the way one would write it by hand
//! for that protocol alone: the scenario's numbers as constants, plain loops, fixed
//! arrays, no allocation, no interpretation. It makes exactly herald's random draws in
//! herald's order (README, "Random choices and the reproducibility promise"): per
//! messenger, at its send, its delay (only if the channel's delay is a range), then its
//! loss roll; messengers of one tick in rule order, targets in order, copies in order.
//! Same draws and same semantics give the same decisions, trial for trial: the test
//! checks it against herald's interpreter.
//!
//! A trial returns the generals that attacked as a bit mask (bit `g`: the `g`-th general
//! declared). In these five scenarios every general decides at dawn and none crashes,
//! so the others waited.

pub mod attempt2;
pub mod flooding;
pub mod majority;
pub mod price;
pub mod regress;
pub mod retries;

use herald::analysis::trials::{BLOCK, outcome_index};
use herald::check::Prob;
use herald::sim::{Choice, Chooser, Seeded};
use herald::syntax::ast::Outcome;

/// One bundled scenario and its hand-written simulator.
pub struct Scenario {
    /// The benchmark's name for it.
    pub name: &'static str,
    /// The file, relative to the crate root.
    pub file: &'static str,
    /// `--param` overrides the simulator assumes (written out even when they are the
    /// file's defaults, so that the comparison does not drift if the file changes).
    pub params: &'static [&'static str],
    /// How many generals attacking make a victory.
    pub victory_at_least: u32,
    /// For a value scenario: the value whose committers `trial` returns (the others
    /// committed something else); `None` for attack/wait.
    pub values: Option<i64>,
    /// One trial: the generals that attacked.
    pub trial: fn(&mut Seeded) -> u32,
    /// A batch of trials, with herald's streams: outcome counts indexed like
    /// `herald::analysis::trials::OUTCOMES`. (Its own monomorphic loop, so that each
    /// trial is a direct, inlinable call.)
    pub tally: fn(trials: u64, seed: u64) -> [u64; 6],
}

/// The scenarios of the benchmark.
pub const SCENARIOS: [Scenario; 6] =
    [flooding::SCENARIO, attempt2::SCENARIO, regress::SCENARIO, retries::SCENARIO, majority::SCENARIO, price::SCENARIO];

/// The probability `num / den` (`num <= den`, `den > 0`), with herald's threshold:
/// `floor(num * 2^64 / den)`. (Unreduced: only the threshold matters to a draw, and it
/// is the same for equal fractions.)
pub const fn prob(num: u64, den: u64) -> Prob {
    Prob { num, den, threshold: ((num as u128) << 64) / den as u128 }
}

/// One roll of a chance: true with probability `p`. Exactly herald's draw: one 64-bit
/// value `d`, and the chance happens when `d < p.threshold`.
#[inline(always)]
pub fn chance(rng: &mut Seeded, p: Prob) -> bool {
    rng.choose(&Choice::Chance { p }).index == 1
}

/// A delay uniform over `lo..=hi` (`lo < hi`), drawn as herald draws it (Lemire's
/// method with rejection).
#[inline(always)]
pub fn delay(rng: &mut Seeded, lo: u32, hi: u32) -> u32 {
    lo + rng.below((hi - lo + 1) as u64) as u32
}

/// The outcome of a trial in which `attackers` attacked (and every other general waited).
#[inline(always)]
pub fn outcome(attackers: u32, victory_at_least: u32) -> Outcome {
    match attackers.count_ones() {
        0 => Outcome::NoAttack,
        n if n >= victory_at_least => Outcome::Victory,
        _ => Outcome::Defeat,
    }
}

/// Runs `trials` trials with herald's stream scheme: block `b` of [`BLOCK`] trials
/// draws from `Seeded::stream(seed, b)`, its trials one after the other.
#[inline(always)]
pub fn tally<F: FnMut(&mut Seeded) -> u32>(trials: u64, seed: u64, victory_at_least: u32, mut trial: F) -> [u64; 6] {
    let mut counts = [0u64; 6];
    for b in 0..trials.div_ceil(BLOCK) {
        let mut rng = Seeded::stream(seed, b);
        for _ in b * BLOCK..((b + 1) * BLOCK).min(trials) {
            counts[outcome_index(outcome(trial(&mut rng), victory_at_least))] += 1;
        }
    }
    counts
}

/// [`tally`] for a value scenario in which every one of `generals` commits: `trial`
/// returns those that committed one given value, so all or none of them is agreement.
#[inline(always)]
pub fn tally_values<F: FnMut(&mut Seeded) -> u32>(trials: u64, seed: u64, generals: u32, mut trial: F) -> [u64; 6] {
    let mut counts = [0u64; 6];
    let all = (1u32 << generals) - 1;
    for b in 0..trials.div_ceil(BLOCK) {
        let mut rng = Seeded::stream(seed, b);
        for _ in b * BLOCK..((b + 1) * BLOCK).min(trials) {
            let same = trial(&mut rng);
            let o = if same == all || same == 0 { Outcome::Agreement } else { Outcome::Disagreement };
            counts[outcome_index(o)] += 1;
        }
    }
    counts
}
