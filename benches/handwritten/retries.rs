//! `scenarios/retries-midnight.herald`: over `A <-> B` (delay 1, lose 50%), A sends the
//! plan at tick 0 and again every 2 ticks until B's ack has come back; B acknowledges
//! every plan that arrives. At dawn each attacks if it heard from the other by midnight.

use super::{Scenario, chance, prob};
use herald::check::Prob;
use herald::sim::Seeded;

const PERIOD: u32 = 2;
const MIDNIGHT: u32 = 8;
const DAWN: u32 = 12;
const LOSS: Prob = prob(1, 2);
const A: u32 = 1 << 0;
const B: u32 = 1 << 1;

pub const SCENARIO: Scenario = Scenario {
    name: "retries-midnight",
    file: "scenarios/retries-midnight.herald",
    params: &[],
    values: None,
    victory_at_least: 2,
    trial,
    tally,
};

/// One trial: the generals that attacked.
#[inline]
pub fn trial(rng: &mut Seeded) -> u32 {
    // With a delay of 1, what is sent in one tick arrives in the next: one flag per
    // direction says a messenger arrives in the next tick. (A sends at most one plan a
    // tick and B at most one ack.)
    let mut plan_on_road = false;
    let mut ack_on_road = false;
    let mut a_acked = false; // A has received an ack (the `until` condition)
    let mut a_acked_by_midnight = false;
    let mut b_planned_by_midnight = false;
    let mut retrying = true; // the `every` rule has not stopped
    // The run ends at dawn, once both have decided: what is sent at dawn is rolled but
    // never arrives.
    for t in 0..=DAWN {
        // 2. Deliveries.
        if std::mem::take(&mut ack_on_road) {
            a_acked = true;
            a_acked_by_midnight |= t <= MIDNIGHT;
        }
        if std::mem::take(&mut plan_on_road) {
            b_planned_by_midnight |= t <= MIDNIGHT;
            ack_on_road = !chance(rng, LOSS);
        }
        // 3. `on start`, then `every 2 until received ack from B`.
        if t == 0 {
            plan_on_road = !chance(rng, LOSS);
        } else if t % PERIOD == 0 && retrying {
            if a_acked {
                retrying = false;
            } else {
                plan_on_road = !chance(rng, LOSS);
            }
        }
    }
    (if a_acked_by_midnight { A } else { 0 }) | (if b_planned_by_midnight { B } else { 0 })
}

pub fn tally(trials: u64, seed: u64) -> [u64; 6] {
    super::tally(trials, seed, SCENARIO.victory_at_least, trial)
}
