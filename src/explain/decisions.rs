//! Why each general decided (or never did): the deciding rule, and where a committed value came from.

use super::{Cause, Explainer, MAX_LISTED, Why, causes};
use crate::check::*;
use crate::sim::{Decided, Decision, LogEntry, NONE};

impl Explainer<'_, '_> {
    /// Why a general ended as it did.
    pub fn general(&mut self, g: GenId) -> Vec<Why> {
        let sim = self.sim;
        if let Some(t) = sim.state().crashed[g as usize] {
            let how = sim.state().log.iter().rev().find_map(|e| match e {
                LogEntry::Crash { general, rule, tick } if *general == g && *tick == t && *rule != NONE => {
                    Some(match crate::sim::crash_any_of(*rule, self.model) {
                        Some(i) => {
                            let c = &self.model.crash_any[i];
                            format!("chosen by '{}' (line {})", c.text, c.line)
                        }
                        None => format!("by its own 'crash' in {}", self.rule_ref(*rule)),
                    })
                }
                _ => None,
            });
            let how = how.unwrap_or_else(|| {
                let line = self
                    .model
                    .crashes
                    .iter()
                    .find(|c| c.general == g && c.at == t && !c.recover)
                    .map(|c| c.line)
                    .unwrap_or(0);
                format!("as the scenario says ('crash {} at {t}', line {line})", self.name(g))
            });
            let mut out = vec![
                Why::leaf(format!("{} crashed at tick {t}, {how}", self.name(g))).with(Cause::Crashed { general: g }),
            ];
            if let Some(d) = sim.state().decisions[g as usize] {
                out.insert(0, self.decision(g, d));
            }
            return out;
        }
        match sim.state().decisions[g as usize] {
            Some(d) => vec![self.decision(g, d)],
            None => vec![self.undecided(g)],
        }
    }

    fn verb(d: Decided) -> String {
        match d {
            Decided::Attack => "attacked".into(),
            Decided::Wait => "waited".into(),
            Decided::Commit(_) => "committed".into(),
        }
    }

    fn decision(&mut self, g: GenId, d: Decision) -> Why {
        let mut why = self.decision_only(g, d);
        if let Decided::Commit(v) = d.what {
            let (from, others) = self.value_story(g, d, v);
            why.because.extend(from);
            why.because.extend(others);
        }
        why
    }

    /// The causes a general's end rests on, each once, sorted: for counting reasons over
    /// many runs. An attack rests on the messengers that arrived; waiting, never deciding
    /// and a crash on what failed. A committed value rests on what brought it (the
    /// messengers that arrived, back along the chain) and on what kept the other values
    /// committed in the run from it (the messengers carrying them, when none of them
    /// arrived): another value that reached the general did not change its mind, so
    /// nothing that became of its carriers is a reason.
    pub fn reasons(&mut self, g: GenId) -> Vec<Cause> {
        let sim = self.sim;
        let mut out: Vec<Cause> = match sim.state().decisions[g as usize].map(|d| (d, d.what)) {
            Some((d, Decided::Commit(v))) => {
                let head = self.decision_only(g, d);
                let (from, others) = self.value_story(g, d, v);
                let mut cs: Vec<Cause> = causes(&[head]).into_iter().chain(causes(&from)).collect();
                cs.retain(|c| !c.is_failure());
                // Another value that reached the general did not change its mind: what
                // became of its other carriers is no reason.
                for w in &others {
                    let ws = causes(std::slice::from_ref(w));
                    if ws.iter().all(Cause::is_failure) {
                        cs.extend(ws);
                    }
                }
                cs
            }
            Some((_, Decided::Attack)) => causes(&self.general(g)).into_iter().filter(|c| !c.is_failure()).collect(),
            _ => causes(&self.general(g)).into_iter().filter(Cause::is_failure).collect(),
        };
        out.sort();
        out.dedup();
        out
    }

