//! Turning a run made with lazy delivery ([`Mode::Staged`] with `lazy`) back into ordinary
//! choices.
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

use super::subject::{Key, Tracker};
use crate::check::Model;
use crate::sim::{About, Choice, Chooser, Chosen, Mode, Recording, Script, Sim};

/// Replays a lazy run and notes what each messenger did.
struct Note<'a> {
    script: Script<'a>,
    track: Tracker,
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
            About::Messenger { .. } => {
                let key = self.track.about(m);
                self.ids.push(key);
            }
            About::Crash { .. } => {
                self.track.about(m);
            }
        }
    }
}

/// Makes the ordinary run's choices from the notes.
struct Translate<'a> {
    note: &'a Note<'a>,
    track: Tracker,
    /// Delay choices made so far for the current messenger (the second is its duplicate's).
    delays: u32,
}

impl Chooser for Translate<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let index = match *c {
            Choice::Delay { lo, hi } => {
                let duplicate = self.delays > 0;
                self.delays += 1;
                match self.track.current {
                    // The delay it arrived after; one still on the road at the end, the longest
                    // (it arrives after the end); a captured one, the shortest.
                    Some(key @ (About::Messenger { tick: sent, .. }, _)) => {
                        match self.note.arrival.get(&(key, duplicate)) {
                            Some(at) => at.saturating_sub(sent).saturating_sub(lo).min(hi - lo),
                            None if self.note.late.contains(&(key, duplicate)) => hi - lo,
                            None => 0,
                        }
                    }
                    _ => 0,
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
        if !matches!(m, About::Arrival { .. }) {
            self.track.about(m);
            self.delays = 0;
        }
    }
}

/// The ordinary choices of the run that `lazy_choices` make with lazy delivery.
///
/// `settled`: the lazy run let arrivals no rule can tell apart settle at their earliest
/// tick (`Sim::set_settled_delays`); `alike`: it chose how many interchangeable
/// messengers arrive, not which (`Sim::set_alike_arrivals`).
pub fn ordinary(model: &Model, lazy_choices: &[u32], max_events: u64, (settled, alike): (bool, bool)) -> Vec<u32> {
    let mut sim = Sim::new(model, Mode::Staged { lazy: true });
    sim.set_settled_delays(settled);
    sim.set_alike_arrivals(alike);
    sim.max_events = max_events;
    let mut note = Note {
        script: Script::new(lazy_choices),
        track: Tracker::default(),
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
    let mut sim = Sim::new(model, Mode::Lean);
    sim.max_events = max_events;
    let mut rec = Recording { inner: Translate { note: &note, track: Tracker::default(), delays: 0 }, log: Vec::new() };
    let _ = sim.run(&mut rec);
    rec.log.iter().map(|(_, c)| c.index).collect()
}
