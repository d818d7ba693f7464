//! Lean runs (trials): plans and state that only runs without trace use.

use super::*;
pub(crate) mod plan;
pub(crate) mod quick;
pub(crate) use plan::*;

/// What only lean runs keep ([`Mode::Lean`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LeanState {
    /// Per general and kind with a slot, the set of generals whose messengers of that
    /// kind were delivered to it (`HeardPlan`); with `Plan::first_marks`, one more word
    /// that nothing reads, at the end (see `FirstMarks::new`).
    pub(crate) heard: Vec<u64>,
    /// With marks (`Plan::first_marks`): tick 0's messengers, each with the tick at which
    /// it arrives (`MarkTarget::arrive`, `u32::MAX` if captured). (Not calendar buckets: a
    /// table with a fixed slot per messenger costs one write per messenger, and the few
    /// ticks that run read it.)
    pub(crate) first_table: Vec<MarkTarget>,
    /// How many of them are still on the road; those that arrive by tick `first_done`
    /// are delivered.
    pub(crate) first_left: u32,
    pub(crate) first_done: u32,
    /// Since the last reset, only a one-round run ([`Sim::run_one_round`]) has run: the
    /// next reset needs to undo only what such a run changes.
    pub(crate) one_round_clean: bool,
}

impl LeanState {
    /// The lean state of a `Sim` with these flags (empty unless lean).
    pub(crate) fn new(model: &Model, plan: &Plan, f: Flags) -> LeanState {
        if !f.lean {
            return LeanState::default();
        }
        let h = &plan.lean.heard;
        let sets = if f.heard { model.generals.len() * h.kinds * h.words } else { 0 };
        LeanState {
            heard: vec![0; sets + plan.lean.first_marks.is_some() as usize],
            first_table: plan.lean.first_marks.as_ref().map_or(Vec::new(), |f| f.targets.to_vec()),
            first_left: 0,
            first_done: 0,
            one_round_clean: false,
        }
    }

    /// Back to the start of a run. (`first_table` is written whole by tick 0.)
    pub(crate) fn reset(&mut self) {
        let LeanState { heard, first_table: _, first_left, first_done, one_round_clean } = self;
        heard.fill(0);
        (*first_left, *first_done, *one_round_clean) = (0, 0, false);
    }
}

/// The fewest messengers `fan_out` sends (fewer are sent one by one: setting up its loop
/// costs about what it saves on three).
pub(crate) const FAN_MIN: usize = 4;

/// One target of a `send` over a plain channel: what `send_plain` looks up, at hand.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FanTarget {
    pub(crate) to: GenId,
    pub(crate) chan: ChanId,
    /// The channel's delay range.
    pub(crate) lo: u32,
    pub(crate) hi: u32,
    /// Its one loss rule's probability, if it has one.
    pub(crate) lose: Option<Prob>,
    /// The target has no `on receive` rules: in a lean run without a delivery log, its
    /// deliveries are [`Note`]s.
    pub(crate) passive: bool,
    /// The word of its set of senders heard for the message's kind (see `HeardPlan`)
    /// with the sender's bit, or [`NONE`] (no set for that kind).
    pub(crate) word: u32,
}

/// Messengers being sent by `fan_out` (over plain channels, without trace, lazy delivery
/// or staging), with the run's counters at hand.
pub(crate) struct Sending {
    pub(crate) t: u32,
    pub(crate) from: GenId,
    pub(crate) msg: Msg,
    /// Deliveries to generals without `on receive` rules are [`Note`]s, or all deliveries
    /// are marks (see `Plan::marks`).
    pub(crate) notes: bool,
    pub(crate) marks: bool,
    /// The next messenger's number, and the captures so far.
    pub(crate) id: u32,
    pub(crate) captures: u32,
}

impl Sending {
    pub(crate) fn new(sim: &Sim, from: GenId, msg: Msg) -> Sending {
        let notes = sim.f.lean && !sim.f.keep_recv;
        let marks = notes && sim.plan.lean.marks;
        Sending { t: sim.state.now, from, msg, notes, marks, id: sim.state.sent_count, captures: sim.state.captures }
    }