    /// Where a committed value came from, and what became of the messengers that carried
    /// the other values committed in the run (in this order).
    fn value_story(&mut self, g: GenId, d: Decision, v: i64) -> (Vec<Why>, Vec<Why>) {
        let model = self.model;
        let rule = &model.rules[d.rule as usize];
        let committed = match &rule.trigger {
            Trigger::Decide { what: DecideWhat::Commit(e, _), .. } => Some(e),
            _ => rule.actions.iter().find_map(|a| match a {
                Action::Commit { value, .. } => Some(value),
                _ => None,
            }),
        };
        let mut out = Vec::new();
        let mut others_out = Vec::new();
        let shown = self.show_commit(g, d.rule, v);
        if let Some(ExprKind::Var(var)) = committed.map(|e| &e.kind) {
            let decl = &model.generals[g as usize].vars[*var as usize];
            // The last rule of g that set the variable before the decision.
            let decided_at =
                self.sim.state().log.iter().position(|e| matches!(e, LogEntry::Decide { general } if *general == g));
            let upto = decided_at.unwrap_or(self.sim.state().log.len());
            let last_set = self.sim.state().log[..upto].iter().rev().find_map(|e| match *e {
                LogEntry::Fire { rule: r, tick, messenger }
                    if model.rules[r as usize].owner == g
                        && model.rules[r as usize]
                            .actions
                            .iter()
                            .any(|a| matches!(a, Action::Set { var: x, .. } if x == var)) =>
                {
                    Some((r, tick, messenger))
                }
                _ => None,
            });
            match last_set {
                Some((r, tick, m)) => {
                    let because = self.fired_because(r, tick, m, 0);
                    out.push(Why::node(
                        format!("{} was last set at tick {tick}, by {}, to {shown}", decl.name, self.rule_ref(r)),
                        because,
                    ));
                }
                None => out.push(Why::leaf(format!(
                    "{} kept its initial value, {shown} (line {})",
                    decl.name,
                    crate::diag::line_col(self.src, decl.span.start).0
                ))),
            }
        }
        // The other values: did any messenger bring them here?
        let mut others: Vec<i64> = (0..model.generals.len())
            .filter_map(|h| match self.sim.state().decisions[h].map(|d| d.what) {
                Some(Decided::Commit(w)) if w != v => Some(w),
                _ => None,
            })
            .collect();
        others.sort_unstable();
        others.dedup();
        for w in others {
            let other = self.show_commit(g, d.rule, w);
            let carriers: Vec<u32> = (0..self.sim.state().messengers.len() as u32)
                .filter(|&m| {
                    let x = &self.sim.state().messengers[m as usize];
                    x.to == g && x.msg.args.as_slice().contains(&w)
                })
                .collect();
            if carriers.is_empty() {
                others_out.push(Why::leaf(format!("no messenger ever carried {other} to {}", self.name(g))));
                continue;
            }
            let listed: Vec<Why> = carriers.iter().take(MAX_LISTED).map(|&m| self.story(m)).collect();
            let more = carriers.len().saturating_sub(MAX_LISTED);
            let more = if more > 0 { format!(" ({more} more not listed)") } else { String::new() };
            others_out.push(Why::node(
                format!("the other value, {other}, was carried to {} by:{more}", self.name(g)),
                listed,
            ));
        }
        (out, others_out)
    }

