//! Rules: variables, triggers and the per-general rule lists; attack/wait and values not mixed.

use super::exprs::Scope;
use super::*;
use crate::syntax::ast::{Action as AA, DecideForm, RuleDecl, RuleKind};

impl<'a> Checker<'a> {
    pub(super) fn rules_pass(&mut self, file: &'a ast::File) {
        let mut own: Vec<Option<&'a ast::GeneralDecl>> = vec![None; self.generals.len()];
        for stmt in &file.stmts {
            if let Stmt::General(g) = stmt
                && let Some(&id) = self.gen_index.get(&g.name.name)
                && self.generals[id as usize].span == g.name.span
            {
                own[id as usize] = Some(g);
            }
        }
        for g in 0..self.generals.len() {
            let g = g as GenId;
            let role = self.generals[g as usize].role;
            // Role variables and rules first, then the general's own (its `var` overrides the role's).
            let mut decls: Vec<(&'a RuleDecl, bool)> = Vec::new();
            if let Some(r) = role {
                decls.extend(self.role_rules[r].iter().map(|d| (d, true)));
            }
            if let Some(decl) = own[g as usize] {
                decls.extend(decl.rules.iter().map(|d| (d, false)));
            }
            for (d, from_role) in &decls {
                if let RuleKind::Var { name, init } = &d.kind {
                    self.declare_var(g, name, init, *from_role);
                }
            }
            for (d, from_role) in decls {
                if !matches!(d.kind, RuleKind::Var { .. }) {
                    self.rule(g, d, from_role);
                }
            }
        }
    }

    fn declare_var(&mut self, g: GenId, name: &ast::Ident, init: &ast::Expr, from_role: bool) {
        let scope = Scope { owner: g, locals: vec![], runtime: false };
        let Some(e) = self.expr(init, &scope) else {
            return;
        };
        let ExprKind::Const(v) = e.kind else {
            self.err(Diag::error(
                Code::CheckNotConstant,
                "a variable starts from a value known before the run",
                init.span,
                "depends on the run",
            ));
            return;
        };
        let vars = &mut self.generals[g as usize].vars;
        if let Some(existing) = vars.iter_mut().find(|v| v.name == name.name) {
            if from_role {
                let first = existing.span;
                self.err(
                    Diag::error(
                        Code::CheckDuplicate,
                        format!("variable '{}' is declared twice", name.name),
                        name.span,
                        "declared again here",
                    )
                    .with_label(first, "first declared here"),
                );
                return;
            }
            if existing.ty != e.ty {
                let (t0, s0) = (existing.ty, existing.span);
                self.err(
                    Diag::error(
                        Code::CheckTypeMismatch,
                        format!("'{}' is {} in its role but {} here", name.name, t0.name(), e.ty.name()),
                        init.span,
                        format!("{} here", e.ty.name()),
                    )
                    .with_label(s0, "declared here"),
                );
                return;
            }
            existing.init = v;
            existing.span = name.span;
            return;
        }
        if self.globals.contains_key(&name.name) {
            self.err(Diag::error(
                Code::CheckDuplicate,
                format!("variable '{}' has the name of a param or time", name.name),
                name.span,
                "choose another name",
            ));
            return;
        }
        vars.push(Var { name: name.name.clone(), ty: e.ty, init: v, span: name.span });
    }

    fn rule(&mut self, g: GenId, d: &RuleDecl, from_role: bool) {
        if !self.rule_checked(g, d, from_role) && could_decide(d) {
            self.decisions_dropped.insert(g);
        }
    }

    /// Checks a rule and adds it to its general; false when it, or one of its actions,
    /// was dropped for an error.
    fn rule_checked(&mut self, g: GenId, d: &RuleDecl, from_role: bool) -> bool {
        let mut scope = Scope { owner: g, locals: vec![], runtime: true };
        let text = d.head.one_line(self.src);
        let trigger = match &d.kind {
            RuleKind::Start(_) => Some(Trigger::Start),
            RuleKind::Recover(_) => Some(Trigger::Recover),
            RuleKind::Receive { pattern, from, guard, .. } => {
                let pat = self.pattern(pattern, &mut scope, true);
                let from = match from {
                    Some(t) => self.targets(t, Some(g)).map(Some),
                    None => Some(None),
                };
                let guard = guard.as_ref().and_then(|e| self.cond(e, &scope));
                match (pat, from) {
                    (Some(pattern), Some(from)) => Some(Trigger::Receive { pattern, from, guard }),
                    _ => None,
                }
            }
            RuleKind::At { at, .. } => self.const_tick(at).map(Trigger::At),
            RuleKind::Every { period, until, .. } => {
                let p = self.const_int(period);
                let until = until.as_ref().and_then(|e| self.cond(e, &scope));
                match p {
                    Some(p) if p >= 1 && p <= MAX_HORIZON as i64 => Some(Trigger::Every { period: p as u32, until }),
                    Some(p) => {
                        self.err(
                            Diag::error(
                                Code::CheckBadPeriod,
                                format!("'every {p}' never repeats"),
                                period.span,
                                "must be at least 1 tick",
                            )
                            .with_help("write 'every 1' for every tick"),
                        );
                        None
                    }
                    None => None,
                }
            }
            RuleKind::When { cond, .. } => self.cond(cond, &scope).map(Trigger::When),
            RuleKind::Decide { at, decision } => {
                let t = self.const_tick(at);
                let what = match decision {
                    DecideForm::Attack { guard, span } => {
                        self.mark_attack(*span);
                        match guard {
                            Some(e) => self.cond(e, &scope).map(|c| DecideWhat::Attack(Some(c))),
                            None => Some(DecideWhat::Attack(None)),
                        }
                    }
                    DecideForm::Wait { span } => {
                        self.mark_attack(*span);
                        Some(DecideWhat::Wait)
                    }
                    DecideForm::Commit { value, guard, span } => {
                        self.mark_value(*span);
                        let v = self.expr(value, &scope);
                        let gd = match guard {
                            Some(e) => self.cond(e, &scope).map(Some),
                            None => Some(None),
                        };
                        match (v, gd) {
                            (Some(v), Some(gd)) => Some(DecideWhat::Commit(v, gd)),
                            _ => None,
                        }
                    }
                };
                match (t, what) {
                    (Some(at), Some(what)) => Some(Trigger::Decide { at, what }),
                    _ => None,
                }
            }
            RuleKind::Var { .. } => None,
        };
        let actions: Vec<Action> = rule_actions(d).iter().filter_map(|a| self.action(a, &scope, from_role)).collect();
        let complete = actions.len() == rule_actions(d).len();
        let Some(trigger) = trigger else { return false };
        let id = self.rules.len() as RuleId;
        let gen_rules = &mut self.generals[g as usize];
        match trigger {
            Trigger::Start => gen_rules.on_start.push(id),
            Trigger::Recover => gen_rules.on_recover.push(id),
            Trigger::Receive { .. } => gen_rules.on_receive.push(id),
            Trigger::At(_) | Trigger::Every { .. } => gen_rules.timed.push(id),
            Trigger::When(_) => gen_rules.when.push(id),
            Trigger::Decide { .. } => gen_rules.decide.push(id),
        }
        let line = self.line(d.span);
        self.rules.push(Rule {
            owner: g,
            trigger,
            actions,
            span: d.span,
            line,
            text,
            locals: scope.locals.len() as u8,
        });
        complete
    }

    pub(super) fn mark_attack(&mut self, span: Span) {
        if self.attacks.is_none() {
            self.attacks = Some(span);
        }
        if let Some(v) = self.values {
            self.mixed(span, v);
        }
    }

    pub(super) fn mark_value(&mut self, span: Span) {
        if self.values.is_none() {
            self.values = Some(span);
        }
        if let Some(a) = self.attacks {
            self.mixed(span, a);
        }
    }

    fn mixed(&mut self, here: Span, other: Span) {
        if self.diags.iter().any(|d| d.code == Code::CheckMixedDecisions.as_str()) {
            return;
        }
        self.err(
            Diag::error(
                Code::CheckMixedDecisions,
                "this scenario decides both attack/wait and values",
                here,
                "one kind of decision here",
            )
            .with_label(other, "the other kind here")
            .with_help("a scenario decides either attack/wait or values with 'commit', not both"),
        );
    }
}

/// Whether a rule can decide: `decide at`, or an action that attacks, waits or commits.
pub(crate) fn could_decide(d: &RuleDecl) -> bool {
    matches!(d.kind, RuleKind::Decide { .. })
        || rule_actions(d).iter().any(|a| matches!(a, AA::Attack(_) | AA::Wait(_) | AA::Commit { .. }))
}

/// The actions of a rule, if it has any.
pub(crate) fn rule_actions(r: &RuleDecl) -> &[AA] {
    match &r.kind {
        RuleKind::Start(a) | RuleKind::Recover(a) => a,
        RuleKind::Receive { actions, .. }
        | RuleKind::At { actions, .. }
        | RuleKind::Every { actions, .. }
        | RuleKind::When { actions, .. } => actions,
        RuleKind::Decide { .. } | RuleKind::Var { .. } => &[],
    }
}
