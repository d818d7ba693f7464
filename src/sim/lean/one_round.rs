//! One-round runs: models in which nothing fires after tick 0 but decisions run tick 0 and
//! the decisions' ticks in a loop of their own, and reset only what such a run changed.

use super::*;

impl Sim<'_> {
    /// Whether tick 0's messengers fit the event bound with the deliveries of them all
    /// (a one-round run checks nothing else).
    #[inline]
    pub(crate) fn first_fits(&self) -> bool {
        self.plan.lean.first_marks.as_ref().is_some_and(|f| {
            let total = 2 * f.targets.len() as u64 + f.rules.len() as u64;
            self.state.events.saturating_add(total) <= self.max_events
        })
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

    /// A lean run of a one-round model ([`LeanPlan::one_round`]): what the general loop of
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
}
