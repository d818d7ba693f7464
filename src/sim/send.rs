//! Sending: the one place a messenger's choices are made (its number, delay, partitions,
//! loss rules, duplicate), in the documented order.

use super::*;

/// The choices of one messenger sent at tick `t` over a plain channel
/// ([`ChanPlan::plain`]), as `resolve` makes them: the chooser told what they are about,
/// then its delay in `lo..=hi` (if a range), then its one loss roll (if any). Returns the
/// delay and whether it was lost.
#[inline(always)]
pub(crate) fn plain_fate<C: Chooser>(
    ch: &mut C,
    chan: ChanId,
    t: u32,
    msg: Msg,
    lo: u32,
    hi: u32,
    lose: Option<&Prob>,
) -> (u32, bool) {
    fate_with::<C, true>(ch, chan, t, msg, lo, hi, lose)
}

/// [`plain_fate`] when the delay cannot matter (it is drawn, not worked out): whether
/// the messenger was lost.
#[inline(always)]
pub(crate) fn plain_loss<C: Chooser>(
    ch: &mut C,
    chan: ChanId,
    msg: Msg,
    lo: u32,
    hi: u32,
    lose: Option<&Prob>,
) -> bool {
    fate_with::<C, false>(ch, chan, 0, msg, lo, hi, lose).1
}

/// [`plain_fate`], with the delay worked out if `DELAY` (else `lo`).
#[inline(always)]
pub(crate) fn fate_with<C: Chooser, const DELAY: bool>(
    ch: &mut C,
    chan: ChanId,
    t: u32,
    msg: Msg,
    lo: u32,
    hi: u32,
    lose: Option<&Prob>,
) -> (u32, bool) {
    ch.about(&About::Messenger { chan, tick: t, msg });
    let delay = match (lo == hi, DELAY) {
        (true, _) => lo,
        (false, true) => lo + ch.delay(lo, hi),
        (false, false) => {
            ch.pass_delay(lo, hi);
            lo
        }
    };
    (delay, lose.is_some_and(|p| ch.chance(p).index == 1))
}

