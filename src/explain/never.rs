//! Why a messenger was never sent or a rule never fired, back to a crash or a capture.

use super::{Cause, Explainer, MAX_DEPTH, MAX_LISTED, Why};
use crate::check::*;
use crate::sim::LogEntry;
use crate::syntax::ast::BinOp;

impl Explainer<'_, '_> {
    /// A pattern with its payload values as they stood: `ack(4)`, `vote(_)`.
    fn show_pattern(&self, p: &Pattern, g: GenId, t: u32, locals: &[i64]) -> String {
        let mut s = self.model.show_kind(p.kind);
        if !p.args.is_empty() {
            let types = &self.model.kinds[p.kind as usize].arg_types;
            let vals: Vec<String> = p
                .args
                .iter()
                .enumerate()
                .map(|(i, a)| match a {
                    PatArg::Eq(e) => self.model.show_value(self.value(e, g, t, locals), types.get(i).copied()),
                    _ => "_".to_string(),
                })
                .collect();
            s = format!("{s}({})", vals.join(", "));
        }
        s
    }

    /// Why `s` never sent a matching messenger to `g` by tick `t`.
    pub(super) fn not_sent(
        &mut self,
        s: GenId,
        pattern: &Pattern,
        g: GenId,
        t: u32,
        locals: &[i64],
        depth: usize,
    ) -> Why {
        let shown = self.show_pattern(pattern, g, t, locals);
        let head = format!("{} never sent {shown} to {}", self.name(s), self.name(g));
        if depth >= MAX_DEPTH {
            return Why::leaf(head);
        }
        let because = self.none_sent(s, pattern, g, t, locals, Some(&[g]), depth);
        Why::node(head, because)
    }

