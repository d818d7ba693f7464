//! Driving a run: construction, reset, whole runs, ticks one at a time, staged steps.

use super::*;

impl<'m> Sim<'m> {
    /// An interpreter for `model`.
    pub fn new(model: &'m Model) -> Sim<'m> {
        let n = model.generals.len();
        let plan = Plan::new(model);
        let mut sim = Sim {
            model,
            trace: false,
            max_events: DEFAULT_MAX_EVENTS,
            now: 0,
            end: End::Quiet,
            decisions: vec![None; n],
            crashed: vec![None; n],
            recv: vec![Vec::new(); n],
            sent: vec![Vec::new(); n],
            vars: model.generals.iter().map(|g| g.vars.iter().map(|v| v.init).collect()).collect(),
            messengers: Vec::new(),
            log: Vec::new(),
            queue: Queue::new(model.channels.iter().map(|c| c.delay_hi).max().unwrap_or(1)),
            lazy: false,
            road: Vec::new(),
            defer: false,
            reduce: true,
            lean: false,
            lean_run: false,
            heard_on: false,
            keep_recv: true,
            heard: Vec::new(),
            stage: Stage::Start,
            arrive_pos: 0,
            deferring: false,
            unresolved: Vec::new(),
            resolve_pos: 0,
            tick_ended: None,
            ended_to: Vec::new(),
            unresolved_mark: std::cell::Cell::new(0),
            unresolved_before: (Vec::new(), 0),
            key: Default::default(),
            arriving: Vec::new(),
            chan_count: vec![0; model.channels.len()],
            when_fired: vec![false; model.rules.len()],
            every_done: vec![false; model.rules.len()],
            events: 0,
            next_crash: 0,
            sent_count: 0,
            sent_by_rule: vec![0; model.rules.len()],
            open: n,
            captures: 0,
            crashes_chosen: 0,
            any_crashed: vec![0; model.crash_any.len()],
            first_table: plan.first_marks.as_ref().map_or(Vec::new(), |f| f.targets.to_vec()),
            first_left: 0,
            first_done: 0,
            one_round_clean: false,
            current: 0,
            dirty_sent: false,
            dirty_count: false,
            decide_pos: 0,
            schedule_pos: 0,
            fault: std::cell::Cell::new((crate::diag::Span::default(), "")),
            plan,
        };
        if sim.plan.marks {
            let h = &sim.plan.heard;
            sim.queue.mark_width(n * h.kinds * h.words);
        }
        sim
    }

    pub(crate) fn reset(&mut self) {
        self.now = 0;
        self.end = End::Quiet;
        self.lean_run = self.lean && !self.trace && !self.lazy && !self.defer;
        self.heard_on = self.lean_run && self.plan.heard.kinds > 0;
        self.keep_recv = !self.lean || self.trace || self.lazy || self.defer || self.plan.heard.log_read;
        if std::mem::take(&mut self.one_round_clean) && self.lean_run {
            // After a one-round run, and before another lean run: only what it changed.
            self.heard.fill(0);
            self.decisions.fill(None);
            for &r in &self.plan.senders {
                self.sent_by_rule[r as usize] = 0;
            }
            (self.events, self.sent_count, self.captures) = (0, 0, 0);
            (self.decide_pos, self.schedule_pos) = (0, 0);
            (self.first_left, self.first_done) = (0, 0);
            self.open = self.model.generals.len();
            return;
        }
        {
            let h = &self.plan.heard;
            let sets = if self.heard_on { self.model.generals.len() * h.kinds * h.words } else { 0 };
            // With `Plan::first_marks`, one more word that nothing reads, at the end (see
            // `FirstMarks::new`).
            let len = sets + self.plan.first_marks.is_some() as usize;
            if self.heard.len() != len {
                self.heard = vec![0; len];
            } else {
                self.heard.fill(0);
            }
        }
        for ((d, c), r) in self.decisions.iter_mut().zip(&mut self.crashed).zip(&mut self.recv) {
            *d = None;
            *c = None;
            r.clear();
        }
        if self.dirty_sent {
            for s in &mut self.sent {
                s.clear();
            }
            self.dirty_sent = false;
        }
        if self.plan.has_vars {
            for (g, vars) in self.vars.iter_mut().enumerate() {
                for (v, init) in vars.iter_mut().zip(&self.model.generals[g].vars) {
                    *v = init.init;
                }
            }
        }
        self.messengers.clear();
        self.log.clear();
        self.queue.clear();
        self.road.clear();
        self.stage = Stage::Start;
        self.arrive_pos = 0;
        self.deferring = false;
        self.unresolved.clear();
        self.unresolved_mark.set(0);
        self.resolve_pos = 0;
        self.tick_ended = None;
        if self.dirty_count {
            for n in &mut self.chan_count {
                *n = 0;
            }
            self.dirty_count = false;
        }
        if self.sent_count > 0 {
            for &r in &self.plan.senders {
                self.sent_by_rule[r as usize] = 0;
            }
        }
        if self.plan.has_when {
            for f in &mut self.when_fired {
                *f = false;
            }
        }
        if !self.plan.every.is_empty() {
            for &(r, ..) in &self.plan.every {
                self.every_done[r as usize] = false;
            }
        }
        self.events = 0;
        self.next_crash = 0;
        self.decide_pos = 0;
        self.schedule_pos = 0;
        self.sent_count = 0;
        self.open = self.model.generals.len();
        self.captures = 0;
        self.crashes_chosen = 0;
        self.any_crashed.fill(0);
        self.first_left = 0;
        self.first_done = 0;
    }

    /// Runs the scenario from tick 0 to its end. (Not inlined into its callers, so that
    /// its loop of ticks is one function with the tick inlined.)
    #[inline(never)]
    pub fn run<C: Chooser>(&mut self, ch: &mut C) -> Result<(), RunError> {
        self.start();
        if self.plan.one_round && self.lean_run && self.first_fits() {
            let r = self.run_one_round(ch);
            self.one_round_clean = r.is_ok();
            return r;
        }
        loop {
            let t = self.now;
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
    /// Returns true when the run has ended ([`Sim::end`] says why).
    pub fn step<C: Chooser>(&mut self, ch: &mut C) -> Result<bool, RunError> {
        let t = self.now;
        self.tick(t, ch)?;
        Ok(self.end_tick(t))
    }

    /// After tick `t`: whether the run has ended (and why, in [`Sim::end`]), else moves
    /// to the next tick at which anything can happen.
    #[inline]
    pub(crate) fn end_tick(&mut self, t: u32) -> bool {
        if self.all_done() {
            self.end = End::AllDecided;
            return true;
        }
        match self.next_tick(t) {
            None => {
                self.end = End::Quiet;
                true
            }
            Some(n) if n > self.model.horizon => {
                self.end = End::Horizon;
                self.now = self.model.horizon.max(t);
                true
            }
            Some(n) => {
                self.now = n;
                false
            }
        }
    }

    /// A staged run ([`Sim::defer`]): runs the current tick up to its next choice point.
    /// One call makes the choices of one unit — the tick's crashes, one messenger's lazy
    /// arrival, or one messenger's fate — plus whatever follows it without a choice; so a
    /// tick of many messengers is a chain of small steps, and the states between them can
    /// be merged. Returns true when the run has ended, like [`Sim::step`]; a run made of
    /// `advance` calls makes the same choices in the same order as one made of `step`s.
    pub fn advance<C: Chooser>(&mut self, ch: &mut C) -> Result<bool, RunError> {
        debug_assert!(!self.trace, "staged runs do not trace");
        let t = self.now;
        let mut ch = Counting { inner: ch, n: 0 };
        self.tick_ended = None;
        // Where this step's fates start, if it only chooses fates.
        let first = (self.stage == Stage::Resolve).then_some(self.resolve_pos);
        if self.stage == Stage::Start {
            self.tick_start(t, &mut ch)?;
            self.stage = Stage::Arrive;
            self.arrive_pos = 0;
        }
        if self.stage == Stage::Arrive {
            while self.arrive_pos < self.road.len() {
                let i = self.arrive_pos;
                let r = self.road[i];
                if r.earliest <= t {
                    let (id, duplicate) = (r.p.id, r.p.duplicate);
                    if r.latest <= t {
                        ch.about(&About::Arrival { id, duplicate, tick: t, forced: true });
                        self.road[i].arrive = true;
                    } else {
                        if ch.n > 0 {
                            return Ok(false);
                        }
                        ch.about(&About::Arrival { id, duplicate, tick: t, forced: false });
                        let p = crate::check::Prob::new(1, (r.latest - t + 1) as u64);
                        self.road[i].arrive = ch.chance(&p).index == 1;
                    }
                }
                self.arrive_pos += 1;
            }
            self.deferring = true;
            let body = self.deliver_marked(t, &mut ch).and_then(|()| self.tick_body(t, &mut ch));
            self.deferring = false;
            body?;
            self.stage = Stage::Resolve;
        }
        while self.resolve_pos < self.unresolved.len() {
            if ch.n > 0 {
                return Ok(false);
            }
            let u = self.unresolved[self.resolve_pos];
            self.resolve_pos += 1;
            self.resolve(u, &mut ch);
        }
        if let Some(first) = first {
            self.tick_ended = Some((t, first));
            self.ended_to.clear();
            self.ended_to.extend(self.unresolved[first..].iter().map(|u| u.to));
        }
        if self.unresolved_mark.get() != 0 {
            // (Snapshots name them: kept, see `unresolved_before`.)
            self.swap_unresolved_aside();
        }
        self.unresolved.clear();
        self.unresolved_mark.set(0);
        self.resolve_pos = 0;
        self.stage = Stage::Start;
        Ok(self.end_tick(t))
    }

    /// Where a staged run is within its tick, and how far: it only grows from one
    /// [`Sim::advance`] to the next (search engines order their frontier by it).
    pub fn progress(&self) -> (u32, u32) {
        let within = match self.stage {
            Stage::Start => 0,
            Stage::Arrive => 1 << 30 | self.arrive_pos as u32,
            Stage::Resolve => 2 << 30 | self.resolve_pos as u32,
        };
        (self.now, within)
    }

    /// The next tick at which anything can happen.
    #[inline]
    pub(crate) fn next_tick(&mut self, t: u32) -> Option<u32> {
        let skip_marks = self.plan.skip_marks && self.lean_run;
        let mut next = match skip_marks {
            true => self.queue.next_unmarked_after(t).unwrap_or(u32::MAX),
            false => self.queue.next_after(t).unwrap_or(u32::MAX).min(self.first_next()),
        };
        for r in &self.road {
            next = next.min(r.earliest.max(t + 1));
        }
        if let Some(c) = self.model.crashes.get(self.next_crash) {
            next = next.min(c.at);
        }
        for (i, c) in self.model.crash_any.iter().enumerate() {
            if self.any_crashed[i] < c.n && t < c.to && c.targets.iter().any(|g| self.crashed[*g as usize].is_none()) {
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
            if self.crashed[g as usize].is_none() && !(decide && self.decisions[g as usize].is_some()) {
                next = a;
                break;
            }
        }
        for &(r, period, owner) in &self.plan.every {
            if !self.every_done[r as usize] && self.crashed[owner as usize].is_none() {
                next = next.min((t / period + 1) * period);
            }
        }
        if self.model.when_reads_now
            && self.model.generals.iter().enumerate().any(|(g, general)| {
                self.crashed[g].is_none() && general.when.iter().any(|r| !self.when_fired[*r as usize])
            })
        {
            next = next.min(t + 1);
        }
        if skip_marks {
            let marked = self.queue.next_after(t).unwrap_or(u32::MAX);
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
        self.crashed[g as usize].is_none()
    }

    pub(crate) fn all_done(&self) -> bool {
        self.open == 0
    }

    /// Whether some general is up and has not decided (at the end of a run: blocked).
    pub fn blocked(&self) -> bool {
        self.decisions.iter().zip(&self.crashed).any(|(d, c)| d.is_none() && c.is_none())
    }

    /// The outcome of the finished run.
    pub fn outcome(&self) -> Outcome {
        outcome(self.model, &self.decisions, &self.crashed)
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
