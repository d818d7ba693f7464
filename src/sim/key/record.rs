//! One general's record in the key: its decision and crash, variables and flags, what it
//! sent and received, the mail on its way to it, anonymous groups.

use super::*;

impl Sim<'_> {
    /// Writes general `g`'s part of the key, naming other generals by `s.rank`.
    pub(super) fn record(&self, g: GenId, plan: &KeyPlan, s: &mut KeyScratch, out: &mut Vec<u64>) {
        let n = plan.n;
        let gi = g as usize;
        // (Whether it is down, not since when: nothing reads a crash's tick.)
        let crashed = self.state.crashed[gi].is_some() as u64;
        match self.state.decisions[gi].map(|d| d.what) {
            None => out.extend_from_slice(&[0, crashed]),
            Some(Decided::Attack) => out.extend_from_slice(&[1, crashed]),
            Some(Decided::Wait) => out.extend_from_slice(&[2, crashed]),
            Some(Decided::Commit(v)) => out.extend_from_slice(&[3, v as u64, crashed]),
        }
        out.extend(self.state.vars[gi].iter().map(|v| *v as u64));
        for &r in &plan.when[gi] {
            if self.state.when_fired[r as usize] {
                out.push(plan.local[r as usize] as u64);
            }
        }
        out.push(END);
        for &r in &plan.every[gi] {
            if self.state.every_done[r as usize] {
                out.push(plan.local[r as usize] as u64);
            }
        }
        out.push(END);
        if self.plan.reads_sent {
            s.entries.clear();
            s.entries.extend(self.state.sent[gi].iter().map(|x| (x.msg, s.rank[x.to as usize], 0)));
            s.named |= !s.entries.is_empty();
            s.entries.sort_unstable();
            s.entries.dedup();
            out.push(s.entries.len() as u64);
            for (m, to, _) in &s.entries {
                msg(out, m);
                out.push(*to);
            }
        }
        let tick = |t: u32| plan.arrivals.class(t);
        let anon = plan.anon[gi];
        let silent_tab = &s.silent;
        let silent = |from: GenId| anon && silent_tab[from as usize * n + gi];
        // What it received from senders it still knows by name.
        s.entries.clear();
        for r in &self.state.recv[gi] {
            if !silent(r.from) {
                s.entries.push((r.msg, s.rank[r.from as usize], tick(r.tick)));
                s.named = true;
            }
        }
        s.entries.sort_unstable();
        s.entries.dedup();
        out.push(s.entries.len() as u64);
        for (m, from, t) in &s.entries {
            msg(out, m);
            out.extend([*from, *t as u64]);
        }
        // Anonymous groups, one per forgotten sender: first what came from it (sorted,
        // without repeats), then what is on its way from it.
        let groups = &mut s.groups;
        let grouped = &mut s.grouped;
        grouped.clear();
        if anon {
            s.entries.clear();
            for r in &self.state.recv[gi] {
                if silent(r.from) {
                    s.entries.push((r.msg, r.from as u64, tick(r.tick)));
                }
            }
            s.entries.sort_unstable_by(|a, b| (a.1, &a.0, a.2).cmp(&(b.1, &b.0, b.2)));
            s.entries.dedup();
            for (m, from, t) in &s.entries {
                let buf = &mut groups[*from as usize];
                if buf.is_empty() {
                    grouped.push(*from as GenId);
                }
                msg(buf, m);
                buf.push(*t as u64);
            }
            for &f in grouped.iter() {
                groups[f as usize].push(END);
            }
        }
        // The messengers on their way to it, in the order they would be delivered (if
        // that order can matter). Those from forgotten senders go into their groups, which
        // are then sorted; which group a messenger belongs to is in the group, and its
        // place in the order does not depend on it (the receiver's rules read neither).
        let tokens = &mut s.tokens;
        let spans = &mut s.spans;
        tokens.clear();
        spans.clear();
        let ordered = plan.ordered[gi];
        let mail = &s.mail[s.mail_at[gi] as usize..s.mail_at[gi + 1] as usize];
        for &(from, a, b) in mail {
            let words = &s.words[a as usize..b as usize];
            let at = tokens.len() as u32;
            if silent(from) {
                let buf = &mut groups[from as usize];
                if buf.is_empty() {
                    grouped.push(from);
                    buf.push(END);
                }
                buf.extend_from_slice(words);
                if !ordered {
                    // Its group says all there is to say about it.
                    continue;
                }
                tokens.push(GROUP);
            } else {
                tokens.push(s.rank[from as usize]);
                s.named = true;
            }
            tokens.extend_from_slice(words);
            spans.push((at, tokens.len() as u32));
        }
        if !ordered {
            spans.sort_unstable_by(|a, b| tokens[a.0 as usize..a.1 as usize].cmp(&tokens[b.0 as usize..b.1 as usize]));
        }
        out.push(spans.len() as u64);
        for (a, b) in spans.iter() {
            out.extend_from_slice(&tokens[*a as usize..*b as usize]);
        }
        if anon {
            // The groups in a canonical order.
            grouped.sort_unstable_by(|a, b| groups[*a as usize].cmp(&groups[*b as usize]));
            out.push(grouped.len() as u64);
            for &f in grouped.iter() {
                out.extend_from_slice(&groups[f as usize]);
                groups[f as usize].clear();
            }
        }
    }
}