    /// Why `s` sent no messenger matching `pattern` (its values as `g` reads them at `t`)
    /// to any of `to` (`None`: to anyone) by tick `t`: what it sent of that kind instead
    /// (evidence), or that it had crashed, and for each rule of `s` that could have sent
    /// one, why it did not: it fired too late, or never fired, and why. A rule whose sends
    /// of that kind all carry another constant value (`send m(1)` for `m(2)`) could not:
    /// when no rule could, that is the cause.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn none_sent(
        &mut self,
        s: GenId,
        pattern: &Pattern,
        g: GenId,
        t: u32,
        locals: &[i64],
        to: Option<&[GenId]>,
        depth: usize,
    ) -> Vec<Why> {
        let kind = pattern.kind;
        let mut because = Vec::new();
        // Sent, but with other payloads: say which, and what became of them.
        let other: Vec<u32> = (0..self.sim.state().messengers.len() as u32)
            .filter(|m| {
                let x = &self.sim.state().messengers[*m as usize];
                x.from == s && to.is_none_or(|to| to.contains(&x.to)) && x.msg.kind == kind && x.sent <= t
            })
            .collect();
        for &m in other.iter().take(MAX_LISTED) {
            // Evidence of what was sent instead, not a cause.
            because.push(Why::leaf(format!("instead: {}", self.messenger_story(m))));
        }
        if other.len() > MAX_LISTED {
            because.push(Why::leaf(format!("... and {} more of that kind", other.len() - MAX_LISTED)));
        }
        if let Some(c) = self.sim.state().crashed[s as usize]
            && c <= t
        {
            because
                .push(Why::leaf(format!("{} crashed at tick {c}", self.name(s))).with(Cause::Crashed { general: s }));
            return because;
        }
        let to_txt = match to {
            Some(to) => format!(" to {}", to.iter().map(|x| self.name(*x)).collect::<Vec<_>>().join(", ")),
            None => String::new(),
        };
        let (rules, other_values): (Vec<RuleId>, Vec<RuleId>) = self
            .sending_rules_to(s, kind, to)
            .into_iter()
            .partition(|r| self.could_send_this(*r, pattern, g, t, locals, to));
        if rules.is_empty() {
            let k = self.model.show_kind(kind);
            if other_values.is_empty() {
                because.push(Why::leaf(format!("{} has no rule that sends {k}{to_txt}", self.name(s))));
            } else {
                let shown = self.show_pattern(pattern, g, t, locals);
                let refs: Vec<String> = other_values.iter().map(|r| self.rule_ref(*r)).collect();
                let (verb, values) =
                    if refs.len() == 1 { ("sends", "another value") } else { ("send", "other values") };
                because.push(Why::leaf(format!(
                    "{} has no rule that sends {shown}{to_txt}: {} {verb} {k} with {values}",
                    self.name(s),
                    match refs.split_last() {
                        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                        _ => refs.concat(),
                    }
                )));
            }
        }
        for r in rules {
            if self.visiting.contains(&r) {
                continue;
            }
            let fired: Vec<u32> = self
                .sim
                .state()
                .log
                .iter()
                .filter_map(|e| match e {
                    LogEntry::Fire { rule, tick, .. } if *rule == r => Some(*tick),
                    _ => None,
                })
                .collect();
            if let Some(first) = fired.first() {
                if *first > t {
                    because.push(Why::leaf(format!("{} fired only at tick {first}, too late", self.rule_ref(r))));
                }
                // It fired in time, and what it sent is listed above.
                continue;
            }
            self.visiting.insert(r);
            let mut w = self.not_fired(r, t, depth + 1);
            self.visiting.remove(&r);
            w.says = match self.needed_receipt(r, pattern, g, t, locals, to) {
                // Its send's value comes from what it receives: it would have sent this
                // one only on receiving that one (not on whatever it might have received).
                Some(needed) => {
                    let shown = self.show_pattern(pattern, g, t, locals);
                    format!("{}, which sends {shown} on receiving {needed}, never fired: {}", self.rule_ref(r), w.says)
                }
                None => format!("{} never fired: {}", self.rule_ref(r), w.says),
            };
            because.push(w);
        }
        because
    }

    /// For an `on receive` rule whose send of `pattern` takes its values from the payload
    /// it binds (`send ack(n + 1)` for `on receive ack(n)`): the message it would have
    /// had to receive to send `pattern`'s values (as `g` reads them at `t`), `ack(2)` for
    /// `ack(3)`. `None` when its values do not come from the binders that simply.
    fn needed_receipt(
        &self,
        r: RuleId,
        pattern: &Pattern,
        g: GenId,
        t: u32,
        locals: &[i64],
        to: Option<&[GenId]>,
    ) -> Option<String> {
        let rule = &self.model.rules[r as usize];
        let Trigger::Receive { pattern: heard, .. } = &rule.trigger else {
            return None;
        };
        rule.actions.iter().find_map(|a| {
            let Action::Send { kind, args, to: targets, .. } = a else {
                return None;
            };
            if *kind != pattern.kind || !to.is_none_or(|to| targets.iter().any(|x| to.contains(x))) {
                return None;
            }
            let mut needed: Vec<Option<i64>> = vec![None; heard.args.len()];
            let mut any = false;
            for (p, arg) in pattern.args.iter().zip(args) {
                let PatArg::Eq(e) = p else { continue };
                let v = self.value(e, g, t, locals);
                let (slot, x) = match &arg.kind {
                    ExprKind::Local(s) => (*s, Some(v)),
                    ExprKind::Bin(BinOp::Add, a, b) => match (&a.kind, &b.kind) {
                        (ExprKind::Local(s), ExprKind::Const(c)) | (ExprKind::Const(c), ExprKind::Local(s)) => {
                            (*s, v.checked_sub(*c))
                        }
                        _ => continue,
                    },
                    ExprKind::Bin(BinOp::Sub, a, b) => match (&a.kind, &b.kind) {
                        (ExprKind::Local(s), ExprKind::Const(c)) => (*s, v.checked_add(*c)),
                        _ => continue,
                    },
                    _ => continue,
                };
                let at = heard.args.iter().position(|h| matches!(h, PatArg::Bind(b) if *b == slot))?;
                needed[at] = Some(x?);
                any = true;
            }
            if !any {
                return None;
            }
            let types = &self.model.kinds[heard.kind as usize].arg_types;
            let vals: Vec<String> = heard
                .args
                .iter()
                .enumerate()
                .map(|(i, h)| match (needed[i], h) {
                    (Some(v), _) => self.model.show_value(v, types.get(i).copied()),
                    (None, PatArg::Eq(e)) => {
                        self.model.show_value(self.value(e, rule.owner, t, &[0; MAX_ARGS]), types.get(i).copied())
                    }
                    (None, _) => "_".to_string(),
                })
                .collect();
            Some(format!("{}({})", self.model.show_kind(heard.kind), vals.join(", ")))
        })
    }

    /// Whether rule `r` has a send of `pattern`'s kind to one of `to` whose constant values
    /// do not contradict the pattern's (as `g` reads them at `t`).
    fn could_send_this(
        &self,
        r: RuleId,
        pattern: &Pattern,
        g: GenId,
        t: u32,
        locals: &[i64],
        to: Option<&[GenId]>,
    ) -> bool {
        self.model.rules[r as usize].actions.iter().any(|a| match a {
            Action::Send { kind, args, to: targets, .. } => {
                *kind == pattern.kind
                    && to.is_none_or(|to| targets.iter().any(|x| to.contains(x)))
                    && pattern.args.iter().zip(args).all(|(p, arg)| match (p, &arg.kind) {
                        (PatArg::Eq(e), ExprKind::Const(c)) => self.value(e, g, t, locals) == *c,
                        _ => true,
                    })
            }
            _ => false,
        })
    }

    /// Why rule `r` had not fired by tick `t`.
    pub(super) fn not_fired(&mut self, r: RuleId, t: u32, depth: usize) -> Why {
        let rule = self.model.rules[r as usize].clone();
        let s = rule.owner;
        let who = self.name(s);
        if let Some(c) = self.sim.state().crashed[s as usize]
            && c <= t
        {
            return Why::leaf(format!("{who} crashed at tick {c}")).with(Cause::Crashed { general: s });
        }
        match &rule.trigger {
            Trigger::Start => Why::leaf(format!("{who} never started")),
            Trigger::Recover => Why::leaf(format!("{who} never recovered from a crash")),
            Trigger::At(a) => Why::leaf(format!("its tick ({a}) had not come by tick {t}")),
            Trigger::Every { until, .. } => match until {
                Some(c) => {
                    let w = self.cond(c, s, t, &[0; MAX_ARGS], depth + 1);
                    Why::node("it stopped repeating once its 'until' held", vec![w])
                }
                None => Why::leaf(format!("its first repetition comes after tick {t}")),
            },
            Trigger::When(c) => {
                let w = self.cond(c, s, t, &[0; MAX_ARGS], depth + 1);
                Why::node("its condition never held", vec![w])
            }
            Trigger::Decide { at, .. } => Why::leaf(format!("its tick ({at}) had not come by tick {t}")),
            Trigger::Receive { pattern, from, guard } => {
                // Deliveries that matched kind and sender, but not the payload or the guard.
                let mut rejected = Vec::new();
                for rc in &self.sim.state().recv[s as usize] {
                    if rc.tick > t
                        || rc.msg.kind != pattern.kind
                        || from.as_ref().is_some_and(|f| !f.contains(&rc.from))
                    {
                        continue;
                    }
                    let mut locals = [0i64; MAX_ARGS];
                    let payload = self.sim.match_args(pattern, &rc.msg, s, &mut locals).unwrap_or(false);
                    let shown = self.model.show_msg(&rc.msg);
                    let why = match (payload, guard) {
                        (false, _) => "its payload did not match".to_string(),
                        (true, Some(gd)) => {
                            let c = self.cond(gd, s, rc.tick, &locals, depth + 1);
                            let binds = self.bindings(&rule, &locals);
                            format!("{}{binds}", c.says)
                        }
                        (true, None) => continue,
                    };
                    rejected.push(Why::leaf(format!(
                        "{who} received {shown} from {} at tick {}, but {why}",
                        self.name(rc.from),
                        rc.tick
                    )));
                }
                let kind = self.model.show_kind(pattern.kind);
                let from_txt = match from {
                    Some(f) if f.len() <= 3 => {
                        format!(" from {}", f.iter().map(|g| self.name(*g)).collect::<Vec<_>>().join(" or "))
                    }
                    _ => String::new(),
                };
                if !rejected.is_empty() {
                    rejected.truncate(MAX_LISTED);
                    return Why::node(format!("the {kind} that {who} received did not match"), rejected);
                }
                let filter = Senders::Any(from.clone());
                let any = Pattern { kind: pattern.kind, args: Vec::new() };
                let because = self.received(&any, &filter, None, s, t, &[0; MAX_ARGS], false, depth + 1);
                Why::node(format!("{who} never received {kind}{from_txt}"), because)
            }
        }
    }

    /// ` (n = 4)`: the values bound by a receive rule's pattern.
    fn bindings(&self, rule: &Rule, locals: &[i64]) -> String {
        let Trigger::Receive { pattern, .. } = &rule.trigger else {
            return String::new();
        };
        let names: Vec<String> = pattern
            .args
            .iter()
            .filter_map(|a| match a {
                PatArg::Bind(slot) => Some(*slot),
                _ => None,
            })
            .map(|slot| {
                let name = self.binder_name(rule, slot);
                format!("{name} = {}", locals[slot as usize])
            })
            .collect();
        if names.is_empty() { String::new() } else { format!(" ({})", names.join(", ")) }
    }

    fn binder_name(&self, rule: &Rule, slot: u8) -> String {
        // The binder's name is the slot-th unbound name in the rule's head.
        let head = &rule.text;
        let open = head.find('(').map(|i| i + 1).unwrap_or(0);
        let close = head[open..].find(')').map(|i| open + i).unwrap_or(open);
        head.get(open..close)
            .and_then(|args| {
                let binds: Vec<&str> = args
                    .split(',')
                    .map(str::trim)
                    .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_') && !n.is_empty() && *n != "_")
                    .collect();
                binds.get(slot as usize).map(|s| s.to_string())
            })
            .unwrap_or_else(|| format!("value {}", slot + 1))
    }
}
