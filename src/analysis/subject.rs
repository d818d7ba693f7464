//! Which messenger (or crash roll) a run's choices are about, by an identity that holds
//! across runs: used to replay one run's choices in another run that differs from it
//! (a counterfactual, a mirror image, or a lazy run turned back into an ordinary one).

use std::collections::HashMap;

use crate::sim::{About, Choice, Chooser, Chosen, Script};

/// A subject's identity across runs: what it is ([`About`]: channel, send tick and
/// message, or crash roll), and its rank among equal ones in its run.
pub(crate) type Key = (About, u32);

/// Follows [`crate::sim::Chooser::about`]: the current subject, and how many of its
/// choices have been counted (`next_slot`).
#[derive(Default)]
pub(crate) struct Tracker {
    ranks: HashMap<About, u32>,
    pub(crate) current: Option<Key>,
    slot: u32,
}

impl Tracker {
    /// A new subject: its key.
    pub(crate) fn about(&mut self, m: &About) -> Key {
        let rank = self.ranks.entry(*m).or_insert(0);
        let key = (*m, *rank);
        *rank += 1;
        self.current = Some(key);
        self.slot = 0;
        key
    }

    /// The current subject and the number of its next counted choice.
    pub(crate) fn next_slot(&mut self) -> Option<(Key, u32)> {
        let at = self.current.map(|k| (k, self.slot));
        self.slot += 1;
        at
    }
}

/// Replays a run, labelling each choice with its subject and slot.
pub(crate) struct Label<'a> {
    script: Script<'a>,
    track: Tracker,
    /// Messenger id (send order) to key.
    pub(crate) keys: Vec<Key>,
    pub(crate) chosen: HashMap<(Key, u32), u32>,
}

impl<'a> Label<'a> {
    /// A replay of `choices`.
    pub(crate) fn new(choices: &'a [u32]) -> Label<'a> {
        Label { script: Script::new(choices), track: Tracker::default(), keys: Vec::new(), chosen: HashMap::new() }
    }
}

impl Chooser for Label<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.script.choose(c);
        if let Some(at) = self.track.next_slot() {
            self.chosen.insert(at, r.index);
        }
        r
    }

    fn about(&mut self, m: &About) {
        let key = self.track.about(m);
        if let About::Messenger { .. } = m {
            self.keys.push(key);
        }
    }
}
