//! `scenarios/attempt2-acknowledgment.herald`: A sends the plan at tick 0; B
//! acknowledges it when it arrives; over `A <-> B` (delay 1..3, lose 50%). At dawn A
//! attacks if the acknowledgment arrived, B if the plan did.

use super::{Scenario, chance, delay, prob};
use herald::check::Prob;
use herald::sim::Seeded;

const DAWN: u32 = 10;
const DELAY: (u32, u32) = (1, 3);
const LOSS: Prob = prob(1, 2);
const A: u32 = 1 << 0;
const B: u32 = 1 << 1;

pub const SCENARIO: Scenario = Scenario {
    name: "attempt2-acknowledgment",
    file: "scenarios/attempt2-acknowledgment.herald",
    params: &["loss=50%"],
    values: None,
    victory_at_least: 2,
    trial,
    tally,
};

/// One trial: the generals that attacked.
#[inline]
pub fn trial(rng: &mut Seeded) -> u32 {
    // The plan, sent at tick 0.
    let plan_arrives = delay(rng, DELAY.0, DELAY.1);
    if chance(rng, LOSS) || plan_arrives > DAWN {
        return 0;
    }
    // B acknowledges on arrival (deliveries at dawn come before decisions).
    let ack_arrives = plan_arrives + delay(rng, DELAY.0, DELAY.1);
    if chance(rng, LOSS) || ack_arrives > DAWN {
        return B;
    }
    A | B
}

pub fn tally(trials: u64, seed: u64) -> [u64; 6] {
    super::tally(trials, seed, SCENARIO.victory_at_least, trial)
}
