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

use super::symmetry::Symmetry;
use super::*;
use crate::analysis::index::StateIndex;

/// Mark of a reference to an anonymous group (not a general).
const GROUP: u64 = 1 << 40;
/// Mark of a reference to a general by its class (while ordering generals).
const CLASS: u64 = 1 << 41;
/// Separates the parts of a record.
const END: u64 = u64::MAX;

/// What the key needs of the model, worked out once.
pub(super) struct KeyPlan {
    n: usize,
    symmetry: Symmetry,
    /// Some class has two members or more (else the order is the identity).
    sym: bool,
    /// Per general: how records name it while generals are being ordered (by its class).
    class_rank: Vec<u64>,
    /// Some channel's loss rules count messengers (its counter is part of the key).
    counting: bool,
    /// Per receiver: the senders of its messengers may be forgotten.
    anon: Vec<bool>,
    /// Some receiver's may.
    any_anon: bool,
    /// Per rule: when it is done firing (what of its trigger `silences` needs).
    ends: Vec<Ends>,
    /// Which senders are silent towards whom depends only on the tick and stage: nobody
    /// crashes, and no `every` or `when` rule sends.
    by_time: bool,
    /// Per receiver: the order in which its messengers arrive matters (it has `on
    /// receive` rules; without them, a delivery only adds to what it received).
    ordered: Vec<bool>,
    /// `sends[s * n + g]`: the rules of `s` that can send to `g`.
    sends: Vec<Vec<RuleId>>,
    /// Per general, its rules that can send.
    senders: Vec<Vec<RuleId>>,
    /// Per rule: its position among its owner's rules (the same for corresponding rules
    /// of interchangeable generals).
    local: Vec<u32>,
    /// Per general: its `when` and `every` rules.
    when: Vec<Vec<RuleId>>,
    every: Vec<Vec<RuleId>>,
}

impl KeyPlan {
    fn new(model: &Model, reduce: bool, counting: bool) -> KeyPlan {
        let n = model.generals.len();
        let symmetry = if reduce { Symmetry::of(model) } else { Symmetry::none(model) };
        let senders_unread = reduce && model.reads.iter().all(|r| !r.sender);
        let anon: Vec<bool> = model
            .generals
            .iter()
            .map(|g| {
                senders_unread
                    && g.on_receive.iter().all(|r| {
                        // A rule that crashes it would cut a tick's deliveries short.
                        !model.reads[*r as usize].received
                            && !model.rules[*r as usize].actions.iter().any(|a| matches!(a, Action::Crash(_)))
                    })
            })
            .collect();
        let ordered = model.generals.iter().map(|g| !g.on_receive.is_empty()).collect();
        let mut sends = vec![Vec::new(); n * n];
        for (r, rule) in model.rules.iter().enumerate() {
            for a in &rule.actions {
                if let Action::Send { to, .. } = a {
                    for &g in to {
                        let list = &mut sends[rule.owner as usize * n + g as usize];
                        if !list.contains(&(r as RuleId)) {
                            list.push(r as RuleId);
                        }
                    }
                }
            }
        }
        let senders: Vec<Vec<RuleId>> = (0..n)
            .map(|g| {
                let mut all: Vec<RuleId> = (0..n).flat_map(|to| sends[g * n + to].iter().copied()).collect();
                all.sort_unstable();
                all.dedup();
                all
            })
            .collect();
        let mut local = vec![0; model.rules.len()];
        let mut when = Vec::new();
        let mut every = Vec::new();
        for g in &model.generals {
            let all = [&g.on_start, &g.on_recover, &g.on_receive, &g.timed, &g.when, &g.decide];
            for (i, r) in all.into_iter().flatten().enumerate() {
                local[*r as usize] = i as u32;
            }
            when.push(g.when.clone());
            every.push(
                g.timed
                    .iter()
                    .copied()
                    .filter(|r| matches!(model.rules[*r as usize].trigger, Trigger::Every { .. }))
                    .collect(),
            );
        }
        let sym = symmetry.any();
        let class_rank = (0..n).map(|g| CLASS | symmetry.class[g] as u64).collect();
        let any_anon = anon.iter().any(|a| *a);
        let ends: Vec<Ends> = model
            .rules
            .iter()
            .map(|r| match &r.trigger {
                Trigger::Start => Ends::Start,
                Trigger::Recover => Ends::Recover,
                Trigger::Receive { .. } => Ends::Never,
                Trigger::At(at) => Ends::At(*at),
                Trigger::Every { .. } => Ends::Every,
                Trigger::When(_) => Ends::When,
                Trigger::Decide { .. } => Ends::Done,
            })
            .collect();
        let by_time = model.crashes.is_empty()
            && model.crash_any.is_empty()
            && senders.iter().flatten().all(|r| !matches!(ends[*r as usize], Ends::Every | Ends::When));
        KeyPlan {
            n,
            symmetry,
            sym,
            class_rank,
            counting,
            any_anon,
            ends,
            by_time,
            anon,
            ordered,
            sends,
            senders,
            local,
            when,
            every,
        }
    }
}

