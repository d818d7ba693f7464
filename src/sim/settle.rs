//! Delays nobody can see: when a messenger arrives within its window, it may make no
//! difference to anything.
//!
//! A general that has no `on receive` or `when` rule, asks no `by`, and cannot crash
//! reads what it received only in its timed rules (`at`, `every`, `decide at`); a rule
//! of tick T sees the deliveries of ticks up to T. So a messenger to it whose window
//! `earliest..=latest` holds no such T (none with earliest <= T < latest) is seen alike
//! whenever it arrives: the adversary's search lets it arrive at its earliest tick
//! instead of choosing "now or later" at each tick of the window. Nothing else of the
//! run reads an arrival (the state keeps no arrival tick without a `by`), and the
//! earliest arrival ends a run no later than any other, so every outcome is reached
//! with the same captures in the same fewest ticks (a test compares the searches).

use super::*;

/// When a general's rules could tell one arrival tick of a messenger to it from another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Watch {
    /// At any tick: it has `on receive` or `when` rules, reads a `by`, or may crash.
    Always,
    /// Only when its timed rules that read what it received fire: at these ticks (`at`,
    /// `decide at`) and at the multiples of these periods (`every`).
    At { ticks: Vec<u32>, periods: Vec<u32> },
}

impl Watch {
    /// What each general of `model` watches.
    pub(crate) fn of(model: &Model) -> Vec<Watch> {
        let crashes = |g: GenId| {
            model.crash_any.iter().any(|c| c.targets.contains(&g))
                || model.crashes.iter().any(|c| c.general == g)
                || model.rules.iter().any(|r| r.owner == g && r.actions.iter().any(|a| matches!(a, Action::Crash(_))))
        };
        (0..model.generals.len() as GenId)
            .map(|g| {
                let general = &model.generals[g as usize];
                let by =
                    model.rules.iter().zip(&model.reads).any(|(r, reads)| {
                        r.owner == g && reads.patterns.iter().any(|p| p.by != crate::check::By::Never)
                    });
                if !general.on_receive.is_empty() || !general.when.is_empty() || by || crashes(g) {
                    return Watch::Always;
                }
                let (mut ticks, mut periods) = (Vec::new(), Vec::new());
                for (r, reads) in model.rules.iter().zip(&model.reads) {
                    if r.owner != g || !reads.received {
                        continue;
                    }
                    match r.trigger {
                        Trigger::At(t) | Trigger::Decide { at: t, .. } => ticks.push(t),
                        Trigger::Every { period, .. } => periods.push(period),
                        Trigger::Start => ticks.push(0),
                        Trigger::Recover | Trigger::Receive { .. } | Trigger::When(_) => return Watch::Always,
                    }
                }
                ticks.sort_unstable();
                ticks.dedup();
                Watch::At { ticks, periods }
            })
            .collect()
    }

    /// Whether an arrival at any tick of `earliest..=latest` looks the same to it.
    pub(crate) fn blind(&self, earliest: u32, latest: u32) -> bool {
        match self {
            Watch::Always => false,
            Watch::At { ticks, periods } => {
                let seen = |t: u32| earliest <= t && t < latest;
                !ticks.iter().any(|&t| seen(t))
                    && !periods.iter().any(|&p| p > 0 && seen(earliest.div_ceil(p).max(1).saturating_mul(p)))
            }
        }
    }
}
