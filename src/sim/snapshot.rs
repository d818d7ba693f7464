//! Snapshots: a run's state saved and restored (exact enumeration and the adversary
//! branch on them).

use super::*;

/// Everything that changes during a run: a copy of it can be restored to continue from
/// there (exact enumeration and the adversary branch on it). Compact: everything but the
/// trace (messengers, log) and the tick's unresolved messengers (shared, see
/// `Sim::unresolved_mark`) is packed into one buffer of words, read back in order (see
/// `pack.rs`; a search keeps thousands of snapshots, and restores one at every step).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub(crate) now: u32,
    pub(crate) end: End,
    pub(crate) stage: Stage,
    pub(crate) arrive_pos: usize,
    pub(crate) resolve_pos: usize,
    pub(crate) events: u64,
    pub(crate) next_crash: usize,
    pub(crate) sent_count: u32,
    pub(crate) open: usize,
    pub(crate) captures: u32,
    pub(crate) crashes_chosen: u32,
    /// The queue's length and occupied buckets.
    pub(crate) queue: (usize, u64),
    /// One after the other: per general, a word saying whether it decided (and what) and
    /// whether it crashed, then for those that did, when it crashed, when and by which
    /// rule it decided, and the value it committed; per general, how many deliveries it has, how many
    /// sends, how many variables; the channel counters; the messengers sent per rule; the
    /// `crash any` counts (each list a zero word if all are zero, else a one and the
    /// list); the rules' flags (`when_fired`, then `every_done`; only if a rule can set
    /// them); the variables' values; the queue ([`Queue::save`]); every general's
    /// deliveries, then every general's sends; the number of messengers on the lazy
    /// road, and they.
    pub(crate) data: Vec<u32>,
    /// The arguments of the messages in `data`, in the same order.
    pub(crate) args: Vec<u32>,
    pub(crate) messengers: Vec<Messenger>,
    pub(crate) log: Vec<LogEntry>,
    pub(crate) unresolved: Vec<Unresolved>,
    /// What `Sim::unresolved_mark` was when saved (never 0).
    pub(crate) unresolved_mark: u64,
}

impl Snapshot {
    /// Bytes it holds (for a search's memory bound).
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Snapshot>()
            + 4 * (self.data.capacity() + self.args.capacity())
            + std::mem::size_of::<Messenger>() * self.messengers.capacity()
            + std::mem::size_of::<LogEntry>() * self.log.capacity()
            + std::mem::size_of::<Unresolved>() * self.unresolved.capacity()
    }

    /// Reads the snapshot's fields and a word of every 64 bytes of its buffer, so that
    /// restoring it soon finds it in cache (the loads go on while other work does).
    pub(crate) fn touch(&self) {
        // (Every field: the struct spans several cache lines.)
        let mut x = self.now as usize
            ^ self.arrive_pos
            ^ self.resolve_pos
            ^ self.next_crash
            ^ self.open
            ^ self.queue.0
            ^ self.args.len()
            ^ self.messengers.len()
            ^ self.log.len()
            ^ self.unresolved.len()
            ^ self.unresolved_mark as usize;
        for line in self.data.chunks(16) {
            x ^= line[0] as usize;
        }
        std::hint::black_box(x);
    }
}