/// When a rule is done firing, by its trigger: `on start` once the start is over, `on
/// recover` when no recovery is left, `on receive` never, `at T` after T, `every` and
/// `when` when the run says so, `decide` at once (it sends nothing).
#[derive(Debug, Clone, Copy)]
enum Ends {
    Start,
    Recover,
    Never,
    At(u32),
    Every,
    When,
    Done,
}

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

/// How records name generals while the generals are being ordered: by class (with
/// symmetry), else by number.
fn naming_ranks(plan: &KeyPlan, rank: &mut Vec<u64>) {
    rank.clear();
    if plan.sym {
        rank.extend_from_slice(&plan.class_rank);
    } else {
        rank.extend(0..plan.n as u64);
    }
}

/// A general's key in the canonical order, in one word: its class, the number of its
/// record, its own number (16, 32 and 16 bits), compared as the three would be.
#[inline(always)]
fn order_key(class: &[u16], g: GenId, record: u32) -> u64 {
    (class[g as usize] as u64) << 48 | (record as u64) << 16 | g as u64
}

fn msg(out: &mut Vec<u64>, m: &Msg) {
    out.push(m.kind as u64 | (m.args.len as u64) << 32);
    out.extend(m.args.as_slice().iter().map(|v| *v as u64));
}

/// Where a messenger on its way to a receiver is, as the key writes it.
#[derive(Debug, Clone, Copy)]
enum Token {
    /// Lazy delivery: its window, and (in the arrival stage) whether it was chosen to arrive.
    Road { earliest: u32, latest: u32, decided: u8 },
    /// In the queue, arriving at this tick.
    Queue(u32),
    /// Sent this tick; its fate is not chosen yet.
    Unresolved,
}

