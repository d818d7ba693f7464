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
//!
//! **Windows.** A scenario whose clock is read only at stated ticks (`at T`, `decide at
//! T`, `every P`, `received ... by T`, a stated crash or recovery, a `crash any` opening
//! at a stated tick) is time-invariant
//! between them: its ticks fall into **windows** cut at those **boundaries** (see
//! [`windows`]), and within a window nothing tells one tick from another. A state
//! reached at tick t then dominates the same state reached later *in the same window*
//! with no fewer captures: a run from the later one, up to the window's end, moved
//! earlier and followed by idle ticks up to the window's end (every messenger still on
//! its way then was held that long in the first run too), reaches the same state at the
//! boundary with no more captures, and goes on alike from there. The search compares
//! states by key and window; since idle ticks merge away, a state kept also goes on by
//! idling to the next boundary (a step of its own), as it goes on by idling to the
//! horizon in a clock-free scenario. What a boundary changes (a rule due, a deadline
//! passed, a crash allowed) is then met by every state that reaches it.

use crate::check::{LossKind, Model, Trigger};

/// The ticks at which a scenario whose clock is read only at stated ticks stops being
/// time-invariant (see the module's documentation): `Some` of the **boundaries**,
/// sorted (empty: **clock-free**, nothing after tick 0 reads the clock), or `None` if
/// the clock is read otherwise (`now`, a `by` worked out by the run, a partition, a loss window, a
/// channel that is not asynchronous).
///
/// - `at T` and `decide at T` rules fire at tick T, `every P` at each multiple of P, a
///   stated crash or recovery happens at its tick (and `on recover` rules fire then):
///   T and T + 1 are boundaries (tick T is a window of its own);
/// - `received ... by T` counts arrivals up to tick T: T + 1 is a boundary;
/// - a `crash any` open from tick F > 1 cannot strike before F: F is a boundary.
pub(crate) fn windows(model: &Model) -> Option<Vec<u32>> {
    let mut at = Vec::new();
    for r in &model.rules {
        match r.trigger {
            Trigger::Start | Trigger::Receive { .. } | Trigger::When(_) => {}
            Trigger::At(t) | Trigger::Decide { at: t, .. } => at.extend([t, t.saturating_add(1)]),
            // (Fires at every multiple of its period up to the horizon, until it stops.)
            Trigger::Every { period, .. } => {
                let fires = (period.max(1)..=model.horizon).step_by(period.max(1) as usize);
                at.extend(fires.flat_map(|t| [t, t.saturating_add(1)]));
            }
            // (At a stated recovery, below.)
            Trigger::Recover => {}
        }
    }
    // A crash or a recovery at a stated tick: from it on, the general is down, or up and
    // its `on recover` rules fire during that tick.
    at.extend(model.crashes.iter().flat_map(|c| [c.at, c.at.saturating_add(1)]));
    for r in &model.reads {
        if r.now {
            return None;
        }
        for p in &r.patterns {
            match p.by {
                crate::check::By::Never => {}
                crate::check::By::Tick(t) => at.push(u32::try_from(t.saturating_add(1)).unwrap_or(0)),
                crate::check::By::Computed => return None,
            }
        }
    }
    let channels = model.channels.iter().all(|c| {
        c.delay_lo == 1
            && c.delay_hi >= model.horizon
            && c.delay_hi > c.delay_lo
            && c.losses.iter().all(|l| !matches!(l.kind, LossKind::Window(..)))
    });
    if !channels
        || model.when_reads_now
        || !model.partitions.is_empty()
        || model.crash_any.iter().any(|c| c.p.num >= c.p.den)
    {
        return None;
    }
    at.extend(model.crash_any.iter().filter(|c| c.from > 1).map(|c| c.from));
    // (Tick 0 parts nothing. A boundary past the horizon is kept: the tick after a
    // rule due at the horizon ends the window of that tick, whose rules still fire.)
    at.retain(|&t| t >= 1);
    at.sort_unstable();
    at.dedup();
    Some(at)
}