    /// Sends `n` copies to each target of `fan`, in order: `send_plain`, with the
    /// target's channel at hand.
    #[inline(always)]
    pub(crate) fn fan<C: Chooser>(&mut self, queue: &mut Queue, fan: &[FanTarget], n: u64, ch: &mut C) {
        if self.marks {
            return self.fan_marks(queue, fan, n, ch);
        }
        let (t, from, msg) = (self.t, self.from, self.msg);
        for f in fan {
            for _ in 0..n {
                let (delay, lost) = plain_fate(ch, f.chan, t, msg, f.lo, f.hi, f.lose.as_ref());
                let id = self.id;
                if self.marks {
                    self.captures += lost as u32;
                    queue.push_mark_if(!lost, t.saturating_add(delay), f.word, 1u64 << (from % 64));
                } else if self.notes && f.passive {
                    self.captures += lost as u32;
                    let note = Note { id, word: f.word, from, to: f.to };
                    queue.push_note_if(!lost, t.saturating_add(delay), note);
                } else if lost {
                    self.captures += 1;
                } else {
                    queue.push(t.saturating_add(delay), Pending { id, from, to: f.to, msg, duplicate: false });
                }
                self.id += 1;
            }
        }
    }

    /// `fan` when every delivery is a mark: the same choices, with nothing but the
    /// marks and the counters kept.
    #[inline(always)]
    pub(crate) fn fan_marks<C: Chooser>(&mut self, queue: &mut Queue, fan: &[FanTarget], n: u64, ch: &mut C) {
        let (t, msg) = (self.t, self.msg);
        let bit = 1u64 << (self.from % 64);
        let mut captures = self.captures;
        for f in fan {
            for _ in 0..n {
                let (delay, lost) = plain_fate(ch, f.chan, t, msg, f.lo, f.hi, f.lose.as_ref());
                captures += lost as u32;
                queue.push_mark_if(!lost, t.saturating_add(delay), f.word, bit);
            }
        }
        self.captures = captures;
        self.id += (fan.len() as u64 * n) as u32;
    }

    /// Writes the counters back.
    pub(crate) fn done(&self, sim: &mut Sim) {
        (sim.state.sent_count, sim.state.captures) = (self.id, self.captures);
    }
}

/// The messengers that tick 0's rules send in a lean run with marks (`Plan::marks`,
/// `Plan::first_simple`): all of them in one list, in order, each with what sending it
/// needs, so that `fire_first_marks` sends them in one loop.
#[derive(Debug, Clone)]
pub(crate) struct FirstMarks {
    pub(crate) targets: Box<[MarkTarget]>,
    /// When every messenger's channel has the same delays and loss: those.
    pub(crate) uniform: Option<(u32, u32, Option<Prob>)>,
    /// In a one-round run ([`Plan::one_round`]) whose first decisions come after tick 0,
    /// by the horizon: their tick, the next that runs after tick 0 (the messengers that
    /// arrive by then are delivered as they are sent); else 0.
    pub(crate) fuse: u32,
    /// With `fuse`: every messenger arrives by then, if it arrives (delays up to `fuse`),
    /// so that its delay cannot matter to the run: only whether it is captured.
    pub(crate) all_by_fuse: bool,
    /// The rules, in order, with how many messengers each sends.
    pub(crate) rules: Box<[(RuleId, u32)]>,
}

/// One messenger of [`FirstMarks`]: a [`FanTarget`] with its sender's bit and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MarkTarget {
    pub(crate) lo: u32,
    pub(crate) hi: u32,
    /// `FanTarget::word`, or the scratch word after the sets.
    pub(crate) word: u32,
    /// In `Sim::first_table`: when it arrives.
    pub(crate) arrive: u32,
    pub(crate) chan: ChanId,
    pub(crate) bit: u64,
    pub(crate) lose: Option<Prob>,
    pub(crate) msg: Msg,
}

impl FirstMarks {
    /// `scratch`: the word after the sets of senders heard, which nothing reads: where
    /// the deliveries of a kind without a set go (so that adding one needs no branch).
    pub(crate) fn new(
        first: &[(GenId, RuleId)],
        simple: &[Option<Msg>],
        fans: &[Vec<Option<Box<[FanTarget]>>>],
        scratch: u32,
    ) -> FirstMarks {
        let mut targets = Vec::new();
        let mut rules = Vec::new();
        for &(g, r) in first {
            let (Some(msg), Some(Some(fan))) = (simple[r as usize], fans[r as usize].first()) else {
                unreachable!("the rules that fire first are simple");
            };
            targets.extend(fan.iter().map(|f| MarkTarget {
                lo: f.lo,
                hi: f.hi,
                word: if f.word == NONE { scratch } else { f.word },
                arrive: u32::MAX,
                chan: f.chan,
                bit: 1u64 << (g % 64),
                lose: f.lose,
                msg,
            }));
            rules.push((r, fan.len() as u32));
        }
        let uniform = targets.split_first().and_then(|(a, rest)| {
            rest.iter().all(|b| (b.lo, b.hi, b.lose) == (a.lo, a.hi, a.lose)).then_some((a.lo, a.hi, a.lose))
        });
        FirstMarks { targets: targets.into(), uniform, fuse: 0, all_by_fuse: false, rules: rules.into() }
    }
}

