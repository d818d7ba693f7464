//! The state key: what exact enumeration and the adversary compare to merge states.
//!
//! Two states with the same key go on alike — the same outcomes, with the same
//! probabilities, whatever happened before — so a search keeps one of them. The key
//! leaves out what cannot matter any more, and two reductions make many more states
//! equal:
//!
//! - **Forgotten senders.** When no rule asks who sent a messenger (no `from` in the
//!   scenario) and a general's `on receive` rules read nothing of what it received,
//!   then of a sender that can never again send to it, only *what* it got from that
//!   sender counts (`count received` counts distinct senders), not *who* it was: such
//!   senders become anonymous groups, sorted.
//! - **Symmetry.** Generals that the scenario cannot tell apart (same role, same
//!   values, named nowhere; see [`super::symmetry`]) are put in a canonical order — by
//!   what each holds — before the key is written, with every mention of a general
//!   renamed accordingly. A key is always the key of a renamed copy of the state, and
//!   renaming interchangeable generals changes no outcome, so equal keys are never
//!   wrong; ties between generals that hold the same are broken by number, which may
//!   leave two equivalent states apart (a missed merge, never a wrong one).
//!
//! Within a tick (staged runs, [`Sim::advance`]) the key also holds the stage and the
//! messengers whose arrival or fate is still to be chosen.

mod index;
mod mail;
mod order;
mod plan;
mod record;
mod silence;
mod timeless;

use super::*;
pub(crate) use index::StateIndex;
use mail::msg;
use plan::{Ends, KeyPlan};
pub(crate) use timeless::windows;

/// Mark of a reference to an anonymous group (not a general).
const GROUP: u64 = 1 << 40;

/// Mark of a reference to a general by its class (while ordering generals).
const CLASS: u64 = 1 << 41;

/// Separates the parts of a record.
const END: u64 = u64::MAX;

/// Buffers reused from key to key (no allocation per state once grown).
#[derive(Default)]
pub(super) struct KeyScratch {
    /// (Boxed: it is taken out and put back for every key, and it is large.)
    plan: Option<Box<KeyPlan>>,
    /// `silent[s * n + g]`: `s` will never send to `g` again; with `KeyPlan::by_time`, the
    /// tick and whether the stage was `Resolve` when worked out.
    silent: Vec<bool>,
    silent_at: Option<(u32, bool)>,
    /// With `KeyPlan::by_time`: whether the table after the rules of one tick fired is
    /// the table at the start of another (see `same_silences`).
    crossing: Option<(u32, u32, bool)>,
    /// The canonical order of the generals, and each general's place in it.
    order: Vec<GenId>,
    /// The generals' keys in that order, while ordering (see `order`).
    sorted: Vec<u64>,
    rank: Vec<u64>,
    /// Every record written so far, once, numbered in the order first written: a key
    /// holds its records' numbers.
    records: StateIndex,
    /// One record, being written.
    buf: Vec<u64>,
    /// Per general: the number of the record it is ordered by, and whether that record
    /// names other generals (its record in the key is then written with their places).
    sig: Vec<u32>,
    names: Vec<bool>,
    /// Order generals by their records' contents, not their numbers (to check that the
    /// order changes no merge).
    #[cfg(test)]
    by_content: bool,
    /// Set by `record` when it names a general.
    named: bool,
    entries: Vec<(Msg, u64, u32)>,
    /// Anonymous groups of one receiver, by sender (empty: no group), and the senders
    /// with one.
    groups: Vec<Vec<u64>>,
    grouped: Vec<GenId>,
    /// The messengers on their way, by receiver (`mail_at[g]..mail_at[g + 1]` in `mail`):
    /// sender and where its words (token, message, duplicate) are in `words`.
    words: Vec<u64>,
    mail: Vec<(GenId, u32, u32)>,
    mail_at: Vec<u32>,
    /// The same in the order found, with receivers.
    found: Vec<(GenId, GenId, u32, u32)>,
    /// The messengers on their way to one receiver, and where each is in `tokens`.
    tokens: Vec<u64>,
    spans: Vec<(u32, u32)>,
    /// The generals whose records the last step changed (see `changed_since`), or that
    /// name other generals: per general, and listed.
    dirty: Vec<bool>,
    changed: Vec<GenId>,
    /// `state_key`'s layout (not returned).
    layout: Vec<Place>,
}

/// The key of a state a search is going on from, as the key of a state one step on
/// ([`Sim::advance`]) can reuse it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parent<'a> {
    /// Where the step started ([`Sim::progress`]).
    pub progress: (u32, u32),
    /// Per general: its record in the parent's key, as [`Sim::state_key_from`] said.
    pub records: &'a [Place],
}

/// A general's record in a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    /// Its place in the canonical order.
    pub rank: u32,
    /// Its number, or [`Place::NAMED`] if it names other generals (by their places in the
    /// canonical order): another key cannot reuse it.
    pub id: u32,
}

impl Place {
    pub const NAMED: u32 = u32::MAX;
}

