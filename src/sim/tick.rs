//! One tick: crashes and recoveries, deliveries, timed rules, `when`, decisions.

use super::*;

impl Sim<'_> {
    #[inline]
    pub(crate) fn tick<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        self.tick_start(t, ch)?;
        if self.f.lazy && !self.state.road.is_empty() {
            self.deliver_lazy(t, ch)?;
        }
        self.tick_body(t, ch)
    }

    /// Step 1 of a tick: scheduled crashes and recoveries, then the `crash any` rolls.
    #[inline]
    pub(crate) fn tick_start<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        let model = self.model;
        while let Some(c) = model.crashes.get(self.state.next_crash) {
            if c.at != t {
                break;
            }
            self.state.next_crash += 1;
            if c.recover {
                self.recover(c.general, t, ch)?;
            } else {
                self.crash(c.general, t, NONE);
            }
        }
        if !model.crash_any.is_empty() {
            self.crash_any(t, ch);
        }
        Ok(())
    }

    /// Steps 2 to 5 of a tick, once lazy arrivals are delivered: deliveries, timed rules,
    /// `when`, `decide at`.
    #[inline]
    pub(crate) fn tick_body<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        let model = self.model;
        // 2. Deliveries, in send order. (What they send arrives at a later tick, in another
        // bucket: the bucket of tick `t` does not change while it is delivered.) Tick 0's
        // messengers in a lean run with marks, and marks, can go first: their order does
        // not matter.
        if self.lean.first_left > 0 {
            self.merge_first(t);
        }
        if !self.state.queue.is_empty() {
            let arrivals = self.state.queue.take(t);
            let noted = self.state.queue.has_notes(t);
            let notes = if noted { self.state.queue.take_notes(t) } else { Vec::new() };
            if self.state.queue.has_marks(t) {
                self.merge_marks(t);
            }
            // The notes go in among the other arrivals by send order (their numbers).
            let mut next_note = 0;
            let mut result = Ok(());
            for p in &arrivals {
                if noted {
                    while let Some(n) = notes.get(next_note)
                        && n.id < p.id
                    {
                        self.note(n);
                        next_note += 1;
                    }
                }
                // To a general without `on receive` rules, without trace: only the record.
                if !self.f.trace && !self.plan.listens[p.to as usize] {
                    self.note_delivery(t, p);
                    continue;
                }
                result = self.deliver(t, p, ch);
                if result.is_err() {
                    break;
                }
            }
            if noted && result.is_ok() {
                for n in &notes[next_note..] {
                    self.note(n);
                }
            }
            self.state.queue.give_back(t, arrivals);
            if noted {
                self.state.queue.give_back_notes(t, notes);
            }
            result?;
        }
        // 3. `on start`, `at` and `every`, general by general.
        if t == 0 && self.f.lean && !self.f.keep_recv && !self.plan.reads_sent && self.first_marks_fit() {
            self.fire_first_marks(ch, 0)?;
        } else if t == 0 {
            for i in 0..self.plan.first.len() {
                let (g, r) = self.plan.first[i];
                if self.live(g) {
                    self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
                }
            }
        } else {
            for i in 0..self.plan.timed.len() {
                let (g, r) = self.plan.timed[i];
                if !self.live(g) {
                    continue;
                }
                match &model.rules[r as usize].trigger {
                    Trigger::At(a) if *a == t => self.fire(r, &[0; MAX_ARGS], NONE, ch)?,
                    Trigger::Every { period, until }
                        if t.is_multiple_of(*period) && !self.state.every_done[r as usize] =>
                    {
                        self.current = r;
                        let stop = match until {
                            Some(c) => self.condition(r, c, g, &[0; MAX_ARGS])? != 0,
                            None => false,
                        };
                        if stop {
                            self.state.every_done[r as usize] = true;
                        } else {
                            self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
                        }
                    }
                    _ => {}
                }
            }
        }
        // 4. `when`, until none fires.
        while self.plan.has_when {
            let mut fired = false;
            for g in 0..model.generals.len() {
                for &r in &model.generals[g].when {
                    if self.state.when_fired[r as usize] || !self.live(g as GenId) {
                        continue;
                    }
                    let Trigger::When(c) = &model.rules[r as usize].trigger else {
                        continue;
                    };
                    self.current = r;
                    if self.condition(r, c, g as GenId, &[0; MAX_ARGS])? != 0 {
                        self.state.when_fired[r as usize] = true;
                        fired = true;
                        self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
                    }
                }
            }
            if !fired {
                break;
            }
        }
        // 5. `decide at`, general by general.
        self.decide_at(t, ch)
    }

    /// Step 5 of tick `t`: its `decide at` rules, general by general.
    #[inline(always)]
    pub(crate) fn decide_at<C: Chooser>(&mut self, t: u32, _ch: &mut C) -> Result<(), RunError> {
        let model = self.model;
        while self.decide_pos < self.plan.decides.len() && self.plan.decides[self.decide_pos].0 < t {
            self.decide_pos += 1;
        }
        for i in self.decide_pos..self.plan.decides.len() {
            let (at, g, r) = self.plan.decides[i];
            if at != t {
                break;
            }
            if self.state.decisions[g as usize].is_some() || !self.live(g) {
                continue;
            }
            if self.f.lean
                && let Some((set, op, k)) = self.plan.lean.decide_counts[i]
            {
                self.current = r;
                let yes = quick::compare(op, self.lean.heard[set as usize].count_ones() as i64, k);
                debug_assert_eq!(
                    yes,
                    self.eval(quick::condition(&model.rules[r as usize]).expect("a condition"), g, &[0; MAX_ARGS])
                        == Ok(1),
                    "a counted decision decides as eval does"
                );
                self.decide_now(g, if yes { Decided::Attack } else { Decided::Wait }, r);
                continue;
            }
            let Trigger::Decide { what, .. } = &model.rules[r as usize].trigger else {
                continue;
            };
            self.current = r;
            let none = [0; MAX_ARGS];
            let decided = match what {
                DecideWhat::Attack(None) => Some(Decided::Attack),
                DecideWhat::Attack(Some(c)) => {
                    Some(if self.condition(r, c, g, &none)? != 0 { Decided::Attack } else { Decided::Wait })
                }
                DecideWhat::Wait => Some(Decided::Wait),
                DecideWhat::Commit(v, guard) => {
                    let ok = match guard {
                        Some(c) => self.condition(r, c, g, &none)? != 0,
                        None => true,
                    };
                    if ok { Some(Decided::Commit(self.eval(v, g, &none)?)) } else { None }
                }
            };
            if self.f.trace {
                self.state.log.push(LogEntry::Fire { rule: r, tick: t, messenger: NONE });
            }
            if let Some(what) = decided {
                self.decide_now(g, what, r);
            }
        }
        Ok(())
    }

    /// Marks a general crashed.
    pub(crate) fn crash(&mut self, g: GenId, t: u32, rule: RuleId) {
        if self.state.crashed[g as usize].is_some() {
            return;
        }
        self.state.crashed[g as usize] = Some(t);
        if self.state.decisions[g as usize].is_none() {
            self.state.open -= 1;
        }
        if self.f.trace {
            self.state.log.push(LogEntry::Crash { general: g, tick: t, rule });
        }
    }

    /// The rolls of the `crash any` rules at tick `t`: each target still up, in order,
    /// crashes with the rule's probability, while fewer than its `n` have crashed.
    pub(crate) fn crash_any<C: Chooser>(&mut self, t: u32, ch: &mut C) {
        let model = self.model;
        for (i, c) in model.crash_any.iter().enumerate() {
            if t < c.from || t > c.to {
                continue;
            }
            for &g in &c.targets {
                if self.state.any_crashed[i] >= c.n {
                    break;
                }
                if !self.live(g) {
                    continue;
                }
                ch.about(&About::Crash { rule: i as u16, general: g, tick: t });
                if ch.chance(&c.p).index == 1 {
                    self.state.any_crashed[i] += 1;
                    self.state.crashes_chosen += 1;
                    self.crash(g, t, crash_any_marker(i));
                }
            }
        }
    }

    /// Brings a crashed general back: it keeps what it had received, sent, decided and
    /// stored (stable storage), and its `on recover` rules fire.
    pub(crate) fn recover<C: Chooser>(&mut self, g: GenId, t: u32, ch: &mut C) -> Result<(), RunError> {
        if self.state.crashed[g as usize].is_none() {
            return Ok(());
        }
        self.state.crashed[g as usize] = None;
        if self.state.decisions[g as usize].is_none() {
            self.state.open += 1;
        }
        if self.f.trace {
            self.state.log.push(LogEntry::Recover { general: g, tick: t });
        }
        let model = self.model;
        for &r in &model.generals[g as usize].on_recover {
            if !self.live(g) {
                break;
            }
            self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
        }
        Ok(())
    }
}