    fn decision_only(&mut self, g: GenId, d: Decision) -> Why {
        let rule = &self.model.rules[d.rule as usize];
        let who = self.name(g);
        let what = match d.what {
            Decided::Commit(v) => format!("committed {}", self.show_commit(g, d.rule, v)),
            other => Self::verb(other),
        };
        if let Trigger::Decide { what: dw, .. } = &rule.trigger {
            let head = format!("{who} {what} at tick {} by {}", d.tick, self.rule_ref(d.rule));
            return match dw {
                DecideWhat::Attack(None) => Why::leaf(format!("{head}, which attacks unconditionally")),
                DecideWhat::Wait => Why::leaf(format!("{head}, which waits unconditionally")),
                DecideWhat::Attack(Some(c)) | DecideWhat::Commit(_, Some(c)) => {
                    let held = d.what != Decided::Wait;
                    let verdict = if held { "held" } else { "did not hold" };
                    let cond = self.cond(c, g, d.tick, &[0; MAX_ARGS], 0);
                    Why::node(format!("{head}: its condition {verdict}"), vec![cond])
                }
                DecideWhat::Commit(_, None) => Why::leaf(head),
            };
        }
        // Decided by an action.
        let firing = self.sim.state().log.iter().find_map(|e| match e {
            LogEntry::Fire { rule: r, tick, messenger } if *r == d.rule && *tick == d.tick => Some(*messenger),
            _ => None,
        });
        let head = format!("{who} {what} at tick {} in {}", d.tick, self.rule_ref(d.rule));
        let mut because = Vec::new();
        if let Some(m) = firing {
            because.extend(self.fired_because(d.rule, d.tick, m, 0));
        }
        Why::node(head, because)
    }

    fn show_commit(&self, g: GenId, _rule: RuleId, v: i64) -> String {
        // The value's type is that of any variable or literal committed; numbers by default.
        let ty = self.model.generals[g as usize].vars.first().map(|v| v.ty);
        self.model.show_value(v, ty.filter(|t| *t != Ty::Bool))
    }

    /// Why a rule fired at `tick` (on messenger `m` if it was a delivery).
    fn fired_because(&mut self, r: RuleId, tick: u32, m: u32, depth: usize) -> Vec<Why> {
        let rule = &self.model.rules[r as usize];
        match &rule.trigger {
            Trigger::Start => vec![Why::leaf("'on start' fires at tick 0".to_string())],
            Trigger::Recover => vec![Why::leaf(format!("'on recover' fires when {} recovers", self.name(rule.owner)))],
            Trigger::At(a) => vec![Why::leaf(format!("its time came: tick {a}"))],
            Trigger::Every { period, .. } => {
                vec![Why::leaf(format!("it repeats every {period} ticks; tick {tick} was one"))]
            }
            Trigger::When(c) => vec![self.cond(c, rule.owner, tick, &[0; MAX_ARGS], depth + 1)],
            Trigger::Receive { .. } if m != NONE => vec![self.delivered_story(m, depth)],
            _ => vec![],
        }
    }

    fn undecided(&mut self, g: GenId) -> Why {
        let who = self.name(g);
        let end = self.sim.state().now;
        let general = &self.model.generals[g as usize];
        let mut because = Vec::new();
        for &r in &general.decide {
            if let Trigger::Decide { at, what } = &self.model.rules[r as usize].trigger {
                if *at > end {
                    because.push(Why::leaf(format!(
                        "{} would decide at tick {at}, but the run ended at tick {end}",
                        self.rule_ref(r)
                    )));
                } else if let DecideWhat::Commit(_, Some(c)) = what {
                    let cond = self.cond(c, g, *at, &[0; MAX_ARGS], 0);
                    because.push(Why::node(
                        format!("{} commits only if its condition holds, and it did not", self.rule_ref(r)),
                        vec![cond],
                    ));
                }
            }
        }
        let deciding: Vec<RuleId> = (0..self.model.rules.len() as RuleId)
            .filter(|r| {
                let rule = &self.model.rules[*r as usize];
                rule.owner == g
                    && rule
                        .actions
                        .iter()
                        .any(|a| matches!(a, Action::Attack(_) | Action::Wait(_) | Action::Commit { .. }))
            })
            .collect();
        if general.decide.is_empty() && deciding.is_empty() {
            because.push(Why::leaf(format!("{who} has no rule that decides")));
        }
        for r in deciding {
            let mut w = self.not_fired(r, end, 0);
            w.says = format!("{} never fired: {}", self.rule_ref(r), w.says);
            because.push(w);
        }
        Why::node(format!("{who} never decided: it is blocked"), because)
    }
}
