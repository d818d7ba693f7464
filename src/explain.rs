//! Why each general decided as it did: the rule that decided, the value of each part of
//! its condition, and for each part the evidence, back to the messenger that was
//! captured (or the rule that never fired, and why).

use std::collections::HashSet;

use serde::Serialize;

use crate::check::*;
use crate::sim::{Decided, Decision, Fate, LogEntry, Messenger, NONE, Sim};
use crate::syntax::ast::BinOp;

/// One step of an explanation: a sentence and what it rests on.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Why {
    pub says: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub because: Vec<Why>,
    /// The fact this step rests on, for aggregating reasons over many runs.
    #[serde(skip)]
    pub cause: Option<Cause>,
}

impl Why {
    fn leaf(says: impl Into<String>) -> Why {
        Why { says: says.into(), because: Vec::new(), cause: None }
    }

    fn node(says: impl Into<String>, because: Vec<Why>) -> Why {
        Why { says: says.into(), because, cause: None }
    }

    fn with(mut self, cause: Cause) -> Why {
        self.cause = Some(cause);
        self
    }
}

/// A root cause an explanation reaches, without the particulars of one run (ticks,
/// numbers, rolls), so that causes can be counted over many runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// A messenger of this kind on this channel was captured by loss rule `loss`.
    Captured { chan: ChanId, kind: KindId, loss: u16 },
    /// ... was captured at the cut of a partition.
    Partitioned { chan: ChanId, kind: KindId, partition: u16 },
    /// ... reached a general that had crashed.
    ReceiverDown { chan: ChanId, kind: KindId },
    /// ... was still on the road.
    InFlight { chan: ChanId, kind: KindId },
    /// ... arrived after the deadline.
    Late { chan: ChanId, kind: KindId },
    /// A general crashed.
    Crashed { general: GenId },
    /// ... was delivered (what a decision that held rests on).
    Delivered { chan: ChanId, kind: KindId },
}

impl Cause {
    /// True for the causes of something that did not happen.
    pub fn is_failure(&self) -> bool {
        !matches!(self, Cause::Delivered { .. })
    }

    /// The cause in words.
    pub fn describe(&self, model: &Model) -> String {
        let what = |chan: &ChanId, kind: &KindId| format!("{} on {}", model.show_kind(*kind), model.show_chan(*chan));
        match self {
            Cause::Captured { chan, kind, loss } => {
                let l = &model.channels[*chan as usize].losses[*loss as usize];
                format!("{} was captured by '{}' (line {})", what(chan, kind), l.text, l.line)
            }
            Cause::Partitioned { chan, kind, partition } => {
                format!(
                    "{} was lost to the partition on line {}",
                    what(chan, kind),
                    model.partitions[*partition as usize].line
                )
            }
            Cause::ReceiverDown { chan, kind } => format!("{} reached a crashed general", what(chan, kind)),
            Cause::InFlight { chan, kind } => format!("{} was still on the road", what(chan, kind)),
            Cause::Late { chan, kind } => format!("{} arrived too late", what(chan, kind)),
            Cause::Crashed { general } => format!("{} crashed", model.name(*general)),
            Cause::Delivered { chan, kind } => format!("{} arrived", what(chan, kind)),
        }
    }
}

/// The causes an explanation rests on, each once, in the order first met.
pub fn causes(whys: &[Why]) -> Vec<Cause> {
    fn walk(w: &Why, out: &mut Vec<Cause>) {
        if let Some(c) = w.cause
            && !out.contains(&c)
        {
            out.push(c);
        }
        for b in &w.because {
            walk(b, out);
        }
    }
    let mut out = Vec::new();
    for w in whys {
        walk(w, &mut out);
    }
    out
}

/// How deep explanations go into "never sent because never received because ...".
const MAX_DEPTH: usize = 6;
/// How many senders or messengers one step lists before summarising.
const MAX_LISTED: usize = 6;

