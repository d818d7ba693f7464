//! `scenarios/flooding.herald`: A sends `copies` copies of the plan at tick 0 over
//! `A -> B` (delay 1, lose 1 in 2) and attacks at dawn; B attacks at dawn if any copy
//! arrived.

use super::{Scenario, chance, prob};
use herald::check::Prob;
use herald::sim::Seeded;

const COPIES: u32 = 2;
const DAWN: u32 = 5;
const DELAY: u32 = 1;
const LOSS: Prob = prob(1, 2);
const A: u32 = 1 << 0;
const B: u32 = 1 << 1;

pub const SCENARIO: Scenario = Scenario {
    name: "flooding",
    file: "scenarios/flooding.herald",
    params: &["copies=2"],
    values: None,
    victory_at_least: 2,
    trial,
    tally,
};

/// One trial: the generals that attacked.
#[inline]
pub fn trial(rng: &mut Seeded) -> u32 {
    // Every copy is sent (and rolled), whatever became of the others.
    let mut arrived = false;
    for _ in 0..COPIES {
        arrived |= !chance(rng, LOSS) && DELAY <= DAWN;
    }
    A | if arrived { B } else { 0 }
}

pub fn tally(trials: u64, seed: u64) -> [u64; 6] {
    super::tally(trials, seed, SCENARIO.victory_at_least, trial)
}
