//! The evidence for `received`, `count received` and `sent`: messengers that came, came late or never came.

use super::{Cause, Explainer, MAX_DEPTH, MAX_LISTED, Why};
use crate::check::*;
use crate::sim::Fate;

impl Explainer<'_, '_> {
    /// The messengers that could have satisfied a pattern from `s` to `g`, sent by tick `t`.
    fn candidates(&self, pattern: &Pattern, s: GenId, g: GenId, t: u32, locals: &[i64]) -> Vec<u32> {
        self.sim
            .state()
            .messengers
            .iter()
            .enumerate()
            .filter(|(_, x)| {
                x.from == s && x.to == g && x.sent <= t && self.sim.matches(pattern, &x.msg, g, locals).unwrap_or(false)
            })
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// Senders a pattern could come from: the filter, or every general with a channel to `g`.
    fn senders(&self, filter: Option<&[GenId]>, g: GenId) -> Vec<GenId> {
        match filter {
            Some(f) => f.to_vec(),
            None => (0..self.model.generals.len() as GenId)
                .filter(|s| *s != g && self.model.chan(*s, g).is_some())
                .collect(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn received(
        &mut self,
        pattern: &Pattern,
        from: &Senders,
        by: Option<i64>,
        g: GenId,
        t: u32,
        locals: &[i64],
        holds: bool,
        depth: usize,
    ) -> Vec<Why> {
        let deadline = by.map(|b| b.clamp(0, u32::MAX as i64) as u32).unwrap_or(t).min(t);
        let (list, each) = match from {
            Senders::Any(f) => (self.senders(f.as_deref(), g), false),
            Senders::Each(l) => (l.clone(), true),
        };
        let explicit = !matches!(from, Senders::Any(None));
        let mut out = Vec::new();
        for &s in &list {
            let ms = self.candidates(pattern, s, g, t, locals);
            let arrived: Vec<u32> = ms
                .iter()
                .copied()
                .filter(|m| {
                    let x = &self.sim.state().messengers[*m as usize];
                    x.fate == Fate::Delivered && x.arrives <= deadline
                })
                .collect();
            if let Some(&m) = arrived.first() {
                if holds {
                    out.push(self.delivered_story(m, depth));
                    if !each {
                        break;
                    }
                }
                continue;
            }
            if holds && !each {
                continue;
            }
            if ms.is_empty() {
                if !explicit && !self.could_send(s, pattern.kind, g) {
                    continue;
                }
                out.push(self.not_sent(s, pattern, g, t, locals, depth));
            } else {
                for &m in ms.iter().take(MAX_LISTED) {
                    let x = &self.sim.state().messengers[m as usize];
                    let mut story = self.story(m);
                    if x.fate == Fate::Delivered {
                        let limit = if by.is_some() { "the deadline" } else { "then" };
                        story.says = format!("{}, after {limit} (tick {deadline})", story.says);
                        story.cause = Some(Cause::Late { chan: x.chan, kind: x.msg.kind });
                    }
                    out.push(story);
                }
                if ms.len() > MAX_LISTED {
                    out.push(Why::leaf(format!("... and {} more like these", ms.len() - MAX_LISTED)));
                }
            }
        }
        if out.is_empty() && !holds {
            let kind = self.model.show_kind(pattern.kind);
            out.push(Why::leaf(format!("no general ever sends {kind} to {}", self.name(g))));
        }
        out
    }

    /// Why `g` had (or had not) sent a matching messenger by tick `t`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn sent_why(
        &mut self,
        pattern: &Pattern,
        to: Option<&[GenId]>,
        g: GenId,
        t: u32,
        locals: &[i64],
        holds: bool,
        depth: usize,
    ) -> Vec<Why> {
        let matching: Vec<u32> = (0..self.sim.state().messengers.len() as u32)
            .filter(|m| {
                let x = &self.sim.state().messengers[*m as usize];
                x.from == g
                    && x.sent <= t
                    && to.is_none_or(|to| to.contains(&x.to))
                    && self.sim.matches(pattern, &x.msg, g, locals).unwrap_or(false)
            })
            .collect();
        if holds {
            return matching.first().map(|m| vec![self.story(*m)]).unwrap_or_default();
        }
        if depth >= MAX_DEPTH {
            return Vec::new();
        }
        self.none_sent(g, pattern, g, t, locals, to, depth)
    }

    /// Whether `s` has any rule that sends `kind` to `g`.
    fn could_send(&self, s: GenId, kind: KindId, g: GenId) -> bool {
        !self.sending_rules(s, kind, g).is_empty()
    }

    pub(super) fn sending_rules(&self, s: GenId, kind: KindId, g: GenId) -> Vec<RuleId> {
        self.sending_rules_to(s, kind, Some(&[g]))
    }

    /// The rules of `s` that send `kind` to any of `to` (`None`: to anyone).
    pub(super) fn sending_rules_to(&self, s: GenId, kind: KindId, to: Option<&[GenId]>) -> Vec<RuleId> {
        (0..self.model.rules.len() as RuleId)
            .filter(|r| {
                let rule = &self.model.rules[*r as usize];
                rule.owner == s
                    && rule.actions.iter().any(|a| {
                        matches!(a, Action::Send { kind: k, to: targets, .. }
                            if *k == kind && to.is_none_or(|to| targets.iter().any(|x| to.contains(x))))
                    })
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn count(
        &mut self,
        pattern: &Pattern,
        from: Option<&[GenId]>,
        by: Option<i64>,
        g: GenId,
        t: u32,
        locals: &[i64],
        depth: usize,
    ) -> Vec<Why> {
        let mut heard = Vec::new();
        let mut missing = Vec::new();
        let deadline = by.map(|b| b.clamp(0, u32::MAX as i64) as u32).unwrap_or(t).min(t);
        for s in self.senders(from, g) {
            let got = self.sim.state().recv[g as usize].iter().any(|r| {
                r.from == s && r.tick <= deadline && self.sim.matches(pattern, &r.msg, g, locals).unwrap_or(false)
            });
            if got {
                heard.push(self.name(s).to_string());
            } else if from.is_some() || self.could_send(s, pattern.kind, g) {
                missing.push(s);
            }
        }
        let mut out = Vec::new();
        let kind = self.model.show_kind(pattern.kind);
        if heard.is_empty() {
            out.push(Why::leaf(format!("{} heard {kind} from nobody", self.name(g))));
        } else {
            out.push(Why::leaf(format!("{} heard {kind} from {}", self.name(g), heard.join(", "))));
        }
        for s in missing.into_iter().take(MAX_LISTED) {
            let ms = self.candidates(pattern, s, g, t, locals);
            if ms.is_empty() {
                out.push(self.not_sent(s, pattern, g, t, locals, depth));
            } else {
                for m in ms.into_iter().take(2) {
                    out.push(self.story(m));
                }
            }
        }
        out
    }
}
