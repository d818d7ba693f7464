//! Lean runs ([`Mode::Lean`], what trials use): what only they plan and keep. Each fast
//! path makes the same choices, in the same order, and reaches the same state as the plain
//! interpreter (`sim/tests/lean.rs` checks it on every bundled scenario, `tests/` on
//! generated ones).
//!
//! | file | fast path |
//! |---|---|
//! | `plan.rs` | what lean runs work out once per model |
//! | `fan.rs` | a `send` to many generals over plain channels, in one loop |
//! | `first.rs` | tick 0's messengers in a table with a slot each; marks added at once |
//! | `one_round.rs` | models where nothing fires after tick 0 but decisions |
//! | `quick.rs` | conditions compiled to a small stack program |
//! | `kernel.rs` | trials of votes: one-round models whose generals all decide by a count, in one loop |

mod fan;
mod first;
pub(crate) mod kernel;
mod one_round;
pub(crate) mod plan;
pub(crate) mod quick;

use super::*;
pub(crate) use fan::*;
pub(crate) use first::*;
pub(crate) use plan::*;

/// What only lean runs keep ([`Mode::Lean`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LeanState {
    /// Per general and kind with a slot, the set of generals whose messengers of that
    /// kind were delivered to it (`HeardPlan`); with `LeanPlan::first_marks`, one more word
    /// that nothing reads, at the end (see `FirstMarks::new`).
    pub(crate) heard: Vec<u64>,
    /// With marks (`LeanPlan::first_marks`): tick 0's messengers, each with the tick at which
    /// it arrives (`MarkTarget::arrive`, `u32::MAX` if captured). (Not calendar buckets: a
    /// table with a fixed slot per messenger costs one write per messenger, and the few
    /// ticks that run read it.)
    pub(crate) first_table: Vec<MarkTarget>,
    /// How many of them are still on the road; those that arrive by tick `first_done`
    /// are delivered.
    pub(crate) first_left: u32,
    pub(crate) first_done: u32,
    /// Since the last reset, only a one-round run ([`Sim::run_one_round`]) has run: the
    /// next reset needs to undo only what such a run changes.
    pub(crate) one_round_clean: bool,
}

impl LeanState {
    /// The lean state of a `Sim` with these flags (empty unless lean).
    pub(crate) fn new(model: &Model, plan: &Plan, f: Flags) -> LeanState {
        if !f.lean {
            return LeanState::default();
        }
        let h = &plan.lean.heard;
        let sets = if f.heard { model.generals.len() * h.kinds * h.words } else { 0 };
        LeanState {
            heard: vec![0; sets + plan.lean.first_marks.is_some() as usize],
            first_table: plan.lean.first_marks.as_ref().map_or(Vec::new(), |f| f.targets.to_vec()),
            first_left: 0,
            first_done: 0,
            one_round_clean: false,
        }
    }

    /// Back to the start of a run. (`first_table` is written whole by tick 0.)
    pub(crate) fn reset(&mut self) {
        let LeanState { heard, first_table: _, first_left, first_done, one_round_clean } = self;
        heard.fill(0);
        (*first_left, *first_done, *one_round_clean) = (0, 0, false);
    }
}