impl Sim<'_> {
    /// Writes the part of the state that decides the rest of the run: two runs with the
    /// same key go on alike (whatever happened before), so exact enumeration and the
    /// adversary merge them. See the module's documentation for what is left out.
    ///
    /// Each general's record is written once per `Sim` (in a table of records) and the
    /// key holds its number: keys are short, and generals are put in order by comparing
    /// numbers. Two keys are equal when their records are, in order; so the key merges
    /// the same states as the records written out in full would.
    pub fn state_key(&self, out: &mut Vec<u64>) {
        let mut records = std::mem::take(&mut self.key.borrow_mut().layout);
        self.state_key_from(None, out, &mut records);
        self.key.borrow_mut().layout = records;
    }

    /// Orders generals by their records' contents, not their numbers (tests: the keys
    /// then differ, but merge the same states).
    #[cfg(test)]
    pub(crate) fn order_keys_by_content(&self, on: bool) {
        self.key.borrow_mut().by_content = on;
    }

    /// Bytes the state key's table of records holds (it grows with every record written,
    /// for a search's memory bound).
    pub(crate) fn key_bytes(&self) -> usize {
        self.key.borrow().records.bytes()
    }

    /// [`Sim::state_key`], reusing the key of the state this one is a step on from (if
    /// given): the records of the generals the step did not change are taken from it, and
    /// they keep their order. Also says, per general, its record in `out` (for the next
    /// step's `Parent`). The key is the same as `state_key`'s, whatever the parent
    /// (`explore`'s tests check it on every bundled scenario). Returns whether it reused
    /// the parent's key.
    pub(crate) fn state_key_from(&self, parent: Option<Parent>, out: &mut Vec<u64>, records: &mut Vec<Place>) -> bool {
        let mut guard = self.key.borrow_mut();
        let s = &mut *guard;
        if s.plan.is_none() {
            s.plan = Some(Box::new(KeyPlan::new(
                self.model,
                self.reduce,
                self.plan.counting.iter().any(|c| *c),
                self.timeless,
            )));
        }
        let plan = s.plan.take().expect("made above");
        let n = plan.n;
        // The parent, if the step changed only some generals' records (`dirty`); those
        // that name other generals are written afresh too.
        // (Without the clock, a record's messengers are written by the ticks until they
        // open: a step to another tick changes records it did not touch.)
        let parent = parent.filter(|p| {
            p.records.len() == n
                && !(plan.timeless.is_some() && p.progress.0 != self.state.now)
                && self.changed_since(&plan, p.progress, s)
        });
        s.changed.clear();
        if let Some(p) = parent {
            for (g, r) in p.records.iter().enumerate() {
                s.dirty[g] |= r.id == Place::NAMED;
                if s.dirty[g] {
                    s.changed.push(g as GenId);
                }
            }
        }
        self.silences(&plan, parent.is_some(), s);
        self.sort_mail(n, parent.is_some(), plan.timeless, s);
        s.groups.resize_with(n, Vec::new);
        if !parent.is_some_and(|p| self.write_one_changed(&plan, s, p, out, records)) {
            self.order(&plan, s, parent);
            self.write(&plan, s, out, records);
        }
        // Counters of counting channels, between generals in the canonical order.
        if plan.counting {
            for a in 0..n {
                for b in 0..n {
                    if let Some(c) = self.model.chan(s.order[a], s.order[b])
                        && self.plan.counting[c as usize]
                    {
                        out.push(self.state.chan_count[c as usize] as u64);
                    }
                }
            }
        }
        s.plan = Some(plan);
        parent.is_some()
    }

    /// Writes general `g`'s record into the table of records (naming generals by
    /// `s.rank`): its number, and whether it names other generals.
    fn numbered(&self, g: GenId, plan: &KeyPlan, s: &mut KeyScratch) -> (u32, bool) {
        let mut buf = std::mem::take(&mut s.buf);
        buf.clear();
        s.named = false;
        self.record(g, plan, s, &mut buf);
        let id = s.records.find_or_add(&buf).unwrap_or_else(|i| i);
        s.buf = buf;
        (id as u32, s.named)
    }

    /// What a key starts with: the tick, the stage, the crashes.
    fn header(&self, plan: &KeyPlan, out: &mut Vec<u64>) {
        out.clear();
        out.push(if plan.timeless.is_some() { 0 } else { self.state.now as u64 });
        out.push(match self.state.stage {
            Stage::Start => 0,
            Stage::Arrive => 1,
            Stage::Resolve => 2,
        });
        out.push(self.state.next_crash as u64);
        out.extend(self.state.any_crashed.iter().map(|n| *n as u64));
    }

    /// Writes the key: the stage, then the generals' records' numbers in the canonical
    /// order (records that name generals written again, with their places); and says
    /// where each general's record is.
    fn write(&self, plan: &KeyPlan, s: &mut KeyScratch, out: &mut Vec<u64>, records: &mut Vec<Place>) {
        let n = plan.n;
        self.header(plan, out);
        records.clear();
        records.resize(n, Place { rank: 0, id: Place::NAMED });
        for i in 0..n {
            let g = s.order[i];
            let gi = g as usize;
            // Without symmetry, generals are named by number, and every record is final.
            let (id, reusable) =
                if plan.sym && s.names[gi] { (self.numbered(g, plan, s).0, false) } else { (s.sig[gi], true) };
            out.push(id as u64);
            records[gi] = Place { rank: i as u32, id: if reusable { id } else { Place::NAMED } };
        }
    }
}
