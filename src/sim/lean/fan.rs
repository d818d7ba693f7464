//! Fan-outs: a `send` of many messengers over plain channels, sent in one loop with what
//! each target needs at hand (the same choices, in the same order, as one `send` each).

use super::*;

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

/// Messengers being sent by `fan_out` (over plain channels, in a lean run), with the run's
/// counters at hand.
pub(crate) struct Sending {
    pub(crate) t: u32,
    pub(crate) from: GenId,
    pub(crate) msg: Msg,
    /// Deliveries to generals without `on receive` rules are [`Note`]s, or all deliveries
    /// are marks (see `LeanPlan::marks`).
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

impl Sim<'_> {
    /// A `send` action (action `a` of rule `r`, by `from`, `n` copies to each target) over
    /// plain channels only, in a lean run: sends its messengers
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
        if !self.f.lean || self.plan.reads_sent {
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
}
