//! Driving a run: construction, reset, whole runs, ticks one at a time, staged steps.

use super::*;

impl<'m> Sim<'m> {
    /// An interpreter for `model` that runs in `mode`.
    pub fn new(model: &'m Model, mode: Mode) -> Sim<'m> {
        let plan = Plan::new(model);
        let lean = mode == Mode::Lean;
        let f = Flags {
            trace: mode == Mode::Traced,
            lean,
            heard: lean && plan.lean.heard.kinds > 0,
            keep_recv: !lean || plan.lean.heard.log_read,
            lazy: mode == Mode::Staged { lazy: true },
        };
        let mut state = RunState::new(model);
        if lean && plan.lean.marks {
            let h = &plan.lean.heard;
            state.queue.mark_width(model.generals.len() * h.kinds * h.words);
        }
        Sim {
            model,
            mode,
            f,
            max_events: DEFAULT_MAX_EVENTS,
            reduce: true,
            timeless: false,
            arrivals_per_step: 1,
            settle: false,
            alike: false,
            lean: LeanState::new(model, &plan, f),
            plan,
            state,
            deferring: false,
            tick_ended: None,
            ended_to: Vec::new(),
            unresolved_mark: std::cell::Cell::new(0),
            unresolved_before: (Vec::new(), 0),
            key: Default::default(),
            arriving: Vec::new(),
            current: 0,
            dirty_sent: false,
            dirty_count: false,
            decide_pos: 0,
            schedule_pos: 0,
            fault: std::cell::Cell::new((crate::diag::Span::default(), "")),
        }
    }

    /// How this interpreter runs.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Everything the current run has changed so far.
    pub fn state(&self) -> &RunState {
        &self.state
    }

    /// Lets the state key forget senders and use symmetry (on by default); off only to
    /// check that the reductions change no answer. Before the first key.
    pub fn set_reductions(&mut self, on: bool) {
        self.reduce = on;
    }

    /// With lazy delivery, lets a messenger whose arrival tick no rule can tell apart
    /// arrive at its earliest tick, without a choice (see `settle`).
    pub(crate) fn set_settled_delays(&mut self, on: bool) {
        self.settle = on;
    }

    /// With lazy delivery, makes the arrivals of interchangeable messengers a choice of
    /// *how many* of them arrive now, not *which*: of two messengers next to each other on
    /// the road, to the same receiver from the same sender, with the same message, both
    /// originals or both duplicates, both open and with the same last tick, the second may
    /// arrive now only if the first does (otherwise it is held without a choice). Which
    /// of them arrive makes the same state but for the messengers' numbers, which nothing
    /// but the timeline reads (a loss rule by number chose their fates when they were
    /// sent), so the adversary's search loses nothing by it. The exact analysis sets it
    /// too, and weighs each sequence of choices by the runs it stands for
    /// ([`Chooser::weigh`]): C(k, j) for `j` of `k` alike messengers arriving, and the
    /// probability of each hold that followed without a choice.
    pub(crate) fn set_alike_arrivals(&mut self, on: bool) {
        self.alike = on;
    }

    /// Leaves the tick out of state keys: only for a search of a scenario that
    /// [`key::windows`] accepts, which compares states across the ticks of a window by
    /// domination
    /// (see `key::timeless`).
    pub(crate) fn set_timeless(&mut self, on: bool) {
        debug_assert!(!on || key::windows(self.model).is_some());
        self.timeless = on;
    }

    /// In a staged run, lets one step choose the lazy arrivals of up to `n` messengers
    /// (1 by default). With one a step, a tick of `k` messengers that may arrive is a
    /// chain of `k` steps and the states between them are kept and merged, which pays
    /// when many messengers arrive at once; with a few, the states between are mostly
    /// new ones and only cost room: the searches choose up to [`ARRIVALS_PER_STEP`] in
    /// one step (at most 2^8 sequences of arrivals a step). The choices made, their order
    /// and every run are the same; only where the search may merge states changes.
    pub(crate) fn set_arrivals_per_step(&mut self, n: u32) {
        self.arrivals_per_step = n.max(1);
    }

    /// Sets the counts of the adversary's doing ([`RunState::captures`],
    /// [`RunState::crashes_chosen`]): a search going on from a merged state counts those of
    /// its best path.
    pub(crate) fn set_adversary_counts(&mut self, captures: u32, crashes_chosen: u32) {
        (self.state.captures, self.state.crashes_chosen) = (captures, crashes_chosen);
    }

    /// Back to the start of a run: tick 0, nothing happened yet.
    pub(crate) fn reset(&mut self) {
        if self.f.lean && std::mem::take(&mut self.lean.one_round_clean) {
            self.reset_after_one_round();
            return;
        }
        self.state.reset(self.model, &self.plan, self.dirty_sent, self.dirty_count);
        self.lean.reset();
        self.dirty_sent = false;
        self.dirty_count = false;
        self.deferring = false;
        self.unresolved_mark.set(0);
        self.tick_ended = None;
        self.decide_pos = 0;
        self.schedule_pos = 0;
    }

    /// Runs the scenario from tick 0 to its end. (Not inlined into its callers, so that
    /// its loop of ticks is one function with the tick inlined.)
    #[inline(never)]
    pub fn run<C: Chooser>(&mut self, ch: &mut C) -> Result<(), RunError> {
        self.start();
        if self.plan.lean.one_round && self.f.lean && self.first_fits() {
            let r = self.run_one_round(ch);
            self.lean.one_round_clean = r.is_ok();
            return r;
        }
        loop {
            let t = self.state.now;
            self.tick(t, ch)?;
            if self.end_tick(t) {
                return Ok(());
            }
        }
    }

    /// Resets to the start of a run (tick 0, nothing happened yet).
    pub fn start(&mut self) {
        self.reset();
    }

    /// Runs the current tick, then moves to the next tick at which anything can happen.
    /// Returns true when the run has ended ([`RunState::end`] says why).
    pub fn step<C: Chooser>(&mut self, ch: &mut C) -> Result<bool, RunError> {
        let t = self.state.now;
        self.tick(t, ch)?;
        Ok(self.end_tick(t))
    }

    /// After tick `t`: whether the run has ended (and why, in [`RunState::end`]), else moves
    /// to the next tick at which anything can happen.
    #[inline]
    pub(crate) fn end_tick(&mut self, t: u32) -> bool {
        if self.all_done() {
            self.state.end = End::AllDecided;
            return true;
        }
        match self.next_tick(t) {
            None => {
                self.state.end = End::Quiet;
                true
            }
            Some(n) if n > self.model.horizon => {
                self.state.end = End::Horizon;
                self.state.now = self.model.horizon.max(t);
                true
            }
            Some(n) => {
                self.state.now = n;
                false
            }
        }
    }

    /// A staged run ([`Mode::Staged`]): runs the current tick up to its next choice point.
    /// One call makes the choices of one unit — the tick's crashes, one messenger's lazy
    /// arrival (or a few, as the search sets it), or one messenger's fate — plus
    /// whatever follows it without a choice; so a
    /// tick of many messengers is a chain of small steps, and the states between them can
    /// be merged. Returns true when the run has ended, like [`Sim::step`]; a run made of
    /// `advance` calls makes the same choices in the same order as one made of `step`s.
    pub fn advance<C: Chooser>(&mut self, ch: &mut C) -> Result<bool, RunError> {
        debug_assert!(!self.f.trace, "staged runs do not trace");
        let t = self.state.now;
        let mut ch = Counting { inner: ch, n: 0 };
        self.tick_ended = None;
        // Where this step's fates start, if it only chooses fates.
        let first = (self.state.stage == Stage::Resolve).then_some(self.state.resolve_pos);
        if self.state.stage == Stage::Start {
            self.tick_start(t, &mut ch)?;
            self.state.stage = Stage::Arrive;
            self.state.arrive_pos = 0;
        }
        if self.state.stage == Stage::Arrive {
            while self.state.arrive_pos < self.state.road.len() {
                let i = self.state.arrive_pos;
                let r = self.state.road[i];
                if r.earliest <= t {
                    // A choice (not a forced arrival) after as many as a step makes
                    // waits for the next step.
                    if r.latest > t && ch.n >= self.arrivals_per_step {
                        return Ok(false);
                    }
                    self.choose_arrival(i, t, &mut ch);
                }
                self.state.arrive_pos += 1;
            }
            self.deferring = true;
            let body = self.deliver_arrived(t, &mut ch).and_then(|()| self.tick_body(t, &mut ch));
            self.deferring = false;
            body?;
            self.state.stage = Stage::Resolve;
        }
        while self.state.resolve_pos < self.state.unresolved.len() {
            if ch.n > 0 {
                return Ok(false);
            }
            let u = self.state.unresolved[self.state.resolve_pos];
            self.state.resolve_pos += 1;
            self.resolve(u, &mut ch);
        }
        if let Some(first) = first {
            self.tick_ended = Some((t, first));
            self.ended_to.clear();
            self.ended_to.extend(self.state.unresolved[first..].iter().map(|u| u.to));
        }
        if self.unresolved_mark.get() != 0 {
            // (Snapshots name them: kept, see `unresolved_before`.)
            self.swap_unresolved_aside();
        }
        self.state.unresolved.clear();
        self.unresolved_mark.set(0);
        self.state.resolve_pos = 0;
        self.state.stage = Stage::Start;
        Ok(self.end_tick(t))
    }

    /// Where a staged run is within its tick, and how far: it only grows from one
    /// [`Sim::advance`] to the next (search engines order their frontier by it).
    pub fn progress(&self) -> (u32, u32) {
        let within = match self.state.stage {
            Stage::Start => 0,
            Stage::Arrive => 1 << 30 | self.state.arrive_pos as u32,
            Stage::Resolve => 2 << 30 | self.state.resolve_pos as u32,
        };
        (self.state.now, within)
    }

    /// The next tick at which anything can happen.
    #[inline]
    pub(crate) fn next_tick(&mut self, t: u32) -> Option<u32> {
        let skip_marks = self.plan.lean.skip_marks && self.f.lean;
        let mut next = match skip_marks {
            true => self.state.queue.next_unmarked_after(t).unwrap_or(u32::MAX),
            false => self.state.queue.next_after(t).unwrap_or(u32::MAX).min(self.first_next()),
        };
        for r in &self.state.road {
            next = next.min(r.earliest.max(t + 1));
        }
        if let Some(c) = self.model.crashes.get(self.state.next_crash) {
            next = next.min(c.at);
        }
        for (i, c) in self.model.crash_any.iter().enumerate() {
            if self.state.any_crashed[i] < c.n
                && t < c.to
                && c.targets.iter().any(|g| self.state.crashed[*g as usize].is_none())
            {
                next = next.min((t + 1).max(c.from));
            }
        }
        while self.schedule_pos < self.plan.schedule.len() && self.plan.schedule[self.schedule_pos].0 <= t {
            self.schedule_pos += 1;
        }
        for &(a, g, decide) in &self.plan.schedule[self.schedule_pos..] {
            if a >= next {
                break;
            }
            if self.state.crashed[g as usize].is_none() && !(decide && self.state.decisions[g as usize].is_some()) {
                next = a;
                break;
            }
        }
        for &(r, period, owner) in &self.plan.every {
            if !self.state.every_done[r as usize] && self.state.crashed[owner as usize].is_none() {
                next = next.min((t / period + 1) * period);
            }
        }
        if self.model.when_reads_now
            && self.model.generals.iter().enumerate().any(|(g, general)| {
                self.state.crashed[g].is_none() && general.when.iter().any(|r| !self.state.when_fired[*r as usize])
            })
        {
            next = next.min(t + 1);
        }
        if skip_marks {
            let marked = self.state.queue.next_after(t).unwrap_or(u32::MAX);
            if next <= self.model.horizon {
                // Tick `next` runs: the marks up to it are added now (those of tick 0's
                // table, when it runs).
                if marked < next {
                    self.merge_marks_through(t, next);
                }
            } else {
                next = next.min(marked).min(self.first_next());
            }
        }
        (next != u32::MAX).then_some(next)
    }

    #[inline]
    pub(crate) fn live(&self, g: GenId) -> bool {
        self.state.crashed[g as usize].is_none()
    }

    pub(crate) fn all_done(&self) -> bool {
        self.state.open == 0
    }

    /// Whether no messenger on its way must arrive by the horizon (each may be held
    /// until the run ends).
    pub(crate) fn can_idle_to_the_end(&self) -> bool {
        self.can_idle_until(self.model.horizon.saturating_add(1))
    }

    /// Whether every messenger on its way may be held until tick `to` (arrive at `to` or
    /// later).
    pub(crate) fn can_idle_until(&self, to: u32) -> bool {
        self.state.road.iter().all(|r| r.latest >= to)
    }

    /// Whether some general is up and has not decided (at the end of a run: blocked).
    pub fn blocked(&self) -> bool {
        self.state.decisions.iter().zip(&self.state.crashed).any(|(d, c)| d.is_none() && c.is_none())
    }

    /// The outcome of the finished run.
    pub fn outcome(&self) -> Outcome {
        outcome(self.model, &self.state.decisions, &self.state.crashed)
    }
}

/// A chooser that counts the choices it passes on (a staged run stops before a second
/// unit of choices).
pub(crate) struct Counting<'a, C: Chooser> {
    pub(crate) inner: &'a mut C,
    pub(crate) n: u32,
}

impl<C: Chooser> Chooser for Counting<'_, C> {
    #[inline]
    fn choose(&mut self, c: &Choice) -> Chosen {
        self.n += 1;
        self.inner.choose(c)
    }

    #[inline]
    fn about(&mut self, m: &About) {
        self.inner.about(m)
    }

    #[inline]
    fn lazy_delay(&mut self, lo: u32, hi: u32) {
        self.inner.lazy_delay(lo, hi)
    }

    #[inline]
    fn weigh(&mut self, num: u64, den: u64) {
        self.inner.weigh(num, den)
    }

    #[inline]
    fn chance(&mut self, p: &Prob) -> Chosen {
        self.n += 1;
        self.inner.chance(p)
    }

    #[inline]
    fn delay(&mut self, lo: u32, hi: u32) -> u32 {
        self.n += 1;
        self.inner.delay(lo, hi)
    }
}