/// A number never given before (in this process): names the contents of a buffer that
/// snapshots share.
pub(crate) fn fresh_mark() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl<'m> Sim<'m> {
    /// A copy of the run's state.
    pub fn save(&self) -> Snapshot {
        let mut s = Snapshot {
            now: 0,
            end: self.state.end,
            stage: self.state.stage,
            arrive_pos: 0,
            resolve_pos: 0,
            events: 0,
            next_crash: 0,
            sent_count: 0,
            open: 0,
            captures: 0,
            crashes_chosen: 0,
            queue: (0, 0),
            data: Vec::new(),
            args: Vec::new(),
            messengers: Vec::new(),
            log: Vec::new(),
            unresolved: Vec::new(),
            unresolved_mark: 0,
        };
        self.save_into(&mut s);
        s
    }

    /// [`Sim::save`] over a snapshot no longer needed, reusing its buffers (a search saves
    /// many states, and drops as many).
    pub fn save_into(&self, s: &mut Snapshot) {
        self.state.pack(s, self.flagged());
        // The tick's unresolved messengers, shared by the snapshots of the tick.
        let mut mark = self.unresolved_mark.get();
        if mark == 0 {
            mark = fresh_mark();
            self.unresolved_mark.set(mark);
        }
        if s.unresolved_mark != mark {
            s.unresolved.clone_from(&self.state.unresolved);
            s.unresolved_mark = mark;
        }
    }

    /// Swaps `unresolved` and the messengers put aside (`unresolved_before`), with their
    /// marks.
    pub(crate) fn swap_unresolved_aside(&mut self) {
        std::mem::swap(&mut self.state.unresolved, &mut self.unresolved_before.0);
        let mark = self.unresolved_mark.replace(self.unresolved_before.1);
        self.unresolved_before.1 = mark;
    }

    /// Whether any rule's flag (`when_fired`, `every_done`) can be set.
    pub(crate) fn flagged(&self) -> bool {
        self.plan.has_when || !self.plan.every.is_empty()
    }

    /// Continues from a saved state (reusing this run's buffers). Staged runs only.
    pub fn restore(&mut self, s: &Snapshot) {
        debug_assert!(matches!(self.mode, Mode::Staged { .. }), "only staged runs are restored");
        self.state.unpack(s, self.flagged());
        if s.unresolved_mark != self.unresolved_mark.get() {
            if s.unresolved_mark == self.unresolved_before.1 {
                self.swap_unresolved_aside();
            } else {
                self.state.unresolved.clone_from(&s.unresolved);
                self.unresolved_mark.set(s.unresolved_mark);
            }
        }
        self.dirty_sent = true;
        self.dirty_count = true;
        self.decide_pos = 0;
        self.schedule_pos = 0;
        self.tick_ended = None;
        self.deferring = false;
    }
}

impl RunState {
    /// Writes the state into `s` (its unresolved messengers aside: shared by mark, see
    /// [`Sim::save_into`]). `flagged`: some rule can set a flag (`when`, `every`).
    fn pack(&self, s: &mut Snapshot, flagged: bool) {
        let RunState {
            now,
            end,
            decisions,
            crashed,
            recv,
            sent,
            vars,
            messengers,
            log,
            captures,
            crashes_chosen,
            queue,
            road,
            stage,
            arrive_pos,
            unresolved: _,
            resolve_pos,
            chan_count,
            when_fired,
            every_done,
            events,
            next_crash,
            sent_count,
            sent_by_rule,
            open,
            any_crashed,
        } = self;
        // Room for it all at once, without copying what the buffer held (an upper bound:
        // per general, its decision and crash take at most 6 words, its counts 3).
        let n = decisions.len();
        let entries = recv.iter().map(|r| r.len()).sum::<usize>() + sent.iter().map(|r| r.len()).sum::<usize>();
        let need = 9 * n
            + 6
            + chan_count.len()
            + sent_by_rule.len()
            + any_crashed.len()
            + when_fired.len()
            + every_done.len()
            + 2 * vars.iter().map(|v| v.len()).sum::<usize>()
            + queue.packed_len()
            + pack::ENTRY * entries
            + 1
            + pack::ROAD * road.len();
        s.data.clear();
        if s.data.capacity() < need {
            // (With room to spare, new snapshots too: the states of a search grow as it
            // goes on, and it saves over its snapshots, most often with larger states.
            // Measured: 4% faster on majority of 7 than room for exactly what is needed,
            // for 2% more memory.)
            s.data = Vec::with_capacity(need + need / 2);
        }
        s.args.clear();
        let mut out = pack::Pack { data: &mut s.data, args: &mut s.args };
        // Per general a word (0: undecided, never crashed), then what the non-zero ones
        // stand for.
        let head = |d: &Option<Decision>, c: &Option<u32>| {
            let what = match d.map(|d| d.what) {
                None => 0,
                Some(Decided::Attack) => 1,
                Some(Decided::Wait) => 2,
                Some(Decided::Commit(_)) => 3,
            };
            what | (c.is_some() as u32) << 2
        };
        out.data.extend(decisions.iter().zip(crashed).map(|(d, c)| head(d, c)));
        for (d, c) in decisions.iter().zip(crashed) {
            if let Some(t) = c {
                out.data.push(*t);
            }
            if let Some(d) = d {
                out.data.extend_from_slice(&[d.tick, d.rule]);
                if let Decided::Commit(v) = d.what {
                    out.word(v as u64);
                }
            }
        }
        out.lens(recv);
        out.lens(sent);
        out.lens(vars);
        out.counts(chan_count);
        out.counts(sent_by_rule);
        out.counts(any_crashed);
        // (Only if some rule can set them: `when` and `every` rules.)
        if flagged {
            out.data.extend(when_fired.iter().map(|f| *f as u32));
            out.data.extend(every_done.iter().map(|f| *f as u32));
        }
        for v in vars.iter().flatten() {
            out.word(*v as u64);
        }
        s.queue = queue.save(&mut out);
        for r in recv.iter().flatten() {
            out.recv(r);
        }
        for x in sent.iter().flatten() {
            out.sent(x);
        }
        out.data.push(road.len() as u32);
        for r in road {
            out.road(r);
        }
        s.now = *now;
        s.end = *end;
        s.stage = *stage;
        s.arrive_pos = *arrive_pos;
        s.resolve_pos = *resolve_pos;
        s.events = *events;
        s.next_crash = *next_crash;
        s.sent_count = *sent_count;
        s.open = *open;
        s.captures = *captures;
        s.crashes_chosen = *crashes_chosen;
        s.messengers.clone_from(messengers);
        s.log.clone_from(log);
    }

