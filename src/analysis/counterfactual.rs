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
use crate::sim::{About, Choice, Chooser, Chosen, Fate, Mode, Sim};
use crate::syntax::ast::Outcome;

/// At most this many captured messengers are tried (one run each).
pub const MAX_TRIED: usize = 64;

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
/// outcome. `original` is that run, traced (its messengers and their fates).
pub fn flips(model: &Model, choices: &[u32], original: &Sim, max_events: u64) -> Vec<Flip> {
    let mut sim = Sim::new(model, Mode::Lean);
    sim.max_events = max_events;
    let mut label = Label::new(choices);
    if sim.run(&mut label).is_err() || label.keys.len() != original.state().messengers.len() {
        return Vec::new();
    }
    // The last choice of each messenger, and its number of choices.
    let mut slots: HashMap<Key, u32> = HashMap::new();
    for (key, slot) in label.chosen.keys() {
        let s = slots.entry(*key).or_insert(0);
        *s = (*s).max(slot + 1);
    }
    let before = original.outcome();
    let before_blocked = original.blocked();
    let mut out = Vec::new();
    for id in candidates(original) {
        let key = label.keys[id];
        // A probabilistic capture is the last choice made for its messenger.
        let Some(last) = slots.get(&key).map(|n| n - 1) else { continue };
        let mut undo = Undo { chosen: &label.chosen, undo: (key, last), track: Tracker::default() };
        if sim.run(&mut undo).is_err() {
            continue;
        }
        let after = sim.outcome();
        let after_blocked = sim.blocked();
        if after != before || after_blocked != before_blocked {
            out.push(Flip { messenger: id as u32, outcome: after, blocked: after_blocked });
        }
    }
    out
}

/// The messengers of a traced run that a counterfactual tries: those captured by a
/// probabilistic loss rule, at most [`MAX_TRIED`] of them.
pub fn candidates(sim: &Sim) -> Vec<usize> {
    let model = sim.model;
    let random = |m: &crate::sim::Messenger| match m.fate {
        Fate::Captured { loss, .. } => model.channels[m.chan as usize].losses[loss as usize].kind.is_random(),
        _ => false,
    };
    sim.state().messengers.iter().enumerate().filter(|(_, m)| random(m)).map(|(id, _)| id).take(MAX_TRIED).collect()
}