/// Explains a finished, traced run.
pub struct Explainer<'s, 'm> {
    sim: &'s Sim<'m>,
    model: &'m Model,
    src: &'s str,
    /// Rules already being explained on this path (no cycles).
    visiting: HashSet<RuleId>,
}

impl<'s, 'm> Explainer<'s, 'm> {
    /// An explainer over a run made with `trace` on.
    pub fn new(sim: &'s Sim<'m>, src: &'s str) -> Explainer<'s, 'm> {
        Explainer { sim, model: sim.model, src, visiting: HashSet::new() }
    }

    fn name(&self, g: GenId) -> &'m str {
        self.model.name(g)
    }

    fn text(&self, e: &Expr) -> String {
        e.span.text(self.src).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// `'decide at dawn: attack if ...' (line 14)`
    pub fn rule_ref(&self, r: RuleId) -> String {
        let rule = &self.model.rules[r as usize];
        format!("'{}' (line {})", rule.text, rule.line)
    }

    /// `messenger #1 on A -> B`
    pub fn msgr_ref(&self, m: u32) -> String {
        let msgr = &self.sim.state().messengers[m as usize];
        format!("messenger #{} on {}", msgr.number, self.model.show_chan(msgr.chan))
    }

    /// What became of a messenger, in a sentence.
    pub fn fate(&self, m: u32) -> String {
        let x = &self.sim.state().messengers[m as usize];
        let chan = &self.model.channels[x.chan as usize];
        match x.fate {
            Fate::Delivered => format!("arrived at tick {}", x.arrives),
            Fate::InFlight => format!("was still on the road when the run ended (due at tick {})", x.arrives),
            Fate::ReceiverDown => format!("reached {} at tick {}, after it had crashed", self.name(x.to), x.arrives),
            Fate::Captured { loss, draw } => {
                let l = &chan.losses[loss as usize];
                let roll = match (draw, &l.kind) {
                    (Some(d), LossKind::Chance { p, .. }) => {
                        format!(": rolled {:.4}, below {}", roll(d), p.percent())
                    }
                    _ => String::new(),
                };
                format!("was captured at tick {} by '{}' (line {}){roll}", x.arrives, l.text, l.line)
            }
            Fate::Partitioned { partition } => {
                let p = &self.model.partitions[partition as usize];
                format!("was captured at tick {} at the cut of the partition on line {}", x.arrives, p.line)
            }
        }
    }

    /// A messenger's story as a step, with its fate as the cause.
    fn story(&self, m: u32) -> Why {
        let x = &self.sim.state().messengers[m as usize];
        let (chan, kind) = (x.chan, x.msg.kind);
        let cause = match x.fate {
            Fate::Delivered => Cause::Delivered { chan, kind },
            Fate::InFlight => Cause::InFlight { chan, kind },
            Fate::ReceiverDown => Cause::ReceiverDown { chan, kind },
            Fate::Captured { loss, .. } => Cause::Captured { chan, kind, loss },
            Fate::Partitioned { partition } => Cause::Partitioned { chan, kind, partition },
        };
        Why::leaf(self.messenger_story(m)).with(cause)
    }

    /// `B sent ack to A at tick 2 (messenger #1 on B -> A); it was captured ...`
    fn messenger_story(&self, m: u32) -> String {
        let x = &self.sim.state().messengers[m as usize];
        format!(
            "{} sent {} to {} at tick {} ({}); it {}",
            self.name(x.from),
            self.model.show_msg(&x.msg),
            self.name(x.to),
            x.sent,
            self.msgr_ref(m),
            self.fate(m)
        )
    }

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
            why.because.extend(self.value_story(g, d, v));
        }
        why
    }

    /// Where a committed value came from, and what became of the messengers that carried
    /// the other values committed in the run.
    fn value_story(&mut self, g: GenId, d: Decision, v: i64) -> Vec<Why> {
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
                out.push(Why::leaf(format!("no messenger ever carried {other} to {}", self.name(g))));
                continue;
            }
            let listed: Vec<Why> = carriers.iter().take(MAX_LISTED).map(|&m| self.story(m)).collect();
            let more = carriers.len().saturating_sub(MAX_LISTED);
            let more = if more > 0 { format!(" ({more} more not listed)") } else { String::new() };
            out.push(Why::node(format!("the other value, {other}, was carried to {} by:{more}", self.name(g)), listed));
        }
        out
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

    /// A delivered messenger, and why it was sent (back along the causal chain).
    fn delivered_story(&mut self, m: u32, depth: usize) -> Why {
        let x: Messenger = self.sim.state().messengers[m as usize];
        let says = format!(
            "it received {} from {} at tick {}: {} sent at tick {}",
            self.model.show_msg(&x.msg),
            self.name(x.from),
            x.arrives,
            self.msgr_ref(m),
            x.sent
        );
        let mut because = Vec::new();
        if depth < MAX_DEPTH {
            let how = format!("{} sent it in {}", self.name(x.from), self.rule_ref(x.rule));
            let more = if x.cause != NONE && !self.visiting.contains(&x.rule) {
                self.visiting.insert(x.rule);
                let w = vec![self.delivered_story(x.cause, depth + 1)];
                self.visiting.remove(&x.rule);
                w
            } else {
                Vec::new()
            };
            because.push(Why::node(how, more));
        }
        Why::node(says, because).with(Cause::Delivered { chan: x.chan, kind: x.msg.kind })
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

    /// Explains a condition's value at tick `t`.
    fn cond(&mut self, e: &Expr, g: GenId, t: u32, locals: &[i64], depth: usize) -> Why {
        let v = self.value(e, g, t, locals);
        let text = self.text(e);
        match &e.kind {
            ExprKind::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                let mut parts = Vec::new();
                self.flatten(*op, a, &mut parts);
                self.flatten(*op, b, &mut parts);
                let because = parts.iter().map(|p| self.cond(p, g, t, locals, depth)).collect();
                Why::node(format!("`{text}` is {}", truth(v)), because)
            }
            ExprKind::Not(a) => Why::node(format!("`{text}` is {}", truth(v)), vec![self.cond(a, g, t, locals, depth)]),
            ExprKind::Received { pattern, from, by } => {
                let by_v = by.as_ref().map(|b| self.value(b, g, t, locals));
                let because = self.received(pattern, from, by_v, g, t, locals, v != 0, depth);
                Why::node(format!("`{text}` is {}", truth(v)), because)
            }
            ExprKind::Sent { pattern, to } => {
                let because = self.sent_why(pattern, to.as_deref(), g, t, locals, v != 0, depth);
                Why::node(format!("`{text}` is {}", truth(v)), because)
            }
            ExprKind::Bin(_, a, b) => {
                let mut because = Vec::new();
                for side in [a, b] {
                    if !matches!(side.kind, ExprKind::Const(_)) {
                        because.push(self.int_part(side, g, t, locals, depth));
                    }
                }
                Why::node(format!("`{text}` is {}", self.show(e, v)), because)
            }
            _ => Why::leaf(format!("`{text}` is {}", self.show(e, v))),
        }
    }

    /// Explains a numeric part of a comparison.
    fn int_part(&mut self, e: &Expr, g: GenId, t: u32, locals: &[i64], depth: usize) -> Why {
        let v = self.value(e, g, t, locals);
        let text = self.text(e);
        match &e.kind {
            ExprKind::Count { pattern, from, by } => {
                let by_v = by.as_ref().map(|b| self.value(b, g, t, locals));
                let because = self.count(pattern, from.as_deref(), by_v, g, t, locals, depth);
                Why::node(format!("`{text}` is {v}"), because)
            }
            ExprKind::Bin(_, a, b) | ExprKind::MinMax { a, b, .. } => {
                let mut because = Vec::new();
                for side in [a, b] {
                    if !matches!(side.kind, ExprKind::Const(_)) {
                        because.push(self.int_part(side, g, t, locals, depth));
                    }
                }
                if because.len() == 1 && because[0].because.is_empty() {
                    because.clear();
                }
                Why::node(format!("`{text}` is {}", self.show(e, v)), because)
            }
            _ => Why::leaf(format!("`{text}` is {}", self.show(e, v))),
        }
    }

    fn flatten<'e>(&self, op: BinOp, e: &'e Expr, out: &mut Vec<&'e Expr>) {
        match &e.kind {
            ExprKind::Bin(o, a, b) if *o == op => {
                self.flatten(op, a, out);
                self.flatten(op, b, out);
            }
            _ => out.push(e),
        }
    }

    fn show(&self, e: &Expr, v: i64) -> String {
        match e.ty {
            Ty::Bool => truth(v).to_string(),
            ty => self.model.show_value(v, Some(ty)),
        }
    }

    /// The value of an expression for `g` as it stood at tick `t`.
    fn value(&self, e: &Expr, g: GenId, t: u32, locals: &[i64]) -> i64 {
        self.sim.eval_at(e, g, locals, t).unwrap_or(0)
    }

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
    fn received(
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
    fn sent_why(
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
        let rules: Vec<RuleId> = (0..self.model.rules.len() as RuleId)
            .filter(|r| {
                let rule = &self.model.rules[*r as usize];
                rule.owner == g
                    && rule.actions.iter().any(|a| {
                        matches!(a, Action::Send { kind, to: targets, .. }
                            if *kind == pattern.kind && to.is_none_or(|to| targets.iter().any(|x| to.contains(x))))
                    })
            })
            .collect();
        let mut out = Vec::new();
        if rules.is_empty() {
            out.push(Why::leaf(format!(
                "{} has no rule that sends {}",
                self.name(g),
                self.model.show_kind(pattern.kind)
            )));
        }
        for r in rules {
            if self.visiting.contains(&r) {
                continue;
            }
            self.visiting.insert(r);
            let mut w = self.not_fired(r, t, depth + 1);
            self.visiting.remove(&r);
            w.says = format!("{} never fired: {}", self.rule_ref(r), w.says);
            out.push(w);
        }
        out
    }

    /// Whether `s` has any rule that sends `kind` to `g`.
    fn could_send(&self, s: GenId, kind: KindId, g: GenId) -> bool {
        !self.sending_rules(s, kind, g).is_empty()
    }

    fn sending_rules(&self, s: GenId, kind: KindId, g: GenId) -> Vec<RuleId> {
        (0..self.model.rules.len() as RuleId)
            .filter(|r| {
                let rule = &self.model.rules[*r as usize];
                rule.owner == s
                    && rule
                        .actions
                        .iter()
                        .any(|a| matches!(a, Action::Send { kind: k, to, .. } if *k == kind && to.contains(&g)))
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn count(
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
    fn not_sent(&mut self, s: GenId, pattern: &Pattern, g: GenId, t: u32, locals: &[i64], depth: usize) -> Why {
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
    fn not_fired(&mut self, r: RuleId, t: u32, depth: usize) -> Why {
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
                let names: Vec<&str> = args.split(',').map(str::trim).collect();
                let binds: Vec<&str> = names
                    .into_iter()
                    .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_') && !n.is_empty() && *n != "_")
                    .collect();
                binds.get(slot as usize).map(|s| s.to_string())
            })
            .unwrap_or_else(|| format!("value {}", slot + 1))
    }
}

/// A 64-bit draw as a uniform number in [0, 1), to 4 places (rounded down).
pub fn roll(draw: u64) -> f64 {
    ((draw as f64 / 2f64.powi(64)) * 10_000.0).floor() / 10_000.0
}

fn truth(v: i64) -> &'static str {
    if v != 0 { "true" } else { "false" }
}