    /// Reads the state back from `s`, as [`RunState::pack`] wrote it (its unresolved
    /// messengers aside).
    fn unpack(&mut self, s: &Snapshot, flagged: bool) {
        let RunState {
            now,
            end,
            decisions,
            crashed,
            recv,
            sent,
            vars,
            messengers,
            log,
            captures,
            crashes_chosen,
            queue,
            road,
            stage,
            arrive_pos,
            unresolved: _,
            resolve_pos,
            chan_count,
            when_fired,
            every_done,
            events,
            next_crash,
            sent_count,
            sent_by_rule,
            open,
            any_crashed,
        } = self;
        *now = s.now;
        *end = s.end;
        let mut from = pack::Unpack::new(&s.data, &s.args);
        let n = decisions.len();
        let heads = from.take(n);
        for (g, &head) in heads.iter().enumerate() {
            if head == 0 {
                decisions[g] = None;
                crashed[g] = None;
                continue;
            }
            crashed[g] = if head & 4 != 0 { Some(from.take(1)[0]) } else { None };
            decisions[g] = match head & 3 {
                0 => None,
                what => {
                    let d = from.take(2);
                    let what = match what {
                        1 => Decided::Attack,
                        2 => Decided::Wait,
                        _ => Decided::Commit(from.word() as i64),
                    };
                    Some(Decision { what, tick: d[0], rule: d[1] })
                }
            };
        }
        let (recv_lens, sent_lens, var_lens) = (from.counts(n), from.counts(n), from.counts(n));
        for counts in [chan_count, sent_by_rule, any_crashed] {
            from.counts_into(counts);
        }
        if flagged {
            let k = when_fired.len();
            for (f, w) in when_fired.iter_mut().zip(from.take(k)) {
                *f = *w != 0;
            }
            let k = every_done.len();
            for (f, w) in every_done.iter_mut().zip(from.take(k)) {
                *f = *w != 0;
            }
        }
        for (g, vars) in vars.iter_mut().enumerate() {
            vars.clear();
            if let Some(lens) = var_lens
                && lens[g] > 0
            {
                vars.extend((0..lens[g]).map(|_| from.word() as i64));
            }
        }
        queue.restore(&mut from, s.queue);
        // (Most lists are short or empty: copying nothing is skipped.)
        for (g, recv) in recv.iter_mut().enumerate() {
            recv.clear();
            if let Some(lens) = recv_lens
                && lens[g] > 0
            {
                from.recvs(lens[g] as usize, recv);
            }
        }
        for (g, sent) in sent.iter_mut().enumerate() {
            sent.clear();
            if let Some(lens) = sent_lens
                && lens[g] > 0
            {
                from.sents(lens[g] as usize, sent);
            }
        }
        road.clear();
        let k = from.take(1)[0] as usize;
        if k > 0 {
            from.roads(k, road);
        }
        messengers.clone_from(&s.messengers);
        log.clone_from(&s.log);
        *stage = s.stage;
        *arrive_pos = s.arrive_pos;
        *resolve_pos = s.resolve_pos;
        *events = s.events;
        *next_crash = s.next_crash;
        *sent_count = s.sent_count;
        *open = s.open;
        *captures = s.captures;
        *crashes_chosen = s.crashes_chosen;
    }
}