/// The fates of tick 0's messengers (`Sim::fire_first_marks`), in order, into `table`:
/// each one's arrival tick, or `u32::MAX` if captured; those that arrive by `until` also
/// into the sets of senders `heard` (none when `until` is 0: a delay is at least 1).
/// `fate` gives a messenger's delay range and loss. Returns how many were captured and
/// how many arrived by `until`.
#[inline(always)]
pub(crate) fn fill_first<C: Chooser>(
    table: &mut [MarkTarget],
    heard: &mut [u64],
    ch: &mut C,
    until: u32,
    fate: impl Fn(&MarkTarget) -> (u32, u32, Option<Prob>),
) -> (u32, u32) {
    for m in table.iter_mut() {
        let (lo, hi, lose) = fate(m);
        let (delay, lost) = plain_fate(ch, m.chan, 0, m.msg, lo, hi, lose.as_ref());
        // No branch on `lost` or on whether it arrives by `until`: they are as random as
        // the draws.
        let arrive = delay | (lost as u32).wrapping_neg();
        m.arrive = arrive;
        heard[m.word as usize] |= std::hint::select_unpredictable(arrive <= until, m.bit, 0);
    }
    // The counts in a loop of their own (fewer values live across the draws).
    table
        .iter()
        .fold((0, 0), |(lost, here), m| (lost + (m.arrive == u32::MAX) as u32, here + (m.arrive <= until) as u32))
}

/// The fates of tick 0's messengers (`Sim::fire_first_marks`) when each arrives by the
/// next tick that runs, if it arrives ([`FirstMarks::all_by_fuse`]): those delivered go
/// straight into the sets of senders `heard`, and their delays, which cannot matter, are
/// drawn but not worked out. `fate` gives a messenger's delay range and loss. Returns how
/// many were captured.
#[inline(always)]
pub(crate) fn deliver_first<C: Chooser>(
    table: &[MarkTarget],
    heard: &mut [u64],
    ch: &mut C,
    fate: impl Fn(&MarkTarget) -> (u32, u32, Option<Prob>),
) -> u32 {
    let mut lost_n = 0;
    for m in table {
        let (lo, hi, lose) = fate(m);
        let lost = plain_loss(ch, m.chan, m.msg, lo, hi, lose.as_ref());
        // No branch on `lost`: it is as random as the loss.
        heard[m.word as usize] |= std::hint::select_unpredictable(lost, 0, m.bit);
        lost_n += lost as u32;
    }
    lost_n
}

