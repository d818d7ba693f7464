//! Tick 0's messengers in a table with a slot each (lean runs with marks), and marks: the
//! deliveries whose order nothing can tell, added to the sets of senders heard at once.

use super::*;

/// The messengers that tick 0's rules send in a lean run with marks (`LeanPlan::marks`,
/// every rule of `Plan::first` simple): all of them in one list, in order, each with what sending it
/// needs, so that `fire_first_marks` sends them in one loop.
#[derive(Debug, Clone)]
pub(crate) struct FirstMarks {
    pub(crate) targets: Box<[MarkTarget]>,
    /// When every messenger's channel has the same delays and loss: those.
    pub(crate) uniform: Option<(u32, u32, Option<Prob>)>,
    /// In a one-round run ([`LeanPlan::one_round`]) whose first decisions come after tick 0,
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
    /// Whether tick 0's table of messengers (`LeanPlan::first_marks`) applies and its
    /// messengers fit the event bound (else the rules of tick 0 fire one by one, and the
    /// one that passes the bound is named).
    #[inline]
    pub(crate) fn first_marks_fit(&self) -> bool {
        self.plan.lean.first_marks.as_ref().is_some_and(|f| {
            let total = f.targets.len() as u64 + f.rules.len() as u64;
            self.state.events.saturating_add(total) <= self.max_events
        })
    }

    /// At tick 0 of a lean run with marks (`LeanPlan::first_marks`, when they fit the
    /// event bound): what firing tick 0's rules one by one does, in one loop over every
    /// messenger (no general has crashed at tick 0: there are no crashes with marks).
    ///
    /// `until`: when the next tick to run is known to be `until` (a one-round run,
    /// [`FirstMarks::fuse`]), the messengers that arrive by then are delivered in the same
    /// loop, as `merge_first(until)` would deliver them; 0 for none.
    #[inline(never)]
    pub(crate) fn fire_first_marks<C: Chooser>(&mut self, ch: &mut C, until: u32) -> Result<(), RunError> {
        let Some(first) = &self.plan.lean.first_marks else { unreachable!("called with a plan") };
        let total = first.targets.len() as u64 + first.rules.len() as u64;
        debug_assert!(self.first_marks_fit(), "checked by the caller");
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

    /// Adds the marks of tick `t` to the sets of senders heard (all at once: nothing can
    /// tell the order, `LeanPlan::marks`), and counts their deliveries.
    #[inline(never)]
    pub(crate) fn merge_marks(&mut self, t: u32) {
        self.state.events += self.state.queue.take_marks_into(t, 1, &mut self.lean.heard) as u64;
    }

    /// Adds the marks of the ticks after `t` up to `next` ([`LeanPlan::skip_marks`]).
    #[inline]
    pub(crate) fn merge_marks_through(&mut self, t: u32, next: u32) {
        let ticks = (next - t).min(self.state.queue.buckets() as u32);
        self.state.events += self.state.queue.take_marks_into(t + 1, ticks, &mut self.lean.heard) as u64;
    }
}
