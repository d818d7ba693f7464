//! Rules, actions and expressions: each general's behaviour, resolved and typed.

use super::*;
use crate::syntax::ast::{Action as AA, DecideForm, RuleDecl, RuleKind, SenderFilter};

/// Names visible inside one rule.
struct Scope {
    owner: GenId,
    /// Payload binders of an `on receive` rule.
    locals: Vec<(String, Ty, Span)>,
    /// Whether the expression may depend on the run (knowledge, `now`, variables).
    runtime: bool,
}

impl<'a> Checker<'a> {
    /// Gives each kind the payload types its sends carry; reports sends that disagree.
    pub(super) fn infer_kinds(&mut self, file: &ast::File) {
        let mut first: HashMap<KindId, (Vec<Ty>, Span)> = HashMap::new();
        let mut visit = |c: &mut Checker, rules: &[RuleDecl], vars: &[(String, Ty)]| {
            for r in rules {
                for a in rule_actions(r) {
                    if let AA::Send { msg, .. } = a {
                        let id = c.kind_id(&msg.kind);
                        if c.kind_sent[id as usize].is_none() {
                            c.kind_sent[id as usize] = Some(msg.kind.span);
                        }
                        let tys: Vec<Ty> = msg.args.iter().map(|e| c.shallow_type(e, vars)).collect();
                        if msg.args.len() > MAX_ARGS {
                            c.err(Diag::error(
                                "herald::check::too_many_values",
                                format!("a message carries at most {MAX_ARGS} values"),
                                msg.span,
                                format!("this one has {}", msg.args.len()),
                            ));
                            continue;
                        }
                        match first.get(&id) {
                            None => {
                                first.insert(id, (tys.clone(), msg.span));
                                c.kinds[id as usize].arg_types = tys;
                            }
                            Some((t0, s0)) if *t0 != tys => {
                                let describe = |t: &[Ty]| {
                                    if t.is_empty() {
                                        "no payload".to_string()
                                    } else {
                                        format!("({})", t.iter().map(|t| t.name()).collect::<Vec<_>>().join(", "))
                                    }
                                };
                                c.err(
                                    Diag::error(
                                        "herald::check::payload_mismatch",
                                        format!("'{}' is sent with two different payloads", msg.kind.name),
                                        msg.span,
                                        format!("here with {}", describe(&tys)),
                                    )
                                    .with_label(*s0, format!("here with {}", describe(t0)))
                                    .with_help(
                                        "every messenger of one kind carries the same number and types of values",
                                    ),
                                );
                            }
                            _ => {}
                        }
                    }
                }
            }
        };
        let role_vars: Vec<Vec<(String, Ty)>> =
            self.role_rules.clone().iter().map(|rs| self.shallow_vars(rs)).collect();
        for (i, rules) in self.role_rules.clone().iter().enumerate() {
            visit(self, rules, &role_vars[i]);
        }
        for stmt in &file.stmts {
            if let Stmt::General(g) = stmt {
                let mut vars = self.shallow_vars(&g.rules);
                if let Some(r) = g.role.as_ref().and_then(|r| self.role_index.get(&r.name)) {
                    vars.extend(role_vars[*r].iter().cloned());
                }
                visit(self, &g.rules, &vars);
            }
        }
    }

    fn shallow_vars(&mut self, rules: &[RuleDecl]) -> Vec<(String, Ty)> {
        let mut out = Vec::new();
        for r in rules {
            if let RuleKind::Var { name, init } = &r.kind {
                let t = self.shallow_type(init, &out);
                out.push((name.name.clone(), t));
            }
        }
        out
    }

