//! `scenarios/regress.herald` with `depth = 4`: ack(1), ack(2), ... passed back and
//! forth over `A <-> B` (delay 1, lose 1 in 2), A sending the odd ones from tick 0 and
//! B the even ones, each sent when the one before arrives, up to ack(depth). At dawn
//! each general attacks if it received ack(depth) or ack(depth - 1).

use super::{Scenario, chance, prob};
use herald::check::Prob;
use herald::sim::Seeded;

const DEPTH: u32 = 4;
const DAWN: u32 = 20;
const DELAY: u32 = 1;
const LOSS: Prob = prob(1, 2);
const A: u32 = 1 << 0;
const B: u32 = 1 << 1;

pub const SCENARIO: Scenario = Scenario {
    name: "regress",
    file: "scenarios/regress.herald",
    params: &["depth=4"],
    values: None,
    victory_at_least: 2,
    trial,
    tally,
};

/// Who receives ack(n): B the odd ones, A the even ones.
const fn receiver(n: u32) -> u32 {
    if n % 2 == 1 { B } else { A }
}

/// One trial: the generals that attacked.
#[inline]
pub fn trial(rng: &mut Seeded) -> u32 {
    // ack(n) is sent at tick (n - 1) * DELAY, when ack(n - 1) arrives (by dawn: a
    // delivery at dawn still comes before the decisions), and arrives at n * DELAY.
    let mut last = 0; // the last ack delivered: all before it were
    for n in 1..=DEPTH {
        if chance(rng, LOSS) || n * DELAY > DAWN {
            break;
        }
        last = n;
    }
    let mut attacked = 0;
    for n in [DEPTH, DEPTH - 1] {
        if n >= 1 && n <= last {
            attacked |= receiver(n);
        }
    }
    attacked
}

pub fn tally(trials: u64, seed: u64) -> [u64; 6] {
    super::tally(trials, seed, SCENARIO.victory_at_least, trial)
}
