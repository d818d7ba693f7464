//! Which messenger (or crash roll) a run's choices are about, by an identity that holds
//! across runs: used to replay one run's choices in another run that differs from it
//! (a counterfactual, or a lazy run turned back into an ordinary one).

use std::collections::HashMap;

use crate::sim::About;

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