    /// The type of an expression at a glance (binders count as numbers).
    fn shallow_type(&self, e: &ast::Expr, vars: &[(String, Ty)]) -> Ty {
        match &e.kind {
            AE::Str(_) => Ty::Str,
            AE::Name(n) => {
                if let Some((_, t)) = vars.iter().find(|(v, _)| v == n) {
                    return *t;
                }
                match self.globals.get(n) {
                    Some((Global::Param(i), _)) if matches!(self.params[*i].value, ParamVal::Str(_)) => Ty::Str,
                    _ => Ty::Int,
                }
            }
            AE::Not(_) | AE::Received { .. } | AE::Sent { .. } => Ty::Bool,
            AE::Binary(op, ..) if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) => Ty::Bool,
            _ => Ty::Int,
        }
    }

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
                "herald::check::not_constant",
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
                        "herald::check::duplicate",
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
                        "herald::check::type_mismatch",
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
                "herald::check::duplicate",
                format!("variable '{}' has the name of a param or time", name.name),
                name.span,
                "choose another name",
            ));
            return;
        }
        vars.push(Var { name: name.name.clone(), ty: e.ty, init: v, span: name.span });
    }

    fn rule(&mut self, g: GenId, d: &RuleDecl, from_role: bool) {
        let mut scope = Scope { owner: g, locals: vec![], runtime: true };
        let text = d.head.text(self.src).trim_end().to_string();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
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
                                "herald::check::bad_period",
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
        let Some(trigger) = trigger else { return };
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
    }

    fn mark_attack(&mut self, span: Span) {
        if self.attacks.is_none() {
            self.attacks = Some(span);
        }
        if let Some(v) = self.values {
            self.mixed(span, v);
        }
    }

    fn mark_value(&mut self, span: Span) {
        if self.values.is_none() {
            self.values = Some(span);
        }
        if let Some(a) = self.attacks {
            self.mixed(span, a);
        }
    }

    fn mixed(&mut self, here: Span, other: Span) {
        if self.diags.iter().any(|d| d.code == "herald::check::mixed_decisions") {
            return;
        }
        self.err(
            Diag::error(
                "herald::check::mixed_decisions",
                "this scenario decides both attack/wait and values",
                here,
                "one kind of decision here",
            )
            .with_label(other, "the other kind here")
            .with_help("a scenario decides either attack/wait or values with 'commit', not both"),
        );
    }

    fn action(&mut self, a: &AA, scope: &Scope, from_role: bool) -> Option<Action> {
        Some(match a {
            AA::Send { msg, to, copies, span } => {
                let kind = self.kind_id(&msg.kind);
                let mut args = Vec::new();
                let want = self.kinds[kind as usize].arg_types.clone();
                for (i, e) in msg.args.iter().enumerate() {
                    let v = self.expr(e, scope)?;
                    if let Some(t) = want.get(i)
                        && *t != v.ty
                    {
                        self.type_error(e.span, *t, v.ty);
                        return None;
                    }
                    args.push(v);
                }
                if !from_role {
                    for t in to {
                        if let ast::Target::Name(id) = t
                            && self.gen_index.get(&id.name) == Some(&scope.owner)
                        {
                            self.err(
                                Diag::error(
                                    "herald::check::send_to_self",
                                    format!("'{}' sends to itself", id.name),
                                    id.span,
                                    "the sender itself",
                                )
                                .with_help("a general knows what it knows: send to the others"),
                            );
                            return None;
                        }
                    }
                }
                let targets = self.targets(to, Some(scope.owner))?;
                let copies = match copies {
                    Some(c) => {
                        let e = self.expr(c, scope)?;
                        if e.ty != Ty::Int {
                            self.type_error(c.span, Ty::Int, e.ty);
                            return None;
                        }
                        if let ExprKind::Const(v) = e.kind
                            && v < 1
                        {
                            self.err(Diag::error(
                                "herald::check::bad_number",
                                "a send needs at least 1 copy",
                                c.span,
                                format!("this is {v}"),
                            ));
                            return None;
                        }
                        Some(e)
                    }
                    None => None,
                };
                let mut missing = Vec::new();
                for &t in &targets {
                    if self.chan_of[scope.owner as usize * self.generals.len() + t as usize].is_none() {
                        missing.push(t);
                    }
                }
                if !missing.is_empty() {
                    let from = self.generals[scope.owner as usize].name.clone();
                    let names: Vec<String> = missing.iter().map(|t| self.generals[*t as usize].name.clone()).collect();
                    self.err(
                        Diag::error(
                            "herald::check::no_channel",
                            format!("no channel from {from} to {}", names.join(", ")),
                            *span,
                            format!("{from} cannot send this to {}", names.join(", ")),
                        )
                        .with_help(format!("declare one: 'channel {from} -> {} {{ delay 1 }}'", names[0])),
                    );
                    return None;
                }
                Action::Send { kind, args, to: targets, copies, span: *span }
            }
            AA::Attack(s) => {
                self.mark_attack(*s);
                Action::Attack(*s)
            }
            AA::Wait(s) => {
                self.mark_attack(*s);
                Action::Wait(*s)
            }
            AA::Crash(s) => Action::Crash(*s),
            AA::Set { name, value, span } => {
                let Some(idx) = self.generals[scope.owner as usize].vars.iter().position(|v| v.name == name.name)
                else {
                    self.unknown_var(scope.owner, name);
                    return None;
                };
                let e = self.expr(value, scope)?;
                let ty = self.generals[scope.owner as usize].vars[idx].ty;
                if e.ty != ty {
                    self.type_error(value.span, ty, e.ty);
                    return None;
                }
                Action::Set { var: idx as u16, value: e, span: *span }
            }
            AA::Commit { value, span } => {
                self.mark_value(*span);
                Action::Commit { value: self.expr(value, scope)?, span: *span }
            }
        })
    }

    fn unknown_var(&mut self, g: GenId, name: &ast::Ident) {
        let names: Vec<String> = self.generals[g as usize].vars.iter().map(|v| v.name.clone()).collect();
        let mut d = Diag::error(
            "herald::check::unknown_variable",
            format!("unknown variable '{}'", name.name),
            name.span,
            format!("{} has no variable of this name", self.generals[g as usize].name),
        );
        d.help = Some(
            did_you_mean(&name.name, names.iter().map(String::as_str))
                .unwrap_or_else(|| format!("declare it in the general or its role: 'var {} = 0'", name.name)),
        );
        self.err(d);
    }

    fn type_error(&mut self, span: Span, want: Ty, got: Ty) {
        self.err(Diag::error(
            "herald::check::type_mismatch",
            format!("expected {}, found {}", want.name(), got.name()),
            span,
            format!("this is {}", got.name()),
        ));
    }

    /// A pattern; in `on receive` (`binding`), unbound payload names bind values.
    fn pattern(&mut self, p: &ast::Pattern, scope: &mut Scope, binding: bool) -> Option<Pattern> {
        let kind = self.checked_kind(&p.kind);
        let types = self.kinds[kind as usize].arg_types.clone();
        if !p.args.is_empty() && p.args.len() != types.len() && self.kind_sent[kind as usize].is_some() {
            self.err(
                Diag::error(
                    "herald::check::payload_mismatch",
                    format!("'{}' carries {} value(s), this pattern has {}", p.kind.name, types.len(), p.args.len()),
                    p.span,
                    "wrong number of values",
                )
                .with_help(format!("write {} value(s), or none to match any payload", types.len())),
            );
            return None;
        }
        let mut args = Vec::new();
        let mut bound_here: Vec<(String, Span)> = Vec::new();
        for (i, a) in p.args.iter().enumerate() {
            let ty = types.get(i).copied().unwrap_or(Ty::Int);
            match a {
                ast::PatternArg::Wildcard(_) => args.push(PatArg::Any),
                ast::PatternArg::Expr(e) => {
                    // A name bound earlier in this same pattern is a second binder, not a
                    // match against the first one's value: checked before `is_bound`,
                    // which sees the first binding.
                    if binding
                        && let AE::Name(n) = &e.kind
                        && let Some((_, first)) = bound_here.iter().find(|(b, _)| b == n)
                    {
                        self.err(
                            Diag::error(
                                "herald::check::binder_twice",
                                format!("'{n}' is bound twice in one pattern"),
                                e.span,
                                "bound again here",
                            )
                            .with_label(*first, "first bound here")
                            .with_help("use another name, or '_' for a value you do not need"),
                        );
                        return None;
                    }
                    if binding
                        && let AE::Name(n) = &e.kind
                        && !self.is_bound(n, scope)
                    {
                        bound_here.push((n.clone(), e.span));
                        scope.locals.push((n.clone(), ty, e.span));
                        args.push(PatArg::Bind((scope.locals.len() - 1) as u8));
                        continue;
                    }
                    let v = self.expr(e, scope)?;
                    if v.ty != ty {
                        self.type_error(e.span, ty, v.ty);
                        return None;
                    }
                    args.push(PatArg::Eq(v));
                }
            }
        }
        Some(Pattern { kind, args })
    }

    fn is_bound(&self, n: &str, scope: &Scope) -> bool {
        scope.locals.iter().any(|(l, ..)| l == n)
            || self.globals.contains_key(n)
            || self.generals[scope.owner as usize].vars.iter().any(|v| v.name == n)
    }

    /// A condition: an expression of type bool.
    fn cond(&mut self, e: &ast::Expr, scope: &Scope) -> Option<Expr> {
        let c = self.expr(e, scope)?;
        if c.ty != Ty::Bool {
            self.err(
                Diag::error(
                    "herald::check::type_mismatch",
                    format!("expected a condition, found {}", c.ty.name()),
                    e.span,
                    "not true or false",
                )
                .with_help("compare it: 'count received vote >= 3'"),
            );
            return None;
        }
        Some(c)
    }

    fn expr(&mut self, e: &ast::Expr, scope: &Scope) -> Option<Expr> {
        let span = e.span;
        let mk = |kind, ty| Some(Expr { kind, ty, span });
        match &e.kind {
            AE::Int(v) => mk(ExprKind::Const(*v), Ty::Int),
            AE::Str(s) => {
                let i = self.intern_str(s);
                mk(ExprKind::Const(i), Ty::Str)
            }
            AE::Prob(_) => {
                self.err(
                    Diag::error(
                        "herald::check::type_mismatch",
                        "a probability cannot be used here",
                        span,
                        "a probability",
                    )
                    .with_help("probabilities belong in 'lose', 'duplicate' and params; conditions use numbers"),
                );
                None
            }
            AE::Now => {
                if !scope.runtime {
                    return self.not_static(span);
                }
                mk(ExprKind::Now, Ty::Int)
            }
            AE::Name(n) => {
                if let Some(i) = scope.locals.iter().position(|(l, ..)| l == n) {
                    return mk(ExprKind::Local(i as u8), scope.locals[i].1);
                }
                if let Some(i) = self.generals[scope.owner as usize].vars.iter().position(|v| &v.name == n) {
                    if !scope.runtime {
                        return self.not_static(span);
                    }
                    let ty = self.generals[scope.owner as usize].vars[i].ty;
                    return mk(ExprKind::Var(i as u16), ty);
                }
                match self.globals.get(n).copied() {
                    Some((Global::Param(i), _)) => match self.params[i].value.clone() {
                        ParamVal::Int(v) => mk(ExprKind::Const(v), Ty::Int),
                        ParamVal::Str(s) => {
                            let i = self.intern_str(&s);
                            mk(ExprKind::Const(i), Ty::Str)
                        }
                        ParamVal::Prob(_) => {
                            self.err(
                                Diag::error(
                                    "herald::check::type_mismatch",
                                    format!("param '{n}' is a probability"),
                                    span,
                                    "a probability",
                                )
                                .with_help("probabilities belong in 'lose' and 'duplicate'"),
                            );
                            None
                        }
                    },
                    Some((Global::Time(i), _)) => mk(ExprKind::Const(self.times[i].1), Ty::Int),
                    None => {
                        let mut cands: Vec<String> = self.globals.keys().cloned().collect();
                        cands.extend(scope.locals.iter().map(|l| l.0.clone()));
                        cands.extend(self.generals[scope.owner as usize].vars.iter().map(|v| v.name.clone()));
                        cands.sort();
                        let mut d = Diag::error(
                            "herald::check::unknown_name",
                            format!("unknown name '{n}'"),
                            span,
                            "not a param, time, variable or binding",
                        );
                        d.help = Some(did_you_mean(n, cands.iter().map(String::as_str)).unwrap_or_else(|| {
                            if self.gen_index.contains_key(n) {
                                format!("'{n}' is a general; conditions are about what this general has seen: 'received KIND from {n}'")
                            } else {
                                "declare it: 'param NAME = VALUE', 'time NAME = TICK' or 'var NAME = VALUE'".into()
                            }
                        }));
                        self.err(d);
                        None
                    }
                }
            }
            AE::Neg(a) => {
                let a = self.expr(a, scope)?;
                self.want(&a, Ty::Int)?;
                if let ExprKind::Const(v) = a.kind {
                    return mk(ExprKind::Const(v.wrapping_neg()), Ty::Int);
                }
                mk(ExprKind::Neg(Box::new(a)), Ty::Int)
            }
            AE::Not(a) => {
                let a = self.expr(a, scope)?;
                self.want(&a, Ty::Bool)?;
                mk(ExprKind::Not(Box::new(a)), Ty::Bool)
            }
            AE::Binary(op, a, b) => {
                let (a, b) = (self.expr(a, scope), self.expr(b, scope));
                let (a, b) = (a?, b?);
                let ty = match op {
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                        self.want(&a, Ty::Int)?;
                        self.want(&b, Ty::Int)?;
                        Ty::Int
                    }
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        self.want(&a, Ty::Int)?;
                        self.want(&b, Ty::Int)?;
                        Ty::Bool
                    }
                    BinOp::Eq | BinOp::Ne => {
                        if a.ty != b.ty {
                            self.err(
                                Diag::error(
                                    "herald::check::type_mismatch",
                                    format!("cannot compare {} with {}", a.ty.name(), b.ty.name()),
                                    span,
                                    "different types",
                                )
                                .with_label(a.span, a.ty.name())
                                .with_label(b.span, b.ty.name()),
                            );
                            return None;
                        }
                        Ty::Bool
                    }
                    BinOp::And | BinOp::Or => {
                        self.want(&a, Ty::Bool)?;
                        self.want(&b, Ty::Bool)?;
                        Ty::Bool
                    }
                };
                if let (ExprKind::Const(x), ExprKind::Const(y)) = (&a.kind, &b.kind)
                    && let Some(v) = fold(*op, *x, *y)
                {
                    return mk(ExprKind::Const(v), ty);
                }
                if *op == BinOp::Div && matches!(b.kind, ExprKind::Const(0)) {
                    self.err(Diag::error("herald::check::division_by_zero", "division by zero", span, "divides by 0"));
                    return None;
                }
                mk(ExprKind::Bin(*op, Box::new(a), Box::new(b)), ty)
            }
            AE::MinMax { max, a, b } => {
                let (a, b) = (self.expr(a, scope)?, self.expr(b, scope)?);
                self.want(&a, Ty::Int)?;
                self.want(&b, Ty::Int)?;
                mk(ExprKind::MinMax { max: *max, a: Box::new(a), b: Box::new(b) }, Ty::Int)
            }
            AE::Received { pattern, from, by } | AE::Count { pattern, from, by } => {
                if !scope.runtime {
                    return self.not_static(span);
                }
                let count = matches!(e.kind, AE::Count { .. });
                let mut s2 = Scope { owner: scope.owner, locals: scope.locals.clone(), runtime: true };
                let pat = self.pattern(pattern, &mut s2, false)?;
                let by = match by {
                    Some(b) => {
                        let v = self.expr(b, scope)?;
                        self.want(&v, Ty::Int)?;
                        Some(Box::new(v))
                    }
                    None => None,
                };
                let senders = match from {
                    None => Senders::Any(None),
                    Some(SenderFilter::Any(t)) => Senders::Any(Some(self.targets(t, Some(scope.owner))?)),
                    Some(SenderFilter::Each(t, _)) => Senders::Each(match t {
                        Some(t) => self.targets(t, Some(scope.owner))?,
                        None => (0..self.generals.len() as GenId).filter(|g| *g != scope.owner).collect(),
                    }),
                };
                if count {
                    let from = match senders {
                        Senders::Any(f) => f,
                        Senders::Each(_) => {
                            self.err(
                                Diag::error(
                                    "herald::check::count_from_all",
                                    "'count received ... from all' counts nothing more",
                                    span,
                                    "'from all' here",
                                )
                                .with_help(
                                    "count counts distinct senders: write 'count received KIND' or '... from ROLE'",
                                ),
                            );
                            return None;
                        }
                    };
                    mk(ExprKind::Count { pattern: pat, from, by }, Ty::Int)
                } else {
                    mk(ExprKind::Received { pattern: pat, from: senders, by }, Ty::Bool)
                }
            }
            AE::Sent { pattern, to } => {
                if !scope.runtime {
                    return self.not_static(span);
                }
                let mut s2 = Scope { owner: scope.owner, locals: scope.locals.clone(), runtime: true };
                let pat = self.pattern(pattern, &mut s2, false)?;
                let to = match to {
                    Some(t) => Some(self.targets(t, Some(scope.owner))?),
                    None => None,
                };
                mk(ExprKind::Sent { pattern: pat, to }, Ty::Bool)
            }
        }
    }

    fn not_static<T>(&mut self, span: Span) -> Option<T> {
        self.err(
            Diag::error("herald::check::not_constant", "this must be known before the run", span, "depends on the run")
                .with_help("use numbers, params and times here"),
        );
        None
    }

    fn want(&mut self, e: &Expr, ty: Ty) -> Option<()> {
        if e.ty != ty {
            self.type_error(e.span, ty, e.ty);
            return None;
        }
        Some(())
    }
}

/// Folds a constant binary operation; `None` where it cannot (overflow, division by zero).
/// (Also what lean runs' compiled conditions compute, `sim::quick`.)
#[inline]
pub(crate) fn fold(op: BinOp, x: i64, y: i64) -> Option<i64> {
    Some(match op {
        BinOp::Add => x.checked_add(y)?,
        BinOp::Sub => x.checked_sub(y)?,
        BinOp::Mul => x.checked_mul(y)?,
        BinOp::Div => x.checked_div(y)?,
        BinOp::Lt => (x < y) as i64,
        BinOp::Le => (x <= y) as i64,
        BinOp::Gt => (x > y) as i64,
        BinOp::Ge => (x >= y) as i64,
        BinOp::Eq => (x == y) as i64,
        BinOp::Ne => (x != y) as i64,
        BinOp::And => (x != 0 && y != 0) as i64,
        BinOp::Or => (x != 0 || y != 0) as i64,
    })
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
