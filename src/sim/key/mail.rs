//! The messengers on their way, by receiver, in the order they would be delivered: what
//! a record copies of each.

use super::*;

pub(super) fn msg(out: &mut Vec<u64>, m: &Msg) {
    out.push(m.kind as u64 | (m.args.len as u64) << 32);
    out.extend(m.args.as_slice().iter().map(|v| *v as u64));
}

/// Where a messenger on its way to a receiver is, as the key writes it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Token {
    /// Lazy delivery: its window, and (in the arrival stage) whether it was chosen to arrive.
    Road { earliest: u32, latest: u32, decided: u8 },
    /// In the queue, arriving at this tick.
    Queue(u32),
    /// Sent this tick; its fate is not chosen yet.
    Unresolved,
}

impl Token {
    pub(super) fn code(self) -> u64 {
        match self {
            Token::Road { earliest, latest, decided } => {
                1 | (earliest as u64) << 2 | (latest as u64) << 26 | (decided as u64) << 50
            }
            Token::Queue(at) => 2 | (at as u64) << 2,
            Token::Unresolved => 3,
        }
    }
}

impl Sim<'_> {
    /// The messengers on their way, by receiver, in the order they would be delivered,
    /// each written once (token, message, duplicate) for `record` to copy.
    ///
    /// With `timeless` (the horizon, see [`super::timeless`]), a window is written
    /// without the tick: how many ticks until it opens (0 once open, whenever that was),
    /// and its last tick as "due now", the tick itself up to the horizon, or past the
    /// horizon (all alike).
    pub(super) fn sort_mail(&self, n: usize, only_dirty: bool, timeless: Option<u32>, s: &mut KeyScratch) {
        s.words.clear();
        s.found.clear();
        let words = &mut s.words;
        let found = &mut s.found;
        let dirty = &s.dirty;
        // (Only the changed generals' records are written: only their mail is needed.
        // Most often one general changed.)
        let one = match s.changed.as_slice() {
            [g] if only_dirty => Some(*g),
            _ => None,
        };
        let wanted = |to: GenId| match one {
            Some(g) => to == g,
            None => !only_dirty || dirty[to as usize],
        };
        #[inline(always)]
        fn add(
            words: &mut Vec<u64>,
            found: &mut Vec<(GenId, GenId, u32, u32)>,
            (from, to): (GenId, GenId),
            token: Token,
            m: &Msg,
            duplicate: bool,
        ) {
            let at = words.len() as u32;
            let head = m.kind as u64 | (m.args.len as u64) << 32;
            if m.args.len == 0 {
                // (The common case, in one write.)
                words.extend_from_slice(&[token.code(), head, duplicate as u64]);
            } else {
                words.extend_from_slice(&[token.code(), head]);
                words.extend(m.args.as_slice().iter().map(|v| *v as u64));
                words.push(duplicate as u64);
            }
            found.push((to, from, at, words.len() as u32));
        }
        for (i, r) in self.state.road.iter().enumerate() {
            if !wanted(r.p.to) {
                continue;
            }
            let decided =
                if self.state.stage == Stage::Arrive && r.earliest <= self.state.now && i < self.state.arrive_pos {
                    1 + r.arrive as u8
                } else {
                    0
                };
            let (earliest, latest) = match timeless {
                Some(horizon) => {
                    let now = self.state.now;
                    // (Due now, due at a tick to come up to the horizon, or free past it.)
                    let latest = if r.latest <= now { 0 } else { r.latest.min(horizon + 1) };
                    (r.earliest.saturating_sub(now), latest)
                }
                None => (r.earliest, r.latest),
            };
            let token = Token::Road { earliest, latest, decided };
            add(words, found, (r.p.from, r.p.to), token, &r.p.msg, r.p.duplicate);
        }
        // (Plain loops over slices: most messengers are skipped, each in a few
        // instructions.)
        for (at, bucket) in self.state.queue.buckets_from(self.state.now) {
            for p in bucket {
                if wanted(p.to) {
                    add(words, found, (p.from, p.to), Token::Queue(at), &p.msg, p.duplicate);
                }
            }
        }
        for u in &self.state.unresolved[self.state.resolve_pos..] {
            if wanted(u.to) {
                add(words, found, (u.from, u.to), Token::Unresolved, &u.msg, false);
            }
        }
        s.mail_at.clear();
        s.mail_at.resize(n + 1, 0);
        if let Some(g) = one {
            // All of it is one receiver's, in order.
            s.mail_at[g as usize + 1..].fill(s.found.len() as u32);
            s.mail.clear();
            s.mail.extend(s.found.iter().map(|&(_, from, a, b)| (from, a, b)));
            return;
        }
        // By receiver, keeping the order found (a counting sort): `mail_at[g + 1]` counts
        // first, then is where receiver `g`'s next messenger goes, then where its end is.
        for f in &s.found {
            s.mail_at[f.0 as usize + 1] += 1;
        }
        for g in 1..n {
            s.mail_at[g + 1] += s.mail_at[g];
        }
        s.mail.clear();
        s.mail.resize(s.found.len(), (0, 0, 0));
        for &(to, from, a, b) in &s.found {
            let slot = &mut s.mail_at[to as usize];
            s.mail[*slot as usize] = (from, a, b);
            *slot += 1;
        }
        // Each start has moved to its end, the next one's start: shift back.
        for g in (0..n).rev() {
            s.mail_at[g + 1] = s.mail_at[g];
        }
        s.mail_at[0] = 0;
    }
}