impl Token {
    fn code(self) -> u64 {
        match self {
            Token::Road { earliest, latest, decided } => {
                1 | (earliest as u64) << 2 | (latest as u64) << 26 | (decided as u64) << 50
            }
            Token::Queue(at) => 2 | (at as u64) << 2,
            Token::Unresolved => 3,
        }
    }
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
            s.plan = Some(Box::new(KeyPlan::new(self.model, self.reduce, self.plan.counting.iter().any(|c| *c))));
        }
        let plan = s.plan.take().expect("made above");
        let n = plan.n;
        // The parent, if the step changed only some generals' records (`dirty`); those
        // that name other generals are written afresh too.
        let parent = parent.filter(|p| p.records.len() == n && self.changed_since(&plan, p.progress, s));
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
        self.sort_mail(n, parent.is_some(), s);
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

    /// Puts the generals in the canonical order (`s.order`, and `s.rank`: each one's place
    /// in it): identity, or by what each general holds, within classes. The numbers of
    /// the records they are ordered by are kept (`s.sig`), those of the generals the step
    /// did not change taken from the parent's key.
    fn order(&self, plan: &KeyPlan, s: &mut KeyScratch, parent: Option<Parent>) {
        let n = plan.n;
        naming_ranks(plan, &mut s.rank);
        s.sig.clear();
        s.names.clear();
        for g in 0..n {
            match parent {
                Some(p) if !s.dirty[g] => {
                    s.sig.push(p.records[g].id);
                    s.names.push(false);
                }
                _ => {
                    let (id, named) = self.numbered(g as GenId, plan, s);
                    s.sig.push(id);
                    s.names.push(named);
                }
            }
        }
        s.order.clear();
        if !plan.sym {
            s.order.extend(0..n as GenId);
            return;
        }
        let class = &plan.symmetry.class;
        let sig = &s.sig;
        // By class, then record, then number: a total order. (Records by number: equal
        // numbers are equal records, and any order of the records that is the same in
        // every state makes the same keys equal. Ties are broken by number.)
        #[cfg(test)]
        if s.by_content {
            let records = &s.records;
            s.order.extend(0..n as GenId);
            s.order.sort_unstable_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                let content = |g: usize| records.key(sig[g] as usize);
                (class[a], content(a), a).cmp(&(class[b], content(b), b))
            });
        }
        let at = |g: usize| order_key(class, g as GenId, sig[g]);
        let sorted = &mut s.sorted;
        sorted.clear();
        if s.order.len() == n {
            // (Ordered by content above.)
        } else if let Some(p) = parent {
            // The unchanged generals are in order already: the changed ones are put in
            // their places (the same order as sorting all, the order being total).
            sorted.resize(n, 0);
            for (g, r) in p.records.iter().enumerate() {
                sorted[r.rank as usize] = at(g);
            }
            let dirty = &s.dirty;
            sorted.retain(|x| !dirty[(*x & 0xffff) as usize]);
            for &g in &s.changed {
                let x = at(g as usize);
                let place = sorted.partition_point(|y| *y < x);
                sorted.insert(place, x);
            }
        } else {
            sorted.extend((0..n).map(at));
            sorted.sort_unstable();
        }
        s.order.extend(sorted.iter().map(|x| (*x & 0xffff) as GenId));
        for (i, g) in s.order.iter().enumerate() {
            s.rank[*g as usize] = i as u64;
        }
    }

    /// [`Sim::order`] and [`Sim::write`] when the step changed one general's record and
    /// that record names no other general (most steps of a search): the others keep their
    /// records and their order, and the changed one moves to its place among them. The
    /// same key, in fewer passes over the generals. Returns false when it does not apply
    /// (having changed nothing the two need).
    fn write_one_changed(
        &self,
        plan: &KeyPlan,
        s: &mut KeyScratch,
        p: Parent,
        out: &mut Vec<u64>,
        records: &mut Vec<Place>,
    ) -> bool {
        let n = plan.n;
        let [g] = s.changed[..] else {
            return false;
        };
        #[cfg(test)]
        if s.by_content {
            return false;
        }
        naming_ranks(plan, &mut s.rank);
        let (id, named) = self.numbered(g, plan, s);
        if named {
            return false;
        }
        let order = &mut s.order;
        order.clear();
        order.resize(n, 0);
        for (h, r) in p.records.iter().enumerate() {
            order[r.rank as usize] = h as GenId;
        }
        if plan.sym {
            // By class, record and number, as `order` sorts.
            let class = &plan.symmetry.class;
            let at = |h: GenId, id: u32| order_key(class, h, id);
            let x = at(g, id);
            order.remove(p.records[g as usize].rank as usize);
            // (Counted without a branch: which way a comparison goes is not predictable.)
            let place = order.iter().map(|&h| (at(h, p.records[h as usize].id) < x) as usize).sum();
            order.insert(place, g);
        }
        self.header(out);
        records.clear();
        records.resize(n, Place { rank: 0, id: Place::NAMED });
        for (i, &h) in order.iter().enumerate() {
            // (A select, not a branch.)
            let id = [p.records[h as usize].id, id][(h == g) as usize];
            out.push(id as u64);
            records[h as usize] = Place { rank: i as u32, id };
            s.rank[h as usize] = i as u64;
        }
        true
    }

    /// What a key starts with: the tick, the stage, the crashes.
    fn header(&self, out: &mut Vec<u64>) {
        out.clear();
        out.push(self.state.now as u64);
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
        self.header(out);
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

    /// Whether the last step, from `progress`, changed only the records of some generals
    /// (marked in `s.dirty`): it chose lazy arrivals or messengers' fates, and the tick's
    /// stage is the same; or it chose the fates of the tick's last messengers and the run
    /// went on to a later tick, which changes no record when it leaves the same senders
    /// silent (with `KeyPlan::by_time`: nothing else of a record depends on the tick). Nothing
    /// else of the key changes in such a step but the stage, the tick and the counters of
    /// counting channels (written afresh).
    fn changed_since(&self, plan: &KeyPlan, progress: (u32, u32), s: &mut KeyScratch) -> bool {
        let (stage, pos) = (progress.1 >> 30, (progress.1 & ((1 << 30) - 1)) as usize);
        let dirty = &mut s.dirty;
        dirty.clear();
        dirty.resize(self.state.decisions.len(), false);
        if progress.0 != self.state.now {
            // Fates chosen for messengers `pos..` of tick `progress.0`, its last ones.
            if !(plan.by_time
                && stage == 2
                && self.state.stage == Stage::Start
                && self.tick_ended == Some((progress.0, pos)))
            {
                return false;
            }
            for &to in &self.ended_to {
                dirty[to as usize] = true;
            }
            return self.same_silences(plan, progress.0, self.state.now, s);
        }
        match (self.state.stage, stage) {
            // Arrivals chosen for road entries `pos..arrive_pos`.
            (Stage::Arrive, 1) if pos <= self.state.arrive_pos => {
                for r in &self.state.road[pos..self.state.arrive_pos] {
                    dirty[r.p.to as usize] = true;
                }
            }
            // Fates chosen for messengers `pos..resolve_pos`: each is now on the road, in
            // the queue, or gone, and only its receiver's record says so.
            (Stage::Resolve, 2) if pos <= self.state.resolve_pos => {
                for u in &self.state.unresolved[pos..self.state.resolve_pos] {
                    dirty[u.to as usize] = true;
                }
            }
            _ => return false,
        }
        true
    }

    /// The messengers on their way, by receiver, in the order they would be delivered,
    /// each written once (token, message, duplicate) for `record` to copy.
    fn sort_mail(&self, n: usize, only_dirty: bool, s: &mut KeyScratch) {
        s.words.clear();
        s.found.clear();
        let words = &mut s.words;
        let found = &mut s.found;
        let dirty = &s.dirty;
        // (Only the changed generals' records are written: only their mail is needed.
        // Most often one general changed.)
        let one = match s.changed.as_slice() {
            [g] if only_dirty => Some(*g),
            _ => None,
        };
        let wanted = |to: GenId| match one {
            Some(g) => to == g,
            None => !only_dirty || dirty[to as usize],
        };
        #[inline(always)]
        fn add(
            words: &mut Vec<u64>,
            found: &mut Vec<(GenId, GenId, u32, u32)>,
            (from, to): (GenId, GenId),
            token: Token,
            m: &Msg,
            duplicate: bool,
        ) {
            let at = words.len() as u32;
            let head = m.kind as u64 | (m.args.len as u64) << 32;
            if m.args.len == 0 {
                // (The common case, in one write.)
                words.extend_from_slice(&[token.code(), head, duplicate as u64]);
            } else {
                words.extend_from_slice(&[token.code(), head]);
                words.extend(m.args.as_slice().iter().map(|v| *v as u64));
                words.push(duplicate as u64);
            }
            found.push((to, from, at, words.len() as u32));
        }
        for (i, r) in self.state.road.iter().enumerate() {
            if !wanted(r.p.to) {
                continue;
            }
            let decided =
                if self.state.stage == Stage::Arrive && r.earliest <= self.state.now && i < self.state.arrive_pos {
                    1 + r.arrive as u8
                } else {
                    0
                };
            let token = Token::Road { earliest: r.earliest, latest: r.latest, decided };
            add(words, found, (r.p.from, r.p.to), token, &r.p.msg, r.p.duplicate);
        }
        // (Plain loops over slices: most messengers are skipped, each in a few
        // instructions.)
        for (at, bucket) in self.state.queue.buckets_from(self.state.now) {
            for p in bucket {
                if wanted(p.to) {
                    add(words, found, (p.from, p.to), Token::Queue(at), &p.msg, p.duplicate);
                }
            }
        }
        for u in &self.state.unresolved[self.state.resolve_pos..] {
            if wanted(u.to) {
                add(words, found, (u.from, u.to), Token::Unresolved, &u.msg, false);
            }
        }
        s.mail_at.clear();
        s.mail_at.resize(n + 1, 0);
        if let Some(g) = one {
            // All of it is one receiver's, in order.
            s.mail_at[g as usize + 1..].fill(s.found.len() as u32);
            s.mail.clear();
            s.mail.extend(s.found.iter().map(|&(_, from, a, b)| (from, a, b)));
            return;
        }
        // By receiver, keeping the order found (a counting sort): `mail_at[g + 1]` counts
        // first, then is where receiver `g`'s next messenger goes, then where its end is.
        for f in &s.found {
            s.mail_at[f.0 as usize + 1] += 1;
        }
        for g in 1..n {
            s.mail_at[g + 1] += s.mail_at[g];
        }
        s.mail.clear();
        s.mail.resize(s.found.len(), (0, 0, 0));
        for &(to, from, a, b) in &s.found {
            let slot = &mut s.mail_at[to as usize];
            s.mail[*slot as usize] = (from, a, b);
            *slot += 1;
        }
        // Each start has moved to its end, the next one's start: shift back.
        for g in (0..n).rev() {
            s.mail_at[g + 1] = s.mail_at[g];
        }
        s.mail_at[0] = 0;
    }

    /// Which senders will never send to which receivers again (of the changed receivers
    /// only, with `only_dirty`: the others' records are not written).
    fn silences(&self, plan: &KeyPlan, only_dirty: bool, s: &mut KeyScratch) {
        let resolved = self.state.stage == Stage::Resolve;
        let mut only = only_dirty.then_some(s.changed.as_slice());
        if plan.by_time {
            // The same table as the last one worked out at this point of the run.
            if s.silent_at == Some((self.state.now, resolved)) {
                return;
            }
            s.silent_at = Some((self.state.now, resolved));
            only = None;
        }
        self.silent_table(plan, (self.state.now, resolved), only, &mut s.silent);
    }

    /// The table of [`Sim::silences`] at tick `now` (after its rules fired, if
    /// `resolved`), into `silent`: every row, or only the columns of the receivers `only`.
    fn silent_table(
        &self,
        plan: &KeyPlan,
        (now, resolved): (u32, bool),
        only: Option<&[GenId]>,
        silent: &mut Vec<bool>,
    ) {
        let n = plan.n;
        silent.clear();
        silent.resize(n * n, false);
        if !plan.any_anon {
            return;
        }
        let recovers =
            |g: usize| self.model.crashes[self.state.next_crash..].iter().any(|c| c.recover && c.general as usize == g);
        let done = |r: RuleId, from: usize| match plan.ends[r as usize] {
            Ends::Start => now > 0 || resolved,
            Ends::Recover => !recovers(from),
            Ends::Never => false,
            Ends::At(at) => at < now || (at == now && resolved),
            Ends::Every => self.state.every_done[r as usize],
            Ends::When => self.state.when_fired[r as usize],
            Ends::Done => true,
        };
        for from in 0..n {
            // Most often a sender is silent towards everyone (its sending rules are done).
            let everyone = (self.state.crashed[from].is_some() && !recovers(from))
                || plan.senders[from].iter().all(|&r| done(r, from));
            let towards = |to: usize| everyone || plan.sends[from * n + to].iter().all(|&r| done(r, from));
            let row = &mut silent[from * n..(from + 1) * n];
            if let Some(only) = only {
                for &to in only {
                    let to = to as usize;
                    row[to] = plan.anon[to] && towards(to);
                }
            } else if everyone {
                row.copy_from_slice(&plan.anon);
            } else {
                for (to, silent) in row.iter_mut().enumerate() {
                    *silent = plan.anon[to] && towards(to);
                }
            }
        }
    }

    /// With [`KeyPlan::by_time`]: whether the table of [`Sim::silences`] after the rules
    /// of tick `from` fired is the table at the start of tick `to` (remembered for the
    /// last two ticks asked: a search asks for the same ones many times over).
    fn same_silences(&self, plan: &KeyPlan, from: u32, to: u32, s: &mut KeyScratch) -> bool {
        debug_assert!(plan.by_time);
        if let Some((a, b, same)) = s.crossing
            && (a, b) == (from, to)
        {
            return same;
        }
        let (mut before, mut after) = (Vec::new(), Vec::new());
        self.silent_table(plan, (from, true), None, &mut before);
        self.silent_table(plan, (to, false), None, &mut after);
        let same = before == after;
        s.crossing = Some((from, to, same));
        same
    }

    /// Writes general `g`'s part of the key, naming other generals by `s.rank`.
    fn record(&self, g: GenId, plan: &KeyPlan, s: &mut KeyScratch, out: &mut Vec<u64>) {
        let n = plan.n;
        let gi = g as usize;
        let crashed = self.state.crashed[gi].map(|t| t as u64 + 1).unwrap_or(0);
        match self.state.decisions[gi].map(|d| d.what) {
            None => out.extend_from_slice(&[0, crashed]),
            Some(Decided::Attack) => out.extend_from_slice(&[1, crashed]),
            Some(Decided::Wait) => out.extend_from_slice(&[2, crashed]),
            Some(Decided::Commit(v)) => out.extend_from_slice(&[3, v as u64, crashed]),
        }
        out.extend(self.state.vars[gi].iter().map(|v| *v as u64));
        for &r in &plan.when[gi] {
            if self.state.when_fired[r as usize] {
                out.push(plan.local[r as usize] as u64);
            }
        }
        out.push(END);
        for &r in &plan.every[gi] {
            if self.state.every_done[r as usize] {
                out.push(plan.local[r as usize] as u64);
            }
        }
        out.push(END);
        if self.plan.reads_sent {
            s.entries.clear();
            s.entries.extend(self.state.sent[gi].iter().map(|x| (x.msg, s.rank[x.to as usize], 0)));
            s.named |= !s.entries.is_empty();
            s.entries.sort_unstable();
            s.entries.dedup();
            out.push(s.entries.len() as u64);
            for (m, to, _) in &s.entries {
                msg(out, m);
                out.push(*to);
            }
        }
        let reads_arrival = self.plan.reads_arrival;
        let tick = |t: u32| if reads_arrival { t } else { 0 };
        let anon = plan.anon[gi];
        let silent_tab = &s.silent;
        let silent = |from: GenId| anon && silent_tab[from as usize * n + gi];
        // What it received from senders it still knows by name.
        s.entries.clear();
        for r in &self.state.recv[gi] {
            if !silent(r.from) {
                s.entries.push((r.msg, s.rank[r.from as usize], tick(r.tick)));
                s.named = true;
            }
        }
        s.entries.sort_unstable();
        s.entries.dedup();
        out.push(s.entries.len() as u64);
        for (m, from, t) in &s.entries {
            msg(out, m);
            out.extend([*from, *t as u64]);
        }
        // Anonymous groups, one per forgotten sender: first what came from it (sorted,
        // without repeats), then what is on its way from it.
        let groups = &mut s.groups;
        let grouped = &mut s.grouped;
        grouped.clear();
        if anon {
            s.entries.clear();
            for r in &self.state.recv[gi] {
                if silent(r.from) {
                    s.entries.push((r.msg, r.from as u64, tick(r.tick)));
                }
            }
            s.entries.sort_unstable_by(|a, b| (a.1, &a.0, a.2).cmp(&(b.1, &b.0, b.2)));
            s.entries.dedup();
            for (m, from, t) in &s.entries {
                let buf = &mut groups[*from as usize];
                if buf.is_empty() {
                    grouped.push(*from as GenId);
                }
                msg(buf, m);
                buf.push(*t as u64);
            }
            for &f in grouped.iter() {
                groups[f as usize].push(END);
            }
        }
        // The messengers on their way to it, in the order they would be delivered (if
        // that order can matter). Those from forgotten senders go into their groups, which
        // are then sorted; which group a messenger belongs to is in the group, and its
        // place in the order does not depend on it (the receiver's rules read neither).
        let tokens = &mut s.tokens;
        let spans = &mut s.spans;
        tokens.clear();
        spans.clear();
        let ordered = plan.ordered[gi];
        let mail = &s.mail[s.mail_at[gi] as usize..s.mail_at[gi + 1] as usize];
        for &(from, a, b) in mail {
            let words = &s.words[a as usize..b as usize];
            let at = tokens.len() as u32;
            if silent(from) {
                let buf = &mut groups[from as usize];
                if buf.is_empty() {
                    grouped.push(from);
                    buf.push(END);
                }
                buf.extend_from_slice(words);
                if !ordered {
                    // Its group says all there is to say about it.
                    continue;
                }
                tokens.push(GROUP);
            } else {
                tokens.push(s.rank[from as usize]);
                s.named = true;
            }
            tokens.extend_from_slice(words);
            spans.push((at, tokens.len() as u32));
        }
        if !ordered {
            spans.sort_unstable_by(|a, b| tokens[a.0 as usize..a.1 as usize].cmp(&tokens[b.0 as usize..b.1 as usize]));
        }
        out.push(spans.len() as u64);
        for (a, b) in spans.iter() {
            out.extend_from_slice(&tokens[*a as usize..*b as usize]);
        }
        if anon {
            // The groups in a canonical order.
            grouped.sort_unstable_by(|a, b| groups[*a as usize].cmp(&groups[*b as usize]));
            out.push(grouped.len() as u64);
            for &f in grouped.iter() {
                out.extend_from_slice(&groups[f as usize]);
                groups[f as usize].clear();
            }
        }
    }
}
