//! Turning a run made with lazy delivery ([`Sim::lazy`]) back into ordinary choices.
//!
//! With lazy delivery the adversary does not pick a messenger's delay when it is sent: at
//! each tick of its window it picks "arrives now" or "later". That keeps the branching of
//! a tick per messenger instead of per combination of delays, but the choices come in
//! another order than in an ordinary run, which is what replays, reports and
//! counterfactuals read. So the lazy run is replayed once, noting for each messenger (by
//! its identity: channel, send tick, message, rank) its choices at send and the tick it
//! arrived; then an ordinary run is made whose delay choices are those arrivals and whose
//! other choices are the same. The two runs are the same run.

use std::collections::HashMap;

use crate::check::Model;
use crate::sim::{About, Choice, Chooser, Chosen, Recording, Script, Sim};

/// A subject's identity across runs: what it is, and its rank among equal ones.
type Key = (About, u32);

/// Which subject the choices are about, and how many of its (non-delay) choices came.
#[derive(Default)]
struct Track {
    ranks: HashMap<About, u32>,
    current: Option<(Key, u32)>,
    slot: u32,
    delays: u32,
}

impl Track {
    fn about(&mut self, m: &About, tick: u32) -> Key {
        let rank = self.ranks.entry(*m).or_insert(0);
        let key = (*m, *rank);
        *rank += 1;
        self.current = Some((key, tick));
        self.slot = 0;
        self.delays = 0;
        key
    }

    fn next_slot(&mut self) -> Option<(Key, u32)> {
        let at = self.current.map(|(k, _)| (k, self.slot));
        self.slot += 1;
        at
    }
}

/// Replays a lazy run and notes what each messenger did.
struct Note<'a> {
    script: Script<'a>,
    track: Track,
    /// Messenger id to key.
    ids: Vec<Key>,
    chosen: HashMap<(Key, u32), u32>,
    /// When each messenger (and duplicate) arrived.
    arrival: HashMap<(Key, bool), u32>,
    /// Messengers still on the road when the run ended.
    late: std::collections::HashSet<(Key, bool)>,
    arriving: Option<(u32, bool, u32)>,
}

impl Chooser for Note<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.script.choose(c);
        if let Some((id, duplicate, tick)) = self.arriving.take() {
            if r.index == 1
                && let Some(key) = self.ids.get(id as usize)
            {
                self.arrival.insert((*key, duplicate), tick);
            }
        } else if let Some(at) = self.track.next_slot() {
            self.chosen.insert(at, r.index);
        }
        r
    }

    fn about(&mut self, m: &About) {
        match *m {
            About::Arrival { id, duplicate, tick, forced: false } => self.arriving = Some((id, duplicate, tick)),
            About::Arrival { id, duplicate, tick, forced: true } => {
                if let Some(key) = self.ids.get(id as usize) {
                    self.arrival.insert((*key, duplicate), tick);
                }
            }
            About::Messenger { tick, .. } => {
                let key = self.track.about(m, tick);
                self.ids.push(key);
            }
            About::Crash { tick, .. } => {
                self.track.about(m, tick);
            }
        }
    }
}

/// Makes the ordinary run's choices from the notes.
struct Translate<'a> {
    note: &'a Note<'a>,
    track: Track,
}

impl Chooser for Translate<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let index = match *c {
            Choice::Delay { lo, hi } => {
                let duplicate = self.track.delays > 0;
                self.track.delays += 1;
                match self.track.current {
                    // The delay it arrived after; one still on the road at the end, the longest
                    // (it arrives after the end); a captured one, the shortest.
                    Some((key, sent)) => match self.note.arrival.get(&(key, duplicate)) {
                        Some(at) => at.saturating_sub(sent).saturating_sub(lo).min(hi - lo),
                        None if self.note.late.contains(&(key, duplicate)) => hi - lo,
                        None => 0,
                    },
                    None => 0,
                }
            }
            Choice::Chance { .. } => match self.track.next_slot() {
                Some(at) => self.note.chosen.get(&at).copied().filter(|i| *i < c.options()).unwrap_or(0),
                None => 0,
            },
        };
        Chosen { index, draw: None }
    }

    fn about(&mut self, m: &About) {
        match *m {
            About::Messenger { tick, .. } | About::Crash { tick, .. } => {
                self.track.about(m, tick);
            }
            About::Arrival { .. } => {}
        }
    }
}

/// The ordinary choices of the run that `lazy_choices` make with lazy delivery.
pub fn ordinary(model: &Model, lazy_choices: &[u32], max_events: u64) -> Vec<u32> {
    let mut sim = Sim::new(model);
    sim.max_events = max_events;
    sim.lazy = true;
    let mut note = Note {
        script: Script::new(lazy_choices),
        track: Track::default(),
        ids: Vec::new(),
        chosen: HashMap::new(),
        arrival: HashMap::new(),
        late: Default::default(),
        arriving: None,
    };
    let _ = sim.run(&mut note);
    for (id, duplicate) in sim.on_road() {
        if let Some(key) = note.ids.get(id as usize) {
            note.late.insert((*key, duplicate));
        }
    }
    let mut sim = Sim::new(model);
    sim.max_events = max_events;
    let mut rec = Recording { inner: Translate { note: &note, track: Track::default() }, log: Vec::new() };
    let _ = sim.run(&mut rec);
    rec.log.iter().map(|(_, c)| c.index).collect()
}
