//! Rules and their actions: triggers, guards, decisions, sends and the messages they carry.

use super::*;

impl Builder {
    pub(super) fn rules_block(&mut self, p: P) -> Vec<RuleDecl> {
        inner(p).map(|q| self.rule(q)).collect()
    }

    fn actions(&mut self, p: P) -> Vec<Action> {
        inner(p).map(|q| self.action(q)).collect()
    }

    fn rule(&mut self, p: P) -> RuleDecl {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut head = sp;
        let mut it = inner(p);
        it.next();
        // The head of a rule is everything before its `{ actions }`.
        let mut head_end = |q: &P| {
            head = Span { start: sp.start, end: span(q).start };
        };
        let kind = match rule {
            Rule::on_start | Rule::on_recover => {
                it.next();
                let a = it.next().unwrap();
                head_end(&a);
                let actions = self.actions(a);
                if rule == Rule::on_start { RuleKind::Start(actions) } else { RuleKind::Recover(actions) }
            }
            Rule::on_receive => {
                it.next();
                let pattern = self.pattern(it.next().unwrap());
                let mut from = None;
                let mut guard = None;
                let mut actions = Vec::new();
                for q in it {
                    match q.as_rule() {
                        Rule::from_targets => from = Some(self.targets(inner(q).nth(1).unwrap())),
                        Rule::guard => guard = Some(self.expr(inner(q).nth(1).unwrap())),
                        Rule::actions => {
                            head_end(&q);
                            actions = self.actions(q);
                        }
                        _ => unexpected(&q),
                    }
                }
                RuleKind::Receive { pattern, from, guard, actions }
            }
            Rule::at_rule => {
                let at = self.expr(it.next().unwrap());
                let a = it.next().unwrap();
                head_end(&a);
                RuleKind::At { at, actions: self.actions(a) }
            }
            Rule::every_rule => {
                let period = self.expr(it.next().unwrap());
                let mut until = None;
                let mut actions = Vec::new();
                for q in it {
                    match q.as_rule() {
                        Rule::until => until = Some(self.expr(inner(q).nth(1).unwrap())),
                        Rule::actions => {
                            head_end(&q);
                            actions = self.actions(q);
                        }
                        _ => unexpected(&q),
                    }
                }
                RuleKind::Every { period, until, actions }
            }
            Rule::when_rule => {
                let cond = self.expr(it.next().unwrap());
                let a = it.next().unwrap();
                head_end(&a);
                RuleKind::When { cond, actions: self.actions(a) }
            }
            Rule::decide_rule => {
                it.next();
                let at = self.expr(it.next().unwrap());
                let q = it.next().unwrap();
                let dsp = span(&q);
                let drule = q.as_rule();
                let mut jt = inner(q);
                jt.next();
                let decision = match drule {
                    Rule::decide_attack => {
                        DecideForm::Attack { guard: jt.next().map(|g| self.expr(inner(g).nth(1).unwrap())), span: dsp }
                    }
                    Rule::decide_wait => DecideForm::Wait { span: dsp },
                    Rule::decide_commit => {
                        let value = self.expr(jt.next().unwrap());
                        let guard = jt.next().map(|g| self.expr(inner(g).nth(1).unwrap()));
                        DecideForm::Commit { value, guard, span: dsp }
                    }
                    _ => unreachable!("grammar rule {drule:?} is not a decision"),
                };
                RuleKind::Decide { at, decision }
            }
            Rule::var_decl => {
                let name = ident(it.next().unwrap());
                RuleKind::Var { name, init: self.expr(it.next().unwrap()) }
            }
            _ => unreachable!("grammar rule {rule:?} is not a rule"),
        };
        RuleDecl { kind, span: sp, head }
    }

    fn action(&mut self, p: P) -> Action {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut it = inner(p);
        it.next();
        match rule {
            Rule::send_action => {
                let msg = self.message(it.next().unwrap());
                it.next();
                let to = self.targets(it.next().unwrap());
                let copies = it.next().map(|c| self.expr(inner(c).next().unwrap()));
                Action::Send { msg, to, copies, span: sp }
            }
            Rule::attack_action => Action::Attack(sp),
            Rule::wait_action => Action::Wait(sp),
            Rule::crash_action => Action::Crash(sp),
            Rule::set_action => {
                let name = ident(it.next().unwrap());
                Action::Set { name, value: self.expr(it.next().unwrap()), span: sp }
            }
            Rule::commit_action => Action::Commit { value: self.expr(it.next().unwrap()), span: sp },
            _ => unreachable!("grammar rule {rule:?} is not an action"),
        }
    }

    fn message(&mut self, p: P) -> Message {
        let sp = span(&p);
        let mut it = inner(p);
        let kind = self.kind(it.next().unwrap());
        let args = it.next().map(|a| inner(a).map(|e| self.expr(e)).collect()).unwrap_or_default();
        Message { kind, args, span: sp }
    }
}
