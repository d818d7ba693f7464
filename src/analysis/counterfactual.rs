//! Counterfactuals: which captured messengers, had they alone arrived, would have changed
//! the outcome of a run, and to what.
//!
//! A run is a list of choices. Each choice is tied to the messenger it is about: the
//! channel, the tick it was sent, its message, and its rank among the messengers sent on
//! that channel at that tick with that message (so that a messenger keeps its identity
//! when the counterfactual sends extra ones before it). The counterfactual run replays
//! every messenger's choices as they were, except that the chosen messenger is delivered
//! instead of captured; a messenger that exists only in the counterfactual run (one sent
//! because the chosen one arrived) is delivered, with its channel's shortest delay and no
//! duplicate. Only probabilistic captures can be undone: a deterministic loss rule or a
//! partition captures its messengers in every run.

use std::collections::HashMap;

use super::subject::{Key, Label, Tracker};
use crate::check::Model;
use crate::sim::{About, Choice, Chooser, Chosen, Fate, Mode, RunError, Sim};
use crate::syntax::ast::Outcome;

/// At most this many captured messengers are tried (one run each).
pub const MAX_TRIED: usize = 64;

/// The work of the counterfactual runs together, in events (messengers sent, rules fired,
/// deliveries): [`WORK_TIMES`] times the original run's, but never under [`WORK_FLOOR`]
/// (a small run's 64 counterfactuals are always all tried) nor over [`WORK_CAP`].
/// Counterfactuals are tried in send order until the next would pass the budget.
pub const WORK_TIMES: u64 = 8;
/// See [`WORK_TIMES`].
pub const WORK_FLOOR: u64 = 250_000;
/// See [`WORK_TIMES`].
pub const WORK_CAP: u64 = 2_000_000;

/// The budget of the counterfactual runs of a run of `events` events.
pub fn work_budget(events: u64) -> u64 {
    events.saturating_mul(WORK_TIMES).clamp(WORK_FLOOR, WORK_CAP)
}

/// What the counterfactuals of a run found, and how far they went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flips {
    /// The captured messengers whose delivery alone changes the outcome, in send order.
    pub changes: Vec<Flip>,
    /// Messengers captured by a probabilistic loss rule.
    pub captured: usize,
    /// Those tried, one counterfactual run each (the first ones, in send order).
    pub tried: usize,
    /// Why the others were not tried, if some were not.
    pub cut: Option<Cut>,
}

/// Why some captured messengers were not tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// More were captured than [`MAX_TRIED`].
    Messengers,
    /// The next counterfactual run would have passed the work budget ([`work_budget`]):
    /// this many events.
    Work { budget: u64 },
}

/// A captured messenger whose delivery would have changed the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flip {
    /// Its id in the original run ([`RunState::messengers`](crate::sim::RunState::messengers)).
    pub messenger: u32,
    /// The outcome had it arrived.
    pub outcome: Outcome,
    /// Whether a live general would still have ended undecided.
    pub blocked: bool,
}

/// Replays the original choices messenger by messenger, with one capture undone.
struct Undo<'a> {
    chosen: &'a HashMap<(Key, u32), u32>,
    undo: (Key, u32),
    track: Tracker,
}

impl Chooser for Undo<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let index = match self.track.next_slot() {
            Some(at) if at == self.undo => 0,
            Some(at) => self.chosen.get(&at).copied().filter(|i| *i < c.options()).unwrap_or(0),
            None => 0,
        };
        Chosen { index, draw: None }
    }

    fn about(&mut self, m: &About) {
        self.track.about(m);
    }
}

/// The captured messengers of the run made by `choices` whose delivery alone changes its
/// outcome. `original` is that run, traced (its messengers and their fates). The runs stop
/// at `max_events` each, and all together at the work budget ([`work_budget`]).
pub fn flips(model: &Model, choices: &[u32], original: &Sim, max_events: u64) -> Flips {
    let candidates = candidates(original);
    let captured = captured(original);
    let mut out = Flips {
        changes: Vec::new(),
        captured,
        tried: candidates.len(),
        cut: (captured > candidates.len()).then_some(Cut::Messengers),
    };
    let mut sim = Sim::new(model, Mode::Lean);
    sim.max_events = max_events;
    let mut label = Label::new(choices);
    if sim.run(&mut label).is_err() || label.keys.len() != original.state().messengers.len() {
        return out;
    }
    let budget = work_budget(sim.state().events);
    let mut spent = 0u64;
    // The last choice of each messenger, and its number of choices.
    let mut slots: HashMap<Key, u32> = HashMap::new();
    for (key, slot) in label.chosen.keys() {
        let s = slots.entry(*key).or_insert(0);
        *s = (*s).max(slot + 1);
    }
    let before = original.outcome();
    let before_blocked = original.blocked();
    for (n, id) in candidates.into_iter().enumerate() {
        let key = label.keys[id];
        // A probabilistic capture is the last choice made for its messenger.
        let Some(last) = slots.get(&key).map(|n| n - 1) else { continue };
        let mut undo = Undo { chosen: &label.chosen, undo: (key, last), track: Tracker::default() };
        // A run may use what is left of the budget, and no more.
        let left = budget - spent;
        sim.max_events = max_events.min(left);
        let result = sim.run(&mut undo);
        spent += sim.state().events.min(left);
        if let Err(e) = result {
            if left < max_events && matches!(e, RunError::EventLimit { .. }) {
                // Stopped by the budget, not by the run's own bound: this one and the
                // rest are not tried.
                out.tried = n;
                out.cut = Some(Cut::Work { budget });
                break;
            }
            continue;
        }
        let after = sim.outcome();
        let after_blocked = sim.blocked();
        if after != before || after_blocked != before_blocked {
            out.changes.push(Flip { messenger: id as u32, outcome: after, blocked: after_blocked });
        }
    }
    out
}

/// How many messengers of a traced run a probabilistic loss rule captured.
fn captured(sim: &Sim) -> usize {
    sim.state().messengers.iter().filter(|m| randomly_captured(sim.model, m)).count()
}

fn randomly_captured(model: &Model, m: &crate::sim::Messenger) -> bool {
    match m.fate {
        Fate::Captured { loss, .. } => model.channels[m.chan as usize].losses[loss as usize].kind.is_random(),
        _ => false,
    }
}

/// The messengers of a traced run that a counterfactual tries: those captured by a
/// probabilistic loss rule, at most [`MAX_TRIED`] of them.
pub fn candidates(sim: &Sim) -> Vec<usize> {
    let model = sim.model;
    sim.state()
        .messengers
        .iter()
        .enumerate()
        .filter(|(_, m)| randomly_captured(model, m))
        .map(|(id, _)| id)
        .take(MAX_TRIED)
        .collect()
}
