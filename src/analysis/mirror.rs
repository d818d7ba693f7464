//! The mirror image of a run: the same run with two interchangeable generals (see
//! [`crate::sim::symmetry`]) swapped. The adversary merges states up to such swaps, so
//! the shortest run it finds in which G3 waits may be the mirror of the one asked for,
//! in which G5 waits; this makes that one.
//!
//! The run is replayed once, noting each messenger's and crash roll's choices by their
//! identity (`analysis::subject`); then a run is made in which each messenger takes the
//! choices of its mirror (the messenger with sender and receiver swapped, sent at the
//! same tick, with the same message and rank).

use std::collections::HashMap;

use super::subject::{Key, Label, Tracker};
use crate::check::{GenId, Model};
use crate::sim::{About, Choice, Chooser, Chosen, Mode, Recording, Sim};

/// Makes each subject's choices those of its mirror.
struct Mirror<'a> {
    model: &'a Model,
    swap: (GenId, GenId),
    track: Tracker,
    chosen: HashMap<(Key, u32), u32>,
}

impl Mirror<'_> {
    fn swapped(&self, g: GenId) -> GenId {
        match g {
            g if g == self.swap.0 => self.swap.1,
            g if g == self.swap.1 => self.swap.0,
            g => g,
        }
    }

    /// The mirror of a subject.
    fn mirror(&self, m: &About) -> About {
        match *m {
            About::Messenger { chan, tick, msg } => {
                let c = &self.model.channels[chan as usize];
                let chan = self.model.chan(self.swapped(c.from), self.swapped(c.to)).unwrap_or(chan);
                About::Messenger { chan, tick, msg }
            }
            About::Crash { rule, general, tick } => About::Crash { rule, general: self.swapped(general), tick },
            other => other,
        }
    }
}

impl Chooser for Mirror<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let index = match self.track.next_slot() {
            Some(((about, rank), slot)) => {
                let key = (self.mirror(&about), rank);
                self.chosen.get(&(key, slot)).copied().unwrap_or(0)
            }
            None => 0,
        };
        Chosen { index: index.min(c.options() - 1), draw: None }
    }

    fn about(&mut self, m: &About) {
        self.track.about(m);
    }
}

/// The choices of the mirror image of a run (ordinary choices, not lazy ones) with
/// generals `a` and `b` swapped.
pub fn swapped(model: &Model, choices: &[u32], a: GenId, b: GenId, max_events: u64) -> Vec<u32> {
    let mut sim = Sim::new(model, Mode::Lean);
    sim.max_events = max_events;
    let mut note = Label::new(choices);
    // A run that stops at a limit stops at the same point in its mirror.
    let _ = sim.run(&mut note);
    let mirror = Mirror { model, swap: (a, b), track: Tracker::default(), chosen: note.chosen };
    let mut rec = Recording { inner: mirror, log: Vec::new() };
    let _ = sim.run(&mut rec);
    rec.log.iter().map(|(_, c)| c.index).collect()
}
