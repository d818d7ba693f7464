//! Why a messenger was never sent or a rule never fired, back to a crash or a capture.

use super::{Cause, Explainer, MAX_DEPTH, MAX_LISTED, Why};
use crate::check::*;
use crate::sim::LogEntry;

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
        let kind = pattern.kind;
        let shown = self.show_pattern(pattern, g, t, locals);
        let head = format!("{} never sent {shown} to {}", self.name(s), self.name(g));
        if depth >= MAX_DEPTH {
            return Why::leaf(head);
        }
        let mut because = Vec::new();
        // Sent, but with other payloads: say which, and what became of them.
        let other: Vec<u32> = (0..self.sim.state().messengers.len() as u32)
            .filter(|m| {
                let x = &self.sim.state().messengers[*m as usize];
                x.from == s && x.to == g && x.msg.kind == kind && x.sent <= t
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
            return Why::node(head, because);
        }
        let rules = self.sending_rules(s, kind, g);
        if rules.is_empty() {
            let k = self.model.show_kind(kind);
            because.push(Why::leaf(format!("{} has no rule that sends {k} to {}", self.name(s), self.name(g))));
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
            w.says = format!("{} never fired: {}", self.rule_ref(r), w.says);
            because.push(w);
        }
        Why::node(head, because)
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