impl Sim<'_> {
    /// Sends one messenger: numbers it, draws its delay, applies partitions and loss rules.
    pub(crate) fn send<C: Chooser>(
        &mut self,
        r: RuleId,
        from: GenId,
        to: GenId,
        msg: Msg,
        cause: u32,
        ch: &mut C,
    ) -> Result<(), RunError> {
        self.state.events += 1;
        if self.state.events > self.max_events {
            return Err(self.event_limit());
        }
        let c = self.model.chan(from, to).expect("the checker ensures every send has a channel");
        if self.deferring {
            let id = self.number(r, from, to, msg);
            self.state.unresolved.push(Unresolved { rule: r, from, to, chan: c, msg, cause, id });
            self.unresolved_mark.set(0);
            return Ok(());
        }
        let cp = &self.plan.chans[c as usize];
        if !self.f.lean || !cp.plain {
            let id = self.number(r, from, to, msg);
            self.resolve(Unresolved { rule: r, from, to, chan: c, msg, cause, id }, ch);
            return Ok(());
        }
        self.state.sent_by_rule[r as usize] += 1;
        self.send_plain(from, to, c, msg, ch);
        Ok(())
    }

    /// Sends one messenger over plain channel `c` ([`ChanPlan::plain`]) in a lean run:
    /// what `resolve` does, less what cannot apply. (The caller counts the event and the
    /// rule's messenger.)
    #[inline(always)]
    pub(crate) fn send_plain<C: Chooser>(&mut self, from: GenId, to: GenId, c: ChanId, msg: Msg, ch: &mut C) {
        let cp = &self.plan.chans[c as usize];
        let lose = match &cp.loss {
            LossPlan::Chance(p) => Some(p),
            _ => None,
        };
        let (delay, lost) = plain_fate(ch, c, self.state.now, msg, cp.lo, cp.hi, lose);
        let id = self.state.sent_count;
        self.state.sent_count += 1;
        let t = self.state.now;
        if lost {
            self.state.captures += 1;
        } else {
            self.state.queue.push(t.saturating_add(delay), Pending { id, from, to, msg, duplicate: false });
        }
        if self.plan.reads_sent {
            self.dirty_sent = true;
            self.state.sent[from as usize].push(Sent { msg, to, tick: t, messenger: id });
        }
    }

    /// Gives a messenger being sent its id, and logs the send when it must be.
    #[inline]
    pub(crate) fn number(&mut self, r: RuleId, from: GenId, to: GenId, msg: Msg) -> u32 {
        let id = self.state.sent_count;
        self.state.sent_count += 1;
        self.state.sent_by_rule[r as usize] += 1;
        if self.f.trace || self.plan.reads_sent {
            self.dirty_sent = true;
            self.state.sent[from as usize].push(Sent { msg, to, tick: self.state.now, messenger: id });
        }
        id
    }

    /// Chooses the fate of a messenger sent at the current tick over any channel, with or
    /// without trace: its number on the channel, its delay, partitions, loss rules and
    /// duplicate, then puts it on the road.
    #[inline(never)]
    pub(crate) fn resolve<C: Chooser>(&mut self, u: Unresolved, ch: &mut C) {
        let Unresolved { rule: r, from, to, chan: c, msg, cause, id } = u;
        let model = self.model;
        let t = self.state.now;
        let cp = &self.plan.chans[c as usize];
        // The number is only read by counting loss rules and by the trace.
        let number = if cp.counting || self.f.trace {
            self.dirty_count = true;
            self.state.chan_count[c as usize] += 1;
            self.state.chan_count[c as usize]
        } else {
            0
        };
        ch.about(&About::Messenger { chan: c, tick: t, msg });
        let lazy = self.f.lazy && cp.lo != cp.hi;
        if lazy {
            ch.lazy_delay(cp.lo, cp.hi);
        }
        let delay = if cp.lo == cp.hi || lazy { cp.lo } else { cp.lo + ch.delay(cp.lo, cp.hi) };
        let arrives = t.saturating_add(delay);
        let mut fate = Fate::InFlight;
        if cp.partitioned {
            for (i, p) in model.partitions.iter().enumerate() {
                let crosses = (p.side_a[from as usize] && p.side_b[to as usize])
                    || (p.side_b[from as usize] && p.side_a[to as usize]);
                if crosses && p.from <= t && t <= p.to {
                    fate = Fate::Partitioned { partition: i as u16 };
                    break;
                }
            }
        }
        let mut on_road = fate == Fate::InFlight;
        if on_road {
            match &cp.loss {
                LossPlan::None => {}
                LossPlan::Chance(p) => {
                    let c = ch.chance(p);
                    if c.index == 1 {
                        self.state.captures += 1;
                        fate = Fate::Captured { loss: 0, draw: c.draw };
                        on_road = false;
                    }
                }
                LossPlan::Rules => {
                    for (i, l) in model.channels[c as usize].losses.iter().enumerate() {
                        let n = number as u64;
                        let (captured, draw) = match &l.kind {
                            LossKind::All => (true, None),
                            LossKind::Numbers(ranges) => (ranges.iter().any(|(a, b)| *a <= n && n <= *b), None),
                            LossKind::Every(k) => (n.is_multiple_of(*k), None),
                            LossKind::First(k) => (n <= *k, None),
                            LossKind::After(k) => (n > *k, None),
                            LossKind::Window(a, b) => (*a <= t && t <= *b, None),
                            LossKind::Kind(k) => (msg.kind == *k, None),
                            LossKind::Chance { p, kind } => {
                                if kind.is_some_and(|k| k != msg.kind) {
                                    (false, None)
                                } else {
                                    let c = ch.chance(p);
                                    (c.index == 1, c.draw)
                                }
                            }
                        };
                        if captured {
                            if l.kind.is_random() {
                                self.state.captures += 1;
                            }
                            fate = Fate::Captured { loss: i as u16, draw };
                            on_road = false;
                            break;
                        }
                    }
                }
            }
        }
        let mut duplicate = None;
        if on_road {
            let mut window = (t.saturating_add(cp.lo), t.saturating_add(cp.hi));
            if self.settle && self.plan.watch[to as usize].blind(window.0, window.1) {
                window.1 = window.0;
            }
            if self.f.lazy {
                let p = Pending { id, from, to, msg, duplicate: false };
                self.state.road.push(Road { p, earliest: window.0, latest: window.1, arrive: false });
            } else {
                self.state.queue.push(arrives, Pending { id, from, to, msg, duplicate: false });
            }
            if let Some(p) = &cp.duplicate
                && ch.chance(p).index == 1
            {
                if self.f.lazy {
                    if lazy {
                        ch.lazy_delay(cp.lo, cp.hi);
                    }
                    let p = Pending { id, from, to, msg, duplicate: true };
                    self.state.road.push(Road { p, earliest: window.0, latest: window.1, arrive: false });
                } else {
                    let d2 = if cp.lo == cp.hi { cp.lo } else { cp.lo + ch.delay(cp.lo, cp.hi) };
                    let at = t.saturating_add(d2);
                    duplicate = Some(at);
                    self.state.queue.push(at, Pending { id, from, to, msg, duplicate: true });
                }
            }
        }
        if self.f.trace {
            self.state.messengers.push(Messenger {
                chan: c,
                number,
                from,
                to,
                msg,
                sent: t,
                arrives,
                fate,
                rule: r,
                cause,
                duplicate,
            });
            self.state.log.push(LogEntry::Send { messenger: id });
        }
    }

    /// Lazy delivery: whether road entry `i`, whose window has opened by tick `t`,
    /// arrives at `t` (into its `arrive`): forced when its window closes at `t`, else a
    /// choice, with probability 1 / the ticks left in its window.
    pub(crate) fn choose_arrival<C: Chooser>(&mut self, i: usize, t: u32, ch: &mut C) {
        let r = self.state.road[i];
        let (id, duplicate) = (r.p.id, r.p.duplicate);
        if self.alike && i > 0 {
            let q = self.state.road[i - 1];
            if !q.arrive && alike(&q, &r, t) {
                // Held as the one before it was (see `set_alike_arrivals`).
                self.state.road[i].arrive = false;
                self.alike_counted(i, t, ch);
                return;
            }
        }
        let arrive = if r.latest <= t {
            ch.about(&About::Arrival { id, duplicate, tick: t, forced: true });
            true
        } else {
            ch.about(&About::Arrival { id, duplicate, tick: t, forced: false });
            ch.chance(&Prob::new(1, (r.latest - t + 1) as u64)).index == 1
        };
        self.state.road[i].arrive = arrive;
        if self.alike {
            self.alike_counted(i, t, ch);
        }
    }

    /// With alike arrivals counted: if road entry `i` ends a run of `k` alike messengers
    /// (see `set_alike_arrivals`) of which the first `j` arrive now, weighs the choices by
    /// what they stand for: any `j` of the `k` arriving, C(k, j) runs, each with its
    /// `k - j` held (the sequence chose one hold, and let the others follow).
    fn alike_counted<C: Chooser>(&self, i: usize, t: u32, ch: &mut C) {
        let road = &self.state.road;
        if road.get(i + 1).is_some_and(|next| alike(&road[i], next, t)) {
            return;
        }
        let mut s = i;
        while s > 0 && alike(&road[s - 1], &road[s], t) {
            s -= 1;
        }
        let k = (i - s + 1) as u64;
        let j = road[s..=i].iter().filter(|r| r.arrive).count() as u64;
        if k < 2 || j == k {
            return;
        }
        // C(k, j) = the product of m / (m - j) for m from j + 1 to k.
        for m in j + 1..=k {
            ch.weigh(m, m - j);
        }
        // Each hold after the first: 1 - 1 / (the ticks left in the window).
        let left = (road[i].latest - t + 1) as u64;
        for _ in 0..k - j - 1 {
            ch.weigh(left - 1, left);
        }
    }

    pub(crate) fn event_limit(&self) -> RunError {
        let (rule, sent) = self
            .state
            .sent_by_rule
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
            .map(|(i, n)| (i as RuleId, *n as u64))
            .unwrap_or((self.current, 0));
        let rule = if sent == 0 { self.current } else { rule };
        RunError::EventLimit { limit: self.max_events, rule, sent, tick: self.state.now }
    }
}

/// Whether road entries `a` and `b` (next to each other) are alike at tick `t`: both
/// open, neither due, the same last tick, sender, receiver, message and duplicate mark
/// (see `Sim::set_alike_arrivals`).
fn alike(a: &Road, b: &Road, t: u32) -> bool {
    a.earliest <= t
        && b.earliest <= t
        && a.latest == b.latest
        && a.latest > t
        && (a.p.from, a.p.to, a.p.duplicate) == (b.p.from, b.p.to, b.p.duplicate)
        && a.p.msg == b.p.msg
}
