//! Keys without the clock, for the adversary's search of asynchronous scenarios.
//!
//! In a **clock-free** scenario nothing after tick 0 can tell one tick from another:
//! no rule reads `now`, asks `by T`, fires `at`, `every` or `decide at`; no crash,
//! recovery, partition or loss window is at a stated tick; every channel is
//! asynchronous (`delay any`: a messenger may arrive at any tick after its send, or
//! never within the run unless it was sent at tick 0); and a `crash any` may strike
//! from tick 1 on, and may always hold off. Such a scenario is **time-invariant**:
//! what can happen from a state depends on the state and on how many ticks are left,
//! not on which tick it is. And an idle tick (no arrival, no crash) changes nothing:
//! every `when` has already been tried until none fires, no timer is due.
//!
//! Then a state reached at tick t dominates the same state reached later, at tick
//! t + d, with no fewer captures: any run from the later one, moved d ticks earlier,
//! is a run from the earlier one (the arrivals the horizon would force at its last
//! tick, of messengers sent at tick 0, made by choice instead) that reaches the same
//! end with d idle ticks at the end, in no more ticks. So the search keeps one state
//! per key (the key leaves the tick out, see [`super::mail`]), each first met at its
//! earliest tick, and skips a later one unless it was reached with fewer captures;
//! what an idle run to the horizon ends in (every general as it is) is noted for each
//! state kept, as no other branch of the search reaches it once idle ticks merge.
//! Answers are the same as the search over every tick's states: every outcome, with
//! the fewest captures, and a witness in no more ticks (tests compare both searches).

use crate::check::{LossKind, Model, Trigger};

/// Whether nothing in `model` after tick 0 reads the clock, so that its states at
/// different ticks can be compared (see the module's documentation).
pub(crate) fn clock_free(model: &Model) -> bool {
    let rules = model.rules.iter().all(|r| match r.trigger {
        Trigger::Start | Trigger::Receive { .. } | Trigger::When(_) => true,
        Trigger::Recover | Trigger::At(_) | Trigger::Every { .. } | Trigger::Decide { .. } => false,
    });
    let reads = model.reads.iter().all(|r| !r.now && r.patterns.iter().all(|p| p.by == crate::check::By::Never));
    let channels = model.channels.iter().all(|c| {
        c.delay_lo == 1
            && c.delay_hi >= model.horizon
            && c.delay_hi > c.delay_lo
            && c.losses.iter().all(|l| !matches!(l.kind, LossKind::Window(..)))
    });
    let crashes = model.crash_any.iter().all(|c| c.from <= 1 && c.p.num < c.p.den);
    rules
        && reads
        && channels
        && crashes
        && !model.when_reads_now
        && model.crashes.is_empty()
        && model.partitions.is_empty()
}