impl Sim<'_> {
    /// A lean run of a one-round model ([`Plan::one_round`]): what the general loop of
    /// ticks does for it, less what cannot happen. Tick 0 sends every messenger into the
    /// table ([`Sim::first_table`]) and makes its decisions; then each tick that runs
    /// adds the table's arrivals up to it and makes its decisions. The ticks that run
    /// are those of `next_tick`: the next decision of a general still undecided, by the
    /// horizon; else, the next arrival (the run goes on until the last messenger
    /// arrives, or the horizon).
    /// The reset after a one-round run, before another: only what such a run changes
    /// (`one_round_resets_like_a_full_reset` checks it against a full reset).
    pub(crate) fn reset_after_one_round(&mut self) {
        let s = &mut self.state;
        (s.now, s.end) = (0, End::Quiet);
        self.lean.heard.fill(0);
        s.decisions.fill(None);
        for &r in &self.plan.senders {
            s.sent_by_rule[r as usize] = 0;
        }
        (s.events, s.sent_count, s.captures) = (0, 0, 0);
        (self.decide_pos, self.schedule_pos) = (0, 0);
        (self.lean.first_left, self.lean.first_done) = (0, 0);
        s.open = self.model.generals.len();
    }

    #[inline(always)]
    pub(crate) fn run_one_round<C: Chooser>(&mut self, ch: &mut C) -> Result<(), RunError> {
        let fuse = self.plan.lean.first_marks.as_ref().map_or(0, |f| f.fuse);
        self.fire_first_marks(ch, fuse)?;
        let mut t = 0;
        loop {
            self.decide_at(t, ch)?;
            if self.all_done() {
                self.state.end = End::AllDecided;
                return Ok(());
            }
            let schedule = &self.plan.schedule;
            while self.schedule_pos < schedule.len() && schedule[self.schedule_pos].0 <= t {
                self.schedule_pos += 1;
            }
            // No crashes: only a decision already made skips an entry.
            let mut next = schedule[self.schedule_pos..]
                .iter()
                .find(|&&(_, g, decide)| !(decide && self.state.decisions[g as usize].is_some()))
                .map_or(u32::MAX, |&(a, ..)| a);
            if next > self.model.horizon {
                next = next.min(self.first_next());
            }
            if next == u32::MAX {
                self.state.end = End::Quiet;
                return Ok(());
            }
            if next > self.model.horizon {
                self.state.end = End::Horizon;
                self.state.now = self.model.horizon.max(t);
                return Ok(());
            }
            (t, self.state.now) = (next, next);
            if self.lean.first_left > 0 && t > self.lean.first_done {
                self.merge_first(t);
            }
        }
    }

    /// Whether tick 0's messengers fit the event bound with the deliveries of them all
    /// (a one-round run checks nothing else).
    #[inline]
    pub(crate) fn first_fits(&self) -> bool {
        self.plan.lean.first_marks.as_ref().is_some_and(|f| {
            let total = 2 * f.targets.len() as u64 + f.rules.len() as u64;
            self.state.events.saturating_add(total) <= self.max_events
        })
    }

    /// A `send` action (action `a` of rule `r`, by `from`, `n` copies to each target) over
    /// plain channels only, without trace, lazy delivery or staging: sends its messengers
    /// as `send` would, one by one in the same order with the same choices, but with the
    /// targets' channels looked up once per model and the event bound checked once per
    /// action. Returns false (nothing sent) when it does not apply, or when the bound
    /// would be passed (then `send`, one by one, says where).
    #[inline]
    pub(crate) fn fan_out<C: Chooser>(
        &mut self,
        r: RuleId,
        a: usize,
        from: GenId,
        msg: Msg,
        n: u64,
        ch: &mut C,
    ) -> bool {
        if self.f.trace || self.f.lazy || self.deferring || self.plan.reads_sent {
            return false;
        }
        let Some(fan) = &self.plan.lean.fans[r as usize][a] else {
            return false;
        };
        let total = n.saturating_mul(fan.len() as u64);
        // A few messengers: `send` costs less than setting up the loop.
        if total < FAN_MIN as u64 || self.state.events.saturating_add(total) > self.max_events {
            return false;
        }
        self.state.events += total;
        self.state.sent_by_rule[r as usize] += total as u32;
        let mut s = Sending::new(self, from, msg);
        s.fan(&mut self.state.queue, fan, n, ch);
        s.done(self);
        true
    }

    /// Adds the marks of tick `t` to the sets of senders heard (all at once: nothing can
    /// tell the order, `Plan::marks`), and counts their deliveries.
    #[inline(never)]
    pub(crate) fn merge_marks(&mut self, t: u32) {
        self.state.events += self.state.queue.take_marks_into(t, 1, &mut self.lean.heard) as u64;
    }

    /// Delivers the messengers of tick 0 ([`Sim::first_table`]) that arrive by tick `t`:
    /// adds their senders to the sets of senders heard, and counts them.
    #[inline(never)]
    pub(crate) fn merge_first(&mut self, t: u32) {
        let done = self.lean.first_done;
        let mut n = 0;
        // Those that arrive after `done`, by `t` (none of the captured, at `u32::MAX`).
        // No branch on which: that is as random as the losses.
        for m in &self.lean.first_table {
            let here = m.arrive.wrapping_sub(done + 1) < t - done;
            self.lean.heard[m.word as usize] |= std::hint::select_unpredictable(here, m.bit, 0);
            n += here as u32;
        }
        self.lean.first_left -= n;
        self.lean.first_done = t;
        self.state.events += n as u64;
    }

    /// The first tick at which a messenger of tick 0's table arrives, if any is on the
    /// road.
    pub(crate) fn first_next(&self) -> u32 {
        if self.lean.first_left == 0 {
            return u32::MAX;
        }
        let done = self.lean.first_done;
        self.lean.first_table.iter().map(|m| m.arrive).filter(|&a| a > done).fold(u32::MAX, u32::min)
    }

    /// Adds the marks of the ticks after `t` up to `next` ([`Plan::skip_marks`]).
    #[inline]
    pub(crate) fn merge_marks_through(&mut self, t: u32, next: u32) {
        let ticks = (next - t).min(self.state.queue.buckets() as u32);
        self.state.events += self.state.queue.take_marks_into(t + 1, ticks, &mut self.lean.heard) as u64;
    }

    /// At tick 0 of a lean run with marks (`Plan::first_marks`): what `fire_first_simple`
    /// does, in one loop over every messenger (no general has crashed at tick 0: there
    /// are no crashes with marks). If they would pass the event bound, `fire_first_simple`
    /// says where.
    ///
    /// `until`: when the next tick to run is known to be `until` (a one-round run,
    /// [`FirstMarks::fuse`]), the messengers that arrive by then are delivered in the same
    /// loop, as `merge_first(until)` would deliver them; 0 for none.
    #[inline(never)]
    pub(crate) fn fire_first_marks<C: Chooser>(&mut self, ch: &mut C, until: u32) -> Result<(), RunError> {
        let Some(first) = &self.plan.lean.first_marks else { unreachable!("called with a plan") };
        let total = first.targets.len() as u64 + first.rules.len() as u64;
        if self.state.events.saturating_add(total) > self.max_events {
            return self.fire_first_simple(ch);
        }
        self.state.events += total;
        for &(r, n) in &first.rules {
            self.state.sent_by_rule[r as usize] += n;
            self.current = r;
        }
        debug_assert_eq!(self.state.now, 0, "tick 0's messengers");
        // The choices, in order, straight into the table (tick 0 plus a delay is never
        // `u32::MAX`), and the arrivals by `until` into the sets of senders heard. When
        // every messenger goes over alike channels, what their channel needs stays at
        // hand across the loop.
        let (table, heard) = (&mut self.lean.first_table, &mut self.lean.heard);
        let sent = first.targets.len() as u32;
        if first.all_by_fuse && until == first.fuse {
            // Every messenger is delivered by `until` or captured: the table is not needed.
            let lost = match &first.uniform {
                &Some((lo, hi, lose)) => deliver_first(table, heard, ch, |_| (lo, hi, lose)),
                None => deliver_first(table, heard, ch, |m| (m.lo, m.hi, m.lose)),
            };
            (self.lean.first_left, self.lean.first_done) = (0, until);
            self.state.events += (sent - lost) as u64;
            self.state.captures += lost;
            self.state.sent_count += sent;
            return Ok(());
        }
        let (lost, here) = match &first.uniform {
            &Some((lo, hi, lose)) => fill_first(table, heard, ch, until, |_| (lo, hi, lose)),
            None => fill_first(table, heard, ch, until, |m| (m.lo, m.hi, m.lose)),
        };
        (self.lean.first_left, self.lean.first_done) = (sent - lost - here, until);
        self.state.events += here as u64;
        self.state.captures += lost;
        self.state.sent_count += sent;
        Ok(())
    }

    /// At tick 0 of a lean run where every rule that fires first (`Plan::first`) is
    /// `simple`: fires them in order as `fire` does, in one loop (the queue and the
    /// counters at hand throughout). A rule whose messengers would pass the event bound
    /// is fired by `fire`, which says where.
    #[inline(never)]
    pub(crate) fn fire_first_simple<C: Chooser>(&mut self, ch: &mut C) -> Result<(), RunError> {
        let mut s = Sending::new(self, 0, Msg { kind: 0, args: Args::default() });
        for i in 0..self.plan.first.len() {
            let (g, r) = self.plan.first[i];
            if self.state.crashed[g as usize].is_some() {
                continue;
            }
            let (Some(msg), Some(Some(fan))) =
                (self.plan.lean.simple[r as usize], self.plan.lean.fans[r as usize].first())
            else {
                unreachable!("the rules that fire first are simple");
            };
            let total = fan.len() as u64;
            if self.state.events.saturating_add(1 + total) > self.max_events {
                s.done(self);
                self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
                s = Sending::new(self, 0, msg);
                continue;
            }
            self.current = r;
            self.state.events += 1 + total;
            self.state.sent_by_rule[r as usize] += total as u32;
            (s.from, s.msg) = (g, msg);
            s.fan(&mut self.state.queue, fan, 1, ch);
        }
        s.done(self);
        Ok(())
    }
}
