//! `scenarios/price-flooding.herald`: two replicas flood each other with their price
//! (`copies` copies at tick 0, delay 1, lose 1 in 2 on `A <-> B`); a replica lowers its
//! price when it hears a lower one, and both commit at the deadline. A starts at 1000,
//! B at 2000.

use super::{Scenario, chance, prob};
use herald::check::Prob;
use herald::sim::Seeded;

const COPIES: u32 = 2;
const LOSS: Prob = prob(1, 2);
const A: u32 = 1 << 0;
const B: u32 = 1 << 1;

pub const SCENARIO: Scenario = Scenario {
    name: "price-flooding",
    file: "scenarios/price-flooding.herald",
    params: &["copies=2", "loss=1 in 2"],
    victory_at_least: 2,
    values: Some(1000),
    trial,
    tally,
};

/// One trial: the replicas that committed the lower price, 1000.
#[inline]
pub fn trial(rng: &mut Seeded) -> u32 {
    // A's copies, then B's: every copy is rolled. Nothing is lower than A's 1000, so A
    // keeps it; B takes it if any copy of A's arrives (delay 1, well before the deadline).
    let mut b_heard = false;
    for _ in 0..COPIES {
        b_heard |= !chance(rng, LOSS);
    }
    for _ in 0..COPIES {
        let _ = chance(rng, LOSS);
    }
    A | if b_heard { B } else { 0 }
}

pub fn tally(trials: u64, seed: u64) -> [u64; 6] {
    super::tally_values(trials, seed, 2, trial)
}
