//! `scenarios/majority-3-of-5.herald`: five generals G1..G5 each send a vote to every
//! other general at tick 0, over `* <-> *` (delay 1..2, lose 20%). At dawn each attacks
//! if it counts at least 3 votes, its own included; victory when at least 3 attack.

use super::{Scenario, chance, delay, prob};
use herald::check::Prob;
use herald::sim::Seeded;

const GENERALS: usize = 5;
const QUORUM: u32 = 3;
const DAWN: u32 = 6;
const DELAY: (u32, u32) = (1, 2);
const LOSS: Prob = prob(1, 5);

pub const SCENARIO: Scenario = Scenario {
    name: "majority-3-of-5",
    file: "scenarios/majority-3-of-5.herald",
    params: &[],
    values: None,
    victory_at_least: 3,
    trial,
    tally,
};

/// One trial: the generals that attacked.
#[inline]
pub fn trial(rng: &mut Seeded) -> u32 {
    // Votes counted by dawn (each sender sends one vote to each other general, so
    // distinct senders are votes delivered).
    let mut votes = [0u32; GENERALS];
    // `on start`, general by general; `to all`: every other general, in order.
    for from in 0..GENERALS {
        for (to, v) in votes.iter_mut().enumerate() {
            if to == from {
                continue;
            }
            let arrives = delay(rng, DELAY.0, DELAY.1);
            if !chance(rng, LOSS) && arrives <= DAWN {
                *v += 1;
            }
        }
    }
    let mut attacked = 0;
    for (g, v) in votes.iter().enumerate() {
        if v + 1 >= QUORUM {
            attacked |= 1 << g;
        }
    }
    attacked
}

pub fn tally(trials: u64, seed: u64) -> [u64; 6] {
    super::tally(trials, seed, SCENARIO.victory_at_least, trial)
}
