//! Which senders will never send to which receivers again (whose messengers may be
//! forgotten by name), and what a step changed.

use super::*;

impl Sim<'_> {
    /// Whether the last step, from `progress`, changed only the records of some generals
    /// (marked in `s.dirty`): it chose lazy arrivals or messengers' fates, and the tick's
    /// stage is the same; or it chose the fates of the tick's last messengers and the run
    /// went on to a later tick, which changes no record when it leaves the same senders
    /// silent (with `KeyPlan::by_time`: nothing else of a record depends on the tick). Nothing
    /// else of the key changes in such a step but the stage, the tick and the counters of
    /// counting channels (written afresh).
    pub(super) fn changed_since(&self, plan: &KeyPlan, progress: (u32, u32), s: &mut KeyScratch) -> bool {
        let (stage, pos) = (progress.1 >> 30, (progress.1 & ((1 << 30) - 1)) as usize);
        let dirty = &mut s.dirty;
        dirty.clear();
        dirty.resize(self.state.decisions.len(), false);
        if progress.0 != self.state.now {
            // Fates chosen for messengers `pos..` of tick `progress.0`, its last ones.
            if !(plan.by_time
                && stage == 2
                && self.state.stage == Stage::Start
                && self.tick_ended == Some((progress.0, pos)))
            {
                return false;
            }
            for &to in &self.ended_to {
                dirty[to as usize] = true;
            }
            return self.same_silences(plan, progress.0, self.state.now, s);
        }
        match (self.state.stage, stage) {
            // Arrivals chosen for road entries `pos..arrive_pos`.
            (Stage::Arrive, 1) if pos <= self.state.arrive_pos => {
                for r in &self.state.road[pos..self.state.arrive_pos] {
                    dirty[r.p.to as usize] = true;
                }
            }
            // Fates chosen for messengers `pos..resolve_pos`: each is now on the road, in
            // the queue, or gone, and only its receiver's record says so.
            (Stage::Resolve, 2) if pos <= self.state.resolve_pos => {
                for u in &self.state.unresolved[pos..self.state.resolve_pos] {
                    dirty[u.to as usize] = true;
                }
            }
            _ => return false,
        }
        true
    }

    /// Which senders will never send to which receivers again (of the changed receivers
    /// only, with `only_dirty`: the others' records are not written).
    pub(super) fn silences(&self, plan: &KeyPlan, only_dirty: bool, s: &mut KeyScratch) {
        let resolved = self.state.stage == Stage::Resolve;
        let mut only = only_dirty.then_some(s.changed.as_slice());
        if plan.by_time {
            // The same table as the last one worked out at this point of the run.
            if s.silent_at == Some((self.state.now, resolved)) {
                return;
            }
            s.silent_at = Some((self.state.now, resolved));
            only = None;
        }
        self.silent_table(plan, (self.state.now, resolved), only, &mut s.silent);
    }

    /// The table of [`Sim::silences`] at tick `now` (after its rules fired, if
    /// `resolved`), into `silent`: every row, or only the columns of the receivers `only`.
    pub(super) fn silent_table(
        &self,
        plan: &KeyPlan,
        (now, resolved): (u32, bool),
        only: Option<&[GenId]>,
        silent: &mut Vec<bool>,
    ) {
        let n = plan.n;
        silent.clear();
        silent.resize(n * n, false);
        if !plan.any_anon {
            return;
        }
        let recovers =
            |g: usize| self.model.crashes[self.state.next_crash..].iter().any(|c| c.recover && c.general as usize == g);
        let done = |r: RuleId, from: usize| match plan.ends[r as usize] {
            Ends::Start => now > 0 || resolved,
            Ends::Recover => !recovers(from),
            Ends::Never => false,
            Ends::At(at) => at < now || (at == now && resolved),
            Ends::Every => self.state.every_done[r as usize],
            Ends::When => self.state.when_fired[r as usize],
            Ends::Done => true,
        };
        for from in 0..n {
            // Most often a sender is silent towards everyone (its sending rules are done).
            let everyone = (self.state.crashed[from].is_some() && !recovers(from))
                || plan.senders[from].iter().all(|&r| done(r, from));
            let towards = |to: usize| everyone || plan.sends[from * n + to].iter().all(|&r| done(r, from));
            let row = &mut silent[from * n..(from + 1) * n];
            if let Some(only) = only {
                for &to in only {
                    let to = to as usize;
                    row[to] = plan.anon[to] && towards(to);
                }
            } else if everyone {
                row.copy_from_slice(&plan.anon);
            } else {
                for (to, silent) in row.iter_mut().enumerate() {
                    *silent = plan.anon[to] && towards(to);
                }
            }
        }
    }

    /// With [`KeyPlan::by_time`]: whether the table of [`Sim::silences`] after the rules
    /// of tick `from` fired is the table at the start of tick `to` (remembered for the
    /// last two ticks asked: a search asks for the same ones many times over).
    pub(super) fn same_silences(&self, plan: &KeyPlan, from: u32, to: u32, s: &mut KeyScratch) -> bool {
        debug_assert!(plan.by_time);
        if let Some((a, b, same)) = s.crossing
            && (a, b) == (from, to)
        {
            return same;
        }
        let (mut before, mut after) = (Vec::new(), Vec::new());
        self.silent_table(plan, (from, true), None, &mut before);
        self.silent_table(plan, (to, false), None, &mut after);
        let same = before == after;
        s.crossing = Some((from, to, same));
        same
    }
}
