//! Deliveries and rules: a messenger delivered, the rules it fires, their actions.

use super::*;

impl Sim<'_> {
    /// Delivers one messenger (or its duplicate) and runs the receiver's `on receive` rules.
    pub(crate) fn deliver<C: Chooser>(&mut self, t: u32, p: &Pending, ch: &mut C) -> Result<(), RunError> {
        let m = p.id;
        if !self.live(p.to) {
            if self.f.trace {
                if !p.duplicate {
                    self.state.messengers[m as usize].fate = Fate::ReceiverDown;
                }
                self.state.log.push(LogEntry::ReceiverDown { messenger: m, tick: t, duplicate: p.duplicate });
            }
            return Ok(());
        }
        if self.f.trace {
            if !p.duplicate {
                self.state.messengers[m as usize].fate = Fate::Delivered;
            }
            self.state.log.push(LogEntry::Deliver { messenger: m, tick: t, duplicate: p.duplicate });
        }
        self.note_delivery(t, p);
        for &r in &self.model.generals[p.to as usize].on_receive {
            if !self.live(p.to) {
                break;
            }
            let mut locals = [0i64; MAX_ARGS];
            if self.receive_matches(r, p, &mut locals)? {
                self.fire(r, &locals, m, ch)?;
            }
        }
        Ok(())
    }

    /// Records the delivery of a [`Note`], if its receiver is up (what `note_delivery`
    /// does in a lean run without a delivery log).
    #[inline(always)]
    pub(crate) fn note(&mut self, n: &Note) {
        if !self.live(n.to) {
            return;
        }
        if n.word != NONE {
            self.lean.heard[n.word as usize] |= 1u64 << (n.from % 64);
        }
        self.state.events += 1;
    }

    /// Records a delivery, if its receiver is up (the trace aside): what the receiver has
    /// heard, and the event.
    #[inline(always)]
    pub(crate) fn note_delivery(&mut self, t: u32, p: &Pending) {
        if !self.live(p.to) {
            return;
        }
        if self.f.heard {
            let h = &self.plan.lean.heard;
            let slot = h.slot[p.msg.kind as usize];
            if slot != NONE {
                let set = p.to as usize * h.kinds + slot as usize;
                self.lean.heard[set * h.words + p.from as usize / 64] |= 1u64 << (p.from % 64);
            }
        }
        if self.f.keep_recv && (self.f.trace || self.plan.read(&p.msg)) {
            self.state.recv[p.to as usize].push(Recv { msg: p.msg, from: p.from, tick: t, messenger: p.id });
        }
        self.state.events += 1;
    }

    /// Whether a delivered messenger fires an `on receive` rule (binding payload values).
    pub(crate) fn receive_matches(
        &mut self,
        r: RuleId,
        m: &Pending,
        locals: &mut [i64; MAX_ARGS],
    ) -> Result<bool, RunError> {
        let rule = &self.model.rules[r as usize];
        let Trigger::Receive { pattern, from, guard } = &rule.trigger else {
            return Ok(false);
        };
        if pattern.kind != m.msg.kind {
            return Ok(false);
        }
        if let Some(from) = from
            && !from.contains(&m.from)
        {
            return Ok(false);
        }
        self.current = r;
        if !self.match_args(pattern, &m.msg, rule.owner, locals)? {
            return Ok(false);
        }
        Ok(match guard {
            Some(g) => self.condition(r, g, rule.owner, locals)? != 0,
            None => true,
        })
    }

    /// Runs a rule's actions.
    pub(crate) fn fire<C: Chooser>(
        &mut self,
        r: RuleId,
        locals: &[i64; MAX_ARGS],
        cause: u32,
        ch: &mut C,
    ) -> Result<(), RunError> {
        let model = self.model;
        let rule = &model.rules[r as usize];
        let g = rule.owner;
        let t = self.state.now;
        self.current = r;
        self.state.events += 1;
        if self.f.trace {
            self.state.log.push(LogEntry::Fire { rule: r, tick: t, messenger: cause });
        }
        // A rule that only sends one message to targets over plain channels: fanned out
        // at once (what the loop below does for it, less the dispatch).
        if let Some(msg) = &self.plan.lean.simple[r as usize]
            && self.live(g)
            && self.fan_out(r, 0, g, *msg, 1, ch)
        {
            return Ok(());
        }
        for (ai, a) in rule.actions.iter().enumerate() {
            if !self.live(g) {
                break;
            }
            match a {
                Action::Send { kind, args, to, copies, .. } => {
                    let mut msg = Msg { kind: *kind, args: Args { len: args.len() as u8, vals: [0; MAX_ARGS] } };
                    for (i, e) in args.iter().enumerate() {
                        msg.args.vals[i] = self.eval(e, g, locals)?;
                    }
                    let n = match copies {
                        Some(c) => self.eval(c, g, locals)?.max(0) as u64,
                        None => 1,
                    };
                    if self.plan.lean.fans[r as usize][ai]
                        .as_ref()
                        .is_some_and(|f| (f.len() as u64).saturating_mul(n) >= FAN_MIN as u64)
                        && self.fan_out(r, ai, g, msg, n, ch)
                    {
                        continue;
                    }
                    for &to in to {
                        for _ in 0..n {
                            self.send(r, g, to, msg, cause, ch)?;
                        }
                    }
                }
                Action::Attack(_) => self.decide_now(g, Decided::Attack, r),
                Action::Wait(_) => self.decide_now(g, Decided::Wait, r),
                Action::Commit { value, .. } => {
                    let v = self.eval(value, g, locals)?;
                    self.decide_now(g, Decided::Commit(v), r);
                }
                Action::Set { var, value, .. } => {
                    let v = self.eval(value, g, locals)?;
                    self.state.vars[g as usize][*var as usize] = v;
                }
                Action::Crash(_) => self.crash(g, t, r),
            }
        }
        Ok(())
    }

    #[inline]
    pub(crate) fn decide_now(&mut self, g: GenId, what: Decided, rule: RuleId) {
        if self.state.decisions[g as usize].is_none() {
            self.state.decisions[g as usize] = Some(Decision { what, tick: self.state.now, rule });
            if self.state.crashed[g as usize].is_none() {
                self.state.open -= 1;
            }
            if self.f.trace {
                self.state.log.push(LogEntry::Decide { general: g });
            }
        }
    }

    /// Lazy delivery at tick `t`: each messenger whose window has opened arrives now or
    /// not ([`Sim::choose_arrival`]), in send order; then those that arrive are delivered.
    pub(crate) fn deliver_lazy<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        for i in 0..self.state.road.len() {
            if self.state.road[i].earliest <= t {
                self.choose_arrival(i, t, ch);
            }
        }
        self.deliver_arrived(t, ch)
    }

    /// Delivers the messengers on the road chosen to arrive at tick `t`, in send order.
    pub(crate) fn deliver_arrived<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        if self.state.road.is_empty() {
            return Ok(());
        }
        let mut now = std::mem::take(&mut self.arriving);
        now.clear();
        self.state.road.retain(|r| {
            if r.arrive {
                now.push(r.p);
            }
            !r.arrive
        });
        let mut result = Ok(());
        for p in &now {
            result = self.deliver(t, p, ch);
            if result.is_err() {
                break;
            }
        }
        self.arriving = now;
        result
    }

    /// With lazy delivery: the messengers still on the road (id, is a duplicate).
    pub fn on_road(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.state.road.iter().map(|r| (r.p.id, r.p.duplicate))
    }
}
